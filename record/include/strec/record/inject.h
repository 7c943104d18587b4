// Syscall tampering at record time, in strace's -e inject= / -e fault= syntax (ptrace backend):
//
//   inject=SET[:error=ERRNO|:retval=N][:signal=SIG][:syscall=NAME][:delay_enter=D]
//             [:delay_exit=D][:when=FIRST[..LAST][+[STEP]]]
//   fault=SET[:error=ERRNO][:when=...]      (error defaults to ENOSYS)
//
// An error or retval replaces the call: its number becomes -1 (or NAME's, a call without side
// effects) at entry, and its return value is set at exit. A signal is sent at entry; a delay
// holds the thread before it enters or after it leaves the call. Invocations are counted per
// thread and per syscall, from 1. The trace marks each tampered call, so that replay prints
// "(INJECTED)" and "(DELAYED)" where strace does. Plain data and pure functions; no ptrace here.
#ifndef STREC_RECORD_INJECT_H_
#define STREC_RECORD_INJECT_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "strec/format/status.h"
#include "strec/format/syscall_table.h"

namespace strec::record {

struct InjectRule {
  format::SyscallSet set;
  std::optional<int64_t> retval;  // the value the call returns (-errno for error=)
  bool is_error = false;
  int signal = 0;
  int substitute_nr = -1;  // syscall=NAME: run this call instead of none
  uint64_t delay_enter_ns = 0, delay_exit_ns = 0;
  uint32_t first = 1, last = UINT32_MAX, step = 1;  // when=; step 0: only `first`

  bool Applies(uint32_t invocation) const {
    if (invocation < first || invocation > last)
      return false;
    return step ? (invocation - first) % step == 0 : invocation == first;
  }
};

// Parses the text after "inject=" or "fault=" (fault: true). Errors name the bad part.
StatusOr<InjectRule> ParseInjectRule(const format::SyscallTable& table,
                                     const std::string& spec,
                                     bool fault);

// What to do to one invocation: the union of the rules that apply to it.
struct InjectAction {
  bool tamper = false;  // replace the call and set its return value
  int64_t retval = 0;
  int substitute_nr = -1;
  int signal = 0;
  uint64_t delay_enter_ns = 0, delay_exit_ns = 0;
  bool any() const { return tamper || signal || delay_enter_ns || delay_exit_ns; }
};

class Injector {
 public:
  explicit Injector(std::vector<InjectRule> rules) : rules_(std::move(rules)) {}
  bool empty() const { return rules_.empty(); }
  // Every syscall some rule names (for the seccomp filter: those must stop).
  format::SyscallSet Syscalls() const;
  // Counts this invocation of `nr` by `tid` and says what to do to it.
  InjectAction AtEntry(pid_t tid, int nr);
  // A thread that ended: its counts go.
  void Forget(pid_t tid);

 private:
  std::vector<InjectRule> rules_;
  std::map<std::tuple<pid_t, int, size_t>, uint32_t> counts_;  // (tid, nr, rule) -> invocations
};

}  // namespace strec::record

#endif  // STREC_RECORD_INJECT_H_
