// The least a ptrace syscall tracer can do: follow every fork, vfork and clone, stop at every
// syscall entry and exit (PTRACE_SYSCALL), and do nothing at the stops but resume. No
// PTRACE_GET_SYSCALL_INFO, no memory reads, no output. bench/overhead.sh runs it as the "floor"
// mode: the cost that any ptrace recorder (strace or strec-record) pays before doing any work.
//
// usage: ptrace_floor COMMAND [ARG...]; exits with the command's status (128+N if killed by N).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ptrace_floor COMMAND [ARG...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("ptrace_floor: fork");
    return 1;
  }
  if (pid == 0) {
    raise(SIGSTOP);  // wait to be seized
    execvp(argv[1], argv + 1);
    fprintf(stderr, "ptrace_floor: cannot run %s: %s\n", argv[1], strerror(errno));
    _exit(127);
  }
  waitpid(pid, NULL, WSTOPPED);
  long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
              PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SEIZE, pid, 0, (void*)opts) != 0) {
    perror("ptrace_floor: PTRACE_SEIZE");
    kill(pid, SIGKILL);
    return 1;
  }
  kill(pid, SIGCONT);
  int exit_code = 1;
  for (;;) {
    int st;
    pid_t t = waitpid(-1, &st, __WALL);
    if (t < 0) {
      if (errno == EINTR)
        continue;
      break;  // ECHILD: every tracee is gone
    }
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      if (t == pid)
        exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      continue;
    }
    int sig = WSTOPSIG(st);
    int event = st >> 16;
    if (sig == (SIGTRAP | 0x80) || event != 0) {
      sig = 0;  // a syscall stop, or a fork/clone/exec/interrupt event
      if (event == PTRACE_EVENT_STOP) {
        if (WSTOPSIG(st) == SIGSTOP || WSTOPSIG(st) == SIGTSTP || WSTOPSIG(st) == SIGTTIN ||
            WSTOPSIG(st) == SIGTTOU)
          ptrace(PTRACE_LISTEN, t, 0, 0);  // a group-stop: stay stopped until SIGCONT
        else
          ptrace(PTRACE_SYSCALL, t, 0, 0);  // a new tracee's first stop, or a group-stop's end
        continue;
      }
    }
    ptrace(PTRACE_SYSCALL, t, 0, (void*)(long)sig);  // deliver real signals
  }
  return exit_code;
}
