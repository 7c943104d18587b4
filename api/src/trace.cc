// The public API over replay's event stream: its events copied into the stable TraceEvent, its
// decoders behind Strace().
#include "strec/trace.h"

#include <algorithm>

#include "strec/format/event.h"
#include "strec/format/recordings.h"
#include "strec/format/trace_reader.h"
#include "strec/format/version.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/xlat.h"

namespace strec {

const char* KindName(EventKind kind) {
  switch (kind) {
    case EventKind::Syscall:
      return "syscall";
    case EventKind::SyscallEntry:
      return "syscall_entry";
    case EventKind::Spawn:
      return "spawn";
    case EventKind::Exec:
      return "exec";
    case EventKind::Exit:
      return "exit";
    case EventKind::Signal:
      return "signal";
    case EventKind::Detach:
      return "detach";
    case EventKind::Snapshot:
      return "snapshot";
    case EventKind::Loss:
      return "loss";
  }
  return "?";
}

const char* Version() {
  return kStrecVersion;
}

struct Trace::Impl {
  std::unique_ptr<replay::EventStream> stream;
  OpenOptions options;
  replay::RenderOptions render;
  TraceInfo info;
  format::PidMap pids;  // a joined trace's: each event's host
  const replay::Event* current = nullptr;
  TraceEvent event;
  bool rendered = false;  // the current event's line is in `line` (and the state has taken it)
  std::string line;
  replay::SyscallText text;

