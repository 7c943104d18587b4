#include "strec/replay/text_renderer.h"

#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "strec/format/event.h"
#include "strec/format/io.h"
#include "strec/format/trace_info.h"
#include "strec/replay/decode.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

namespace {

void AppendDecimal(std::string* s, uint64_t v) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  s->append(p, end);
}

// The first `digits` (1..9) digits of a fraction of a second given in nanoseconds, zero-padded.
void AppendFraction(std::string* s, uint64_t ns, int digits) {
  char d[9];
  uint64_t v = ns % 1000000000;
  for (int i = 8; i >= 0; i--) {
    d[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  s->append(d, static_cast<size_t>(std::min(digits, 9)));
}

constexpr uint64_t kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

uint64_t Sigset(const Syscall& sc, int arg) {
  const Buffer* b = sc.Find(arg, false);
  uint64_t v = 0;
  if (b && !b->read_errno && b->data.size() >= 8)
    std::memcpy(&v, b->data.data(), 8);
  return v;
}

}  // namespace

// ---- Sinks ----

Status FileSink::Write(int, std::string_view text) {
  block_.append(text);
  return block_.size() >= kBlock ? Flush() : OkStatus();
}

Status FileSink::Flush() {
  size_t n = block_.size();
  bool ok = !n || fwrite(block_.data(), 1, n, f_) == n;
  block_.clear();
  if (!ok)
    return IoError(std::string("write: ") + strerror(errno));
  return OkStatus();
}

PerThreadSink::~PerThreadSink() {
  for (auto& [tid, f] : files_)
    fclose(f);
}

Status PerThreadSink::Done(int output) {
  // A trace of many short processes would otherwise keep a file open per thread ever seen.
  auto it = files_.find(output);
  if (it == files_.end())
    return OkStatus();
  int closed = fclose(it->second);
  files_.erase(it);
  if (closed != 0)
    return IoError("write " + base_ + "." + std::to_string(output) + ": " + strerror(errno));
  return OkStatus();
}

Status PerThreadSink::Write(int output, std::string_view text) {
  FILE*& f = files_[output];
  if (!f) {
    std::string path = base_ + "." + std::to_string(output);
    auto fd = format::CreateOutputFile(path, /*replace=*/true);  // 0600, no symbolic link
    f = fd.ok() ? fdopen(*fd, "w") : nullptr;
    if (!f) {
      files_.erase(output);
      if (!fd.ok())
        return fd.status();
      close(*fd);
      return IoError("cannot create " + path + ": " + strerror(errno));
    }
  }
  if (fwrite(text.data(), 1, text.size(), f) != text.size())
    return IoError("write " + base_ + "." + std::to_string(output) + ": " + strerror(errno));
  return OkStatus();
}

// ---- TextRenderer ----

TextRenderer::TextRenderer(const RenderOptions& options, const fb::Header& header, LineSink* sink)
    : opt_(options),
      realtime_ns_(header.realtime_ns()),
      monotonic_ns_(header.monotonic_ns()),
      pids_(header),
      sink_(sink),
      pid_filter_(options.pids) {
  if (opt_.abbrev || opt_.raw) {
    // -e abbrev= / -e raw=: the four ways a call can be decoded, made once, not per call.
    call_opts_.assign(4, opt_);
    for (int i = 0; i < 4; i++) {
      call_opts_[i].verbose = i & 2;
      call_opts_[i].raw_call = i & 1;
    }
  }
}

bool TextRenderer::Shown(const Event& e) const {
  return pid_filter_.Shown(e) && (opt_.follow || e.tid == root_tid_);
}

std::string TextRenderer::Prefix(int32_t tid, uint64_t time_ns) {
  std::string s;
  AppendPrefix(&s, tid, time_ns);
  return s;
}

void TextRenderer::AppendPrefix(std::string* out, int32_t tid, uint64_t time_ns) {
  std::string& s = *out;
  bool prefixed = sink_->pid_prefix() && opt_.follow;
  if (prefixed && tid == prefix_tid_ && !pid_prefix_.empty()) {
    s += pid_prefix_;  // the same thread as the line before, most often
  } else if (prefixed && pids_.joined()) {
    // A joined trace: which recording's (host's) pid.
    size_t at = s.size();
    std::string label = pids_.Label(tid);
    s += label;
    s.append(std::max<ptrdiff_t>(5 - static_cast<ptrdiff_t>(label.size()), 0) + 1, ' ');
    prefix_tid_ = tid;
    pid_prefix_.assign(s, at);
  } else if (prefixed && opt_.decode_pids) {
    // -Y: "1234<comm> ", the name as it is now (not cached: prctl and execve change it).
    s += std::to_string(tid);
    const std::string* comm = tid == entry_comm_tid_ ? &entry_comm_
                              : state_               ? state_->Comm(tid)
                                                     : nullptr;
    if (comm && !comm->empty())
      s += FdPathText(*comm, opt_.xflag);
    s += ' ';
    prefix_tid_ = 0;
    pid_prefix_.clear();
  } else if (prefixed) {
    // "%-5d " without printf, which was a tenth of the replay's time.
    char digits[16];
    char* end = digits + sizeof digits;
    char* p = end;
    uint32_t v = tid < 0 ? 0u - static_cast<uint32_t>(tid) : static_cast<uint32_t>(tid);
    do {
      *--p = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    if (tid < 0)
      *--p = '-';
    size_t at = s.size();
    s.append(p, end);
    s.append(std::max<ptrdiff_t>(5 - (end - p), 0) + 1, ' ');
    prefix_tid_ = tid;
    pid_prefix_.assign(s, at);
  }
  if (opt_.timestamps) {
    uint64_t real = format::WallClockNs(realtime_ns_, monotonic_ns_, time_ns);
    time_t sec = static_cast<time_t>(real / 1000000000);
    int digits = opt_.timestamp_digits >= 0 ? opt_.timestamp_digits : opt_.timestamps >= 2 ? 6 : 0;
    if (opt_.timestamps >= 3) {
      AppendDecimal(&s, static_cast<uint64_t>(sec));
    } else {
      // localtime_r is slow and the second seldom changes from one line to the next.
      if (!have_clock_ || sec != clock_sec_) {
        tm tm;
        localtime_r(&sec, &tm);
        char hms[32];
        strftime(hms, sizeof hms, "%H:%M:%S", &tm);
        clock_ = hms;
        clock_sec_ = sec;
        have_clock_ = true;
      }
      s += clock_;
    }
    if (digits) {
      s += '.';
      AppendFraction(&s, real % 1000000000, digits);
    }
    s += ' ';
  }
  if (opt_.relative) {
    uint64_t d = have_last_time_ && time_ns >= last_time_ns_ ? time_ns - last_time_ns_ : 0;
    if (opt_.timestamps)
      s += "(+";
    size_t at = s.size();
    AppendDecimal(&s, d / 1000000000);
    if (size_t width = s.size() - at; width < 6)
      s.insert(at, 6 - width, ' ');  // "%6u"
    if (opt_.relative_digits) {
      s += '.';
      AppendFraction(&s, d % 1000000000, opt_.relative_digits);
    }
    s += opt_.timestamps ? ") " : " ";
    last_time_ns_ = time_ns;
    have_last_time_ = true;
  }
}

void TextRenderer::AppendCallPrefix(std::string* s, int nr, const uint64_t* ip) const {
  char b[32];
  if (opt_.syscall_numbers) {
    if (nr >= 0)
      snprintf(b, sizeof b, "[%4d] ", nr);
    else
      snprintf(b, sizeof b, "[????] ");
    *s += b;
  }
  if (opt_.instruction_pointer) {
    if (ip)
      snprintf(b, sizeof b, "[%016llx] ", static_cast<unsigned long long>(*ip));
    else
      snprintf(b, sizeof b, "[????????????????] ");  // not recorded for this line
    *s += b;
  }
}

void TextRenderer::AppendCallPrefix(std::string* s, const Syscall& sc) const {
  // An exit seen alone has no entry's instruction pointer.
  AppendCallPrefix(s, sc.nr, sc.has_entry ? &sc.instruction_pointer : nullptr);
}

namespace {

// The column a line that was at `column` reaches with `text` appended.
size_t ColumnAfter(size_t column, std::string_view text) {
  size_t nl = text.rfind('\n');
  return nl == std::string_view::npos ? column + text.size() : text.size() - nl - 1;
}

}  // namespace

void TextRenderer::AppendPad(std::string* s, size_t column) const {
  // The column is counted from the start of the line (prefix included).
  if (column < static_cast<size_t>(opt_.acolumn)) {
    s->append(opt_.acolumn - column, ' ');
    s->append("= ");
  } else {
    s->append(" = ");
  }
}

std::string TextRenderer::Pad(const std::string& line) const {
  std::string s;
  AppendPad(&s, ColumnAfter(0, line));
  return s;
}

void TextRenderer::AppendDuration(std::string* s, const Syscall& sc) const {
  if (!opt_.syscall_times || !sc.returned() || !sc.has_entry || sc.exit_ns < sc.entry_ns)
    return;
  uint64_t d = sc.exit_ns - sc.entry_ns;
  s->append(" <");
  AppendDecimal(s, d / 1000000000);
  if (opt_.times_digits) {
    *s += '.';
    AppendFraction(s, d % 1000000000, opt_.times_digits);
  }
  *s += '>';
}

Status TextRenderer::Interrupt(int output, int32_t tid) {
  auto it = open_.find(output);
  if (it == open_.end() || !it->second.active || it->second.tid == tid)
    return OkStatus();
  it->second.active = false;
  return sink_->Write(output, " <unfinished ...>\n");
}

Status TextRenderer::Line(int32_t tid, uint64_t time_ns, const std::string& body) {
  int output = sink_->OutputOf(tid);
  auto it = open_.find(output);
  if (it != open_.end() && it->second.active) {
    it->second.active = false;
    RETURN_IF_ERROR(sink_->Write(output, " <unfinished ...>\n"));
  }
  std::string line = Prefix(tid, time_ns);
  // strace numbers a signal or exit line with the thread's last syscall; the recorder keeps no
  // instruction pointer for those lines.
  if (opt_.syscall_numbers || opt_.instruction_pointer)
    AppendCallPrefix(&line, Sig(tid).last_nr, nullptr);
  return sink_->Write(output, line + body + "\n");
}

TextRenderer::SigState& TextRenderer::Sig(int32_t tid) {
  return sig_[tid];
}

std::shared_ptr<TextRenderer::Handlers>& TextRenderer::HandlersOf(int32_t tid, int32_t pid) {
  auto& h = handlers_[tid];
  if (!h) {
    auto leader = handlers_.find(pid);
    h = leader != handlers_.end() && leader->second ? leader->second : std::make_shared<Handlers>();
  }
  return h;
}

std::string TextRenderer::SigreturnMask(int32_t tid) {
  SigState& s = Sig(tid);
  ScopedXlatStyle style(opt_.xlat_style);
  return FormatSigset(s.saved.empty() ? s.mask : s.saved.back());
}

// Follows each thread's blocked-signal mask and the handlers, so that rt_sigreturn can show the
// mask its signal frame restores (the recorder does not capture the frame).
void TextRenderer::TrackSignals(const Event& e) {
  switch (e.type) {
    case EventType::kSyscall:
    case EventType::kSyscallExit: {
      const Syscall& sc = *e.syscall;
      SigState& s = Sig(sc.tid);
      if (sc.nr != __NR_rt_sigsuspend)
        s.in_suspend = false;
      if (sc.nr != __NR_restart_syscall)
        s.last_nr = sc.nr;  // for -n on the thread's next other line, and restart_syscall

      if (!sc.returned())
        break;
      bool ok = !sc.error();
      switch (sc.nr) {
        case __NR_rt_sigprocmask:
          if (ok && sc.args[1]) {
            uint64_t set = Sigset(sc, 1);
            switch (sc.args[0]) {
              case 0:
                s.mask |= set;
                break;
              case 1:
                s.mask &= ~set;
                break;
              case 2:
                s.mask = set;
                break;
              default:
                break;
            }
            s.mask &= ~kUnblockable;
          }
          break;
        case __NR_rt_sigaction: {
          int sig = static_cast<int>(sc.args[0]);
          const Buffer* b = sc.Find(1, false);
          if (ok && sig > 0 && sig <= 64 && b && !b->read_errno && b->data.size() >= 32) {
            auto& h = HandlersOf(sc.tid, sc.pid);
            std::memcpy(&h->handler[sig], b->data.data(), 8);
            std::memcpy(&h->flags[sig], b->data.data() + 8, 8);
            std::memcpy(&h->mask[sig], b->data.data() + 24, 8);
          }
          break;
        }
        case __NR_rt_sigsuspend:
          s.in_suspend = true;
          s.suspend_saved = s.mask;
          break;
        case __NR_rt_sigreturn:
          if (!s.saved.empty()) {
            s.mask = s.saved.back();
            s.saved.pop_back();
          }
          break;
        default:
          break;
      }
      break;
    }
    case EventType::kSignal: {
      if (e.group_stop || e.signo <= 0 || e.signo > 64)
        break;
      SigState& s = Sig(e.tid);
      auto& h = HandlersOf(e.tid, e.pid);
      uint64_t handler = h->handler[e.signo];
      if (handler <= 1)
        break;  // default action or ignored: no handler frame
      uint64_t saved = s.in_suspend ? s.suspend_saved : s.mask;
      s.in_suspend = false;
      s.saved.push_back(saved);
      s.mask = saved | h->mask[e.signo];
      if (!(h->flags[e.signo] & 0x40000000))  // SA_NODEFER
        s.mask |= 1ull << (e.signo - 1);
      s.mask &= ~kUnblockable;
      if (h->flags[e.signo] & 0x80000000)  // SA_RESETHAND
        h->handler[e.signo] = 0;
      break;
    }
    case EventType::kSpawn: {
      SigState child;
      child.mask = Sig(e.tid).mask;
      sig_[e.child_tid] = child;
      auto& parent = HandlersOf(e.tid, e.pid);
      if (e.clone_flags & CLONE_SIGHAND)
        handlers_[e.child_tid] = parent;
      else
        handlers_[e.child_tid] = std::make_shared<Handlers>(*parent);
      break;
    }
    case EventType::kExec: {
      if (e.former_tid && e.former_tid != e.tid) {
        sig_[e.tid] = sig_[e.former_tid];
        handlers_[e.tid] = HandlersOf(e.former_tid, e.pid);
      }
      Sig(e.tid).saved.clear();
      auto fresh = std::make_shared<Handlers>(*HandlersOf(e.tid, e.pid));
      for (int sig = 1; sig <= 64; sig++)
        if (fresh->handler[sig] > 1)
          fresh->handler[sig] = 0;  // handlers reset to SIG_DFL; ignored stay ignored
      handlers_[e.tid] = fresh;
      break;
    }
    default:
      break;
  }
}

namespace {

// -e read= / -e write=: the hex dump lines that follow a finished syscall on a listed fd, of the
// data as far as it was captured. What a call read is dumped only when it succeeded; what it was
// asked to write is dumped whatever the call returned (strace dumps it at exit either way).
std::string IoDump(const Syscall& sc, const RenderOptions& opt) {
  if (opt.dump_read.Empty() && opt.dump_write.Empty())
    return "";
  if (!sc.returned() || !sc.has_entry)
    return "";
  int64_t fd = static_cast<int32_t>(sc.args[0]);
  auto plain = [&](bool out, uint64_t len) {
    const Buffer* b = sc.Find(1, out);
    if (!b || b->redacted)
      return std::string();
    if (!b->read_errno)
      return HexDump(std::string_view(b->data).substr(0, std::min<uint64_t>(len, b->data.size())),
                     len);
    // strace copies the data 64 KiB at a time: it dumps the chunks it could read and names the
    // first one it could not (nothing at all when the first one failed).
    constexpr uint64_t kChunk = 1 << 16;
    uint64_t start = std::min<uint64_t>(b->data.size(), len) / kChunk * kChunk;
    if (start == 0 || start >= len)
      return std::string();
    uint64_t missing = std::min(kChunk, len - start);
    return HexDump(std::string_view(b->data).substr(0, start), len) + " | <Cannot fetch " +
           std::to_string(missing) + (missing == 1 ? " byte" : " bytes") + " from pid " +
           std::to_string(sc.tid) + " @" + HexString(sc.args[1] + start) + ">\n";
  };
  auto iov = [&](bool out, uint64_t total) {
    const Buffer* arr = sc.Find(1, out, format::kBufferIovecArray);
    if (!arr || arr->read_errno)
      return std::string();  // strace dumps nothing of an array it cannot read whole
    std::string s;
    uint64_t left = total;
    // Each element under " * N bytes in buffer K"; like strace, the first empty one ends it.
    for (uint64_t k = 0; k < arr->data.size() / 16 && left; k++) {
      uint64_t len = 0;
      std::memcpy(&len, arr->data.data() + k * 16 + 8, 8);
      len = std::min(len, left);
      if (!len)
        break;
      left -= len;
      const Buffer* d = sc.Find(1, out, format::kBufferIovecData, static_cast<uint32_t>(k));
      if (!d || d->read_errno || d->redacted)
        continue;
      s += " * " + std::to_string(len) + " bytes in buffer " + std::to_string(k) + "\n";
      s += HexDump(std::string_view(d->data).substr(0, std::min<uint64_t>(len, d->data.size())),
                   len);
    }
    return s;
  };
  uint64_t ret = static_cast<uint64_t>(sc.ret);
  if (opt.dump_read.Contains(fd) && !sc.error()) {
    switch (sc.nr) {
      case __NR_read:
      case __NR_pread64:
      case __NR_recvfrom:
      case __NR_mq_timedreceive:
        return plain(true, ret);
      case __NR_readv:
      case __NR_preadv:
      case __NR_preadv2:
      case __NR_recvmsg:  // the msghdr's iovecs are recorded under its argument too
        return iov(true, ret);
      default:
        break;
    }
  }
  if (opt.dump_write.Contains(fd)) {
    switch (sc.nr) {
      case __NR_write:
      case __NR_pwrite64:
      case __NR_sendto:
      case __NR_mq_timedsend:
        return plain(false, sc.args[2]);
      case __NR_writev:
      case __NR_pwritev:
      case __NR_pwritev2:
      case __NR_sendmsg:
        return iov(false, ~0ull);
      default:
        break;
    }
  }
  return "";
}

}  // namespace

Status TextRenderer::RenderSyscall(const Event& e, EventStream* stream) {
  const Syscall& sc = *e.syscall;
  const format::SyscallInfo* info = stream->table()->Find(sc.nr);
  bool selected = CallSelected(sc, info, stream->state(), opt_) && Shown(e);
  if (!selected) {
    stream->ApplyCurrent();
    return OkStatus();
  }
  DecodeEnv env;
  env.opt = &opt_;
  if (!call_opts_.empty()) {
    bool verbose = opt_.abbrev ? !opt_.abbrev->Contains(sc.nr) : opt_.verbose;
    bool raw = opt_.raw && opt_.raw->Contains(sc.nr);
    env.opt = &call_opts_[(verbose ? 2 : 0) + (raw ? 1 : 0)];
  }
  env.state = &stream->state();
  if (sc.nr == __NR_rt_sigreturn)
    env.sigreturn_mask = SigreturnMask(sc.tid);
  if (sc.nr == __NR_restart_syscall) {
    const format::SyscallInfo* last = stream->table()->Find(Sig(sc.tid).last_nr);
    env.interrupted = last ? last->name : "";
  }
  int output = sink_->OutputOf(sc.tid);
  bool buffered = opt_.status != kStatusAll;
  SyscallText& t = text_;
  std::string& line = line_;
  line.clear();
  // "PID [time] name(entry-arguments"
  auto start = [&](uint64_t time_ns) {
    AppendPrefix(&line, sc.tid, time_ns);
    AppendCallPrefix(&line, sc);
    line += t.name;
    line += '(';
    line += t.entry;
  };

  if (e.type == EventType::kSyscallEntry) {
    stream->ApplyCurrent();
    if (buffered)
      return OkStatus();
    env.part = DecodeEnv::Part::kEntry;
    DecodeSyscall(sc, info, env, &t);
    RETURN_IF_ERROR(Interrupt(output, sc.tid));
    OpenLine& open = open_[output];
    if (open.active) {
      // The same thread's earlier line is still open (an entry without its exit).
      open.active = false;
      RETURN_IF_ERROR(sink_->Write(output, " <unfinished ...>\n"));
    }
    start(sc.entry_ns);
    open.active = true;
    open.tid = sc.tid;
    open.name = t.name;
    open.column = ColumnAfter(0, line);
    return sink_->Write(output, line);
  }

  // An exit shows only the exit part (the line was started or is resumed), unless the
  // whole line waits for -e status=.
  if (e.type == EventType::kSyscallExit && !buffered)
    env.part = DecodeEnv::Part::kExit;
  DecodeSyscall(sc, info, env, &t);
  // -Y: the line starts with the name the process had when it made the call (prctl and
  // execve change it); the return value's pids are named as they are after it.
  const std::string* comm = opt_.decode_pids ? stream->state().Comm(sc.tid) : nullptr;
  entry_comm_ = comm ? *comm : std::string();
  entry_comm_tid_ = sc.tid;
  stream->ApplyCurrent();
  // Appends the return value, -T's duration, the newline and -e read=/write='s dump.
  auto tail = [&] {
    line += DecodeReturn(sc, info, env);
    if (sc.flags & format::kSyscallInjected)
      line += " (INJECTED)";
    if (sc.flags & format::kSyscallDelayed)
      line += " (DELAYED)";
    AppendDuration(&line, sc);
    line += '\n';
    if (!opt_.dump_read.Empty() || !opt_.dump_write.Empty())
      line += IoDump(sc, opt_);
  };

  if (buffered) {
    if (!StatusSelected(sc, opt_))
      return OkStatus();
    start(sc.has_entry ? sc.entry_ns : sc.exit_ns);
    line += t.exit;
    AppendPad(&line, ColumnAfter(0, line));
    tail();
    RETURN_IF_ERROR(Interrupt(output, sc.tid));
    return sink_->Write(output, line);
  }

  auto it = open_.find(output);
  if (e.type == EventType::kSyscallExit && it != open_.end() && it->second.active &&
      it->second.tid == sc.tid && it->second.name == t.name) {
    // Nothing came in between: strace finishes the line it started.
    it->second.active = false;
    line += t.exit;
    AppendPad(&line, ColumnAfter(it->second.column, t.exit));
    tail();
    return sink_->Write(output, line);
  }
  RETURN_IF_ERROR(Interrupt(output, sc.tid));
  if (it != open_.end() && it->second.active) {
    it->second.active = false;
    RETURN_IF_ERROR(sink_->Write(output, " <unfinished ...>\n"));
  }
  if (e.type == EventType::kSyscallExit) {
    AppendPrefix(&line, sc.tid, sc.exit_ns);
    AppendCallPrefix(&line, sc);
    line += "<... ";
    line += t.name;
    line += " resumed>";
    line += t.exit;
  } else {
    start(sc.entry_ns);
    line += t.exit;
  }
  AppendPad(&line, ColumnAfter(0, line));
  tail();
  return sink_->Write(output, line);
}

Status TextRenderer::OnEvent(const Event& e, EventStream* stream) {
  state_ = &stream->state();
  entry_comm_tid_ = 0;
  pid_filter_.Follow(e);
  if (!opt_.follow && !root_tid_ && e.tid > 0 && pid_filter_.Shown(e))
    root_tid_ = e.tid;  // the trace's first thread (of the -p processes): the command's own
  Status st;
  switch (e.type) {
    case EventType::kSyscallEntry:
    case EventType::kSyscall:
    case EventType::kSyscallExit:
      st = RenderSyscall(e, stream);
      break;
    case EventType::kSignal:
      if (Shown(e) && opt_.SignalShown(e.signo))
        st = Line(e.tid, e.time_ns, SignalLine(e, opt_, &stream->state()));
      break;
    case EventType::kExit:
      if (Shown(e) && (e.signal ? opt_.SignalShown(e.signal) : !opt_.quiet_exit))
        st = Line(e.tid, e.time_ns, ExitLine(e));
      break;
    case EventType::kExec:
      if (e.former_tid && e.former_tid != e.tid && Shown(e)) {
        if (e.superseded && opt_.trace.Contains(e.superseded->nr)) {
          const Syscall& sc = *e.superseded;
          DecodeEnv env;
          env.opt = &opt_;
          env.state = &stream->state();
          SyscallText t = DecodeSyscall(sc, stream->table()->Find(sc.nr), env);
          int output = sink_->OutputOf(e.tid);
          auto it = open_.find(output);
          if (it != open_.end() && it->second.active && it->second.tid == e.tid &&
              it->second.name == t.name && opt_.status == kStatusAll) {
            it->second.active = false;
            std::string line = t.exit;
            AppendPad(&line, ColumnAfter(it->second.column, t.exit));
            st = sink_->Write(output, line + "?\n");
          } else if (opt_.status & kStatusUnfinished) {
            std::string line = Prefix(e.tid, e.time_ns) +
                               (opt_.status == kStatusAll ? "<... " + t.name + " resumed>" + t.exit
                                                          : t.name + "(" + t.entry + t.exit);
            RETURN_IF_ERROR(Interrupt(output, e.tid));
            st = sink_->Write(output, line + Pad(line) + "?\n");
          }
          if (!st.ok())
            return st;
        }
        if (!opt_.quiet_superseded)
          st = Line(e.tid, e.time_ns,
                    "+++ superseded by execve in pid " + std::to_string(e.former_tid) + " +++");
      }
      break;
    case EventType::kLoss: {
      // Not a line strace prints: a comment, where the loss happened, that no parser takes for
      // a syscall. A loss of no thread in particular (the eBPF ring was full) goes to the one
      // output; with -ff, where each thread has its own file, only the warning says it.
      std::string body = "/* strec: " + std::to_string(e.lost_events) +
                         (e.lost_events == 1 ? " event" : " events") + " lost here" +
                         (e.reason.empty() ? "" : ": " + format::EscapeForTerminal(e.reason)) +
                         " */";
      if (e.tid > 0) {
        st = Line(e.tid, e.time_ns, body);
      } else if (sink_->pid_prefix()) {
        auto it = open_.find(0);
        if (it != open_.end() && it->second.active) {
          it->second.active = false;
          RETURN_IF_ERROR(sink_->Write(0, " <unfinished ...>\n"));
        }
        st = sink_->Write(0, body + "\n");
      }
      break;
    }
    case EventType::kDetach: {
      int output = sink_->OutputOf(e.tid);
      auto it = open_.find(output);
      if (it != open_.end() && it->second.active && it->second.tid == e.tid) {
        it->second.active = false;
        st = sink_->Write(output, " <detached ...>\n");
      }
      break;
    }
    default:
      break;
  }
  stream->ApplyCurrent();
  TrackSignals(e);
  if (e.type == EventType::kExit && st.ok())
    st = Forget(e.tid);
  return st;
}

// A thread that ended needs nothing more: memory stays bounded by the threads alive, not by
// every one the trace ever had (a build runs hundreds of thousands of processes).
Status TextRenderer::Forget(int32_t tid) {
  sig_.erase(tid);
  handlers_.erase(tid);  // its process's other threads still hold the shared table
  int output = sink_->OutputOf(tid);
  auto it = open_.find(output);
  if (it != open_.end() && it->second.tid == tid && !it->second.active)
    open_.erase(it);
  return sink_->Done(output);  // -ff: its file is complete
}

Status TextRenderer::Finish() {
  for (auto& [output, line] : open_) {
    if (line.active) {
      line.active = false;
      RETURN_IF_ERROR(sink_->Write(output, " <unfinished ...>\n"));
    }
  }
  return OkStatus();
}

}  // namespace strec::replay
