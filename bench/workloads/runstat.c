/*
 * runstat.c -- the overhead harness's timer (bench/overhead.sh), so that it needs neither GNU
 * time nor python.
 *
 * Usage: runstat STATFILE COMMAND [ARG...]
 * Runs COMMAND (stdin, stdout and stderr inherited), waits for it with wait4() and writes one line
 * to STATFILE:
 *   WALL_NS MAXRSS_KIB STATUS CPU_NS
 * WALL_NS is CLOCK_MONOTONIC from just before fork() to the reap. MAXRSS_KIB is ru_maxrss of
 * the child as wait4() reports it: the largest peak RSS among the child and the descendants it
 * waited for (so for a tracer: max of the tracer and its tracees). STATUS is the exit status, or
 * 128+N for death by signal N. CPU_NS is the user and system time of the child and of the
 * descendants it waited for (a recorder and the command it started; in-kernel eBPF time is
 * charged to the traced threads). Exit status: STATUS; 127 if COMMAND could not be run; 125 on a
 * usage or STATFILE error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fputs("usage: runstat STATFILE COMMAND [ARG...]\n", stderr);
    return 125;
  }
  FILE* stat_file = fopen(argv[1], "w");
  if (!stat_file) {
    fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
    return 125;
  }
  long long start = NowNs();
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
    return 125;
  }
  if (pid == 0) {
    fclose(stat_file);
    execvp(argv[2], argv + 2);
    fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "runstat: wait4: %s\n", strerror(errno));
      return 125;
    }
  }
  long long wall = NowNs() - start;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
                  (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
  fprintf(stat_file, "%lld %ld %d %lld\n", wall, ru.ru_maxrss, code, cpu);
  if (fclose(stat_file) != 0) {
    fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
    return 125;
  }
  return code;
}
