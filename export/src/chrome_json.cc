#include "strec/export/chrome_json.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "strec/format/io.h"
#include "strec/format/syscall_table.h"
#include "strec/format/trace_reader.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/xlat.h"

namespace strec::exporter {
namespace {

using replay::AppendJsonString;
using replay::Event;
using replay::EventType;

std::string Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The first strace class of a syscall, as the event's category.
const char* Category(const format::SyscallInfo* info) {
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

// The output: plain or gzip, written in large pieces.
class Output {
 public:
  Output(int fd, bool gz) : gz_(gz) {
    if (gz)
      gz_file_ = gzdopen(fd, "wb6");
    else
      file_ = fdopen(fd, "w");
    if (!gz_file_ && !file_)
      close(fd);
  }
  ~Output() { Close(); }
  bool ok() const { return (gz_file_ || file_) && !failed_; }
  std::string& buffer() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= (1 << 20))
      Flush();
  }
  void Flush() {
    if (buf_.empty() || failed_)
      return;
    if (gz_) {
      failed_ = !gz_file_ || gzwrite(gz_file_, buf_.data(), static_cast<unsigned>(buf_.size())) !=
                                 static_cast<int>(buf_.size());
    } else {
      failed_ = !file_ || fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size();
    }
    buf_.clear();
  }
  // False when anything failed.
  bool Close() {
    Flush();
    if (gz_file_) {
      failed_ |= gzclose(gz_file_) != Z_OK;
      gz_file_ = nullptr;
    }
    if (file_) {
      failed_ |= fclose(file_) != 0;
      file_ = nullptr;
    }
    return !failed_;
  }

 private:
  bool gz_;
  gzFile gz_file_ = nullptr;
  FILE* file_ = nullptr;
  bool failed_ = false;
  std::string buf_;
};

class Exporter {
 public:
  Exporter(const ExportOptions& o,
           format::Selection select,
           replay::EventStream* stream,
           Output* out)
      : opt_(o), select_(std::move(select)), stream_(stream), out_(out) {
    const fb::Header& h = stream->header();
    base_ns_ = h.monotonic_ns();
    if (h.command() && h.command()->size() > 0)
      root_name_ = Basename(h.command()->Get(0)->string_view());
    render_.max_strlen = o.max_strlen;
    render_.decode_fds = 1;
  }

  Status Run();
  const ExportResult& result() const { return result_; }

