// clone3(2) with struct clone_args' edge cases: NULL, unreadable and too short structs, each
// version's size, the pointer fields each flag shows, set_tid arrays, cgroup, unknown flags and
// exit signals, sizes past the known 88 bytes whose rest is zero, not zero or unreadable, and
// calls that succeed and show what the kernel wrote (pidfd, parent tid). The calls meant to fail
// carry an exit signal the kernel refuses; a child made by a successful call exits at once.
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long clone3(void* args, unsigned long size) {
  long r = syscall(SYS_clone3, args, size);
  if (r == 0)
    syscall(SYS_exit_group, 0);
  if (r > 0)
    wait4(r, NULL, __WALL, NULL);
  return r;
}

int main(void) {
  // SIGCHLD blocked: whether a child's SIGCHLD arrives before or after the wait4 that reaps it
  // is scheduling, and its line would move from run to run.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  long page = sysconf(_SC_PAGESIZE);
  // Two pages, the second unmapped: a struct at the end of the first runs into it.
  char* map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return 1;
  munmap(map + page, page);
  char* end = map + page;
  struct clone_args* a = (struct clone_args*)map;  // with room after it
  struct clone_args* tail = (struct clone_args*)(end - sizeof *a);
  const uint64_t bad_signal = 0xdead00000011ull;  // EINVAL
  int* ints = (int*)(map + 1024);
  int pidfd = -1, parent_tid = 0;

  clone3(NULL, 0);
  clone3(end, sizeof *a);  // unreadable: the address
  clone3(a, 56);           // shorter than the first version: the address

  memset(a, 0, 2 * sizeof *a);
  a->exit_signal = SIGCHLD;
  clone3(a, 64);  // a child
  a->flags = CLONE_PIDFD | CLONE_PARENT_SETTID;
  a->pidfd = (uintptr_t)&pidfd;
  a->parent_tid = (uintptr_t)&parent_tid;
  clone3(a, 88);  // a child: => {pidfd=[N], parent_tid=[N]}
  close(pidfd);
  a->flags = CLONE_PARENT_SETTID;
  a->parent_tid = 0;
  a->exit_signal = 0;
  clone3(a, 80);  // a child; parent_tid NULL
  memset(a, 0, 2 * sizeof *a);

  a->exit_signal = bad_signal;
  clone3(a, sizeof *a + 8);  // the rest zero
  memcpy((char*)a + 88, "\xde\xc0\xad\xde\xed\xfe\xce\xfa", 8);
  clone3(a, sizeof *a + 8);  // the rest not zero
  memset((char*)a + 88, 0, 8);
  memset(tail, 0, sizeof *tail);
  tail->exit_signal = bad_signal;
  clone3(tail, sizeof *tail + 8);  // the rest unreadable: ???

  for (int i = 0; i < 40; i++)
    ints[i] = 1000 + i;
  a->set_tid = (uintptr_t)ints;
  a->set_tid_size = 3;
  clone3(a, 88);
  a->set_tid_size = 32;
  clone3(a, 88);
  a->set_tid_size = 0;
  clone3(a, 88);  // set_tid without a size: the address
  a->set_tid = 0;
  a->set_tid_size = 5;
  clone3(a, 88);  // NULL
  a->set_tid = (uintptr_t)end;
  a->set_tid_size = 2;
  clone3(a, 88);  // unreadable
  a->set_tid_size = 0;
  a->set_tid = 0;
  clone3(a, 72);  // set_tid_size out of the given size: not shown
  a->cgroup = 0xfacefeedbadc0dedull;
  clone3(a, 88);
  clone3(a, 80);  // cgroup out of the given size: not shown
  a->cgroup = 0;
  a->flags = CLONE_INTO_CGROUP;
  clone3(a, 88);

  a->flags = 0xface3eefbeefc0deull;  // known flags and unknown bits
  a->exit_signal = 0x1e55c0de;
  clone3(a, 64);
  a->flags = 0xdec0deac0040007full;  // none known
  a->exit_signal = 250;
  a->stack = 0xface1e55beeff00dull;
  a->stack_size = 0xcaffeedefacedca7ull;
  clone3(a, 64);
  a->flags = CLONE_CHILD_SETTID | CLONE_SETTLS | CLONE_NEWTIME | 0x200;
  a->child_tid = (uintptr_t)ints;
  a->tls = 0;
  a->exit_signal = bad_signal;
  clone3(a, 64);
  a->flags = CLONE_CLEAR_SIGHAND | CLONE_VM | CLONE_VFORK;
  a->exit_signal = SIGUSR1 | 0x100;
  clone3(a, 64);
  return 0;
}
