// strec-replay -p: the selected processes and the descendants they are seen creating. Shared by
// the text and JSON renderers.
#ifndef STREC_REPLAY_PID_FILTER_H_
#define STREC_REPLAY_PID_FILTER_H_

#include <cstdint>
#include <set>

#include "strec/replay/event_stream.h"

namespace strec::replay {

class PidFilter {
 public:
  explicit PidFilter(const std::set<int32_t>& pids) : shown_(pids), all_(pids.empty()) {}
  // Call for every event, before Shown: a selected process's new child is selected too.
  void Follow(const Event& e) {
    if (all_ || !Shown(e))
      return;
    matched_ = true;
    if (e.type == EventType::kSpawn)
      shown_.insert(e.child_pid ? e.child_pid : e.child_tid);
  }
  bool Shown(const Event& e) const { return all_ || shown_.count(e.pid) || shown_.count(e.tid); }
  // Whether the trace had any event of a selected process (always, without -p).
  bool matched() const { return all_ || matched_; }

 private:
  std::set<int32_t> shown_;
  bool all_;
  bool matched_ = false;
};

}  // namespace strec::replay

#endif  // STREC_REPLAY_PID_FILTER_H_
