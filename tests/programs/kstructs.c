// Structs strace decodes that the kernel refuses or fills deterministically: adjtimex and
// clock_adjtime given no struct timex (the filled ones are in timex.c, under injection),
// _sysctl's struct __sysctl_args, modify_ldt's struct user_desc (cleared and data entries of
// the process's own LDT), set_thread_area / get_thread_area (ENOSYS on x86_64 kernels without
// 32-bit emulation), mincore's page vector (whole, cut by -s, NULL), futex_waitv's waiters
// (NULL, empty, bad flags, an unreadable second one, more than FUTEX_WAITV_MAX, a mismatch and
// an absolute timeout already past), recvmmsg's timeout (at entry, and what is left after a
// zero one), recvfrom with MSG_TRUNC returning more than the buffer holds.
#define _GNU_SOURCE
#include <stddef.h>  // size_t, which linux/sysctl.h uses

#include <asm/ldt.h>
#include <linux/futex.h>
#include <linux/sysctl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "page_before_hole.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);  // its end runs into an unmapped page
  if (!map)
    return 1;
  char* end = map + page;

  // adjtimex / clock_adjtime: no struct to read.
  syscall(SYS_adjtimex, NULL);
  syscall(SYS_adjtimex, end - 8);
  syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, NULL);
  syscall(SYS_clock_adjtime, CLOCK_REALTIME, end - 8);

  // _sysctl: gone from the kernel (ENOSYS), its struct shown all the same.
  struct __sysctl_args* sa = (struct __sysctl_args*)(end - sizeof *sa);
  syscall(SYS__sysctl, end);
  memset(sa, 0, sizeof *sa);
  syscall(SYS__sysctl, sa);
  memset(sa, 0x61, sizeof *sa);
  sa->name = (int*)end;
  sa->nlen = 1000;
  syscall(SYS__sysctl, sa);

  // modify_ldt: an empty entry (clears it), a 32-bit data segment, and lengths that are not a
  // struct user_desc.
  struct user_desc* ud = (struct user_desc*)(end - sizeof *ud);
  memset(ud, 0, sizeof *ud);
  ud->entry_number = 5;
  ud->read_exec_only = 1;
  ud->seg_not_present = 1;
  syscall(SYS_modify_ldt, 1, ud, sizeof *ud);
  memset(ud, 0, sizeof *ud);
  ud->entry_number = 3;
  ud->base_addr = 0x1000;
  ud->limit = 0xfff;
  ud->seg_32bit = 1;
  ud->useable = 1;
  syscall(SYS_modify_ldt, 0x11, ud, sizeof *ud);
  ud->entry_number = 4;
  ud->base_addr = 0x87868584;
  ud->limit = 0xfffff;
  ud->contents = 2;
  ud->limit_in_pages = 1;
  syscall(SYS_modify_ldt, 0x11, ud, sizeof *ud);
  syscall(SYS_modify_ldt, 0, NULL, 0);
  char ldt[8];
  syscall(SYS_modify_ldt, 0, ldt, sizeof ldt);

  // set_thread_area / get_thread_area.
  struct user_desc* ta = (struct user_desc*)(end - 2 * sizeof *ta);
  memset(ta, 0, 2 * sizeof *ta);
  ta->entry_number = 0x83828180;
  ta->base_addr = 0x87868584;
  ta->limit = 0x8b8a8988;
  ta->contents = 2;
  ta->read_exec_only = 1;
  ta->lm = 1;
  syscall(SYS_set_thread_area, NULL);
  syscall(SYS_set_thread_area, end - 4);
  syscall(SYS_set_thread_area, ta);
  ta->entry_number = -1;
  ta->base_addr = 0;
  ta->limit = 0;
  ta->seg_32bit = 1;
  syscall(SYS_set_thread_area, ta);
  syscall(SYS_get_thread_area, NULL);
  *(uint32_t*)(end - 4) = 2718281828u;
  syscall(SYS_get_thread_area, end - 4);
  syscall(SYS_get_thread_area, end);
  ta->entry_number = 12;
  syscall(SYS_get_thread_area, ta);

  // mincore: pages made resident, one vector byte each.
  char* pages = mmap(NULL, 40 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED)
    return 1;
  memset(pages, 1, 40 * page);
  unsigned char* vec = (unsigned char*)end - 40;
  syscall(SYS_mincore, pages, page, NULL);
  syscall(SYS_mincore, pages, page, vec);
  syscall(SYS_mincore, pages, 1, vec);
  syscall(SYS_mincore, pages, 2 * page, vec);
  syscall(SYS_mincore, pages, page + 1, vec);
  syscall(SYS_mincore, pages, 32 * page, vec);
  syscall(SYS_mincore, pages, 40 * page, vec);
  syscall(SYS_mincore, pages, 0, vec);

  // futex_waitv.
  struct timespec* ts = (struct timespec*)(map + 1024);
  ts->tv_sec = 1;
  ts->tv_nsec = 2;
  uint32_t* words = (uint32_t*)(map + 2048);
  for (int i = 0; i < 130; i++)
    words[i] = i;
  struct futex_waitv* fw = (struct futex_waitv*)(end - sizeof *fw);
  syscall(SYS_futex_waitv, NULL, 1, 0, NULL, CLOCK_MONOTONIC);
  syscall(SYS_futex_waitv, fw, 0, 1, NULL, CLOCK_MONOTONIC);
  syscall(SYS_futex_waitv, end - 7, 1, 0, ts, CLOCK_REALTIME);
  fw->val = ~0ull;
  fw->uaddr = 0;
  fw->flags = ~0u;
  fw->__reserved = ~0u;
  syscall(SYS_futex_waitv, fw, 1, 0, NULL, CLOCK_MONOTONIC);
  fw->val = 0xdeadbeeffacefeedull;
  fw->uaddr = ~0ull;
  fw->flags = 0;
  fw->__reserved = 0;
  syscall(SYS_futex_waitv, fw, 1, 0, NULL, CLOCK_PROCESS_CPUTIME_ID);
  fw->val = 0;
  fw->uaddr = (uintptr_t)&words[1];
  fw->flags = FUTEX_32;
  syscall(SYS_futex_waitv, fw, 2, 0, NULL, CLOCK_MONOTONIC);
  fw->flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
  syscall(SYS_futex_waitv, fw, 1, 0, ts, CLOCK_MONOTONIC);
  struct futex_waitv* many = (struct futex_waitv*)pages;
  for (int i = 0; i < 129; i++) {
    many[i].val = i;
    many[i].uaddr = (uintptr_t)&words[i];
    many[i].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
    many[i].__reserved = 0;
  }
  syscall(SYS_futex_waitv, many, 129, 0, ts, CLOCK_MONOTONIC);
  syscall(SYS_futex_waitv, many, 2, 0, ts, CLOCK_MONOTONIC);

  // recvmmsg's timeout, recvfrom's MSG_TRUNC.
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
    return 1;
  char byte;
  struct iovec iov = {&byte, 1};
  struct mmsghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_hdr.msg_iov = &iov;
  mh.msg_hdr.msg_iovlen = 1;
  struct timespec* tmo = (struct timespec*)(end - sizeof *tmo);
  tmo->tv_sec = 0;
  tmo->tv_nsec = 12345678;
  syscall(SYS_recvmmsg, -1, &mh, 1, 0, tmo);
  tmo->tv_nsec = 1000000000;
  syscall(SYS_recvmmsg, sv[1], &mh, 1, 0, tmo);
  syscall(SYS_recvmmsg, sv[1], &mh, 1, 0, end - 8);
  write(sv[0], "A", 1);
  tmo->tv_nsec = 0;
  syscall(SYS_recvmmsg, sv[1], &mh, 1, 0, tmo);
  write(sv[0], "BC", 2);
  char* last = end - 1;
  syscall(SYS_recvfrom, sv[1], last, 1, MSG_TRUNC, NULL, NULL);
  write(sv[0], "DEF", 3);
  syscall(SYS_recvfrom, sv[1], map, 2, MSG_TRUNC, NULL, NULL);
  return 0;
}
