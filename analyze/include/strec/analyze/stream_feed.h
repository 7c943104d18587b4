// The stateful pass: one trace read through replay's EventStream, whose State (processes, fd →
// path tables) names the file behind every fd. Feeds the same Aggregator as the chunk pass
// (event_feed.h), plus the views that need the state: per-file statistics and the slowest
// calls rendered as strace prints them. Sequential within a trace (fd state depends on every
// earlier event); analyze.cc runs several traces on several threads.
#ifndef STREC_ANALYZE_STREAM_FEED_H_
#define STREC_ANALYZE_STREAM_FEED_H_

#include <cstddef>
#include <cstdint>

#include "strec/analyze/aggregator.h"
#include "strec/analyze/event_feed.h"
#include "strec/analyze/files.h"
#include "strec/analyze/slow_calls.h"
#include "strec/format/status.h"
#include "strec/replay/event_stream.h"

namespace strec::analyze {

struct StreamSinks {
  Aggregator* aggregate = nullptr;  // required
  FileTable* files = nullptr;       // nullptr: no per-file view
  SlowCalls* slow = nullptr;        // nullptr: no slowest-calls view
  bool slow_fd_paths = false;       // render fds in the slow calls as strace -y does
  uint64_t events = 0;              // out: events read
};

// Reads `stream` to its end. `trace` is the input's index. Fails on a corrupt trace.
Status FeedStream(int32_t trace,
                  replay::EventStream* stream,
                  const EventFilter& filter,
                  StreamSinks* sinks);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_STREAM_FEED_H_
