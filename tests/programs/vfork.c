/*
 * vfork.c -- vfork + execve.
 *
 * Exercises: vfork (the parent is suspended until the child execs); the
 * child execve("/bin/true", ["true"], environ), or if that fails writes a
 * message to stderr and _exit(0)s; the parent reaps it with wait4.
 *
 * Usage: vfork       Prints nothing.  Exit status 0 (1 with a message on
 * stderr if vfork/wait4 fail or the child does not exit 0).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "vfork: ", 7);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(void)
{
    char *const args[] = { "true", NULL };
    pid_t pid = vfork();
    if (pid < 0)
        die("vfork");
    if (pid == 0) {
        /* Only execve/write/_exit are safe in a vfork child. */
        execve("/bin/true", args, environ);
        write(2, "vfork: execve(/bin/true) failed\n", 32);
        _exit(0);
    }
    int status;
    if (wait4(pid, &status, 0, NULL) != pid)
        die("wait4");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = 0;
        die("child did not exit 0");
    }
    return 0;
}
