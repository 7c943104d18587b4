// Signals: rt_sigaction, rt_sigreturn, kill/tkill/tgkill, restart_syscall; sigaction, sigset,
// siginfo, stack_t.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

static std::string Sigaction(const std::string& d) {
  uint64_t handler = At<uint64_t>(d, 0), flags = At<uint64_t>(d, 8), restorer = At<uint64_t>(d, 16),
           mask = At<uint64_t>(d, 24);
  std::string s = "{sa_handler=";
  if (handler == 0)
    s += Styled("0", "SIG_DFL");
  else if (handler == 1)
    s += Styled("0x1", "SIG_IGN");
  else
    s += HexString(handler);
  s += ", sa_mask=" + FormatSigset(mask);
  s += ", sa_flags=" + Flags("sa_flags", flags);
  if (flags & 0x04000000)
    s += ", sa_restorer=" + PtrString(restorer);
  return s + "}";
}

// restart_syscall takes no arguments; strace names the call it resumes.
static void DecodeRestartSyscall(Ctx& c) {
  c.Put("<... resuming interrupted " +
        (c.env.interrupted.empty() ? std::string("system call") : c.env.interrupted) + " ...>");
  c.ToExit();
  c.Put(")");
}

static void DecodeRtSigreturn(Ctx& c) {
  c.Put("{mask=" + c.env.sigreturn_mask + "}");
  c.ToExit();
  c.Put(")");
}

static void DecodeRtSigaction(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.ToExit();
  c.Arg(2);
  c.Sep();
  c.Arg(3);
  c.Put(")");
}

static void DecodeKill(Ctx& c) {
  c.Pid(c.I(0));
  c.Sep();
  if (c.sc.nr == __NR_tgkill) {
    c.Pid(c.I(1));
    c.Sep();
    c.Put(SignalArg(c.I(2)));
  } else {
    c.Put(SignalArg(c.I(1)));
  }
  c.ToExit();
  c.Put(")");
}

static std::string SigactionStruct(Ctx&, int, const std::string& d) {
  return Sigaction(d);
}

// A kernel sigset: strace decodes it only when the size argument (the next size_t of the row)
// is the kernel's, 8 bytes; else it prints the address.
static std::string SigsetStruct(Ctx& c, int arg, const std::string& d) {
  for (int i = arg + 1; i < c.info->nargs; i++)
    if (c.info->args[i].kind == ArgKind::kSize) {
      if (c.A(i) != 8)
        return "";
      break;
    }
  return FormatSigset(At<uint64_t>(d, 0));
}

// rt_sigpending writes as many bytes of the set as its size argument says (up to 8).
static void DecodeRtSigpending(Ctx& c) {
  c.ToExit();
  const Buffer* b = c.Out(0);
  if (!b || c.Redacted(b) || b->data.empty() || b->data.size() > 8) {
    if (!b || !b->redacted)
      c.Ptr(c.A(0));
  } else {
    uint64_t mask = 0;
    std::memcpy(&mask, b->data.data(), b->data.size());
    c.Put(FormatSigset(mask));
  }
  c.Sep();
  c.Put(UDec(c.A(1)));
  c.Put(")");
}

static std::string SiginfoStruct(Ctx& c, int, const std::string& d) {
  if (At<int32_t>(d, 0) == 0)  // no signal (waitid with WNOHANG and nothing to report)
    return "{}";
  return FormatSiginfo(d, c.opt, c.env.state, c.sc.tid);
}

static std::string StackStruct(Ctx&, int, const std::string& d) {
  uint32_t flags = At<uint32_t>(d, 8);
  std::string f;
  auto add = [&f](const char* name) {
    if (!f.empty())
      f += '|';
    f += name;
  };
  if (flags & 1)
    add("SS_ONSTACK");
  if (flags & 2)
    add("SS_DISABLE");
  if (flags & 0x80000000u)
    add("SS_AUTODISARM");
  if (f.empty())
    f.push_back('0');
  return "{ss_sp=" + PtrString(At<uint64_t>(d, 0)) + ", ss_flags=" + f +
         ", ss_size=" + UDec(At<uint64_t>(d, 16)) + "}";
}

// rt_sigtimedwait(set, info, timeout, sigsetsize): with info NULL, or not in -e verbose=,
// strace prints every argument at entry (info as its address: it is not read at exit).
static void DecodeRtSigtimedwait(Ctx& c) {
  if (c.Verbose() && c.A(1)) {
    c.Generic();
    return;
  }
  if (c.env.part != DecodeEnv::Part::kExit) {
    c.Arg(0);
    c.Sep();
    c.Ptr(c.A(1));
    c.Sep();
    c.Arg(2);
    c.Sep();
    c.Arg(3);
  }
  c.ToExit();
  c.Put(")");
}

// The signal a successful rt_sigtimedwait took: "14 (SIGALRM)".
static std::string SignalReturn(const Syscall& sc, const DecodeEnv&) {
  return Dec(sc.ret) + " (" + SignalName(static_cast<int>(sc.ret)) + ")";
}

