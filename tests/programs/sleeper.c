/*
 * sleeper.c -- long-running idle process for attach (-p) tests.
 *
 * Usage: sleeper [SECONDS]   (default 30; fractional values like 0.2 work)
 * Installs a SIGTERM handler (rt_sigaction, no SA_RESTART), then loops
 * nanosleep(50 ms) ceil(SECONDS * 20) times (glibc's nanosleep uses the
 * clock_nanosleep(CLOCK_REALTIME, 0, ...) syscall).  Prints nothing.
 * Exit status 0 when the time is up; 5 (exit_group from the handler) on
 * SIGTERM.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void on_term(int sig)
{
    (void)sig;
    _exit(5);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? strtod(argv[1], NULL) : 30.0;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);

    long ticks = (long)(secs * 20.0 + 0.999);
    for (long i = 0; i < ticks; i++) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}
