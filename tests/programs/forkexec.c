/*
 * forkexec.c -- fork + execve + wait.
 *
 * Exercises: fork (clone); the child execve("/bin/true", ["true"], environ);
 * the parent reaps it with wait4 (expects exit 0).  Then a second fork whose
 * child _exit(3)s; the parent reaps it with waitpid (wait4 syscall) and
 * checks the status is 3.
 *
 * Usage: forkexec    Prints nothing.  Exit status 0 (1 with a message on
 * stderr on unexpected failure, including a failed execve in the child).
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
    write(2, "forkexec: ", 10);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(void)
{
    int status;

    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        char *const args[] = { "true", NULL };
        execve("/bin/true", args, environ);
        die("execve(/bin/true)");   /* exits 1 from the child */
    }
    if (wait4(pid, &status, 0, NULL) != pid)
        die("wait4");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = 0;
        die("/bin/true child did not exit 0");
    }

    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        _exit(3);
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) {
        errno = 0;
        die("second child did not exit 3");
    }
    return 0;
}
