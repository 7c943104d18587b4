/*
 * holder.c -- a process that keeps one file open and reads it now and then, for the tests of
 * whole-machine and selected recording (-a, --cgroup, --comm, -u): started before the recorder,
 * its reads name the file only if the recorder introduced it with its fds.
 *
 * Usage: holder FILE SECONDS
 * Opens FILE once, then ceil(SECONDS * 50) times: pread64(fd, buf, 1, 0) and nanosleep(20 ms).
 * Prints nothing; exit status 0 (1 if FILE cannot be opened).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3)
    return 2;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0)
    return 1;
  long ticks = (long)(strtod(argv[2], NULL) * 50.0 + 0.999);
  char c;
  for (long i = 0; i < ticks; i++) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    if (pread(fd, &c, 1, 0) < 0)
      return 1;
    nanosleep(&ts, NULL);
  }
  return 0;
}
