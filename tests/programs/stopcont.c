/*
 * stopcont.c -- job-control stop/continue of a child.
 *
 * Exercises: fork; the child kill(getpid(), SIGSTOP)s itself, and once
 * continued writes "resumed\n" and _exit(7)s.  The parent waits with
 * wait4(WUNTRACED) for the stop, sends SIGCONT with kill, waits again for
 * the exit (the parent also receives SIGCHLD, default action: ignored).
 * Only the child ever stops; the traced program itself never does.
 *
 * Usage: stopcont    Output: "resumed\n".  Exit status: the child's, 7
 * (1 with a message on stderr on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "stopcont: ", 10);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(void)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        kill(getpid(), SIGSTOP);
        write(1, "resumed\n", 8);
        _exit(7);
    }

    int status;
    if (waitpid(pid, &status, WUNTRACED) != pid)
        die("waitpid(WUNTRACED)");
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
        errno = 0;
        die("child did not stop with SIGSTOP");
    }
    if (kill(pid, SIGCONT) != 0)
        die("kill(SIGCONT)");
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(status)) {
        errno = 0;
        die("child did not exit normally");
    }
    return WEXITSTATUS(status);
}
