// prctl(2) with the options strec decodes and their edge cases: output pointers that are NULL,
// unreadable or filled, a task name cut at 15 bytes and one that runs into an unmapped page,
// unknown values of the arguments, unknown options, and calls the kernel refuses. Each call is
// harmless for the process (the settings it changes are set back or refused).
#include <linux/prctl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);  // its end runs into an unmapped page
  if (!map)
    return 1;
  char* end = map + page;
  int value = 0;
  char name[16];
  unsigned long ptr = 0;

  prctl(0xffffffff, 1, 2, 3, 4);  // unknown option: everything in hex
  prctl(PR_SET_PDEATHSIG, SIGUSR1);
  prctl(PR_GET_PDEATHSIG, &value);  // [SIGUSR1]
  prctl(PR_GET_PDEATHSIG, NULL);    // EFAULT, NULL
  prctl(PR_GET_PDEATHSIG, end);     // EFAULT, the address
  prctl(PR_SET_PDEATHSIG, 0);
  prctl(PR_SET_PDEATHSIG, 200);  // EINVAL, a number
  prctl(PR_GET_DUMPABLE);        // = 1 (SUID_DUMP_USER)
  prctl(PR_SET_DUMPABLE, 3);     // EINVAL: SUID_DUMP_???
  prctl(PR_GET_KEEPCAPS);
  prctl(PR_SET_KEEPCAPS, 0);
  prctl(PR_GET_CHILD_SUBREAPER, &value);    // [0]
  prctl(PR_GET_TSC, &value);                // [PR_TSC_ENABLE]
  prctl(PR_SET_TSC, 0xdeadbeef00000007ul);  // 32 bits: 0x7 /* PR_TSC_??? */
  prctl(PR_GET_SECUREBITS);
  prctl(PR_SET_SECUREBITS, 0xbadc0ded00000000ul);  // EPERM, SECBIT_???
  prctl(PR_CAPBSET_READ, 13);                      // CAP_NET_RAW
  prctl(PR_CAPBSET_READ, 255);                     // EINVAL, CAP_???
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 12, 0, 0);
  prctl(PR_CAP_AMBIENT, 255, 1, 2, 3);             // EINVAL
  prctl(PR_MCE_KILL_GET, 0, 0, 0, 0);              // = 2 (PR_MCE_KILL_DEFAULT)
  prctl(PR_MCE_KILL, PR_MCE_KILL_SET, 255, 0, 0);  // EINVAL
  prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  prctl(PR_GET_TIMERSLACK);
  prctl(PR_SET_TIMERSLACK, -1l);    // the default slack back
  prctl(PR_GET_TID_ADDRESS, &ptr);  // [0x...]
  prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
  prctl(PR_GET_SPECULATION_CTRL, 7, 0, 0, 0);  // ENODEV/EINVAL, PR_SPEC_???
  prctl(PR_SET_SPECULATION_CTRL, 3, 1, 0, 0);
  prctl(PR_SET_FP_MODE, 0x21);                      // EINVAL on x86_64
  prctl(PR_SVE_SET_VL, 0x20010);                    // EINVAL on x86_64
  prctl(PR_SET_TAGGED_ADDR_CTRL, 0xd, 0, 0, 0);     // EINVAL on x86_64
  prctl(PR_PAC_RESET_KEYS, 0x21, 0, 0, 0);          // EINVAL on x86_64
  prctl(PR_SET_UNALIGN, 0xff00);                    // EINVAL on x86_64
  prctl(PR_GET_ENDIAN, &value);                     // EINVAL on x86_64
  prctl(PR_SCHED_CORE, 4, -1, 0xffffffff, 0);       // EINVAL
  prctl(PR_SET_SYSCALL_USER_DISPATCH, 2, 1, 1, 1);  // EINVAL
  prctl(PR_SET_PTRACER, 0xbadc0dedfffffffful);      // PR_SET_PTRACER_ANY
  prctl(PR_SET_PTRACER, 0);
  prctl(PR_SET_VMA, 5, 1, 2, 3);  // EINVAL, PR_SET_VMA_???

  prctl(PR_GET_NAME, name);  // the current name
  prctl(PR_SET_NAME, "fixture");
  prctl(PR_GET_NAME, NULL);            // EFAULT
  strcpy(end - 15, "0123456789abcd");  // 14 characters and the NUL
  prctl(PR_SET_NAME, end - 15);
  memcpy(end - 15, "0123456789abcde", 15);  // 15 characters up to the unmapped page
  prctl(PR_SET_NAME, end - 15);
  memcpy(end - 10, "0123456789", 10);  // 10 characters, no NUL: EFAULT
  prctl(PR_SET_NAME, end - 10);
  prctl(PR_SET_NAME, NULL);  // EFAULT
  prctl(PR_SET_NAME, "prctl");
  return 0;
}
