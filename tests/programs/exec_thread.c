/*
 * exec_thread.c -- execve from a non-leader thread.
 *
 * Exercises: the main thread creates one pthread and blocks in
 * pthread_join (futex); the new thread calls
 * execve("/bin/echo", ["echo", "exec-from-thread"], []) -- with an EMPTY
 * environment, so echo's startup does not depend on LANG etc. (with
 * LANG=C.UTF-8 it would open ~30 locale files).  The kernel kills the
 * leader and the exec'ing thread takes over the leader's PID: strace -f
 * prints "<leader> +++ superseded by execve in pid <thread tid> +++" and
 * then "<leader> <... execve resumed>) = 0", i.e. the execve result and
 * everything after it appear under the leader's PID.  echo prints
 * "exec-from-thread\n".
 *
 * Usage: exec_thread   Output: "exec-from-thread\n".  Exit status is
 * echo's: 0.  (1 with a message on stderr if pthread_create or execve fail.)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "exec_thread: ", 13);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

static void *exec_thread(void *arg)
{
    (void)arg;
    char *const args[] = { "echo", "exec-from-thread", NULL };
    char *const envp[] = { NULL };
    execve("/bin/echo", args, envp);
    die("execve(/bin/echo)");
    return NULL;
}

int main(void)
{
    pthread_t th;
    int rc = pthread_create(&th, NULL, exec_thread, NULL);
    if (rc != 0) {
        errno = rc;
        die("pthread_create");
    }
    pthread_join(th, NULL);   /* never returns: the exec replaces us */
    errno = 0;
    die("pthread_join returned");
    return 1;
}
