// Analysis of one or more .strec traces: decode, filter, aggregate.
//
// Two passes, chosen by the views asked for; both stream, in memory bounded whatever the trace
// length, and give the same Aggregator for the same events:
// - the chunk pass (views without fd state: summary, percentiles, errors, processes, threads):
//   chunks of all inputs are handed out to `jobs` threads (TraceReader::ReadChunk is
//   thread-safe), each holding one decoded chunk and one Aggregator; merged at the end.
// - the stream pass (--by file, --slow): each trace is read in order through replay's
//   EventStream, whose State follows processes and fd → path tables (stream_feed.h); traces
//   run on up to `jobs` threads, one trace per thread, merged in input order.
#ifndef STREC_ANALYZE_ANALYZE_H_
#define STREC_ANALYZE_ANALYZE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strec/analyze/aggregator.h"
#include "strec/analyze/files.h"
#include "strec/analyze/slow_calls.h"
#include "strec/format/recordings.h"
#include "strec/format/status.h"
#include "strec/format/time_point.h"

namespace strec::analyze {

using format::ParseTimePoint;
using format::TimePoint;

struct AnalyzeOptions {
  std::string trace_expr;     // strace's -e trace=SET (without "trace="); "" = all
  std::vector<int32_t> pids;  // -p; empty = all
  std::optional<TimePoint> since, until;
  int jobs = 2;  // decoding threads
  // Read chunks outside the time window too (process names, spawns and exits live there).
  bool whole_trace = false;
  bool threads = false;  // per-thread statistics (Aggregator::threads())
  // Per-process statistics (Aggregator::processes()): a row per process ever seen, so off
  // unless a view shows them.
  bool processes = true;
  // Views that need the fd state; either selects the stream pass.
  bool files = false;                            // per-file statistics
  size_t file_limit = FileTable::kDefaultLimit;  // distinct paths kept; the rest overflow
  size_t slow = 0;                               // keep the N slowest calls
  bool slow_fd_paths = false;                    // render their fds as strace -y does

  bool needs_state() const { return files || slow > 0; }
};

// Facts of one input, for the reports.
struct TraceFacts {
  std::string path;
  std::string command;       // basename of the recorded command's argv[0], or ""
  uint64_t start_ns = 0;     // monotonic clock at the start of recording
  uint64_t realtime_ns = 0;  // CLOCK_REALTIME at the same moment (ns since the epoch)
  uint64_t chunks_read = 0;  // chunks decoded (fewer than all when a window skips some)
  uint64_t events = 0;       // events fed
  // A joined trace's recordings (strec cat of several hosts), to show its pids as "web2:1234";
  // empty for a trace of one recording.
  format::PidMap pids;
};

struct Analysis {
  Aggregator aggregate;
  FileTable files;  // with AnalyzeOptions::files
  SlowCalls slow;   // with AnalyzeOptions::slow
  std::vector<TraceFacts> traces;
  std::vector<std::string> warnings;  // for stderr: no footer, lost events, ...
  // Chunks left out because they are damaged (each with a warning): the figures lack their
  // events, which strec-analyze's exit status says.
  uint64_t damaged_chunks = 0;

  std::vector<std::string> RootCommands() const;
};

StatusOr<Analysis> AnalyzeTraces(const std::vector<std::string>& paths,
                                 const AnalyzeOptions& options);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_ANALYZE_H_
