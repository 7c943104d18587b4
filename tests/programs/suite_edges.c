// Edge cases strace's own test suite checks, each call harmless (refused by the kernel, or on
// files of the directory given): hex dumps of failed writes and of a write over 1 MiB (-e read=,
// -e write=), AT_* flags (linkat, unlinkat, statx's sync type and mask, statx's fields by
// stx_mask), setgroups past NGROUPS_MAX, xattr values (a last NUL, sizes past XATTR_SIZE_MAX,
// size 0), struct rusage's unsigned fields (waitid with WNOHANG leaves it as it was),
// modify_ldt's zero-extended error, fds of deleted files and of files whose name ends in
// " (deleted)" (-y), socket addresses shorter or longer than their family's struct, and
// select/poll/ppoll on /dev/full (-P /dev/full). argv[1]: a directory for the files.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "page_before_hole.h"

static char big[(1 << 20) + 1];  // one byte more than five hex digits of offsets cover

static void Dumps(void) {
  char buf[32] = "0123456789abcdef";
  struct iovec iov[2] = {{buf, 4}, {buf + 4, 3}};
  int p[2];
  if (pipe(p))
    return;
  write(100, "abc\0def", 7);    // EBADF: strace dumps what was to be written
  pwrite64(p[1], "xyz", 3, 0);  // ESPIPE
  writev(100, iov, 2);          // EBADF
  read(100, buf, 8);            // EBADF: nothing read, nothing dumped
  preadv(p[0], iov, 0, -1);     // EINVAL: the empty array all the same
  int zero = open("/dev/zero", O_RDONLY);
  read(zero, buf, 20);
  int null = open("/dev/null", O_WRONLY);
  write(null, big, sizeof big);
  close(null);
  close(zero);
  close(p[0]);
  close(p[1]);
}

static void AtFlags(void) {
  struct statx st;
  close(open("f", O_CREAT | O_WRONLY, 0600));
  syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0xffffffffu);
  syscall(SYS_unlinkat, AT_FDCWD, "g", 0xffffffffu);
  syscall(SYS_statx, AT_FDCWD, "f", AT_SYMLINK_FOLLOW | 0xffff0000u, STATX_ALL, &st);
  syscall(SYS_statx, AT_FDCWD, "f", 0x6000, STATX_ALL, &st);  // both sync types
  syscall(SYS_statx, AT_FDCWD, "f", 0x2000, STATX_ALL, &st);  // AT_STATX_FORCE_SYNC
  syscall(SYS_statx, AT_FDCWD, "f", 0x4000 | AT_EMPTY_PATH, STATX_ALL, &st);
  syscall(SYS_statx, AT_FDCWD, "f", 0xffffff, STATX_ALL, &st);
  syscall(SYS_statx, AT_FDCWD, "f", 0, 0xffffc000u, &st);
  syscall(SYS_statx, AT_FDCWD, "f", 0, 0xfffffffbu, &st);
  syscall(SYS_statx, AT_FDCWD, "f", 0, 0, &st);
  syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_UID, &st);  // some kernels fill only what was asked
  syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_ALL, &st);
}

static void Groups(void) {
  gid_t g[2] = {0, 1};
  syscall(SYS_setgroups, 65537, g);  // more than NGROUPS_MAX: not read
  syscall(SYS_setgroups, -1, g);
  syscall(SYS_setgroups, 0x100000002ul, g);  // an int: 2
}

static void Xattrs(char* end) {
  static char value[65537];
  char buf[64];
  memset(buf, 0, sizeof buf);
  close(open("x", O_CREAT | O_WRONLY, 0600));
  setxattr("x", "user.a", "foo\0bar\0", 8, 0);  // the last NUL is not shown
  setxattr("x", "user.b", "foo\0bar", 7, 0);
  setxattr("x", "user.c", "\0", 1, 0);
  lsetxattr("x", "user.d", "", 0, 0);
  fsetxattr(-1, "user.e", value, sizeof value, XATTR_CREATE);  // past XATTR_SIZE_MAX: E2BIG
  fsetxattr(-1, "user.e", value, sizeof value - 1, XATTR_REPLACE);
  fsetxattr(-1, "user.e", end - 7, 8, XATTR_REPLACE);  // runs into unmapped memory
  fsetxattr(-1, NULL, NULL, 0, XATTR_CREATE);
  getxattr("x", "user.a", buf, 0);  // the size only, yet strace shows the buffer
  getxattr("x", "user.a", buf, sizeof buf);
  getxattr("x", "user.b", buf, sizeof buf);
  getxattr("x", "user.b", buf, 2);  // ERANGE
  lgetxattr("x", "user.a", NULL, 0);
  listxattr("x", buf, 0);
  listxattr("x", buf, sizeof buf);
  listxattr("x", buf, 3);
  llistxattr("x", NULL, 0);
  flistxattr(-1, buf, sizeof buf);
  removexattr("x", "user.a");
}

static void Rusage(void) {
  int p[2];
  if (pipe(p))
    return;
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);  // no SIGCHLD line whose place is up to the scheduler
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(p[0], &c, 1);
    _exit(0);
  }
  struct rusage ru;
  siginfo_t si;
  memset(&ru, 0xff, sizeof ru);
  memset(&si, 0, sizeof si);
  // The child waits for the pipe: nothing to report, and the rusage is left as it was.
  syscall(SYS_waitid, P_PID, pid, &si, WNOHANG | WEXITED, &ru);
  write(p[1], "x", 1);
  wait4(pid, NULL, 0, NULL);
  close(p[0]);
  close(p[1]);
}

