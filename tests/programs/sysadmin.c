// System administration calls and others with a layout of their own, each refused by the kernel
// (bad magic, fd, path or flags: nothing is changed): reboot(2)'s magic numbers, commands and
// RESTART2 string, swapon's flags and priority, the module calls' flags, mknod/mknodat's mode
// and device, ustat's device, utime's times, sethostname's length, preadv2/pwritev2 (the
// offset's high half left out, RWF_* flags), close_range, mlock2, userfaultfd, sync_file_range,
// pkey_alloc, unshare and setns flags, __O_SYNC, fadvise64's advice, epoll_ctl's
// EPOLL_CTL_DEL, rt_sigtimedwait's signal, getrandom(NULL, 0), arrays and iovecs whose end is
// unreadable, strings unreadable past the -s limit; struct sigevent (timer_create), select
// whose sets all come back empty.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "page_before_hole.h"

#define FILL 0xdefaced00000000ul
#define BAD_MAGIC 0x13111992ul

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);  // its end runs into an unmapped page
  if (!map)
    return 1;
  char* end = map + page;

  // reboot: a bad first magic number refuses every command.
  syscall(SYS_reboot, 0, 0, 0, 0);
  syscall(SYS_reboot, BAD_MAGIC, 672274793, 0x01234567, 0);
  syscall(SYS_reboot, 0xfee1dead, BAD_MAGIC, 0x0badc0de, 0);
  syscall(SYS_reboot, BAD_MAGIC, 85072278, 0xA1B2C3D4, "restart");
  syscall(SYS_reboot, BAD_MAGIC, 369367448, 0xA1B2C3D4, NULL);
  memset(end - 300, 'r', 300);
  syscall(SYS_reboot, BAD_MAGIC, 537993216, 0xA1B2C3D4, end - 300);
  syscall(SYS_reboot, BAD_MAGIC, 537993216, 0xA1B2C3D4, end - 255);
  syscall(SYS_reboot, BAD_MAGIC, 537993216, 0xA1B2C3D4, end - 254);
  end[-1] = 0;
  syscall(SYS_reboot, BAD_MAGIC, 537993216, 0xA1B2C3D4, end - 256);
  syscall(SYS_reboot, BAD_MAGIC, 537993216, 0xA1B2C3D4, end - 255);

  // swapon/swapoff of a path that does not exist.
  syscall(SYS_swapon, "/nonexistent/swap", 42);
  syscall(SYS_swapon, "/nonexistent/swap", 0x8000);
  syscall(SYS_swapon, "/nonexistent/swap", 0x1802a);
  syscall(SYS_swapon, "/nonexistent/swap", -1L);
  syscall(SYS_swapoff, "/nonexistent/swap");

  // Module calls: no such module, no such fd.
  syscall(SYS_delete_module, "no_such_module", FILL | O_NONBLOCK);
  syscall(SYS_delete_module, "no_such_module", 0xfacef157ul);
  syscall(SYS_delete_module, NULL, FILL);
  memset(end - 40, 'm', 40);
  syscall(SYS_delete_module, end - 40, O_TRUNC);
  syscall(SYS_finit_module, -1, "", FILL | 2);
  syscall(SYS_finit_module, -1, NULL, 0xdefaced0ul);
  syscall(SYS_finit_module, -1, "args", -1L);

  // mknod/mknodat in a directory that does not exist, and with a bad dirfd.
  syscall(SYS_mknod, "/nonexistent/node", 0, 0xdeadbeefbadc0dedul);
  syscall(SYS_mknod, "/nonexistent/node", 0xffff, 0);
  syscall(SYS_mknod, "/nonexistent/node", S_IFIFO | 0600, 0);
  syscall(SYS_mknod, "/nonexistent/node", S_IFCHR | 024, 0xdeadbeef00000107ul);
  syscall(SYS_mknod, "/nonexistent/node", S_IFBLK | 07777, 0xdeadbeefbadc0dedul);
  syscall(SYS_mknodat, -1, "node", S_IFREG | 0644, 0);
  syscall(SYS_mknodat, -1, "node", S_IFCHR | 0644, 0x103);

  // ustat, utime, sethostname (refused before anything is changed).
  syscall(SYS_ustat, 0xfacefeedfffffffful, NULL);
  syscall(SYS_ustat, 0x0803, end);
  struct utimbuf* times = (struct utimbuf*)(end - sizeof(struct utimbuf));
  times->actime = 1492350678;
  times->modtime = 0;
  syscall(SYS_utime, "/nonexistent/file", times);
  syscall(SYS_utime, "/nonexistent/file", NULL);
  syscall(SYS_utime, "/nonexistent/file", end - 8);
  syscall(SYS_sethostname, NULL, 0xffffffff00000040ul);
  syscall(SYS_sethostname, end - 65, 65);

  // preadv2/pwritev2 on a bad fd; iovecs whose end is unreadable.
  struct iovec* iov = (struct iovec*)(end - sizeof(struct iovec));
  iov->iov_base = "abc";
  iov->iov_len = 3;
  syscall(SYS_preadv2, -1, NULL, 0xdeadbeefful, 0x1000, 0xbadc0ded, 1);
  syscall(SYS_pwritev2, -1, iov, 1, 0, 0, 0x1f);
  syscall(SYS_pwritev2, -1, iov, 2, -1L, 0, 0x20);
  syscall(SYS_pwritev, -1, iov, 2, 0, 0);
  syscall(SYS_writev, -1, map, 0);
  syscall(SYS_process_madvise, -1, iov, 2, MADV_NORMAL, 0xffffffff);
  gid_t* gids = (gid_t*)(end - sizeof(gid_t));
  *gids = (gid_t)-1;
  syscall(SYS_setgroups, 2, gids);

  // Flag sets.
  syscall(SYS_close_range, -2, -1, FILL | 1);
  syscall(SYS_close_range, 7, 0, 0xfffffffful);
  syscall(SYS_mlock2, 0, 0, -1L);
  syscall(SYS_userfaultfd, FILL | 0xfff7f7fe);
  syscall(SYS_sync_file_range, -1, 0, 0, -1L);
  syscall(SYS_pkey_alloc, 0, 0xbadc0ded00000002ul);
  syscall(SYS_pkey_alloc, 0, 0xbadc0de8ul);
  syscall(SYS_unshare, 0xbadc0ded0000000ful);
  syscall(SYS_unshare, 0x81f8f07ful);
  syscall(SYS_setns, -1, FILL);
  syscall(SYS_setns, -1, 0x81fdff7ful);
  syscall(SYS_setns, -1, 0x40000000ul);
  syscall(SYS_openat, -1, "file", O_RDONLY | 04000000);
  syscall(SYS_openat, -1, "file", O_WRONLY | 020000000, 0600);
  syscall(SYS_fadvise64, -1, 0, 0, 0xf00dfeeddeadca75ul);

  // epoll_ctl's event is not read for EPOLL_CTL_DEL.
  struct epoll_event ev = {.events = EPOLLIN};
  syscall(SYS_epoll_ctl, -1, EPOLL_CTL_DEL, -1, &ev);
  syscall(SYS_epoll_ctl, -1, EPOLL_CTL_ADD, -1, &ev);

  // rt_sigtimedwait takes a pending blocked signal.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  raise(SIGUSR1);
  struct timespec ts = {1, 0};
  syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8);

  // A NULL buffer of length 0; sendfile's offset is unsigned.
  syscall(SYS_getrandom, NULL, 0, 0);
  long long off = -1;
  syscall(SYS_sendfile, -1, -1, &off, 1);

  // struct sigevent: the value only when set, the union member the notification uses.
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_NONE;
  int timer;
  syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer);
  sev.sigev_value.sival_ptr = (void*)0xdeadbeefbadc0dedul;
  sev.sigev_signo = SIGALRM;
  sev.sigev_notify = SIGEV_THREAD;
  syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, NULL);
  sev.sigev_notify = 0xdefaced;
  sev.sigev_signo = 0xfacefeed;
  syscall(SYS_timer_create, CLOCK_REALTIME, &sev, NULL);

  // select with one set for all three: the last one the kernel writes (except) is empty.
  int fds[2];
  if (pipe(fds) == 0) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fds[1], &set);
    syscall(SYS_select, fds[1] + 1, &set, &set, &set, NULL);
  }
  return 0;
}
