// NUMA memory policies and memfd_create with the calls strec decodes and their edge cases:
// every mode with and without its flags, unknown modes and flags, node masks that are NULL,
// empty (maxnode 0), too short to hold a bit (maxnode 1), one and several longs long, and
// unreadable; get_mempolicy's mode and mask written or not (failure); move_pages's arrays
// (empty, NULL, read, statuses with an errno, unreadable); memfd_create's flags with huge page
// sizes and unknown bits, a name longer than the kernel takes.
#define _GNU_SOURCE
#include <linux/memfd.h>
#include <linux/mempolicy.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  if (!map)
    return 1;
  char* end = map + page;
  unsigned long mask[4] = {1, 0, 0, 0};

  syscall(SYS_mbind, map, page, MPOL_DEFAULT, NULL, 0, 0);
  syscall(SYS_mbind, map, page, MPOL_BIND | MPOL_F_STATIC_NODES, mask, 65, MPOL_MF_STRICT);
  syscall(SYS_mbind, map, page, MPOL_PREFERRED, mask, 200, MPOL_MF_MOVE | 0x100);
  syscall(SYS_mbind, map, page, 6, NULL, 0, 0);
  syscall(SYS_mbind, map, page, 0xffffffffUL, end, 64, 0xffffffffUL);
  syscall(SYS_mbind, map, page, 0xffff1fffUL, mask, 1, 0);
  syscall(SYS_mbind, map, page, MPOL_LOCAL, mask, 0, 0);
  syscall(SYS_set_mempolicy, MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask, 2);
  syscall(SYS_set_mempolicy, MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, mask, 129);
  syscall(SYS_set_mempolicy, MPOL_BIND, end, 65);
  syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);

  int mode = -1;
  memset(mask, 0xff, sizeof mask);
  syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0);
  syscall(SYS_get_mempolicy, &mode, mask, 8 * sizeof mask, NULL, 0);
  syscall(SYS_get_mempolicy, NULL, mask, 1, NULL, 0);  // EINVAL: the address
  syscall(SYS_get_mempolicy, end, NULL, 0, map, MPOL_F_ADDR);
  syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0xfffffff8UL | MPOL_F_MEMS_ALLOWED);
  syscall(SYS_migrate_pages, 0, 0, NULL, NULL);
  mask[0] = 1;
  syscall(SYS_migrate_pages, 0, 65, mask, mask);  // pid 0: this process

  map[0] = 1;  // the page is in memory: move_pages finds it on node 0
  void* pages[2] = {map, end};
  int nodes[2] = {0, 0};
  int status[2] = {-1, -1};
  syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, MPOL_MF_MOVE);
  syscall(SYS_move_pages, 0, 0, pages, nodes, status, MPOL_MF_MOVE);
  syscall(SYS_move_pages, 0, 1, pages, NULL, status, MPOL_MF_MOVE);
  syscall(SYS_move_pages, 0, 2, pages, NULL, status, 0);  // the second page: -EFAULT
  syscall(SYS_move_pages, 0, 1, end, end, end, MPOL_MF_MOVE_ALL);
  syscall(SYS_move_pages, 0, 2, pages, nodes, end, MPOL_MF_MOVE | 0x80);

  int fd = syscall(SYS_memfd_create, "strec-fixture", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd >= 0)
    close(fd);
  syscall(SYS_memfd_create, "huge", MFD_HUGETLB | MFD_HUGE_2MB | 0x100);
  syscall(SYS_memfd_create, "size-only", 30 << MFD_HUGE_SHIFT);
  syscall(SYS_memfd_create, NULL, 0xffffffffUL);
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  syscall(SYS_memfd_create, longname, 0);
  syscall(SYS_memfd_create, end, 0);
  return 0;
}
