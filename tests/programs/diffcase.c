/*
 * diffcase.c -- a deterministic program for strec diff's tests: two runs with the same command
 * line that differ by one thing the environment decides.
 *
 * Usage: diffcase FILE
 * Opens and reads FILE (a run where it is missing gets ENOENT and goes on), starts
 * $DIFFCASE_THREADS threads (default 0) that each call getpid once and are joined, writes
 * "done\n" to fd $DIFFCASE_FD (default 1; a closed fd fails with EBADF), then getppid, exit 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static void* worker(void* arg) {
  (void)arg;
  syscall(SYS_getpid);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2)
    return 2;
  char buf[64];
  int fd = open(argv[1], O_RDONLY);
  if (fd >= 0) {
    if (read(fd, buf, sizeof buf) < 0)
      return 1;
    close(fd);
  }
  const char* n = getenv("DIFFCASE_THREADS");
  int threads = n ? atoi(n) : 0;
  for (int i = 0; i < threads && i < 8; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0 || pthread_join(t, NULL) != 0)
      return 1;
  }
  const char* out = getenv("DIFFCASE_FD");
  if (write(out ? atoi(out) : 1, "done\n", 5) < 0) {
    /* the failing write is what the test looks for */
  }
  syscall(SYS_getppid);
  return 0;
}
