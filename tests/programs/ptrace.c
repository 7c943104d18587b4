// ptrace(2) as strec decodes it, on calls that fail (the fixture runs traced by strace, so it
// can trace nothing itself; no PTRACE_TRACEME, which succeeds under the eBPF backend): known and
// unknown requests, the requests without addr and data, those whose data is a signal,
// PTRACE_SETOPTIONS' options known and not, PTRACE_GET_SYSCALL_INFO with a NULL and a real
// buffer, and requests whose arguments print as addresses.
#include <linux/ptrace.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static long Ptrace(unsigned long req, long pid, unsigned long addr, unsigned long data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}

int main(void) {
  char info[88];
  long nobody = 0x7fffffff;          // no such process
  Ptrace(0xdeadbeef, nobody, 1, 2);  // PTRACE_???
  Ptrace(PTRACE_ATTACH, nobody, 0, 0);
  Ptrace(PTRACE_KILL, nobody, 0, 0);
  Ptrace(PTRACE_INTERRUPT, nobody, 0, 0);
  Ptrace(PTRACE_LISTEN, nobody, 0, 0);
  Ptrace(PTRACE_CONT, nobody, 0, SIGUSR1);
  Ptrace(PTRACE_SYSCALL, nobody, 0, 0);
  Ptrace(PTRACE_DETACH, nobody, 0, SIGKILL);
  Ptrace(PTRACE_SINGLESTEP, nobody, 0x1234, 0);
  Ptrace(PTRACE_SETOPTIONS, nobody, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE);
  Ptrace(PTRACE_SETOPTIONS, nobody, 0, 0);
  Ptrace(PTRACE_SETOPTIONS, nobody, 0, 0x100);  // PTRACE_O_???
  Ptrace(PTRACE_SEIZE, nobody, 0, PTRACE_O_EXITKILL);
  Ptrace(PTRACE_GET_SYSCALL_INFO, nobody, sizeof info, 0);
  Ptrace(PTRACE_GET_SYSCALL_INFO, nobody, sizeof info, (unsigned long)info);
  Ptrace(PTRACE_PEEKDATA, nobody, 0x1000, (unsigned long)info);
  Ptrace(PTRACE_GETEVENTMSG, nobody, 0, 0);
  return 0;
}
