// Small decoders with edge cases, each call harmless (refused by the kernel, or set back):
// the new mount API's flags (fsopen, fsmount, fspick, open_tree, move_mount), mount(2)'s MS_*
// flags and which of its strings are shown, scalars printed in hex, prot of pkey_mprotect and
// remap_file_pages, mmap's MAP_FILE, mode_t cut to 16 bits, ioprio_get/ioprio_set,
// personality(2), pidfd_open, faccessat/faccessat2 modes and flags, dup3 flags, inotify_init1,
// memfd_secret, utimes/utimensat dates and UTIME_NOW/UTIME_OMIT, sigset sizes
// (rt_sigprocmask, rt_sigpending), epoll_pwait2 failing, and int counts with garbage above.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "page_before_hole.h"

#define FILL 0xdefaced00000000ul

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);  // its end runs into an unmapped page
  if (!map)
    return 1;
  char* end = map + page;

  // The new mount API: unsigned int flags, the rest of the register ignored.
  syscall(SYS_fsopen, "nosuchfs", FILL | 1);
  syscall(SYS_fsopen, NULL, FILL | 2);
  syscall(SYS_fsopen, "", 0xfffffffful);
  syscall(SYS_fsmount, -1, FILL, FILL | 0xbf);
  syscall(SYS_fsmount, -1, FILL | 2, FILL | 0x40);
  syscall(SYS_fsmount, -1, 0xfffffffful, 0xfffffffful);
  syscall(SYS_fspick, -1, NULL, FILL | 1);
  syscall(SYS_fspick, -1, "", 0xfffffffful);
  syscall(SYS_fspick, -1, "/", FILL | 0x10);
  syscall(SYS_open_tree, -1, NULL, FILL | 1);
  syscall(SYS_open_tree, -1, "", 0xfffffffful);
  syscall(SYS_open_tree, -1, "", 0x2);
  syscall(SYS_move_mount, -1, NULL, -1, NULL, FILL);
  syscall(SYS_move_mount, -1, "", -1, "", 0xfffffffful);
  syscall(SYS_move_mount, -1, "", -1, "", 0x8);

  // mount(2): MS_MGC_VAL, unknown bits, and the strings MS_REMOUNT/MS_BIND make meaningless.
  mount(NULL, NULL, NULL, 0, NULL);
  mount(end - 1, end - 1, end - 1, 0x200, end - 1);
  mount("src", "dst", "type", MS_RDONLY | MS_NOSUID | MS_RELATIME, "data");
  mount("src", "dst", "type", MS_MGC_VAL, "data");
  mount("src", "dst", "type", MS_MGC_VAL | MS_RDONLY, "data");
  mount("src", "dst", "type", MS_REMOUNT, "data");
  mount("src", "dst", "type", MS_BIND, "data");
  mount("src", "dst", NULL, MS_SUBMOUNT | 0x200, NULL);

  // Scalars strace prints in hex.
  syscall(SYS_ioperm, 0xdeafbeeffffffffful, 1ul, 0);
  syscall(SYS_landlock_restrict_self, -1, FILL | 1);
  syscall(SYS_process_mrelease, -1, FILL | 0xfacefeed);
  syscall(SYS_pidfd_getfd, -1, -1, FILL | 0xbadc0ded);
  syscall(SYS_set_mempolicy_home_node, 0ul, 1ul, 2ul, 3ul);

  // prot as unsigned long; mmap's mapping type 0.
  syscall(SYS_pkey_mprotect, 0, 0, 0xdeadfeed00ca7500ul, -1);
  syscall(SYS_pkey_mprotect, 0, 0, PROT_READ | 0x100ul, -1);
  syscall(SYS_remap_file_pages, 0, 0, FILL, 0, 0);
  syscall(SYS_mmap, 0, page, PROT_READ, 0, -1, 0);
  syscall(SYS_mmap, 0, page, PROT_READ, MAP_FIXED, -1, 0);

  // mode_t: the low 16 bits.
  syscall(SYS_mkdir, "/nonexistent/quickwins", 0xffff0000ul);
  syscall(SYS_mkdirat, -1, "quickwins", 0xfffffffful);
  syscall(SYS_creat, "/nonexistent/quickwins", 0xdead0644ul);
  mode_t old = umask(0107777);
  umask(old);

  // ioprio, personality.
  syscall(SYS_ioprio_get, 0xdeadfacefa57beeful, 0xbadc0dedda7a1057ul);
  syscall(SYS_ioprio_get, 1, 0);
  syscall(SYS_ioprio_set, 2, -1, 8191);
  syscall(SYS_ioprio_set, 0xdeadfacefa57beeful, 0, 0xdec0ded1facefeedul);
  unsigned int persona = personality(0xffffffff);
  personality(persona | 0x7000000);
  personality(0x1f);
  personality(persona);

  // pidfd_open, faccessat, faccessat2, dup3, inotify_init1, memfd_secret.
  syscall(SYS_pidfd_open, -1, FILL);
  syscall(SYS_pidfd_open, -1, FILL | 04000);
  syscall(SYS_pidfd_open, -1, 0xfacef6edul);
  syscall(SYS_pidfd_open, -1, 0xfffffffful);
  syscall(SYS_faccessat, -1, "x", 8);
  syscall(SYS_faccessat, -1, "x", R_OK | 8);
  syscall(SYS_faccessat2, -1, "x", F_OK, 0x200);
  syscall(SYS_faccessat2, -1, "x", F_OK, 0x1);
  syscall(SYS_faccessat2, -1, "x", F_OK, 0xfffffffful);
  syscall(SYS_dup3, -2, -1, O_TRUNC);
  syscall(SYS_dup3, -3, -1, O_TRUNC | O_CLOEXEC);
  syscall(SYS_dup3, -5, -1, 1);
  syscall(SYS_inotify_init1, 0xfacefeeddea5b6eful | 04000 | 02000000);
  syscall(SYS_inotify_init1, 0xff96b77bul);
  syscall(SYS_memfd_secret, FILL | 0xde97face);
  syscall(SYS_memfd_secret, FILL | 02000000 | 0xde97face);

  // Dates after times; UTIME_NOW, UTIME_OMIT; unsigned tv_usec/tv_nsec.
  struct timeval tv[2] = {{1492356708, 567891}, {1492357086, 0}};
  utimes("/nonexistent/quickwins", tv);
  tv[0].tv_usec = (long)0xbadc0dedfacefeedul;
  utimes("/nonexistent/quickwins", tv);
  struct timespec ts[2] = {{1492358706, 123456789}, {-1, 5}};
  syscall(SYS_utimensat, AT_FDCWD, "/nonexistent/quickwins", ts, 0x100);
  ts[0].tv_nsec = UTIME_NOW;
  ts[1].tv_nsec = UTIME_OMIT;
  syscall(SYS_utimensat, AT_FDCWD, "/nonexistent/quickwins", ts, 0xfffffffful);
  struct timespec bad = {0, (long)0xbadc0dedbadc0dedul};
  syscall(SYS_clock_settime, CLOCK_REALTIME, &bad);

  // Signal sets whose size is not the kernel's; rt_sigpending's short sets.
  sigset_t set;
  sigemptyset(&set);
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16);
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &set, 4);
  syscall(SYS_rt_sigpending, end - 4, 4);
  syscall(SYS_rt_sigpending, end - 2, 2);
  syscall(SYS_rt_sigpending, &set, 8);
  syscall(SYS_rt_sigsuspend, &set, 16);
  struct timespec timeout = {0, 0};
  syscall(SYS_epoll_pwait2, -1, map, 1, &timeout, &set, 8);
  syscall(SYS_epoll_pwait, -1, map, 1, 0, &set, 256);

  // Counts of C type int with garbage above: the kernel takes their low 32 bits, and so does
  // what the recorder reads by them.
  struct pollfd pfd = {.fd = -1, .events = POLLIN};
  syscall(SYS_poll, &pfd, FILL | 1, 0);
  syscall(SYS_ppoll, &pfd, FILL | 1, &timeout, NULL, 8);
  gid_t groups[2] = {0, 0};
  syscall(SYS_setgroups, FILL | 2, groups);  // EPERM in the fixture's user namespace, or done
  return 0;
}
