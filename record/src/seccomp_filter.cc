#include "strec/record/seccomp_filter.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace strec::record {

std::vector<sock_filter> BuildSeccompFilter(const format::SyscallTable& table,
                                            const format::SyscallSet& set) {
  std::vector<int> traced, untraced;
  for (int nr = 0; nr <= table.max_nr(); nr++)
    (set.Contains(nr) ? traced : untraced).push_back(nr);
  // List the shorter side; each comparison is followed by its own return, so no jump is longer
  // than one instruction whatever the list's length.
  bool list_traced = traced.size() <= untraced.size();
  const std::vector<int>& list = list_traced ? traced : untraced;
  uint32_t on_match = list_traced ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW;
  uint32_t otherwise = list_traced ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRACE;
  if (!list_traced && !set.Contains(table.max_nr() + 1))
    otherwise = SECCOMP_RET_TRACE;

  std::vector<sock_filter> p;
  // Another architecture (an int 0x80 call) or an x32 number: always stop, so nothing is missed.
  p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  p.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  p.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
  p.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  for (int nr : list) {
    p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1));
    p.push_back(BPF_STMT(BPF_RET | BPF_K, on_match));
  }
  p.push_back(BPF_STMT(BPF_RET | BPF_K, otherwise));
  return p;
}

int InstallSeccompFilter(const std::vector<sock_filter>& program) {
  sock_fprog prog{static_cast<unsigned short>(program.size()),
                  const_cast<sock_filter*>(program.data())};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
    return 0;
  if (errno != EACCES)
    return errno;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return errno;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
    return 0;
  return errno;
}

}  // namespace strec::record