static void Deleted(void) {
  int fd = open("s", O_CREAT | O_RDONLY, 0400);
  int fd_del = open("s (deleted)", O_CREAT | O_RDONLY, 0400);  // a name, not a mark
  fchmod(fd, 0600);
  fchmod(fd_del, 0600);
  unlink("s");
  fchmod(fd, 0640);
  unlink("s (deleted)");
  fchmod(fd_del, 0640);
  fchmod(fd, 0644);
  int r = open("r", O_CREAT | O_RDONLY, 0400);
  rename("r", "r (deleted)");
  fchmod(r, 0600);
  unlink("r (deleted)");
  fchmod(r, 0640);
  close(r);
  close(fd_del);
  close(fd);
}

static void Sockaddrs(void) {
  struct sockaddr_storage st;
  struct sockaddr_un* un = (struct sockaddr_un*)&st;
  memset(&st, '0', sizeof st);
  un->sun_family = AF_UNIX;
  connect(-1, (struct sockaddr*)un, sizeof *un);  // sun_path full, no NUL
  connect(-1, (struct sockaddr*)un, sizeof *un + 4);
  connect(-1, (struct sockaddr*)un, sizeof st);
  un->sun_path[0] = 0;
  connect(-1, (struct sockaddr*)un, sizeof *un + 4);  // abstract
  connect(-1, (struct sockaddr*)un, sizeof *un);
  st.ss_family = 0xff;
  connect(-1, (struct sockaddr*)&st, sizeof st);  // an unknown family: all of sa_data
  st.ss_family = AF_BLUETOOTH;
  connect(-1, (struct sockaddr*)&st, 3);

  struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(7)};
  in.sin_addr.s_addr = htonl(0x7f000001);
  connect(-1, (struct sockaddr*)&in, sizeof in - 4);  // shorter than sockaddr_in
  connect(-1, (struct sockaddr*)&in, sizeof in);

  struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(7)};
  in6.sin6_flowinfo = htonl(5);
  inet_pton(AF_INET6, "fe80::1", &in6.sin6_addr);
  in6.sin6_scope_id = 1;
  connect(-1, (struct sockaddr*)&in6, sizeof in6);      // link-local: the interface's name
  connect(-1, (struct sockaddr*)&in6, sizeof in6 - 4);  // without sin6_scope_id
  connect(-1, (struct sockaddr*)&in6, sizeof in6 - 8);  // shorter than its address needs
  inet_pton(AF_INET6, "ff02::1", &in6.sin6_addr);
  connect(-1, (struct sockaddr*)&in6, sizeof in6);
  inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
  connect(-1, (struct sockaddr*)&in6, sizeof in6);

  struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = 1234, .nl_groups = 0xfacefeed};
  connect(-1, (struct sockaddr*)&nl, sizeof nl - 1);
  connect(-1, (struct sockaddr*)&nl, sizeof nl);
  nl.nl_groups = 0;
  connect(-1, (struct sockaddr*)&nl, sizeof nl);
  nl.nl_pad = 0xabcd;
  connect(-1, (struct sockaddr*)&nl, sizeof nl);
}

static void PathTracing(void) {
  int full = open("/dev/full", O_WRONLY);  // fd 3 or above
  int p[2];
  if (full < 0 || pipe(p))
    return;
  fd_set rs, ws;
  struct timeval tv = {0, 0};
  // The kernel writes the ready sets over the ones given: each call starts anew.
#define SETS(with_full) \
  FD_ZERO(&rs);         \
  FD_ZERO(&ws);         \
  FD_SET(p[0], &rs);    \
  FD_SET(p[1], &ws);    \
  if (with_full)        \
    FD_SET(full, &ws);
  SETS(0);
  select(p[1] + 1, &rs, &ws, NULL, &tv);  // not on /dev/full
  SETS(1);
  select(full, &rs, &ws, NULL, &tv);  // /dev/full's bit past nfds
  SETS(1);
  select(p[1] > full ? p[1] + 1 : full + 1, &rs, &ws, NULL, &tv);
#undef SETS
  static unsigned long wide[2][2048 / 64];  // nfds past FD_SETSIZE, in memory that has room
  wide[0][0] = 1ul << p[0];
  wide[1][0] = 1ul << p[1] | 1ul << full;
  wide[1][1400 / 64] = 1ul << (1400 % 64);  // a bit past FD_SETSIZE
  select(1500, (fd_set*)wide[0], (fd_set*)wide[1], NULL, &tv);
  wide[1][1400 / 64] = 0;
  select(1500, (fd_set*)wide[0], (fd_set*)wide[1], NULL, &tv);
  struct pollfd pf[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {full, POLLOUT, 0}};
  poll(pf, 2, 0);
  poll(pf, 3, 0);
  struct timespec ts = {0, 0};
  ppoll(pf + 1, 2, &ts, NULL);
  ppoll(pf, 1, &ts, NULL);
  close(p[0]);
  close(p[1]);
  close(full);
}

int main(int argc, char** argv) {
  if (argc < 2 || chdir(argv[1]))
    return 1;
  char* end = HoleAfterPage();
  if (!end)
    return 1;
  Dumps();
  AtFlags();
  Groups();
  Xattrs(end);
  Rusage();
  syscall(SYS_modify_ldt, 0x12345, NULL, 0);       // an int, zero-extended: 4294967258 ENOSYS
  syscall(SYS_waitid, 9, 0, NULL, WEXITED, NULL);  // an idtype without a name
  Deleted();
  Sockaddrs();
  PathTracing();
  return 0;
}
