// Messages' names received and sent: recvmsg's msg_namelen as given and as written
// ("110 => 36"), a name cut to the room given (a family alone, part of a path, one that ends
// at an unmapped page), a failed recvmsg (the length it was given, or the address when the
// header cannot be read), recvmmsg's lengths per message (shorter than a family: an address),
// a failed sendmmsg's messages as given, up to the one that cannot be read, msg_iov NULL,
// empty or unreadable, and the SOL_IP control messages of a UDP datagram received on the
// loopback.
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "page_before_hole.h"

static int Receive(int from, int to, struct msghdr* m) {
  if (send(from, "A", 1, 0) != 1)
    return -1;
  return recvmsg(to, m, MSG_DONTWAIT);
}

int main(void) {
  char* end = HoleAfterPage();
  if (!end)
    return 1;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds))
    return 1;
  struct sockaddr_un self = {.sun_family = AF_UNIX, .sun_path = "@strec-msghdr-fixture"};
  self.sun_path[0] = 0;  // abstract: nothing to clean up
  socklen_t self_len = offsetof(struct sockaddr_un, sun_path) + 21;
  if (bind(fds[1], (struct sockaddr*)&self, self_len))
    return 1;

  char byte;
  struct iovec iov = {&byte, 1};
  struct sockaddr_un from;
  struct msghdr m = {
      .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
  Receive(fds[1], fds[0], &m);  // 110 => 23
  Receive(fds[1], fds[0], &m);  // 23: the same both ways
  m.msg_namelen = offsetof(struct sockaddr_un, sun_path);
  memset(from.sun_path, 'x', sizeof from.sun_path);
  Receive(fds[1], fds[0], &m);  // the family alone
  m.msg_namelen = 8;
  Receive(fds[1], fds[0], &m);  // part of the name
  // A name whose room ends at the unmapped page: written in part, read in part.
  m.msg_name = end - 12;
  m.msg_namelen = 12;
  Receive(fds[1], fds[0], &m);
  // Now longer than the room: EFAULT, shown as the length given.
  Receive(fds[1], fds[0], &m);
  recvmsg(fds[0], (struct msghdr*)(end - 8), 0);  // unreadable header
  recvmsg(-1, NULL, 0);
  recv(fds[0], &byte, 1, MSG_DONTWAIT);  // the message the failed call left

  // recvmmsg: two messages given 0 and 1 bytes for their names, then a full one.
  struct sockaddr_un names[3];
  char bytes[3];
  struct iovec iovs[3];
  struct mmsghdr mm[3];
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < 3; i++) {
    iovs[i] = (struct iovec){&bytes[i], 1};
    mm[i].msg_hdr.msg_name = &names[i];
    mm[i].msg_hdr.msg_namelen = i < 2 ? (socklen_t)i : sizeof names[i];
    mm[i].msg_hdr.msg_iov = &iovs[i];
    mm[i].msg_hdr.msg_iovlen = 1;
    send(fds[1], "012" + i, 1, 0);
  }
  recvmmsg(fds[0], mm, 3, MSG_DONTWAIT, NULL);

  // A failed sendmmsg: the messages as given; the second runs into the unmapped page.
  struct mmsghdr* tail = (struct mmsghdr*)(end - sizeof *tail);
  memset(tail, 0, sizeof *tail);
  tail->msg_hdr.msg_iov = iovs;
  tail->msg_hdr.msg_iovlen = 1;
  sendmmsg(-1, tail, 2, MSG_DONTWAIT);
  for (int i = 0; i < 3; i++) {
    mm[i].msg_hdr.msg_name = &self;
    mm[i].msg_hdr.msg_namelen = self_len;
  }
  sendmmsg(-1, mm, 3, 0);

  // A header's iovecs: none (NULL), none at an address, one that cannot be read.
  struct msghdr bare = {0};
  sendmsg(-1, &bare, 0);
  bare.msg_iov = iovs;
  sendmsg(-1, &bare, 0);
  bare.msg_iov = (struct iovec*)end;
  bare.msg_iovlen = 1;
  sendmsg(-1, &bare, 0);

  // A datagram to itself on the loopback, received with every SOL_IP control message.
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t lo_len = sizeof lo;
  if (u < 0 || bind(u, (struct sockaddr*)&lo, sizeof lo) ||
      getsockname(u, (struct sockaddr*)&lo, &lo_len))
    return 1;
  int one = 1;
  int opts[] = {IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVOPTS, IP_RETOPTS, IP_RECVORIGDSTADDR};
  for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
    setsockopt(u, IPPROTO_IP, opts[i], &one, sizeof one);
  static const unsigned char ip_options[4] = {1 /* IPOPT_NOOP */, 0, 0, 0};
  setsockopt(u, IPPROTO_IP, IP_OPTIONS, ip_options, sizeof ip_options);
  sendto(u, "data", 4, 0, (struct sockaddr*)&lo, sizeof lo);
  char data[4];
  struct iovec div = {data, sizeof data};
  union {
    struct cmsghdr align;
    char bytes[256];
  } control;
  struct sockaddr_in peer;
  struct msghdr dm = {.msg_name = &peer,
                      .msg_namelen = sizeof peer,
                      .msg_iov = &div,
                      .msg_iovlen = 1,
                      .msg_control = &control,
                      .msg_controllen = sizeof control};
  recvmsg(u, &dm, 0);
  close(u);
  return 0;
}
