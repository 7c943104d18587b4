// The bridge from decoded .strec chunk events to the Aggregator, with the user's filters: the
// chunk pass, which needs no fd state and so runs on any chunk in any thread. The stateful pass
// (stream_feed.h) applies the same filters to replay's events.
#ifndef STREC_ANALYZE_EVENT_FEED_H_
#define STREC_ANALYZE_EVENT_FEED_H_

#include <cstdint>
#include <vector>

#include "strec/analyze/aggregator.h"
#include "strec/format/syscall_table.h"
#include "strec/format/trace_generated.h"

namespace strec::analyze {

// What to count. Syscalls are filtered by number, process and time; process events (spawn,
// exec, exit) only by process, so lifetimes and names stay whole.
struct EventFilter {
  const format::SyscallSet* syscalls = nullptr;  // nullptr: every syscall
  std::vector<int32_t> pids;                     // sorted; empty: every process
  // A syscall counts when it returned within [since_ns, until_ns] (trace's monotonic clock).
  uint64_t since_ns = 0;
  uint64_t until_ns = UINT64_MAX;

  bool WantsPid(int32_t pid, int32_t tid) const;
};

// Hands one event of trace number `trace` to `agg`.
void FeedEvent(int32_t trace, const fb::Event& event, const EventFilter& filter, Aggregator* agg);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_EVENT_FEED_H_
