#include "strec/export/timeline.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "strec/format/syscall_table.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/xlat.h"

namespace strec::exporter {
namespace {

using replay::Event;
using replay::EventType;

std::string Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

class Walker {
 public:
  Walker(replay::EventStream* stream,
         format::Selection* select,
         uint32_t max_strlen,
         TimelineSink* sink)
      : stream_(stream), select_(select), sink_(sink) {
    const fb::Header& h = stream->header();
    if (h.command() && h.command()->size() > 0)
      root_name_ = Basename(h.command()->Get(0)->string_view());
    render_.max_strlen = max_strlen;
    render_.decode_fds = 1;
  }

  StatusOr<TimelineStats> Run();

 private:
  void Name(int32_t pid, const std::string& name) {
    auto it = names_.find(pid);
    if (it != names_.end() && it->second == name)
      return;  // already so named
    names_[pid] = name;
    sink_->ProcessName(pid, name);
  }
  void Thread(int32_t pid, int32_t tid) {
    if (!names_.count(pid))
      Name(pid, root_name_.empty() ? "?" : root_name_);
    if (!tids_.insert(tid).second)
      return;
    std::string name = names_[pid];
    if (tid != pid)
      name += ' ' + std::to_string(tid);
    sink_->ThreadName(pid, tid, name);
  }
  void FlowEnd(int32_t pid, int32_t tid, uint64_t ns) {
    auto f = flows_.find(tid);
    if (f == flows_.end())
      return;
    sink_->FlowEnd(pid, tid, ns, f->second);
    flows_.erase(f);
  }
  void Instant(const Event& e, std::string_view name, char scope, const std::string& text) {
    Thread(e.pid, e.tid);
    sink_->Instant(e.pid, e.tid, e.time_ns, name, scope, text);
  }
  replay::DecodeEnv Env() {
    replay::DecodeEnv env;
    env.opt = &render_;
    env.state = &stream_->state();
    return env;
  }
  void Syscall(const Event& e);