  void Fill(const replay::Event& e);
  std::string Render();
};

namespace {

[[noreturn]] void Throw(const Status& st) {
  throw TraceError(st.message());
}

EventKind KindOf(replay::EventType t) {
  switch (t) {
    case replay::EventType::kSyscallEntry:
      return EventKind::SyscallEntry;
    case replay::EventType::kSyscallExit:
    case replay::EventType::kSyscall:
      return EventKind::Syscall;
    case replay::EventType::kSpawn:
      return EventKind::Spawn;
    case replay::EventType::kExec:
      return EventKind::Exec;
    case replay::EventType::kExit:
      return EventKind::Exit;
    case replay::EventType::kSignal:
      return EventKind::Signal;
    case replay::EventType::kDetach:
      return EventKind::Detach;
    case replay::EventType::kFdSnapshot:
      return EventKind::Snapshot;
    case replay::EventType::kLoss:
      return EventKind::Loss;
  }
  return EventKind::Syscall;
}

std::string Str(const flatbuffers::String* s) {
  return s ? s->str() : "";
}

}  // namespace

void Trace::Impl::Fill(const replay::Event& e) {
  const fb::Header& h = stream->header();
  TraceEvent& t = event;
  t.kind = KindOf(e.type);
  t.pid = e.pid;
  t.tid = e.tid;
  t.host = pids.HostOf(e.pid);
  t.time_ns = e.time_ns;
  t.wall_ns = format::WallClockNs(h.realtime_ns(), h.monotonic_ns(), e.time_ns);
  t.buffers.clear();
  t.argv.clear();
  t.fds.clear();
  t.path.clear();
  t.reason.clear();
  t.cwd.clear();
  t.cgroup.clear();
  t.errno_name.clear();
  t.name.clear();
  t.nr = -1;
  t.nargs = 0;
  t.returned = false;
  t.ret = 0;
  t.err = 0;
  t.entry_ns = t.exit_ns = 0;
  std::fill(std::begin(t.args), std::end(t.args), 0);
  if (e.syscall) {
    const replay::Syscall& sc = *e.syscall;
    const format::SyscallInfo* si = stream->table()->Find(sc.nr);
    t.nr = sc.nr;
    t.name = si && si->name ? si->name : replay::UnknownSyscallName(sc.nr);
    std::copy(std::begin(sc.args), std::end(sc.args), std::begin(t.args));
    t.nargs = si ? si->nargs : 6;
    t.returned = e.type != replay::EventType::kSyscallEntry && sc.returned();
    if (t.returned) {
      t.ret = sc.ret;
      t.err = sc.error();
      if (t.err) {
        const char* n = replay::ErrnoName(t.err);
        t.errno_name = n ? n : std::to_string(t.err);
      }
    }
    t.entry_ns = sc.has_entry ? sc.entry_ns : 0;
    t.exit_ns = e.type != replay::EventType::kSyscallEntry && sc.has_exit ? sc.exit_ns : 0;
    for (const replay::Buffer& b : sc.buffers) {
      ArgBuffer a;
      a.arg = b.arg;
      a.out = b.out;
      a.index = b.index;
      a.addr = b.addr;
      a.full_len = b.full_len;
      a.data = b.data;
      a.read_errno = b.read_errno;
      a.redacted = b.redacted != 0;
      t.buffers.push_back(std::move(a));
    }
  }
  t.child_pid = e.child_pid;
  t.child_tid = e.child_tid;
  if (e.type == replay::EventType::kExec)
    t.path = e.path;
  if (e.type == replay::EventType::kExec || e.type == replay::EventType::kFdSnapshot)
    t.argv = e.argv;
  t.status = e.status;
  t.signal = e.signal;
  t.core_dumped = e.core_dumped;
  t.thread_only = e.thread_only;
  t.signo = e.signo;
  t.reason = e.reason;
  t.lost_events = e.lost_events;
  if (e.type == replay::EventType::kFdSnapshot) {
    t.fds = e.fds;
    t.cwd = e.cwd;
    t.cgroup = e.cgroup;
  }
}

std::string Trace::Impl::Render() {
  const replay::Event& e = *current;
  switch (e.type) {
    case replay::EventType::kSyscall:
    case replay::EventType::kSyscallExit:
    case replay::EventType::kSyscallEntry: {
      const replay::Syscall& sc = *e.syscall;
      const format::SyscallInfo* si = stream->table()->Find(sc.nr);
      replay::DecodeEnv env;
      env.opt = &render;
      env.state = &stream->state();
      // The arguments through the state before the call, the return value after it.
      replay::DecodeSyscall(sc, si, env, &text);
      stream->ApplyCurrent();
      if (e.type == replay::EventType::kSyscallEntry)
        return text.name + "(" + text.entry + " <unfinished ...>";
      return replay::SyscallLine(text, sc.returned() ? replay::DecodeReturn(sc, si, env) : "?");
    }
    case replay::EventType::kSignal:
      return replay::SignalLine(e, render);
    case replay::EventType::kExit:
      return e.thread_only ? "" : replay::ExitLine(e);
    default:
      return "";
  }
}

Trace::Trace(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Trace::Trace(Trace&&) noexcept = default;
Trace& Trace::operator=(Trace&&) noexcept = default;
Trace::~Trace() = default;

Trace Trace::Open(const std::string& path, const OpenOptions& options) {
  return Open(std::vector<std::string>{path}, options);
}

Trace Trace::Open(const std::vector<std::string>& parts, const OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  auto stream = replay::EventStream::Open(parts, {.skip_damaged = options.skip_damaged});
  if (!stream.ok())
    Throw(stream.status());
  impl->stream = std::move(stream).value();
  impl->pids = format::PidMap(impl->stream->header());
  impl->options = options;
  impl->render.decode_fds = options.fd_paths ? 1 : 0;
  impl->render.max_strlen = options.string_limit;
  const format::TraceReader& r = impl->stream->reader();
  const fb::Header& h = r.header();
  TraceInfo& i = impl->info;
  i.path = r.path();
  i.host = Str(h.hostname());
  i.kernel_release = Str(h.kernel_release());
  i.machine = Str(h.machine());
  i.backend = h.settings() && h.settings()->backend() ? h.settings()->backend()->str() : "ptrace";
  if (h.command())
    for (const flatbuffers::String* a : *h.command())
      i.command.push_back(a->str());
  i.start_monotonic_ns = h.monotonic_ns();
  i.start_wall_ns = h.realtime_ns();
  if (const fb::Footer* f = r.footer()) {
    i.complete = true;
    i.events = f->event_count();
    i.syscalls = f->syscall_count();
    i.lost_events = f->lost_events();
  }
  i.warnings = r.warnings();
  return Trace(std::move(impl));
}

const TraceInfo& Trace::info() const {
  return impl_->info;
}

const TraceEvent* Trace::Next() {
  auto e = impl_->stream->Next();
  if (!e.ok())
    Throw(e.status());
  impl_->current = *e;
  impl_->rendered = false;
  if (!*e)
    return nullptr;
  impl_->Fill(**e);
  return &impl_->event;
}

std::string Trace::Strace(const TraceEvent& event) {
  if (&event != &impl_->event || !impl_->current)
    throw TraceError("Trace::Strace: only the event Next() returned last can be rendered");
  if (!impl_->rendered) {
    impl_->line = impl_->Render();
    impl_->rendered = true;
  }
  return impl_->line;
}

std::optional<std::string> Trace::FdPath(int32_t tid, int fd) const {
  const std::string* p = impl_->stream->state().FdPath(tid, fd);
  if (!p || p->empty())
    return std::nullopt;
  return *p;
}

void Trace::SeekTime(uint64_t time_ns) {
  impl_->current = nullptr;
  if (Status st = impl_->stream->SeekTime(time_ns); !st.ok())
    Throw(st);
}

}  // namespace strec
