// A trace as a timeline: processes and threads as lanes, each syscall a slice with its strace
// line, signals and exits as instants, spawns as arrows, losses marked. WalkTimeline reads a
// trace's events in order and hands these to a sink; the chrome-json exporter writes them as the
// Trace Event Format, strec report draws them.
#ifndef STREC_EXPORT_TIMELINE_H_
#define STREC_EXPORT_TIMELINE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "strec/format/selection.h"
#include "strec/format/status.h"

namespace strec::replay {
class EventStream;
struct SyscallText;
}  // namespace strec::replay
namespace strec::format {
struct SyscallInfo;
}

namespace strec::exporter {

// The strace class a syscall is drawn by: file, network, process, signal, ipc, memory, desc,
// clock, creds or other (its first class in this order).
const char* SyscallCategory(const format::SyscallInfo* info);

struct TimelineSlice {
  int32_t pid = 0, tid = 0;
  uint64_t start_ns = 0;  // monotonic, as recorded
  uint64_t dur_ns = 0;    // to its return, or for one that never returned to its thread's end
  bool timed = false;  // dur_ns is entry to exit (both were recorded; not for an unfinished call)
  std::string_view name;      // the syscall's name
  const char* category = "";  // SyscallCategory, or "unfinished"
  std::string_view strace;    // the line strace prints for it (-y), "= ?" when it never returned
  bool returned = false;      // false: unfinished at the trace's end, or ended by exit/exec
  bool unfinished = false;    // still in progress when the trace ends (drawn up to its end)
  int64_t ret = 0;
  int err = 0;  // errno when it failed
  // The call as recorded (not for an unfinished one).
  int nr = -1;
  const uint64_t* raw_args = nullptr;  // its nargs arguments as the registers held them
  int nargs = 0;
  // Its strace text (replay::ArgumentsText gives the arguments alone); null when unfinished.
  const replay::SyscallText* text = nullptr;
  std::string_view fd_path;  // the file of its first fd argument (before the call), or of the
                             // new fd it returned; "" when none or unknown
};

class TimelineSink {
 public:
  virtual ~TimelineSink() = default;
  // A process's name, at its first sight and each time it changes (exec).
  virtual void ProcessName(int32_t pid, const std::string& name) = 0;
  // A thread's first sight (its name: the process's, with the tid when it is not the leader).
  virtual void ThreadName(int32_t pid, int32_t tid, const std::string& name) = 0;
  virtual void Slice(const TimelineSlice& slice) = 0;
  // scope: 'p' (process: exits) or 't' (thread: signals, detaches); text as strace prints it.
  virtual void Instant(int32_t pid,
                       int32_t tid,
                       uint64_t ns,
                       std::string_view name,
                       char scope,
                       std::string_view text) = 0;
  virtual void Loss(uint64_t ns, uint64_t lost_events, std::string_view reason) = 0;
  // A spawn's arrow: from the parent's call (start) to the child's first event (end).
  virtual void FlowStart(int32_t pid, int32_t tid, uint64_t ns, uint64_t id) = 0;
  virtual void FlowEnd(int32_t pid, int32_t tid, uint64_t ns, uint64_t id) = 0;
};

struct TimelineStats {
  uint64_t first_ns = 0, last_ns = 0;  // the times of the trace's first and last events
};

// Reads `stream` to its end, handing `sink` what `select` keeps (it follows spawns) (syscalls by
// their end time), the strace lines rendered with -s `max_strlen` and -y.
StatusOr<TimelineStats> WalkTimeline(replay::EventStream* stream,
                                     format::Selection* select,
                                     uint32_t max_strlen,
                                     TimelineSink* sink);

}  // namespace strec::exporter

#endif  // STREC_EXPORT_TIMELINE_H_
