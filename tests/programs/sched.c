// The sched_* calls strec decodes, with their edge cases: struct sched_attr of every size
// sched_setattr reads (0 meaning 48, below 48 refused with E2BIG and the kernel's size written
// back, longer than 56 with ", ..."), the SCHED_FLAG_KEEP_* flags that leave fields out, unknown
// policies and flags, NULL and unreadable pointers; sched_getattr's 48 and 56 bytes;
// sched_getscheduler's policy; sched_setaffinity's CPU set. Each call leaves the process's
// scheduling as it was (the attributes it sets are the ones it read, or are refused).
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

struct attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

int main(void) {
  char* end = HoleAfterPage();  // unreadable from here on
  if (!end)
    return 1;
  struct attr* tail = (struct attr*)(end - sizeof(struct attr));
  struct attr a;
  memset(&a, 0, sizeof a);

  syscall(SYS_sched_getscheduler, 0);   // = 0 (SCHED_OTHER)
  syscall(SYS_sched_getscheduler, -1);  // EINVAL
  int prio = 0;
  syscall(SYS_sched_getparam, 0, &prio);              // [0]
  syscall(SYS_sched_setscheduler, 0, 0, &prio);       // SCHED_OTHER, [0]
  syscall(SYS_sched_setscheduler, 0, 0x7eed, &prio);  // EINVAL, SCHED_???

  uint64_t mask = 0;
  syscall(SYS_sched_getaffinity, 0, sizeof mask, &mask);
  syscall(SYS_sched_setaffinity, 0, sizeof mask, &mask);  // the same CPUs
  syscall(SYS_sched_setaffinity, 0, 0, &mask);            // EINVAL, []
  syscall(SYS_sched_setaffinity, 0, 8, end);              // EFAULT, the address

  syscall(SYS_sched_getattr, 0, NULL, 56, 0);        // EINVAL, NULL
  syscall(SYS_sched_getattr, 0, end - 8, 56, 0);     // EFAULT, the address
  syscall(SYS_sched_getattr, 0, &a, 48, 0);          // VER0: up to sched_period
  syscall(SYS_sched_getattr, 0, &a, 56, 0);          // VER1: and the clamps
  syscall(SYS_sched_getattr, 0, &a, 0xdead0000, 0);  // E2BIG or EINVAL: the address

  syscall(SYS_sched_setattr, 0, NULL, 0);  // EINVAL, NULL
  memcpy(tail, &a, sizeof a);
  syscall(SYS_sched_setattr, 0, tail, 0);  // what it read: 56 bytes
  tail->size = 0;
  syscall(SYS_sched_setattr, 0, tail, 0);  // size 0: 48 bytes
  tail->size = 1;
  syscall(SYS_sched_setattr, 0, tail, 0);  // E2BIG: {size=1} => {size=56}
  tail->size = 47;
  syscall(SYS_sched_setattr, 0, tail, 0);  // E2BIG
  tail->size = 0x1000;
  tail->policy = 0xca7faced;
  tail->flags = 0xbadc0ded00000080ull;
  syscall(SYS_sched_setattr, 0, tail, 0xdeadbeef);  // EINVAL: ", ...", unknown flags
  tail->size = 48;
  tail->flags = 0x8f;                               // SCHED_FLAG_KEEP_POLICY: no policy
  syscall(SYS_sched_setattr, 0, tail, 0xdeadbeef);  // EINVAL
  tail->size = 56;
  tail->flags = 0x90;                               // SCHED_FLAG_KEEP_PARAMS: no policy, params
  syscall(SYS_sched_setattr, 0, tail, 0xdeadbeef);  // EINVAL
  tail->flags = 0x67;
  syscall(SYS_sched_setattr, 0, tail, 0xdeadbeef);  // EINVAL: every other flag
  uint32_t* psize = (uint32_t*)(end - 4);
  *psize = 56;
  syscall(SYS_sched_setattr, 0, psize, 0);  // EFAULT: the size alone is readable
  return 0;
}
