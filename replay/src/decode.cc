// strace's text for one syscall: the entry point of the decoders. The families of hand-written
// decoders are in decoders/ (one file per group of syscalls, see decoders/decoders.h); what is
// not irregular prints generically from the syscall table (decoders/common.cc).
#include "strec/replay/decode.h"

#include <asm/unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "decoders/decoders.h"
#include "strec/format/redact.h"
#include "strec/replay/fd_text.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

using namespace detail;  // NOLINT: the decoders' helpers

namespace {

// The calls whose return value is a pid (-Y names it).
bool ReturnsPid(int nr) {
  switch (nr) {
    case __NR_getpid:
    case __NR_getppid:
    case __NR_gettid:
    case __NR_getpgid:
    case __NR_getpgrp:
    case __NR_getsid:
    case __NR_setsid:
    case __NR_fork:
    case __NR_vfork:
    case __NR_clone:
    case __NR_clone3:
    case __NR_wait4:
      return true;
    default:
      return false;
  }
}

enum class RetStyle { kDec, kHex, kOct, kFd, kUDec };

RetStyle ReturnStyle(int nr) {
  switch (nr) {
    case __NR_mmap:
    case __NR_mremap:
    case __NR_brk:
    case __NR_shmat:
      return RetStyle::kHex;
    case __NR_umask:
      return RetStyle::kOct;
    case __NR_open:
    case __NR_openat:
    case __NR_openat2:
    case __NR_creat:
    case __NR_dup:
    case __NR_dup2:
    case __NR_dup3:
    case __NR_socket:
    case __NR_accept:
    case __NR_accept4:
    case __NR_epoll_create:
    case __NR_epoll_create1:
    case __NR_eventfd:
    case __NR_eventfd2:
    case __NR_signalfd:
    case __NR_signalfd4:
    case __NR_timerfd_create:
    case __NR_inotify_init:
    case __NR_inotify_init1:
    case __NR_memfd_create:
    case __NR_pidfd_open:
    case __NR_pidfd_getfd:
    case __NR_perf_event_open:
    case __NR_userfaultfd:
    case __NR_fanotify_init:
    case __NR_open_by_handle_at:
    case __NR_io_uring_setup:
    case __NR_fsopen:
    case __NR_fsmount:
    case __NR_fspick:
    case __NR_open_tree:
    case __NR_memfd_secret:
    case __NR_landlock_create_ruleset:
      return RetStyle::kFd;
    default:
      return RetStyle::kDec;
  }
}

}  // namespace

std::string RedactedText(const Buffer& b) {
  static constexpr const char* kWhat[] = {"bytes", "data", "argv", "path", "address", "host"};
  std::string s = "/* redacted ";
  s += b.redacted < std::size(kWhat) ? kWhat[b.redacted] : "bytes";
  // A path's token holds "/", ".", "#" and hex digits only (a crafted file could hold more:
  // then it is not shown, so that the comment cannot be closed early).
  bool token = b.redacted == static_cast<uint8_t>(format::RedactCategory::kPaths) &&
               !b.data.empty() &&
               b.data.find_first_not_of("/.#0123456789abcdef") == std::string::npos;
  if (token) {
    s += ": ";
    s += b.data;
  } else {
    s += ": " + std::to_string(b.full_len) + " bytes #";
    static const char kHex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4)
      s += kHex[(b.digest >> shift) & 15];
  }
  return s + " */";
}

void DecodeSyscall(const Syscall& sc,
                   const format::SyscallInfo* info,
                   const DecodeEnv& env,
                   SyscallText* t) {
  ScopedXlatStyle style(env.opt->xlat_style);
  t->entry.clear();
  t->exit.clear();
  if (!info || env.opt->raw_call) {
    // A number without a table entry (its six arguments), or -e raw= (its own): as numbers,
    // all at entry.
    t->name = info ? info->name : UnknownSyscallName(sc.nr);
    int n = info ? info->nargs : 6;
    for (int i = 0; i < n; i++) {
      if (i)
        t->entry += ", ";
      t->entry += HexString(sc.args[i]);
    }
    t->exit.push_back(')');
    return;
  }
  t->name = info->name;
  // A call whose selector argument's value has a row of its own (variants.def) is described by
  // that row: the family's decoder, if there is one, reads its captures; else it prints
  // generically by the row.
  Ctx c(sc, &format::ResolveVariant(*info, sc.args), env, t);
  if (Decoder d = FindDecoder(sc.nr))
    d(c);
  else
    c.Generic();
}

