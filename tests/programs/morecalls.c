/*
 * morecalls.c -- syscalls with structures the replay decodes by hand.
 *
 * Exercises: sysinfo, times, statfs/fstatfs on "/", getrlimit, prlimit64,
 * clock_getres, nanosleep, select and pselect6 on a pipe, poll and ppoll,
 * epoll_create1/epoll_ctl/epoll_wait, sendmsg/recvmsg over a UNIX socketpair
 * with SCM_RIGHTS and SCM_CREDENTIALS, sendmmsg/recvmmsg.
 *
 * Usage: morecalls   Prints nothing.  Exit status 0 (1 on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void die(const char* what) {
  const char* err = strerror(errno);
  write(2, "morecalls: ", 11);
  write(2, what, strlen(what));
  write(2, ": ", 2);
  write(2, err, strlen(err));
  write(2, "\n", 1);
  _exit(1);
}

int main(void) {
  struct sysinfo si;
  struct tms tm;
  struct statfs sf;
  struct rlimit rl;
  struct timespec ts = {0, 1000};
  int p[2], sv[2];

  if (sysinfo(&si) != 0)
    die("sysinfo");
  times(&tm);
  if (statfs("/", &sf) != 0)
    die("statfs");
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    die("getrlimit");
  if (prlimit(0, RLIMIT_CORE, NULL, &rl) != 0)
    die("prlimit");
  clock_getres(CLOCK_MONOTONIC, &ts);
  ts.tv_sec = 0;
  ts.tv_nsec = 1000;
  nanosleep(&ts, NULL);

  if (pipe(p) != 0)
    die("pipe");
  int fd = open("/", O_RDONLY | O_DIRECTORY);
  if (fd < 0 || fstatfs(fd, &sf) != 0)
    die("fstatfs");
  close(fd);
  write(p[1], "x", 1);

  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(p[0], &rd);
  FD_SET(p[1], &wr);
  struct timeval tv = {1, 0};
  if (select(p[1] + 1, &rd, &wr, NULL, &tv) < 0)
    die("select");
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  struct timespec pts = {0, 500000000};
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  if (pselect(p[0] + 1, &rd, NULL, NULL, &pts, &mask) < 0)
    die("pselect");

  struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
  if (poll(pf, 2, 100) < 0)
    die("poll");
  struct timespec pto = {0, 0};
  if (ppoll(pf, 1, &pto, &mask) < 0)
    die("ppoll");

  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) != 0)
    die("epoll_ctl");
  struct epoll_event out[4];
  if (epoll_wait(ep, out, 4, 0) < 0)
    die("epoll_wait");
  close(ep);

  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
    die("socketpair");
  int one = 1;
  if (setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0)
    die("setsockopt");
  char data[] = "fd";
  struct iovec iov = {data, 2};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &p[0], sizeof(int));
  if (sendmsg(sv[0], &msg, 0) != 2)
    die("sendmsg");
  char rbuf[16];
  union {
    char buf[256];
    struct cmsghdr align;
  } r;
  struct iovec riov = {rbuf, sizeof rbuf};
  struct msghdr rmsg = {0};
  rmsg.msg_iov = &riov;
  rmsg.msg_iovlen = 1;
  rmsg.msg_control = r.buf;
  rmsg.msg_controllen = sizeof r.buf;
  if (recvmsg(sv[1], &rmsg, 0) != 2)
    die("recvmsg");

  struct mmsghdr mm[2];
  struct iovec mio[2] = {{"ab", 2}, {"cde", 3}};
  memset(mm, 0, sizeof mm);
  mm[0].msg_hdr.msg_iov = &mio[0];
  mm[0].msg_hdr.msg_iovlen = 1;
  mm[1].msg_hdr.msg_iov = &mio[1];
  mm[1].msg_hdr.msg_iovlen = 1;
  if (sendmmsg(sv[0], mm, 2, 0) != 2)
    die("sendmmsg");
  char b1[8], b2[8];
  struct iovec rio[2] = {{b1, sizeof b1}, {b2, sizeof b2}};
  struct mmsghdr rm[2];
  memset(rm, 0, sizeof rm);
  rm[0].msg_hdr.msg_iov = &rio[0];
  rm[0].msg_hdr.msg_iovlen = 1;
  rm[1].msg_hdr.msg_iov = &rio[1];
  rm[1].msg_hdr.msg_iovlen = 1;
  if (recvmmsg(sv[1], rm, 2, MSG_DONTWAIT, NULL) < 1)
    die("recvmmsg");
  return 0;
}
