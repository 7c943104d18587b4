/*
 * threads.c -- multi-threaded tracee.
 *
 * Exercises: opens /dev/null, creates 3 pthreads (clone3 on glibc 2.34+);
 * each thread does getpid, gettid and 3 write(2)s of "thread N\n" to
 * /dev/null, then returns; main joins all three (futex) and closes the fd.
 * The interleaving of the threads' syscalls is not deterministic.
 *
 * Usage: threads     Prints nothing.  Exit status 0 (1 on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 3

static int devnull = -1;

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "threads: ", 9);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

static void *worker(void *arg)
{
    long idx = (long)arg;
    char msg[] = "thread N\n";
    msg[7] = (char)('0' + idx);
    pid_t pid = getpid();
    pid_t tid = (pid_t)syscall(SYS_gettid);
    if (pid <= 0 || tid <= 0 || tid == pid)
        return (void *)1;
    for (int i = 0; i < 3; i++)
        if (write(devnull, msg, sizeof msg - 1) != (ssize_t)(sizeof msg - 1))
            return (void *)1;
    return NULL;
}

int main(void)
{
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0)
        die("open(/dev/null)");

    pthread_t th[NTHREADS];
    for (long i = 0; i < NTHREADS; i++) {
        int rc = pthread_create(&th[i], NULL, worker, (void *)i);
        if (rc != 0) {
            errno = rc;
            die("pthread_create");
        }
    }
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        int rc = pthread_join(th[i], &ret);
        if (rc != 0) {
            errno = rc;
            die("pthread_join");
        }
        if (ret != NULL) {
            errno = 0;
            die("worker failed");
        }
    }
    close(devnull);
    return 0;
}