namespace {

// dir/rel with "." and ".." resolved lexically.
std::string JoinPath(const std::string& dir, const std::string& rel) {
  std::vector<std::string> parts;
  auto add = [&parts](const std::string& path) {
    size_t pos = 0;
    while (pos <= path.size()) {
      size_t end = path.find('/', pos);
      if (end == std::string::npos)
        end = path.size();
      std::string part = path.substr(pos, end - pos);
      if (part == "..") {
        if (!parts.empty())
          parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      pos = end + 1;
    }
  };
  add(dir);
  add(rel);
  std::string out;
  for (const std::string& part : parts)
    out += "/" + part;
  return out.empty() ? "/" : out;
}

bool TouchesPath(const Syscall& sc,
                 const format::SyscallInfo* info,
                 const State& state,
                 const std::set<std::string>& paths) {
  if (!info)
    return false;
  auto fd_matches = [&](int32_t fd) {
    const std::string* p = state.FdPath(sc.tid, fd);
    if (p && paths.count(*p))
      return true;
    // strace resolves a relative -P path in its working directory, the tracee's.
    const std::string* cwd = p ? state.Cwd(sc.tid) : nullptr;
    if (cwd && !cwd->empty())
      for (const std::string& want : paths)
        if (!want.empty() && want[0] != '/' && *p == JoinPath(*cwd, want))
          return true;
    return false;
  };
  switch (sc.nr) {
    case __NR_select:
    case __NR_pselect6: {
      // Any fd below nfds in any of the three sets as they were at entry.
      int32_t nfds = static_cast<int32_t>(sc.args[0]);
      for (int i = 1; i <= 3; i++) {
        const Buffer* b = sc.Find(i, false);
        if (!b || b->read_errno || b->redacted || nfds <= 0)
          continue;  // a set strace could not read has no fd for it
        uint64_t bits = std::min<uint64_t>(static_cast<uint64_t>(nfds), b->data.size() * 8ull);
        for (uint64_t fd = 0; fd < bits; fd++)
          if ((static_cast<unsigned char>(b->data[fd / 8]) >> (fd % 8) & 1) &&
              fd_matches(static_cast<int32_t>(fd)))
            return true;
      }
      return false;
    }
    case __NR_poll:
    case __NR_ppoll: {
      // Any struct pollfd's fd, of the part of the array that could be read.
      const Buffer* b = sc.Find(0, false);
      if (!b || b->redacted)
        return false;
      uint64_t n = std::min<uint64_t>(sc.args[1] & 0xffffffff, b->data.size() / 8);
      for (uint64_t k = 0; k < n; k++) {
        int32_t fd;
        std::memcpy(&fd, b->data.data() + k * 8, 4);
        if (fd_matches(fd))
          return true;
      }
      return false;
    }
    default:
      break;
  }
  for (int i = 0; i < info->nargs; i++) {
    switch (info->args[i].kind) {
      case ArgKind::kPath: {
        const Buffer* b = sc.Find(i, false, format::kBufferString);
        if (b && !b->read_errno && !b->redacted && paths.count(b->data))
          return true;
        break;
      }
      case ArgKind::kFd:
      case ArgKind::kDirFd:
        if (fd_matches(static_cast<int32_t>(sc.args[i])))
          return true;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

bool CallSelected(const Syscall& sc,
                  const format::SyscallInfo* info,
                  const State& state,
                  const RenderOptions& opt) {
  // A number the table does not know is not subject to -e trace= (strace's sets hold only the
  // syscalls it knows).
  return (!info || opt.trace.Contains(sc.nr)) &&
         (opt.paths.empty() || TouchesPath(sc, info, state, opt.paths));
}

bool StatusSelected(const Syscall& sc, const RenderOptions& opt) {
  uint32_t bit;
  if (sc.flags & format::kSyscallDetached)
    bit = kStatusDetached;
  else if (!sc.returned())
    bit = kStatusUnfinished;
  else if (!sc.has_entry)
    bit = kStatusUnavailable;
  else if (sc.error())
    bit = kStatusFailed;
  else
    bit = kStatusSuccessful;
  return opt.status & bit;
}

SyscallText DecodeSyscall(const Syscall& sc,
                          const format::SyscallInfo* info,
                          const DecodeEnv& env) {
  SyscallText t;
  DecodeSyscall(sc, info, env, &t);
  return t;
}

std::string DecodeReturn(const Syscall& sc, const format::SyscallInfo* info, const DecodeEnv& env) {
  ScopedXlatStyle style(env.opt->xlat_style);
  if (!sc.returned())
    return "?";
  int err = sc.error();
  if (env.opt->raw_call && !err)
    return HexString(static_cast<uint64_t>(sc.ret));
  if (err) {
    const char* name = ErrnoName(err);
    std::string s = err >= 512 && err <= 516 ? "? " : "-1 ";
    s += name ? name : "E??? /* " + Dec(err) + " */";
    s += " (" + ErrnoMessage(err) + ")";
    return s;
  }
  int64_t r = sc.ret;
  int nr = info ? info->nr : sc.nr;
  if (ReturnDecoder ret = FindReturnDecoder(nr)) {
    std::string text = ret(sc, env);
    if (!text.empty())
      return text;
  }
  if ((env.opt->decode_pids || env.opt->pidns) && ReturnsPid(nr))
    return PidText(static_cast<int32_t>(r), *env.opt, env.state,
                   nr == __NR_setsid ? 0 : sc.tid,  // strace translates no setsid's
                   nr == __NR_getpgid || nr == __NR_getpgrp ? 2
                   : nr == __NR_getsid                      ? 3
                                                            : -1);
  switch (ReturnStyle(nr)) {
    case RetStyle::kHex:
      return HexString(static_cast<uint64_t>(r));
    case RetStyle::kOct:
      return Octal(static_cast<uint64_t>(r));
    case RetStyle::kFd: {
      return Dec(r) + FdText(*env.opt, env.state, sc.tid, r);
    }
    case RetStyle::kUDec:
      return UDec(static_cast<uint64_t>(r));
    case RetStyle::kDec:
    default:
      return Dec(r);
  }
}

std::string UnknownSyscallName(int nr) {
  char buf[32];
  snprintf(buf, sizeof buf, "syscall_%#x", static_cast<unsigned>(nr));
  return buf;
}

std::string SignalLine(const Event& e, const RenderOptions& opt, const State* state) {
  if (e.group_stop)
    return "--- stopped by " + SignalName(e.signo) + " ---";
  return "--- " + SignalName(e.signo) + " " + FormatSiginfo(e.siginfo, opt, state, e.tid) + " ---";
}

std::string ExitLine(const Event& e) {
  if (e.signal)
    return "+++ killed by " + SignalName(e.signal) + (e.core_dumped ? " (core dumped)" : "") +
           " +++";
  return "+++ exited with " + std::to_string(e.status) + " +++";
}

std::string ArgumentsText(const SyscallText& text) {
  std::string all = text.entry;
  all += text.exit;
  if (!all.empty() && all.back() == ')')
    all.pop_back();
  return all;
}

std::string SyscallLine(const SyscallText& text, std::string_view ret) {
  std::string line = text.name;
  line += '(';
  line += text.entry;
  line += text.exit;
  line += " = ";
  line += ret;
  return line;
}

}  // namespace strec::replay
