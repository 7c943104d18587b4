// Pid namespace translation (strace --pidns-translation): a child in a new user and pid
// namespace (pid 1 there) makes calls that take, return or carry ids as its namespace numbers
// them: its pid, tid, group and session (0: outside the namespace), -pgid, an unknown pid,
// fcntl's owner (F_SETOWN, struct f_owner_ex of F_SETOWN_EX / F_GETOWN_EX, one with an unknown
// type), a signal's si_pid, and a grandchild (pid 2) with a session and group of its own, reaped
// before the parent's SIGCHLD shows (blocked) so that no line names a dead process.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_usr1(int sig) {
  (void)sig;
}

static void inside(void) {
  pid_t pid = getpid();
  syscall(SYS_gettid);
  getppid();
  getpgrp();
  getsid(0);
  getsid(pid);
  kill(pid, 0);
  kill(-pid, 0);
  kill(12345, 0);
  syscall(SYS_tgkill, pid, pid, 0);
  syscall(SYS_tkill, pid, 0);
  int fd = open("/dev/null", O_RDONLY);
  fcntl(fd, F_SETOWN, pid);
  fcntl(fd, F_GETOWN);
  fcntl(fd, F_SETOWN, -pid);
  fcntl(fd, F_GETOWN);
  struct f_owner_ex owner = {F_OWNER_TID, pid};
  fcntl(fd, F_SETOWN_EX, &owner);
  fcntl(fd, F_GETOWN_EX, &owner);
  struct f_owner_ex bad = {5, pid};
  fcntl(fd, F_SETOWN_EX, &bad);
  close(fd);
  struct sched_param sp;
  sched_getparam(pid, &sp);
  sched_getscheduler(pid);
  struct rlimit rl;
  syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &rl);
  getpriority(PRIO_PROCESS, pid);
  getpriority(PRIO_PGRP, pid);
  fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0)
    close(fd);
  signal(SIGUSR1, on_usr1);  // SIGCHLD stays blocked (main's mask)
  kill(pid, SIGUSR1);
  pid_t child = fork();
  if (child == 0) {
    pid_t me = getpid();
    getppid();
    setsid();
    getsid(0);
    getpgid(0);
    getpgid(me);
    kill(-me, 0);
    int nfd = open("/dev/null", O_RDONLY);
    fcntl(nfd, F_SETOWN, -me);
    fcntl(nfd, F_GETOWN);
    close(nfd);
    syscall(SYS_tgkill, me, me, 0);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  setpgid(0, 0);
}

int main(void) {
  if (unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0) {
    perror("unshare");
    return 77;
  }
  sigset_t chld;  // no SIGCHLD line: its si_stime would vary from run to run
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    inside();
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  return 0;
}
