// fanotify_init, fanotify_mark, landlock_create_ruleset and landlock_add_rule with the calls
// strec decodes and their edge cases, each failing or succeeding the same way every run: the
// notification classes and flags (known, unknown, only unknown bits), mark flags and 64-bit
// event masks, FAN_NOFD and AT_FDCWD, NULL and unreadable paths; Landlock's ruleset attribute
// with sizes too short, exact and longer, rule attributes read, NULL
// and of unknown rule types.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fanotify.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  if (!map)
    return 1;
  char* end = map + page;

  syscall(SYS_fanotify_init, 0xc, O_RDONLY);
  syscall(SYS_fanotify_init, FAN_CLASS_CONTENT | 0xeface000, O_WRONLY | 0x80000000);
  syscall(SYS_fanotify_init, FAN_CLASS_PRE_CONTENT | FAN_CLOEXEC | FAN_REPORT_FID | 0x100000,
          O_RDWR | O_CLOEXEC);
  // Paths on the stack: in memory when the eBPF recorder reads them (the calls fail before the
  // kernel would touch a page of string literals).
  char root[] = "/";
  syscall(SYS_fanotify_mark, -1, FAN_MARK_ADD | FAN_MARK_ONLYDIR, FAN_OPEN | FAN_ONDIR, AT_FDCWD,
          root);
  syscall(SYS_fanotify_mark, -1, 0xeface800, 0xffffffffa7f02000ULL, -1, NULL);
  syscall(SYS_fanotify_mark, -1, FAN_MARK_IGNORED_SURV_MODIFY | 0x10000,
          FAN_CLOSE_WRITE | FAN_RENAME | (1ULL << 40), 0, end);
  char name[] = "strec";
  syscall(SYS_fanotify_mark, 12345, 0, 0, -1091571699, name);

  struct landlock_ruleset_attr ruleset = {LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_REFER};
  syscall(SYS_landlock_create_ruleset, NULL, 0, 0);
  syscall(SYS_landlock_create_ruleset, &ruleset, 4, 0);
  syscall(SYS_landlock_create_ruleset, &ruleset, sizeof ruleset, 0xbadcaffe);
  syscall(SYS_landlock_create_ruleset, end - 8, 16, 0);
  syscall(SYS_landlock_create_ruleset, end, 8, 0);
  ruleset.handled_access_fs = 0xdebeefeddecac000ULL;
  syscall(SYS_landlock_create_ruleset, &ruleset, sizeof ruleset, 0);

  struct __attribute__((packed)) {
    uint64_t allowed_access;
    int32_t parent_fd;
  } beneath = {LANDLOCK_ACCESS_FS_READ_FILE | (1ULL << 50), 2};
  syscall(SYS_landlock_add_rule, -1, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);
  syscall(SYS_landlock_add_rule, -1, LANDLOCK_RULE_PATH_BENEATH, NULL, 1);
  syscall(SYS_landlock_add_rule, 0, 0, NULL, 0);
  syscall(SYS_landlock_add_rule, -1, 0xfacebeef, &beneath, 0xffffffff);
  return 0;
}
