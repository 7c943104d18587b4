// The name tables of bpf(2)'s commands and perf_event_open(2)'s flags, on calls the kernel
// refuses (their attribute structs are not decoded yet and print as addresses): known and
// unknown commands, flags known, unknown and mixed.
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  unsigned long attr = 0x1000;            // unmapped: EFAULT, or EINVAL before it is read
  syscall(SYS_bpf, 0, attr, 0);           // BPF_MAP_CREATE
  syscall(SYS_bpf, 10, attr, 0);          // BPF_PROG_TEST_RUN
  syscall(SYS_bpf, 36, attr, 0);          // BPF_???
  syscall(SYS_bpf, 0xfffffff0, attr, 0);  // BPF_???
  syscall(SYS_perf_event_open, attr, 0, -1, -1, 8UL);     // PERF_FLAG_FD_CLOEXEC
  syscall(SYS_perf_event_open, attr, 0, -1, -1, ~0UL);    // every flag and unknown ones
  syscall(SYS_perf_event_open, attr, 0, -1, -1, 0x10UL);  // PERF_FLAG_???
  syscall(SYS_perf_event_open, attr, 0, -1, -1, 0UL);
  return 0;
}
