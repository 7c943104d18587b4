/*
 * mmap.c -- memory-mapping syscalls.
 *
 * Exercises: mmap of 3 anonymous private RW pages, writes to them,
 * mprotect(middle page, PROT_READ), madvise(MADV_DONTNEED) on all 3 pages
 * (contents read back as zero), munmap; then creates a one-page file
 * ("mmap.dat", filled with 'm') in DIR, mmaps it MAP_SHARED PROT_READ,
 * checks a byte, munmap, close, unlink; finally a raw brk(0).
 *
 * Usage: mmap [DIR]   (DIR defaults to a fresh mkdtemp dir under /tmp,
 *                      removed afterwards)
 * Prints nothing.  Exit status 0 (1 with a message on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "mmap: ", 6);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/strec-mmap-XXXXXX";
    const char *dir = argc > 1 ? argv[1] : NULL;
    int own_dir = 0;
    if (!dir) {
        if (!(dir = mkdtemp(tmpl)))
            die("mkdtemp");
        own_dir = 1;
    }

    /* Anonymous mapping: 3 pages RW. */
    unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap(anon)");
    memset(p, 0xab, 3 * PAGE);
    if (mprotect(p + PAGE, PAGE, PROT_READ) != 0)
        die("mprotect");
    if (madvise(p, 3 * PAGE, MADV_DONTNEED) != 0)
        die("madvise");
    if (p[0] != 0 || p[PAGE] != 0 || p[2 * PAGE] != 0) {
        errno = 0;
        die("MADV_DONTNEED did not zero the pages");
    }
    if (munmap(p, 3 * PAGE) != 0)
        die("munmap(anon)");

    /* File mapping. */
    char path[4096];
    snprintf(path, sizeof path, "%s/mmap.dat", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("open");
    static char page[PAGE];
    memset(page, 'm', sizeof page);
    if (write(fd, page, sizeof page) != PAGE)
        die("write");
    char *f = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    if (f == MAP_FAILED)
        die("mmap(file)");
    if (f[100] != 'm') {
        errno = 0;
        die("file mapping has wrong contents");
    }
    if (munmap(f, PAGE) != 0)
        die("munmap(file)");
    if (close(fd) != 0)
        die("close");
    if (unlink(path) != 0)
        die("unlink");

    /* Raw brk(0): returns the current program break. */
    if (syscall(SYS_brk, 0) == 0) {
        errno = 0;
        die("brk(0) returned 0");
    }

    if (own_dir && rmdir(dir) != 0)
        die("rmdir");
    return 0;
}