 private:
  // The start of an event object with the fields all have.
  void Begin(const char* ph, std::string_view name, int32_t pid, int32_t tid) {
    std::string& b = out_->buffer();
    b += result_.events++ ? ",\n" : "\n";
    b += "{\"ph\":\"";
    b += ph;
    b += "\",\"name\":";
    AppendJsonString(&b, name);
    b += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid);
  }
  void Ts(uint64_t ns) {
    uint64_t rel = ns > base_ns_ ? ns - base_ns_ : 0;
    char t[48];
    snprintf(t, sizeof t, ",\"ts\":%" PRIu64 ".%03" PRIu64, rel / 1000, rel % 1000);
    out_->buffer() += t;
  }
  void Dur(uint64_t ns) {
    char t[48];
    snprintf(t, sizeof t, ",\"dur\":%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
    out_->buffer() += t;
  }
  void End() {
    out_->buffer() += '}';
    out_->MaybeFlush();
  }
  void Name(int32_t pid, const std::string& name) {
    auto it = names_.find(pid);
    if (it != names_.end() && it->second == name)
      return;  // already so named
    names_[pid] = name;
    Begin("M", "process_name", pid, pid);
    out_->buffer() += ",\"args\":{\"name\":";
    AppendJsonString(&out_->buffer(), name);
    out_->buffer() += "}";
    End();
  }
  void Thread(int32_t pid, int32_t tid) {
    if (!names_.count(pid))
      Name(pid, root_name_.empty() ? "?" : root_name_);
    if (!tids_.insert(tid).second)
      return;
    Begin("M", "thread_name", pid, tid);
    out_->buffer() += ",\"args\":{\"name\":";
    std::string name = names_[pid];
    if (tid != pid) {
      name += ' ';
      name += std::to_string(tid);
    }
    AppendJsonString(&out_->buffer(), name);
    out_->buffer() += "}";
    End();
  }
  // The arrow of a spawn into the child's first event, which starts at ns.
  void FlowEnd(int32_t pid, int32_t tid, uint64_t ns) {
    auto f = flows_.find(tid);
    if (f == flows_.end())
      return;
    Begin("f", "spawn", pid, tid);
    out_->buffer() += ",\"cat\":\"spawn\",\"bp\":\"e\",\"id\":" + std::to_string(f->second);
    Ts(ns);
    End();
    flows_.erase(f);
  }
  void Instant(const Event& e, std::string_view name, const char* scope, const std::string& what) {
    Thread(e.pid, e.tid);
    Begin("i", name, e.pid, e.tid);
    out_->buffer() += ",\"s\":\"";
    out_->buffer() += scope;
    out_->buffer() += "\"";
    Ts(e.time_ns);
    out_->buffer() += ",\"args\":{\"strace\":";
    AppendJsonString(&out_->buffer(), what);
    out_->buffer() += "}";
    End();
  }
  void Syscall(const Event& e);

  const ExportOptions& opt_;
  format::Selection select_;
  replay::EventStream* stream_;
  Output* out_;
  replay::RenderOptions render_;
  ExportResult result_;
  uint64_t base_ns_ = 0;
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
  uint64_t last_ns_ = 0;
  replay::SyscallText text_;
};

void Exporter::Syscall(const Event& e) {
  const replay::Syscall& sc = *e.syscall;
  const format::SyscallInfo* info = stream_->table()->Find(sc.nr);
  replay::DecodeEnv env;
  env.opt = &render_;
  env.state = &stream_->state();
  // The arguments before the state takes the call, the return value after (a new fd's path).
  replay::DecodeSyscall(sc, info, env, &text_);
  stream_->ApplyCurrent();
  open_.erase(sc.tid);
  Thread(e.pid, e.tid);
  uint64_t start = sc.has_entry ? sc.entry_ns : sc.exit_ns;
  FlowEnd(e.pid, e.tid, start);
  Begin("X", text_.name, e.pid, e.tid);
  std::string& b = out_->buffer();
  b += ",\"cat\":\"";
  b += Category(info);
  b += "\"";
  Ts(start);
  Dur(sc.returned() && sc.has_entry && sc.exit_ns >= sc.entry_ns ? sc.exit_ns - sc.entry_ns : 0);
  b += ",\"args\":{\"strace\":";
  AppendJsonString(
      &b, replay::SyscallLine(text_, sc.returned() ? replay::DecodeReturn(sc, info, env) : "?"));
  if (sc.returned()) {
    b += ",\"return\":" + std::to_string(sc.ret);
    if (int err = sc.error()) {
      const char* name = replay::ErrnoName(err);
      b += ",\"errno\":";
      AppendJsonString(&b, name ? name : std::to_string(err));
    }
  } else {
    b += ",\"return\":null";
  }
  b += "}";
  End();
  result_.syscalls++;
}

Status Exporter::Run() {
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, stream_->Next());
    if (!e)
      break;
    last_ns_ = std::max(last_ns_, e->time_ns);
    bool wanted = select_.Keep(e->pid, e->tid, e->time_ns, e->syscall ? e->syscall->nr : -1,
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
          replay::DecodeEnv env;
          env.opt = &render_;
          env.state = &stream_->state();
          replay::DecodeSyscall(*e->syscall, info, env, &text_);
          open_[e->tid] = Open{e->pid, e->syscall->entry_ns, text_.name,
                               text_.name + "(" + text_.entry + " <unfinished ...>"};
        }
        break;
      case EventType::kSpawn:
        if (!wanted)
          break;
        Thread(e->pid, e->tid);
        if (e->child_pid == e->child_tid && !names_.count(e->child_pid))
          Name(e->child_pid, names_[e->pid]);
        // The arrow starts in the parent's fork or clone call, at its entry: the child may have
        // run before the tracer saw the spawn, never before the call began.
        Begin("s", "spawn", e->pid, e->tid);
        out_->buffer() += ",\"cat\":\"spawn\",\"id\":" + std::to_string(next_flow_);
        {
          auto call = entries_.find(e->tid);
          Ts(call != entries_.end() ? std::min(call->second, e->time_ns) : e->time_ns);
        }
        End();
        flows_[e->child_tid] = next_flow_++;
        break;
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
          Instant(*e, e->signal ? "killed" : "exited", "p",
                  e->signal ? "+++ killed by " + replay::SignalName(e->signal) + " +++"
                            : "+++ exited with " + std::to_string(e->status) + " +++");
        break;
      case EventType::kSignal:
        if (wanted)
          Instant(*e, replay::SignalName(e->signo), "t",
                  "--- " + replay::SignalName(e->signo) + " " +
                      replay::FormatSiginfo(e->siginfo, render_) + " ---");
        break;
      case EventType::kDetach:
        if (wanted)
          Instant(*e, "detached", "t", "detached: " + e->reason);
        break;
      case EventType::kLoss:
        if (wanted) {
          Begin("i", "lost " + std::to_string(e->lost_events) + " events", 0, 0);
          out_->buffer() += ",\"s\":\"g\"";
          Ts(e->time_ns);
          out_->buffer() += ",\"args\":{\"reason\":";
          AppendJsonString(&out_->buffer(), e->reason);
          out_->buffer() += "}";
          End();
        }
        break;
    }
    stream_->ApplyCurrent();
  }
  // Calls still in progress at the end: slices up to the trace's last event.
  for (const auto& [tid, o] : open_) {
    Thread(o.pid, tid);
    FlowEnd(o.pid, tid, o.entry_ns);
    Begin("X", o.name, o.pid, tid);
    out_->buffer() += ",\"cat\":\"unfinished\"";
    Ts(o.entry_ns);
    Dur(last_ns_ > o.entry_ns ? last_ns_ - o.entry_ns : 0);
    out_->buffer() += ",\"args\":{\"strace\":";
    AppendJsonString(&out_->buffer(), o.text);
    out_->buffer() += ",\"unfinished\":true}";
    End();
  }
  // A spawn whose child left no event in the export keeps an arrow without an end (viewers
  // show none).
  return OkStatus();
}

}  // namespace

