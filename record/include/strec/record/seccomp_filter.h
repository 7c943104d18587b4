// A seccomp-bpf program that stops the tracee (SECCOMP_RET_TRACE) only for the syscalls in a
// set and lets the others run without any stop.
#ifndef STREC_RECORD_SECCOMP_FILTER_H_
#define STREC_RECORD_SECCOMP_FILTER_H_

#include <linux/filter.h>

#include <vector>

#include "strec/format/syscall_table.h"

namespace strec::record {

// Built in the parent (no allocation between fork and exec).
std::vector<sock_filter> BuildSeccompFilter(const format::SyscallTable& table,
                                            const format::SyscallSet& set);

// Installs the program in the calling process (setting no_new_privs if the caller lacks
// CAP_SYS_ADMIN). Async-signal-safe; returns 0 or an errno.
int InstallSeccompFilter(const std::vector<sock_filter>& program);

}  // namespace strec::record

#endif  // STREC_RECORD_SECCOMP_FILTER_H_
