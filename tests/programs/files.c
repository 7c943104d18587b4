/*
 * files.c -- basic file I/O syscalls.
 *
 * Exercises: open (ENOENT failure), creat, openat, write ("hello strec\n",
 * 12 bytes), lseek(0), read (12 bytes into a 64-byte buffer), read at EOF
 * (returns 0), fstat (glibc's fstat -> newfstatat(fd, "", AT_EMPTY_PATH),
 * plus the raw fstat syscall), pread64 at offset 6 ("strec\n"), rename,
 * unlink, close, rmdir (only of a directory it created itself).
 *
 * Usage: files [DIR]   (DIR defaults to a fresh mkdtemp dir under /tmp,
 *                       removed afterwards)
 * Prints nothing on success.  Exit status 0; 1 with a message on stderr on
 * unexpected failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "files: ", 7);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/strec-files-XXXXXX";
    const char *dir = argc > 1 ? argv[1] : NULL;
    int own_dir = 0;
    if (!dir) {
        if (!(dir = mkdtemp(tmpl)))
            die("mkdtemp");
        own_dir = 1;
    }

    char path[4096], path2[4096], missing[4096];
    snprintf(path, sizeof path, "%s/files.txt", dir);
    snprintf(path2, sizeof path2, "%s/files-renamed.txt", dir);
    snprintf(missing, sizeof missing, "%s/does-not-exist", dir);

    /* Failed open: ENOENT. */
    if (open(missing, O_RDONLY) != -1 || errno != ENOENT)
        die("open of missing file did not fail with ENOENT");

    /* creat() the file (creat syscall), close, reopen it with openat. */
    int fd = creat(path, 0644);
    if (fd < 0)
        die("creat");
    if (close(fd) != 0)
        die("close");
    fd = openat(AT_FDCWD, path, O_RDWR | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        die("openat");

    static const char msg[] = "hello strec\n";
    if (write(fd, msg, 12) != 12)
        die("write");
    if (lseek(fd, 0, SEEK_SET) != 0)
        die("lseek");

    char buf[64];
    memset(buf, 0, sizeof buf);
    if (read(fd, buf, sizeof buf) != 12 || memcmp(buf, msg, 12) != 0)
        die("read back");
    if (read(fd, buf, sizeof buf) != 0)   /* at EOF */
        die("read at EOF");

    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size != 12)
        die("fstat");
    if (syscall(SYS_fstat, fd, &st) != 0 || st.st_size != 12)
        die("raw fstat");

    memset(buf, 0, sizeof buf);
    if (pread(fd, buf, sizeof buf, 6) != 6 || memcmp(buf, "strec\n", 6) != 0)
        die("pread64");

    if (rename(path, path2) != 0)
        die("rename");
    if (unlink(path2) != 0)
        die("unlink");
    if (close(fd) != 0)
        die("close");

    if (own_dir && rmdir(dir) != 0)
        die("rmdir");
    return 0;
}
