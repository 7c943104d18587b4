// The strace-compatible text renderer: takes the events of an EventStream in order and writes
// the lines `strace -f -o FILE [options]` would have written, including the `<unfinished ...>`
// / `<... NAME resumed>` interleaving, signal and exit lines, -t/-tt/-ttt/-r/-T, -y, -e trace=,
// -e status= and -p. Output goes to a LineSink: one stream, or one file per thread (-ff).
// Used by one thread.
#ifndef STREC_REPLAY_TEXT_RENDERER_H_
#define STREC_REPLAY_TEXT_RENDERER_H_

#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strec/format/recordings.h"
#include "strec/format/status.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/options.h"
#include "strec/replay/pid_filter.h"

namespace strec::replay {

// Where rendered text goes. `tid` selects the file with -ff; a single-stream sink ignores it.
class LineSink {
 public:
  virtual ~LineSink() = default;
  // The output that tid's lines go to (lines of one output interleave; different outputs not).
  virtual int OutputOf(int32_t tid) = 0;
  virtual Status Write(int output, std::string_view text) = 0;
  // Whether lines carry the "PID " prefix (strace -f with one output file).
  virtual bool pid_prefix() const = 0;
  // Writes out what the sink holds back.
  virtual Status Flush() { return OkStatus(); }
  // The output's thread has ended: nothing more goes there (-ff closes its file).
  virtual Status Done(int /*output*/) { return OkStatus(); }
};

// Everything into one string (tests) or one FILE.
class StringSink : public LineSink {
 public:
  int OutputOf(int32_t) override { return 0; }
  Status Write(int, std::string_view text) override {
    text_ += text;
    return OkStatus();
  }
  bool pid_prefix() const override { return true; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Gathers lines into blocks of 64 KiB before handing them to stdio: Flush() at the end.
class FileSink : public LineSink {
 public:
  explicit FileSink(FILE* f) : f_(f) {}
  int OutputOf(int32_t) override { return 0; }
  Status Write(int, std::string_view text) override;
  bool pid_prefix() const override { return true; }
  Status Flush() override;

 private:
  static constexpr size_t kBlock = 64 * 1024;
  FILE* f_;
  std::string block_;
};

// -ff: one file per thread, named BASE.TID, created on first use.
class PerThreadSink : public LineSink {
 public:
  explicit PerThreadSink(std::string base) : base_(std::move(base)) {}
  ~PerThreadSink() override;
  int OutputOf(int32_t tid) override { return tid; }
  Status Write(int output, std::string_view text) override;
  Status Done(int output) override;
  bool pid_prefix() const override { return false; }

 private:
  std::string base_;
  std::map<int, FILE*> files_;
};

class TextRenderer {
 public:
  TextRenderer(const RenderOptions& options, const fb::Header& header, LineSink* sink);

  // Renders one event. Applies the event to the stream's state at the right moment (after the
  // arguments, before the return value, so that -y shows a new fd's path).
  Status OnEvent(const Event& event, EventStream* stream);
  // Threads whose state is kept (signal masks, handlers): the live ones, not every one seen.
  size_t threads_tracked() const { return sig_.size() + handlers_.size(); }
  // -p: whether any selected process was in the trace.
  bool pids_matched() const { return pid_filter_.matched(); }
  // Ends an open line (a syscall still in progress at the end of the trace).
  Status Finish();

 private:
  struct OpenLine {
    bool active = false;
    int32_t tid = 0;
    std::string name;
    size_t column = 0;  // where the open line ends (for the "= " column)
  };
  struct SigState {
    uint64_t mask = 0;
    std::vector<uint64_t> saved;
    bool in_suspend = false;
    uint64_t suspend_saved = 0;
    int last_nr = -1;  // the thread's last syscall (what restart_syscall resumes)
  };
  struct Handlers {
    uint64_t handler[65] = {};
    uint64_t flags[65] = {};
    uint64_t mask[65] = {};
  };

  bool Shown(const Event& e) const;
  std::string Prefix(int32_t tid, uint64_t time_ns);
  void AppendPrefix(std::string* s, int32_t tid, uint64_t time_ns);
  // -n and -i: "[ NNN] " (nr < 0: unknown) and "[IP] " (null: not recorded).
  void AppendCallPrefix(std::string* s, int nr, const uint64_t* ip) const;
  // The same for a syscall's own line.
  void AppendCallPrefix(std::string* s, const Syscall& sc) const;
  // Appends " = " or the padding to -a's column, for a line that now ends at `column`.
  void AppendPad(std::string* s, size_t column) const;
  std::string Pad(const std::string& line) const;
  void AppendDuration(std::string* s, const Syscall& sc) const;
  // Ends another thread's open line on this output with " <unfinished ...>".
  Status Interrupt(int output, int32_t tid);
  Status Line(int32_t tid, uint64_t time_ns, const std::string& body);
  Status RenderSyscall(const Event& e, EventStream* stream);
  void TrackSignals(const Event& e);
  std::string SigreturnMask(int32_t tid);
  Status Forget(int32_t tid);
  SigState& Sig(int32_t tid);
  std::shared_ptr<Handlers>& HandlersOf(int32_t tid, int32_t pid);

  RenderOptions opt_;
  // -e abbrev=/raw=: opt_ with verbose and raw_call set, at [verbose * 2 + raw]; else empty.
  std::vector<RenderOptions> call_opts_;
  uint64_t realtime_ns_, monotonic_ns_;
  format::PidMap pids_;  // a joined trace's: pids shown as "host:pid"
  LineSink* sink_;
  std::map<int, OpenLine> open_;
  // Reused for every syscall, so that rendering allocates nothing once warm.
  SyscallText text_;
  std::string line_;
  // The last "PID " prefix written, and whose.
  int32_t prefix_tid_ = 0;
  std::string pid_prefix_;
  const State* state_ = nullptr;  // the stream's, during OnEvent (-Y's command names)
  // -Y: the name of the thread whose syscall is being rendered, as it was before the call.
  std::string entry_comm_;
  int32_t entry_comm_tid_ = 0;
  // -t/-tt: the last second's "HH:MM:SS".
  bool have_clock_ = false;
  time_t clock_sec_ = 0;
  std::string clock_;
  uint64_t last_time_ns_ = 0;
  bool have_last_time_ = false;
  PidFilter pid_filter_;  // -p
  int32_t root_tid_ = 0;  // --no-follow: the one thread shown (the first seen)
  std::unordered_map<int32_t, SigState> sig_;
  std::unordered_map<int32_t, std::shared_ptr<Handlers>> handlers_;  // by tid
};

}  // namespace strec::replay

#endif  // STREC_REPLAY_TEXT_RENDERER_H_
