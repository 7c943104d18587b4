/*
 * syscall_loop.c -- benchmark workload: N cheap syscalls in a tight loop.
 *
 * Usage: syscall_loop [N [MODE [DIR]]]
 *   N     iterations (default 100000)
 *   MODE  getppid   (default) syscall(SYS_getppid) N times
 *         write     1-byte write to /dev/null N times
 *         pread     4 KiB pread64 at offset 0 of a 4 KiB file N times; the
 *                   file is created in DIR (argv[3]) or via mkstemp in /tmp,
 *                   and unlinked at the end
 *         openclose open("/dev/null") + close N times (2N syscalls)
 *         mix       2 threads, each doing N/2 iterations cycling through
 *                   getppid / write / pread / open+close
 * Prints nothing.  Exit status 0; 2 with usage on stderr for a bad mode,
 * 1 with a message on stderr on unexpected failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BLK 4096

static int null_fd = -1, data_fd = -1;

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "syscall_loop: ", 14);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

static void do_getppid(void)
{
    syscall(SYS_getppid);
}

static void do_write(void)
{
    if (write(null_fd, "x", 1) != 1)
        die("write");
}

static void do_pread(void)
{
    char buf[BLK];
    if (pread(data_fd, buf, BLK, 0) != BLK)
        die("pread");
}

static void do_openclose(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open(/dev/null)");
    close(fd);
}

static long iterations;

static void *mix_worker(void *arg)
{
    long start = (long)arg;
    for (long i = 0; i < iterations / 2; i++) {
        switch ((i + start) & 3) {
        case 0: do_getppid(); break;
        case 1: do_write(); break;
        case 2: do_pread(); break;
        default: do_openclose(); break;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    iterations = argc > 1 ? strtol(argv[1], NULL, 0) : 100000;
    const char *mode = argc > 2 ? argv[2] : "getppid";
    const char *dir = argc > 3 ? argv[3] : NULL;

    int is_mix = strcmp(mode, "mix") == 0;
    void (*op)(void) = NULL;
    if (strcmp(mode, "getppid") == 0)
        op = do_getppid;
    else if (strcmp(mode, "write") == 0)
        op = do_write;
    else if (strcmp(mode, "pread") == 0)
        op = do_pread;
    else if (strcmp(mode, "openclose") == 0)
        op = do_openclose;
    else if (!is_mix) {
        static const char msg[] =
            "usage: syscall_loop [N [getppid|write|pread|openclose|mix [DIR]]]\n";
        write(2, msg, sizeof msg - 1);
        return 2;
    }

    if (op == do_write || is_mix) {
        null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null_fd < 0)
            die("open(/dev/null)");
    }
    char path[4096] = "";
    if (op == do_pread || is_mix) {
        if (dir) {
            snprintf(path, sizeof path, "%s/syscall_loop.dat", dir);
            data_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        } else {
            strcpy(path, "/tmp/strec-syscall_loop-XXXXXX");
            data_fd = mkstemp(path);
        }
        if (data_fd < 0)
            die("create data file");
        static char blk[BLK];
        memset(blk, 'p', sizeof blk);
        if (write(data_fd, blk, BLK) != BLK)
            die("write data file");
    }

    if (is_mix) {
        pthread_t th[2];
        for (long i = 0; i < 2; i++) {
            int rc = pthread_create(&th[i], NULL, mix_worker, (void *)(i * 2));
            if (rc != 0) {
                errno = rc;
                die("pthread_create");
            }
        }
        for (int i = 0; i < 2; i++)
            pthread_join(th[i], NULL);
    } else {
        for (long i = 0; i < iterations; i++)
            op();
    }

    if (data_fd >= 0) {
        close(data_fd);
        if (unlink(path) != 0)
            die("unlink data file");
    }
    if (null_fd >= 0)
        close(null_fd);
    return 0;
}
