// io_uring_setup and io_uring_enter as strec decodes them: struct io_uring_params NULL, running
// into an unmapped page, with unknown flags and reserved words (refused), a ring made (the
// sizes, features and ring offsets the kernel writes), IORING_SETUP_ATTACH_WQ's wq_fd; and
// io_uring_enter's flags, known and not, on an fd that is not a ring.
#include <linux/io_uring.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  char* end = HoleAfterPage();  // unreadable from here on
  if (!end)
    return 1;
  struct io_uring_params* p = (struct io_uring_params*)(end - sizeof *p);
  memset(p, 0, sizeof *p);

  syscall(SYS_io_uring_setup, 1, NULL);       // EFAULT, NULL
  syscall(SYS_io_uring_setup, 1, end - 100);  // EFAULT, the address
  p->flags = 0xffffffff;
  p->sq_thread_cpu = 0x8f8e8d8c;
  p->sq_thread_idle = 7;
  p->wq_fd = -1;
  p->resv[1] = 0xa3a2a1a0;
  syscall(SYS_io_uring_setup, 1, p);  // EINVAL: every flag, wq_fd, resv
  memset(p, 0, sizeof *p);
  long fd = syscall(SYS_io_uring_setup, 2, p);  // a ring
  memset(p, 0, sizeof *p);
  p->flags = IORING_SETUP_ATTACH_WQ;
  p->wq_fd = 0;
  syscall(SYS_io_uring_setup, 2, p);  // EINVAL: stdin is not a ring
  if (fd >= 0)
    close(fd);

  syscall(SYS_io_uring_enter, 0, 1, 2, 0xffffffffu, NULL, 8);  // every flag and unknown ones
  syscall(SYS_io_uring_enter, 0, 1, 2, 0x20u, NULL, 8);        // an unknown flag alone
  syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);           // EBADF, no flags
  return 0;
}
