/*
 * exitcode.c -- plain exit status.
 *
 * Usage: exitcode [STATUS]   (default 42)
 * Calls exit_group(STATUS) directly via _exit; the observed exit status is
 * STATUS & 0xff.  Prints nothing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int status = argc > 1 ? (int)strtol(argv[1], NULL, 0) : 42;
    _exit(status);
}
