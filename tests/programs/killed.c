/*
 * killed.c -- process terminated by a signal.
 *
 * Usage: killed [MODE]   (MODE is argv[1], not a directory)
 *   segv  (default) store through a NULL pointer -> killed by SIGSEGV
 *   kill  kill(getpid(), SIGKILL)                -> killed by SIGKILL
 *   term  raise(SIGTERM), default action         -> killed by SIGTERM
 *   abort abort()                                -> killed by SIGABRT
 * First sets RLIMIT_CORE to 0 (prlimit64) so no core file is written and
 * the termination is reported without "(core dumped)" regardless of the
 * caller's ulimit -c (does not help with a "|pipe" core_pattern), then
 * writes "about to die\n" to stdout.
 * An unknown mode prints a message on stderr and exits 2.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "segv";

    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_CORE, &rl);

    write(1, "about to die\n", 13);

    if (strcmp(mode, "segv") == 0) {
        /* Both the pointer and the pointee are volatile: with only the
         * pointer volatile, gcc -O1 drops the (undefined) store entirely. */
        volatile int *volatile p = NULL;
        *p = 42;
    } else if (strcmp(mode, "kill") == 0) {
        kill(getpid(), SIGKILL);
    } else if (strcmp(mode, "term") == 0) {
        raise(SIGTERM);
    } else if (strcmp(mode, "abort") == 0) {
        abort();
    } else {
        static const char msg[] = "killed: unknown mode (segv|kill|term|abort)\n";
        write(2, msg, sizeof msg - 1);
        return 2;
    }
    static const char msg[] = "killed: still alive after signal\n";
    write(2, msg, sizeof msg - 1);
    return 1;
}
