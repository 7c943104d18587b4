/*
 * fdcalls.c -- descriptors of other kinds and a few more decoded calls.
 *
 * Exercises: eventfd2 (read of its counter), timerfd_create/timerfd_settime,
 * signalfd4, inotify_init1/inotify_add_watch, clock_nanosleep, setitimer/
 * getitimer, sched_getaffinity, getcpu, prctl PR_SET_NAME/PR_GET_NAME,
 * memfd_create, fallocate, sendfile with an offset.
 *
 * Usage: fdcalls     Prints nothing.  Exit status 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  int e = eventfd(3, EFD_CLOEXEC | EFD_NONBLOCK);
  unsigned long long v;
  read(e, &v, 8);
  int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  struct itimerspec its = {{0, 0}, {10, 0}}, old;
  timerfd_settime(t, 0, &its, &old);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  int s = signalfd(-1, &m, SFD_CLOEXEC);
  int in = inotify_init1(IN_CLOEXEC);
  inotify_add_watch(in, "/tmp", IN_CREATE | IN_DELETE);
  struct timespec ts = {0, 1000};
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
  struct itimerval iv = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &iv, NULL);
  getitimer(ITIMER_REAL, &iv);
  cpu_set_t cs;
  sched_getaffinity(0, sizeof cs, &cs);
  unsigned cpu, node;
  syscall(SYS_getcpu, &cpu, &node, NULL);
  prctl(PR_SET_NAME, "m2");
  char name[16];
  prctl(PR_GET_NAME, name);
  int mf = memfd_create("x", MFD_CLOEXEC);
  fallocate(mf, 0, 0, 4096);
  int f = open("/etc/hostname", O_RDONLY);
  off_t off = 0;
  sendfile(mf, f, &off, 4);
  close(e);
  close(t);
  close(s);
  close(in);
  close(mf);
  close(f);
  return 0;
}
