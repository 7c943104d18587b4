// What strace -yy shows after an fd, as the socket, device or pidfd changes: TCP over loopback
// (unbound, bound, listening, connected, accepted), UDP over IPv6 bound by its first send,
// unix sockets (a pair, a path, an abstract name, a listener and its connection, a dgram
// socket without a name), a socket passed with SCM_RIGHTS and one duplicated, netlink before
// and after bind, a packet socket (a protocol strace does not describe), character and block
// device nodes (one made here, opened with O_PATH: no driver needed), a pidfd; then a pipe
// and a file (paths only). argv[1]: a directory for the socket and device files.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t UnixAddr(struct sockaddr_un* a, const char* path, int abstract) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  size_t n = strlen(path);
  memcpy(a->sun_path + (abstract ? 1 : 0), path, n);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract ? 1 : 1));
}

static void Tcp(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  bind(l, (struct sockaddr*)&a, sizeof a);
  getsockname(l, (struct sockaddr*)&a, &al);
  listen(l, 2);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr*)&a, sizeof a);
  int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
  char b;
  write(c, "x", 1);
  read(s, &b, 1);
  int d = dup(s);
  close(s);
  close(d);
  close(c);
  close(l);
}

static void Udp6(void) {
  int u = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a = {
      .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(9)};
  sendto(u, "y", 1, 0, (struct sockaddr*)&a, sizeof a);
  write(u, "y", 1);  // not connected yet
  connect(u, (struct sockaddr*)&a, sizeof a);
  write(u, "y", 1);
  close(u);
}

static void Unix(const char* dir) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  write(sv[0], "z", 1);
  char z;
  read(sv[1], &z, 1);

  // A listener on a path; a client connects; the server passes the client's peer over the
  // pair with SCM_RIGHTS.
  char path[200];
  snprintf(path, sizeof path, "%s/listener", dir);
  struct sockaddr_un a;
  socklen_t al = UnixAddr(&a, path, 0);
  unlink(path);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  bind(l, (struct sockaddr*)&a, al);
  listen(l, 1);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c, (struct sockaddr*)&a, al);
  int s = accept(l, NULL, NULL);
  write(c, "c", 1);

  char cbuf[CMSG_SPACE(sizeof(int))] = {0};
  char byte = 'f';
  struct iovec iov = {&byte, 1};
  struct msghdr m = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  struct cmsghdr* h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &s, sizeof s);
  sendmsg(sv[0], &m, 0);
  close(s);
  memset(cbuf, 0, sizeof cbuf);
  m.msg_controllen = sizeof cbuf;
  recvmsg(sv[1], &m, 0);
  int got;
  memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof got);
  read(got, &byte, 1);
  close(got);
  close(c);
  close(l);
  unlink(path);
  close(sv[0]);
  close(sv[1]);

  // Datagram sockets: an abstract name, and one with neither name nor peer.
  int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
  al = UnixAddr(&a, "strec-fd-details", 1);
  bind(ab, (struct sockaddr*)&a, al);
  write(ab, "", 0);
  close(ab);
  int q = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  write(q, "", 0);
  close(q);
}

static void Netlink(void) {
  int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  write(nl, "", 0);
  struct sockaddr_nl a = {.nl_family = AF_NETLINK};
  bind(nl, (struct sockaddr*)&a, sizeof a);
  write(nl, "", 0);
  close(nl);
  int pk = socket(AF_PACKET, SOCK_DGRAM, 0);
  write(pk, "", 0);
  close(pk);
}

static void Devices(const char* dir) {
  int d = open("/dev/null", O_WRONLY);
  write(d, "a", 1);
  close(d);
  char path[200];
  snprintf(path, sizeof path, "%s/blk", dir);
  unlink(path);
  mknod(path, S_IFBLK | 0600, makedev(7, 200));
  int b = open(path, O_PATH);
  fcntl(b, F_GETFD);
  close(b);
  unlink(path);
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "/tmp";
  Tcp();
  Udp6();
  Unix(dir);
  Netlink();
  Devices(dir);
  int p = (int)syscall(SYS_pidfd_open, getpid(), 0);
  close(p);
  int pp[2];
  pipe(pp);
  close(pp[0]);
  close(pp[1]);
  return 0;
}
