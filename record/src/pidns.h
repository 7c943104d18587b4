// The pid namespace ids of traced tasks (strace's --pidns-translation, offline): for a task in
// another pid namespace than the recorder's, its ids at each namespace level from the
// recorder's down to its own (/proc/PID/status NSpid, NStgid, NSpgid, NSsid) and the namespaces
// themselves (NS_GET_PARENT), so that replay can translate any id the task sees. Works also when
// the recorder runs in a pid namespace of its own under a /proc mounted for an outer one (unshare
// -p without a new /proc): a tracee's /proc entry is then found by its NSpid chain.
#ifndef STREC_RECORD_SRC_PIDNS_H_
#define STREC_RECORD_SRC_PIDNS_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "strec/format/event.h"

namespace strec::record {

struct PidNsIds {
  std::vector<uint64_t> ns;  // level 0: the recorder's namespace; last: the task's own
  std::vector<int32_t> tid, tgid, pgid, sid;

  format::PidNsRecord Record(pid_t tid, pid_t tgid, uint64_t time_ns) const {
    return {tid, tgid, ns, this->tid, this->tgid, pgid, sid, time_ns};
  }
};

class PidNsReader {
 public:
  // Reads the recorder's own namespace and where /proc's is; call from the tracing thread.
  PidNsReader();

  // The ids of task `tid` (of process `tgid`; `parent`: the task that created it, or 0), as the
  // recorder's namespace numbers them. False when the task is in the recorder's own namespace
  // (its ids need no translation) or cannot be read.
  bool Read(pid_t tid, pid_t tgid, pid_t parent, PidNsIds* out);
  // The task ended: its numbers may be reused.
  void Forget(pid_t tid) {
    proc_tid_.erase(tid);
    own_ns_.erase(tid);
  }
  // The task that `observer` calls `id` (setpgid's target), from what Read found so far: id
  // itself when the observer is in the recorder's namespace, 0 when unknown.
  pid_t Resolve(pid_t observer, int32_t id) const;

 private:
  // The task's number in /proc's namespace (0: not found).
  pid_t ProcTid(pid_t tid, pid_t tgid, pid_t parent);
  bool Matches(pid_t proc_tid, pid_t tid);
  const std::vector<uint64_t>* Chain(pid_t proc_tid, uint64_t own_ns);

  bool ok_ = false;
  uint64_t self_ns_ = 0;
  size_t proc_levels_ = 0;  // the recorder's namespace is this many levels below /proc's
  pid_t self_proc_tid_ = 0;
  std::unordered_map<pid_t, pid_t> proc_tid_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> chains_;
  std::unordered_map<pid_t, uint64_t> own_ns_;           // of the tasks Read found
  std::map<std::pair<uint64_t, int32_t>, pid_t> local_;  // (namespace, tid there) -> tid
};

}  // namespace strec::record

#endif  // STREC_RECORD_SRC_PIDNS_H_
