/*
 * pipes.c -- pipes, fork, wait4, dup2/dup3.
 *
 * Exercises: pipe2(O_CLOEXEC), fork (clone), the child writes "ping" into
 * the pipe and exits 0; the parent reads the 4 bytes, reaps the child with
 * wait4, then dup2(read end, 10) and dup3(10, 11, O_CLOEXEC), closes all.
 *
 * Usage: pipes       Prints nothing.  Exit status 0 (1 on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "pipes: ", 7);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        die("pipe2");

    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(fds[0]);
        if (write(fds[1], "ping", 4) != 4)
            _exit(2);
        _exit(0);
    }

    close(fds[1]);
    char buf[16];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n != 4 || memcmp(buf, "ping", 4) != 0)
        die("read ping");

    int status;
    if (wait4(pid, &status, 0, NULL) != pid)
        die("wait4");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = 0;
        die("child did not exit 0");
    }

    if (dup2(fds[0], 10) != 10)
        die("dup2");
    if (dup3(10, 11, O_CLOEXEC) != 11)
        die("dup3");
    close(11);
    close(10);
    close(fds[0]);
    return 0;
}
