// kcmp, syslog, add_key, request_key, kexec_load and kexec_file_load with the calls strec
// decodes and their edge cases, each harmless and with the same result from run to run: kcmp's
// types (the epoll slot read from memory, NULL or unreadable; unknown types with their two
// arguments), syslog's actions (the buffer size, reads that fail, a console level that is
// refused, unknown actions), keys on the special keyrings and on serial numbers that do not
// exist, kexec with architectures and flags the kernel refuses (segments read, too many of them,
// NULL; a command line).
#define _GNU_SOURCE
#include <linux/kcmp.h>
#include <linux/kexec.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  char* end = HoleAfterPage();  // unreadable from here on
  if (!end)
    return 1;
  struct kcmp_epoll_slot slot = {3, 4, 5};
  char buf[64];

  syscall(SYS_kcmp, -1, -1, KCMP_FILE, 0, 1);
  syscall(SYS_kcmp, -1, -2, KCMP_VM, 7, 8);
  syscall(SYS_kcmp, -1, -1, KCMP_SYSVSEM);
  syscall(SYS_kcmp, -1, -1, KCMP_EPOLL_TFD, 3, &slot);
  syscall(SYS_kcmp, -1, -1, KCMP_EPOLL_TFD, 3, NULL);
  syscall(SYS_kcmp, -1, -1, KCMP_EPOLL_TFD, 3, end);
  syscall(SYS_kcmp, 0, 0, 8, 0, 0);
  syscall(SYS_kcmp, -3, -4, 0xda7adead, 0xdec0ded3dec0ded4UL, 1);

  syscall(SYS_syslog, 10, NULL, 0);  // SYSLOG_ACTION_SIZE_BUFFER
  syscall(SYS_syslog, 2, NULL, -1);  // SYSLOG_ACTION_READ: EINVAL
  syscall(SYS_syslog, 3, buf, -5);   // SYSLOG_ACTION_READ_ALL: EINVAL
  syscall(SYS_syslog, 3, buf, 0);    // nothing to read: ""
  syscall(SYS_syslog, 8, NULL, 42);  // SYSLOG_ACTION_CONSOLE_LEVEL: EINVAL
  syscall(SYS_syslog, 8, 0xfacefeedUL, -1);
  syscall(SYS_syslog, 11, buf, 64);
  syscall(SYS_syslog, -1, NULL, -1);

  syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
  syscall(SYS_add_key, "user", "strec-fixture", "data", 4, 1234567890);
  syscall(SYS_add_key, "user", "strec-fixture", end, 8, KEY_SPEC_GROUP_KEYRING);
  syscall(SYS_add_key, "no-such-type", "strec-fixture", "", 0, -1234567890);
  syscall(SYS_request_key, "user", "strec-no-such-key", NULL, 1234567890);
  syscall(SYS_request_key, NULL, end, "callout", KEY_SPEC_REQUESTOR_KEYRING);

  struct kexec_segment segs[3] = {{NULL, 10, (void*)0x100000, 4096},
                                  {buf, sizeof buf, (void*)0x200000, 8192}};
  syscall(SYS_kexec_load, 0, 17, segs, KEXEC_ARCH_SH);
  syscall(SYS_kexec_load, 0x1000, 3, segs, 0xda7a0000UL | KEXEC_ON_CRASH | 0x1050);
  syscall(SYS_kexec_load, NULL, 0, NULL, KEXEC_ARCH_ARM | KEXEC_PRESERVE_CONTEXT);
  syscall(SYS_kexec_file_load, -1, -1, 6, "abcdef", 0xbadc0de0UL);
  syscall(SYS_kexec_file_load, -1, 100, 0, NULL, KEXEC_FILE_ON_CRASH | KEXEC_FILE_NO_INITRAMFS);
  return 0;
}
