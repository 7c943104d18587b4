// What a tool keeps of a trace (strec slice, strec export): some processes with their
// descendants (as strec-replay -p shows them), some threads, a time window, a syscall set.
#ifndef STREC_FORMAT_SELECTION_H_
#define STREC_FORMAT_SELECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "strec/format/status.h"
#include "strec/format/syscall_table.h"
#include "strec/format/time_point.h"
#include "strec/format/trace_generated.h"

namespace strec::format {

struct SelectionOptions {
  std::vector<int32_t> pids;          // these processes and their descendants (all: both empty)
  std::vector<int32_t> tids;          // these threads; with pids, either matches
  std::optional<TimePoint> from, to;  // events whose time is in [from, to]
  std::string trace_expr;  // syscalls kept, strace's -e trace= syntax ("" = all); other events
                           // (spawns, execs, exits, signals) are kept for the processes kept

  // A tool's --from, --to and -e texts (each may be empty): a usage error says which is wrong.
  Status ParseText(const std::string& from, const std::string& to, const std::string& expr);
};

// The options resolved against one trace. Keep() follows spawns to take in descendants, so it
// is asked about every event, in order; a copy starts again from the options.
class Selection {
 public:
  static StatusOr<Selection> Create(const SelectionOptions& options, const fb::Header& header);

  // child_pid: a spawn's child (else 0); nr: a syscall's number (else -1). Events of pid 0 (a
  // loss of the whole trace) are kept when in the window.
  bool Keep(int32_t pid, int32_t tid, uint64_t time_ns, int nr, int32_t child_pid);
  bool Keep(const fb::Event& e);

 private:
  std::unordered_set<int32_t> pids_, tids_;
  bool all_ = true;
  uint64_t from_ns_ = 0, to_ns_ = UINT64_MAX;
  std::optional<SyscallSet> syscalls_;
};

}  // namespace strec::format

#endif  // STREC_FORMAT_SELECTION_H_
