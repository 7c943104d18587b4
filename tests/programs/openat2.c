// openat2(2) with struct open_how's edge cases: NULL, unreadable and too short structs, flags
// above 32 bits, the mode shown with O_CREAT / O_TMPFILE or when not 0, known and unknown
// resolve flags, sizes past the known 24 bytes whose rest is zero, not zero, unreadable or
// longer than a page, and a call that succeeds.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

static long openat2(int dirfd, const char* path, void* how, unsigned long size) {
  return syscall(SYS_openat2, dirfd, path, how, size);
}

static void set(struct open_how* how, uint64_t flags, uint64_t mode, uint64_t resolve) {
  how->flags = flags;
  how->mode = mode;
  how->resolve = resolve;
}

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);  // its end runs into an unmapped page
  if (!map)
    return 1;
  char* end = map + page;
  struct open_how* tail = (struct open_how*)(end - sizeof(struct open_how));
  struct open_how* how = (struct open_how*)map;  // with room after it
  // Strings on the stack: a page the eBPF recorder can read at entry even when the call fails
  // before the kernel touches them.
  char path[] = "openat2.missing";

  openat2(0, NULL, NULL, 0xdeadc0debadc0dedul);  // NULL
  char empty[1] = "";
  openat2(AT_FDCWD, empty, end, sizeof *how);  // unreadable: the address
  set(how, O_RDONLY, 0, 0);
  openat2(-1, path, how, 11);  // shorter than the first version: the address
  set(how, O_RDONLY | O_EXCL, 0, 0);
  openat2(-1, path, how, sizeof *how);
  set(tail, O_RDONLY | O_EXCL, 0, 0);
  openat2(-1, path, tail, sizeof *tail + 8);  // the rest unreadable: ???
  memset(map + 24, 0, 64);
  openat2(-1, path, how, sizeof *how + 8);  // the rest zero: not shown
  memcpy(map + 24, "\x80\x81\x82\x83\x84\x85\x86\x87", 8);
  openat2(-1, path, how, sizeof *how + 8);  // the rest not zero: E2BIG
  memcpy(map + 24, "abc\0\"\\\n\t", 8);
  openat2(-1, path, how, sizeof *how + 48);  // printable and zero bytes
  openat2(-1, path, how, 2 * page);          // the rest runs into the unmapped page
  memset(map + 24, 0, 64);

  set(how, O_WRONLY | O_CREAT, 0644, RESOLVE_NO_XDEV | RESOLVE_BENEATH);
  openat2(-1, path, how, sizeof *how);
  set(how, O_RDWR | O_TMPFILE, 0, RESOLVE_IN_ROOT | RESOLVE_CACHED | 0xfeedface00000100ul);
  openat2(-1, path, how, sizeof *how);
  set(how, O_RDONLY | O_DIRECTORY, 0, 0xdec0dedbeeffffc0ul);  // no known resolve flag
  openat2(-1, path, how, sizeof *how);
  set(how, O_RDONLY | 0xdeadface80000000ul, 0777, RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS);
  openat2(-1, path, how, sizeof *how);
  set(how, O_ACCMODE | O_NOCTTY | O_CLOEXEC, 0xbadc0dedfacebeeful, 0);
  openat2(-1, path, how, sizeof *how);

  set(how, O_RDONLY | O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS);
  long fd = openat2(AT_FDCWD, "/dev/null", how, sizeof *how);
  if (fd >= 0)
    close(fd);
  return 0;
}