Family SignalsFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_rt_sigaction, DecodeRtSigaction},
      {__NR_rt_sigreturn, DecodeRtSigreturn},
      {__NR_restart_syscall, DecodeRestartSyscall},
      {__NR_rt_sigpending, DecodeRtSigpending},
      {__NR_kill, DecodeKill},
      {__NR_tkill, DecodeKill},
      {__NR_tgkill, DecodeKill},
      {__NR_rt_sigtimedwait, DecodeRtSigtimedwait, SignalReturn},
  };
  static const StructEntry kStructs[] = {
      {"sigaction", SigactionStruct},
      {"sigset", SigsetStruct},
      {"siginfo", SiginfoStruct},
      {"stack_t", StackStruct},
  };
  return {"signals", kDecoders, kStructs};
}

}  // namespace strec::replay::detail

namespace strec::replay {

using namespace detail;  // NOLINT: the decoders' helpers

std::string FormatSigset(uint64_t mask) {
  std::string s;
  if (std::popcount(mask) * 2 > 64) {
    s = "~";
    mask = ~mask;
  }
  s += "[";
  bool first = true;
  for (int sig = 1; sig <= 64; sig++) {
    if (!(mask & (1ull << (sig - 1))))
      continue;
    if (!first)
      s += " ";
    first = false;
    s += Styled(Dec(sig), SigsetMemberName(sig));
  }
  return s + "]";
}

std::string FormatSiginfo(const std::string& d,
                          const RenderOptions& opt,
                          const State* state,
                          int32_t observer) {
  int32_t signo = At<int32_t>(d, 0), err = At<int32_t>(d, 4), code = At<int32_t>(d, 8);
  ScopedXlatStyle style(opt.xlat_style);
  std::string s = "{si_signo=" + Styled(Dec(signo), SignalName(signo));
  std::string cname;
  if (code <= 0 || code == 0x80) {
    if (const char* n =
            Table("si_code_user").Name(static_cast<uint64_t>(static_cast<int64_t>(code))))
      cname = n;
  } else {
    const char* table = signo == SIGCHLD   ? "si_code_chld"
                        : signo == SIGSEGV ? "si_code_segv"
                        : signo == SIGBUS  ? "si_code_bus"
                        : signo == SIGILL  ? "si_code_ill"
                        : signo == SIGFPE  ? "si_code_fpe"
                        : signo == SIGTRAP ? "si_code_trap"
                        : signo == SIGPOLL ? "si_code_poll"
                        : signo == SIGSYS  ? "si_code_sys"
                                           : nullptr;
    if (table)
      if (const char* n = Table(table).Name(static_cast<uint64_t>(code)))
        cname = n;
  }
  s += ", si_code=" +
       (cname.empty() ? Dec(code) : Styled(HexString(static_cast<uint32_t>(code)), cname));
  if (err)
    s += ", si_errno=" +  // an unknown one unsigned, as strace prints it
         std::string(ErrnoName(err) ? ErrnoName(err) : UDec(static_cast<uint32_t>(err)).c_str());
  auto pid_uid = [&]() {
    uint32_t uid = At<uint32_t>(d, 20);
    s += ", si_pid=" + PidText(At<int32_t>(d, 16), opt, state, observer) +
         ", si_uid=" + (uid == UINT32_MAX ? std::string("-1") : UDec(uid));
  };
  auto value = [&]() {
    s += ", si_int=" + Dec(At<int32_t>(d, 24)) + ", si_ptr=" + PtrString(At<uint64_t>(d, 24));
  };
  if (code == 0 || code == -6 || code == -7 || code == -60) {  // SI_USER, SI_TKILL, ...
    pid_uid();
  } else if (code == -1 || code == -3) {  // SI_QUEUE, SI_MESGQ
    pid_uid();
    value();
  } else if (code == -2) {  // SI_TIMER
    s += ", si_timerid=" + HexString(At<uint32_t>(d, 16)) +
         ", si_overrun=" + Dec(At<int32_t>(d, 20));
    value();
  } else if (code == 0x80) {
    if (signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE)
      s += ", si_addr=" + PtrString(At<uint64_t>(d, 16));
  } else if (code > 0) {
    switch (signo) {
      case SIGCHLD: {
        pid_uid();
        int32_t status = At<int32_t>(d, 24);
        s += ", si_status=" + (code == 1 ? Dec(status) : SignalName(status));
        s += ", si_utime=" + ClockT(At<uint64_t>(d, 32)) +
             ", si_stime=" + ClockT(At<uint64_t>(d, 40));
        break;
      }
      case SIGSEGV:
      case SIGBUS:
      case SIGILL:
      case SIGFPE:
      case SIGTRAP:
        s += ", si_addr=" + PtrString(At<uint64_t>(d, 16));
        break;
      case SIGPOLL:
        s += ", si_band=" + Dec(At<int64_t>(d, 16)) + ", si_fd=" + Dec(At<int32_t>(d, 24));
        break;
      case SIGSYS:
        s += ", si_call_addr=" + PtrString(At<uint64_t>(d, 16)) +
             ", si_syscall=" + Dec(At<int32_t>(d, 24)) +
             ", si_arch=" + HexString(At<uint32_t>(d, 28));
        break;
      default:
        break;
    }
  }
  return s + "}";
}

}  // namespace strec::replay