  replay::EventStream* stream_;
  format::Selection* select_;
  TimelineSink* sink_;
  replay::RenderOptions render_;
  std::string root_name_;
  std::unordered_map<int32_t, std::string> names_;
  std::unordered_set<int32_t> tids_;
  std::unordered_map<int32_t, uint64_t> flows_;  // child tid -> flow id
  uint64_t next_flow_ = 1;
  // Calls whose entry was seen and not yet their exit: by tid, the entry's time and text.
  struct Open {
    int32_t pid;
    uint64_t entry_ns;
    std::string name, text;
  };
  std::map<int32_t, Open> open_;
  // The entry time of each thread's call in progress (the stream reads one event ahead, so its
  // own record of them may be past the call's exit already).
  std::unordered_map<int32_t, uint64_t> entries_;
  replay::SyscallText text_;
  std::string line_, fd_path_;
};

void Walker::Syscall(const Event& e) {
  const replay::Syscall& sc = *e.syscall;
  const format::SyscallInfo* info = stream_->table()->Find(sc.nr);
  replay::DecodeEnv env = Env();
  // The arguments before the state takes the call, the return value after (a new fd's path).
  replay::DecodeSyscall(sc, info, env, &text_);
  fd_path_.clear();
  int fd_arg = -1;
  for (int i = 0; info && i < info->nargs && i < 6 && fd_arg < 0; i++)
    if (info->args[i].kind == format::ArgKind::kFd)
      fd_arg = i;
  if (fd_arg >= 0)
    if (const std::string* p =
            stream_->state().FdPath(sc.tid, static_cast<int32_t>(sc.args[fd_arg])))
      fd_path_ = *p;
  stream_->ApplyCurrent();
  if (fd_arg < 0 && info && (info->classes & format::kReturnsFd) && sc.returned() && sc.ret >= 0)
    if (const std::string* p = stream_->state().FdPath(sc.tid, sc.ret))
      fd_path_ = *p;
  open_.erase(sc.tid);
  Thread(e.pid, e.tid);
  TimelineSlice s;
  s.pid = e.pid;
  s.tid = e.tid;
  s.start_ns = sc.has_entry ? sc.entry_ns : sc.exit_ns;
  FlowEnd(e.pid, e.tid, s.start_ns);
  // A call that never returned (exit, a thread killed in it) lasts until its thread was seen
  // to end: the time the selection took it by.
  bool spans = sc.has_entry && sc.exit_ns >= sc.entry_ns;
  s.timed = sc.returned() && spans;
  s.dur_ns = spans ? sc.exit_ns - sc.entry_ns : 0;
  s.name = text_.name;
  s.category = SyscallCategory(info);
  line_ = replay::SyscallLine(text_, sc.returned() ? replay::DecodeReturn(sc, info, env) : "?");
  s.strace = line_;
  s.nr = sc.nr;
  s.raw_args = sc.args;
  s.nargs = info ? info->nargs : 6;
  s.text = &text_;
  s.fd_path = fd_path_;
  s.returned = sc.returned();
  if (s.returned) {
    s.ret = sc.ret;
    s.err = sc.error();
  }
  sink_->Slice(s);
}

StatusOr<TimelineStats> Walker::Run() {
  TimelineStats stats;
  bool first = true;
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, stream_->Next());
    if (!e)
      break;
    if (first)
      stats.first_ns = e->time_ns;
    first = false;
    stats.last_ns = std::max(stats.last_ns, e->time_ns);
    bool wanted = select_->Keep(e->pid, e->tid, e->time_ns, e->syscall ? e->syscall->nr : -1,
                                e->type == EventType::kSpawn ? e->child_pid : 0);
    switch (e->type) {
      case EventType::kSyscall:
      case EventType::kSyscallExit:
        entries_.erase(e->tid);
        if (wanted) {
          Syscall(*e);
          continue;
        }
        open_.erase(e->tid);
        break;
      case EventType::kSyscallEntry:
        entries_[e->tid] = e->syscall->entry_ns;
        if (wanted) {
          const format::SyscallInfo* info = stream_->table()->Find(e->syscall->nr);
          replay::DecodeSyscall(*e->syscall, info, Env(), &text_);
          open_[e->tid] = Open{e->pid, e->syscall->entry_ns, text_.name,
                               text_.name + "(" + text_.entry + " <unfinished ...>"};
        }
        break;
      case EventType::kSpawn: {
        if (!wanted)
          break;
        Thread(e->pid, e->tid);
        if (e->child_pid == e->child_tid && !names_.count(e->child_pid))
          Name(e->child_pid, names_[e->pid]);
        // The arrow starts in the parent's fork or clone call, at its entry: the child may have
        // run before the tracer saw the spawn, never before the call began.
        auto call = entries_.find(e->tid);
        sink_->FlowStart(e->pid, e->tid,
                         call != entries_.end() ? std::min(call->second, e->time_ns) : e->time_ns,
                         next_flow_);
        flows_[e->child_tid] = next_flow_++;
        break;
      }
      case EventType::kExec:
        if (wanted) {
          Thread(e->pid, e->tid);
          Name(e->pid, Basename(e->path));
        }
        break;
      case EventType::kFdSnapshot:
        if (wanted && !e->argv.empty())
          Name(e->pid, Basename(e->argv[0]));
        break;
      case EventType::kExit:
        if (wanted && !e->thread_only)
          Instant(*e, e->signal ? "killed" : "exited", 'p', replay::ExitLine(*e));
        break;
      case EventType::kSignal:
        if (wanted)
          Instant(*e, replay::SignalName(e->signo), 't', replay::SignalLine(*e, render_));
        break;
      case EventType::kDetach:
        if (wanted)
          Instant(*e, "detached", 't', "detached: " + e->reason);
        break;
      case EventType::kLoss:
        if (wanted)
          sink_->Loss(e->time_ns, e->lost_events, e->reason);
        break;
    }
    stream_->ApplyCurrent();
  }
  // Calls still in progress at the end: slices up to the trace's last event.
  for (const auto& [tid, o] : open_) {
    Thread(o.pid, tid);
    FlowEnd(o.pid, tid, o.entry_ns);
    TimelineSlice s;
    s.pid = o.pid;
    s.tid = tid;
    s.start_ns = o.entry_ns;
    s.dur_ns = stats.last_ns > o.entry_ns ? stats.last_ns - o.entry_ns : 0;
    s.name = o.name;
    s.category = "unfinished";
    s.strace = o.text;
    s.unfinished = true;
    sink_->Slice(s);
  }
  // A spawn whose child left no event keeps an arrow without an end.
  return stats;
}

}  // namespace

const char* SyscallCategory(const format::SyscallInfo* info) {
  static const std::pair<uint32_t, const char*> kClasses[] = {
      {format::kClassFile, "file"},       {format::kClassNetwork, "network"},
      {format::kClassProcess, "process"}, {format::kClassSignal, "signal"},
      {format::kClassIpc, "ipc"},         {format::kClassMemory, "memory"},
      {format::kClassDesc, "desc"},       {format::kClassClock, "clock"},
      {format::kClassCreds, "creds"}};
  if (info)
    for (const auto& [bit, name] : kClasses)
      if (info->classes & bit)
        return name;
  return "other";
}

StatusOr<TimelineStats> WalkTimeline(replay::EventStream* stream,
                                     format::Selection* select,
                                     uint32_t max_strlen,
                                     TimelineSink* sink) {
  return Walker(stream, select, max_strlen, sink).Run();
}

}  // namespace strec::exporter