StatusOr<ExportResult> ExportChromeJson(const std::vector<std::string>& inputs,
                                        const std::string& out,
                                        const ExportOptions& o) {
  ASSIGN_OR_RETURN(auto stream, replay::EventStream::Open(inputs));
  const fb::Header& h = stream->header();
  ASSIGN_OR_RETURN(format::Selection select, format::Selection::Create(o.select, h));
  ASSIGN_OR_RETURN(int fd, format::CreateOutputFile(out, o.replace));
  bool gz = out.size() > 3 && out.compare(out.size() - 3, 3, ".gz") == 0;
  Output output(fd, gz);
  auto fail = [&](Status st) {
    output.Close();
    unlink(out.c_str());
    return st;
  };
  if (!output.ok())
    return fail(Status(StatusCode::kIo, out + ": cannot open for writing"));
  output.buffer() += "{\"traceEvents\":[";
  Exporter exporter(o, std::move(select), stream.get(), &output);
  if (Status st = exporter.Run(); !st.ok())
    return fail(st);
  // The wall clock of ts 0, and what the timeline was made from.
  std::string& b = output.buffer();
  b += "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"strec export\"";
  b += ",\"trace\":";
  AppendJsonString(&b, inputs[0]);
  b += ",\"host\":";
  AppendJsonString(&b, h.hostname() ? h.hostname()->string_view() : "");
  char when[64];
  time_t secs = static_cast<time_t>(h.realtime_ns() / 1'000'000'000);
  tm tm;
  gmtime_r(&secs, &tm);
  size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(when + n, sizeof when - n, ".%09" PRIu64 "Z", h.realtime_ns() % 1'000'000'000);
  b += ",\"start_realtime\":\"";
  b += when;
  b += "\",\"start_realtime_ns\":" + std::to_string(h.realtime_ns()) + "}}\n";
  if (!output.Close())
    return fail(Status(StatusCode::kIo, out + ": cannot write: " + strerror(errno)));
  ExportResult r = exporter.result();
  r.warnings = stream->reader().warnings();
  return r;
}

}  // namespace strec::exporter
