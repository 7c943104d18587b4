/*
 * bigio.c -- large buffers, for capture-size tests.
 *
 * Exercises: open("/dev/null", O_WRONLY), one write of a 1 MiB buffer
 * (byte i = i & 0xff; returns 1048576), close; open("/dev/zero", O_RDONLY),
 * one read of 100 KiB (102400 bytes, all zero), close.  The buffers are
 * static (.bss), so no mmap/brk is involved.
 *
 * Usage: bigio       Prints nothing.  Exit status 0 (1 with a message on
 * stderr on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define WSIZE (1024 * 1024)
#define RSIZE (100 * 1024)

static unsigned char wbuf[WSIZE];
static unsigned char rbuf[RSIZE];

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "bigio: ", 7);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(void)
{
    for (int i = 0; i < WSIZE; i++)
        wbuf[i] = (unsigned char)(i & 0xff);
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die("open(/dev/null)");
    if (write(fd, wbuf, WSIZE) != WSIZE)
        die("write 1 MiB");
    close(fd);

    memset(rbuf, 0x5a, sizeof rbuf);
    fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open(/dev/zero)");
    if (read(fd, rbuf, RSIZE) != RSIZE)
        die("read 100 KiB");
    for (int i = 0; i < RSIZE; i++)
        if (rbuf[i] != 0) {
            errno = 0;
            die("/dev/zero returned non-zero bytes");
        }
    close(fd);
    return 0;
}
