// Processes: execve, clone, clone3, wait4, prctl, arch_prctl, getrandom (prctl has its own file);
// struct rusage, utsname, rlimit, sysinfo, tms, sched_param; modify_ldt, set_thread_area and
// get_thread_area's struct user_desc, _sysctl's struct __sysctl_args.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/limits.h>
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

std::string CloneFlags(uint64_t v) {
  uint64_t sig = v & 0xff;
  uint64_t rest = v & ~0xffull;
  std::string s;
  if (rest)
    AppendFlags(&s, Table("clone_flags"), rest);
  if (sig) {
    if (!s.empty())
      s += '|';
    s += SignalArg(static_cast<int64_t>(sig));
  }
  return s.empty() ? "0" : s;
}

static std::string Rlim(uint64_t v) {
  if (v == ~0ull)
    return Styled(UDec(v), "RLIM64_INFINITY");
  if (v > 1024 && v % 1024 == 0)
    return Styled(UDec(v), UDec(v / 1024) + "*1024");
  return UDec(v);
}

static std::string Rusage(const std::string& d, bool verbose) {
  std::string s = "{ru_utime=" + Timeval(d, 0) + ", ru_stime=" + Timeval(d, 16);
  if (!verbose)
    return s + ", ...}";
  const char* names[] = {"ru_maxrss", "ru_ixrss",    "ru_idrss",   "ru_isrss",   "ru_minflt",
                         "ru_majflt", "ru_nswap",    "ru_inblock", "ru_oublock", "ru_msgsnd",
                         "ru_msgrcv", "ru_nsignals", "ru_nvcsw",   "ru_nivcsw"};
  for (int i = 0; i < 14; i++)
    s += std::string(", ") + names[i] + "=" + UDec(At<uint64_t>(d, 32 + 8 * i));
  return s + "}";
}

static std::string Utsname(const std::string& d, bool verbose, const QuoteOptions& q) {
  const char* names[] = {"sysname", "nodename", "release", "version", "machine", "domainname"};
  std::string s = "{";
  for (int i = 0; i < 6; i++) {
    if (!verbose && i == 2) {
      s += ", ...";
      break;
    }
    std::string field =
        d.size() >= static_cast<size_t>(65 * (i + 1)) ? d.substr(65 * i, 65) : std::string();
    field = field.substr(0, field.find('\0'));
    if (i)
      s += ", ";
    s += std::string(names[i]) + "=";
    QuoteOptions qq = q;
    qq.max_strlen = 65;
    AppendQuotedCString(&s, field, false, qq);
  }
  return s + "}";
}

static std::string WaitStatus(int32_t st) {
  std::string s = "[{";
  uint32_t u = static_cast<uint32_t>(st);
  if ((u & 0xff) == 0x7f) {
    s += "WIFSTOPPED(s) && WSTOPSIG(s) == " + SignalName((u >> 8) & 0xff);
    if (u >> 16)
      s += " && (s >> 16) == " + UDec(u >> 16);
  } else if (u == 0xffff) {
    s += "WIFCONTINUED(s)";
  } else if ((u & 0x7f) == 0) {
    s += "WIFEXITED(s) && WEXITSTATUS(s) == " + UDec((u >> 8) & 0xff);
  } else {
    s += "WIFSIGNALED(s) && WTERMSIG(s) == " + SignalName(u & 0x7f);
    if (u & 0x80)
      s += " && WCOREDUMP(s)";
  }
  s += "}";
  if (u & ~0xffffu && (u & 0xff) != 0x7f)
    s += " | " + HexString(u & ~0xffffu);
  return s + "]";
}

static void DecodeExecve(Ctx& c) {
  bool at = c.sc.nr == __NR_execveat;
  int p = at ? 1 : 0;
  if (at) {
    c.Arg(0);
    c.Sep();
  }
  c.Path(p);
  c.Sep();
  c.StrArray(p + 1);
  c.Sep();
  // envp: with -v the strings when they were recorded (strec-record --capture-env), else the
  // address and the count.
  int ev = p + 2;
  const Buffer* env = c.sc.Find(ev, false, format::kBufferStringPtrs);
  bool have_strings = env && !env->read_errno && env->data.size() / 8 == env->full_len;
  if (c.A(ev) && c.opt.verbose && have_strings) {
    c.StrArray(ev);
  } else if (!c.A(ev)) {
    c.Put("NULL");
  } else {
    c.Ptr(c.A(ev));
    if (env && !env->read_errno && c.Verbose())
      c.Put(" /* " + UDec(env->full_len) + (env->full_len == 1 ? " var" : " vars") + " */");
  }
  if (at) {
    c.Sep();
    c.Arg(4);
  }
  c.ToExit();
  c.Put(")");
}

static void DecodeClone(Ctx& c) {
  uint64_t flags = c.A(0);
  c.Put("child_stack=" + PtrString(c.A(1)) + ", flags=" + CloneFlags(flags));
  c.ToExit();
  if (flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) {
    c.Put(", parent_tid=");
    const Buffer* b = c.Out(2);
    if (b && b->data.size() >= 4)
      c.Put("[" + Dec(At<int32_t>(b->data, 0)) + "]");
    else
      c.Ptr(c.A(2));
  }
  if (flags & CLONE_SETTLS)
    c.Put(", tls=" + PtrString(c.A(4)));
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
    c.Put(", child_tidptr=" + PtrString(c.A(3)));
  c.Put(")");
}

// clone3's exit signal: a signal's name, or the 64-bit number when it is none.
static std::string ExitSignal(uint64_t v) {
  return v <= 64 ? SignalArg(static_cast<int64_t>(v)) : UDec(v);
}

// An int the kernel wrote through a pointer of clone_args (kBufferAux `index` at exit), as
// "[N]", else the pointer.
// `pid`: the value is a thread id (-Y names it).
static std::string WrittenInt(const Ctx& c, uint32_t index, uint64_t ptr, bool pid = false) {
  const Buffer* b = ptr ? c.Out(0, format::kBufferAux, index) : nullptr;
  if (b && b->data.size() >= 4) {
    int32_t v = At<int32_t>(b->data, 0);
    return "[" + (pid ? PidText(v, c.opt, c.env.state, c.sc.tid) : Dec(v)) + "]";
  }
  return PtrString(ptr);
}

// clone3(args, size): struct clone_args (linux/sched.h) of `size` bytes, at least
// CLONE_ARGS_SIZE_VER0 (64); set_tid from VER1 (80), cgroup from VER2 (88); the bytes past
// those when not all zero. A successful call shows what the kernel wrote: " => {pidfd=[N],
// parent_tid=[N]}".
static void DecodeClone3(Ctx& c) {
  uint64_t size = c.A(1);
  const Buffer* b = c.A(0) ? c.In(0) : nullptr;
  bool shown = false;
  if (!c.A(0)) {
    c.Put("NULL");
  } else if (size < 64 || !b || b->data.size() < 64) {
    c.Ptr(c.A(0));
  } else if (!c.Redacted(b)) {
    shown = true;
    const std::string& d = b->data;
    uint64_t flags = At<uint64_t>(d, 0);
    std::string s = "{flags=" + FlagsOr("clone3_flags", flags);
    if (flags & CLONE_PIDFD)
      s += ", pidfd=" + PtrString(At<uint64_t>(d, 8));
    if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
      s += ", child_tid=" + PtrString(At<uint64_t>(d, 16));
    if (flags & CLONE_PARENT_SETTID)
      s += ", parent_tid=" + PtrString(At<uint64_t>(d, 24));
    s += ", exit_signal=" + ExitSignal(At<uint64_t>(d, 32));
    s += ", stack=" + PtrString(At<uint64_t>(d, 40));
    s += ", stack_size=" + HexString(At<uint64_t>(d, 48));
    if (flags & CLONE_SETTLS)
      s += ", tls=" + PtrString(At<uint64_t>(d, 56));
    uint64_t set_tid = At<uint64_t>(d, 64), set_tid_size = At<uint64_t>(d, 72);
    if (d.size() >= 80 && (set_tid || set_tid_size)) {
      s += ", set_tid=";
      const Buffer* t = set_tid && set_tid_size ? c.In(0, format::kBufferAux, 1) : nullptr;
      if (t && !c.Redacted(t, &s)) {
        uint64_t have = t->data.size() / 4;
        s += "[";
        for (uint64_t k = 0; k < std::min(set_tid_size, have); k++) {
          if (k)
            s += ", ";
          if (k >= c.opt.max_strlen) {
            s += "...";
            break;
          }
          s += Dec(At<int32_t>(t->data, k * 4));
        }
        s += "]";
      } else if (!t) {
        s += PtrString(set_tid);
      }
      s += ", set_tid_size=" + UDec(set_tid_size);
    }
    if (d.size() >= 88 && (At<uint64_t>(d, 80) || (flags & CLONE_INTO_CGROUP)))
      s += ", cgroup=" + UDec(At<uint64_t>(d, 80));
    std::string ext = ExtensionText(c, 0, false, 88, size);
    if (!ext.empty())
      s += ", " + ext;
    c.Put(s + "}");
  }
  c.ToExit();
  const Buffer* o = shown ? c.Out(0) : nullptr;
  if (o && o->data.size() >= 64) {
    const std::string& d = o->data;
    uint64_t flags = At<uint64_t>(d, 0);
    std::string s;
    if (flags & CLONE_PIDFD)
      s += "pidfd=" + WrittenInt(c, 2, At<uint64_t>(d, 8));
    if (flags & CLONE_PARENT_SETTID)
      s += (s.empty() ? "" : ", ") + std::string("parent_tid=") +
           WrittenInt(c, 3, At<uint64_t>(d, 24), true);
    std::string ext = ExtensionText(c, 0, true, 88, size);
    if (!ext.empty())
      s += (s.empty() ? "" : ", ") + ext;
    if (!s.empty())
      c.Put(" => {" + s + "}");
  }
  c.Put(", " + UDec(size) + ")");
}

static void DecodeWait4(Ctx& c) {
  c.Pid(c.I(0));
  c.Sep();
  c.ToExit();
  const Buffer* st = c.Out(1);
  if (!c.A(1))
    c.Put("NULL");
  else if (st && st->data.size() >= 4)
    c.Put(WaitStatus(At<int32_t>(st->data, 0)));
  else
    c.Ptr(c.A(1));
  c.Sep();
  c.Put(Flags("wait_options", c.A(2) & 0xffffffff));
  c.Sep();
  if (!c.A(3)) {
    c.Put("NULL");
  } else {
    // With WNOHANG and no child to report (0), the kernel fills no rusage: strace prints
    // its address.
    const Buffer* ru = c.sc.ret ? c.Out(3) : nullptr;
    if (ru && ru->data.size() >= 144)
      c.Put(Rusage(ru->data, c.opt.verbose));
    else
      c.Ptr(c.A(3));
  }
  c.Put(")");
}

// arch_prctl's xstate values print as -X verbose would whatever -X says, but raw.
static std::string XFeatures(const char* table, uint64_t v, bool is_enum) {
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return HexString(v);
  ScopedXlatStyle verbose(XlatStyle::kVerbose);
  return is_enum ? Enum(table, v) : FlagsOr(table, v);
}

// arch_prctl(code, addr) (asm/prctl.h): what addr is depends on the code; the codes that write
// through it are in format/syscalls/variants.def.
static void DecodeArchPrctl(Ctx& c) {
  uint32_t code = static_cast<uint32_t>(c.A(0));
  c.Put(Enum("arch_prctl_code", code));
  switch (code) {
    case 0x1011:  // ARCH_GET_CPUID: no argument
      break;
    case 0x1003:    // ARCH_GET_FS
    case 0x1004:    // ARCH_GET_GS
    case 0x1021:    // ARCH_GET_XCOMP_SUPP
    case 0x1022:    // ARCH_GET_XCOMP_PERM
    case 0x1024: {  // ARCH_GET_XCOMP_GUEST_PERM
      c.Sep();
      c.ToExit();
      const Buffer* b = c.A(1) ? c.Out(1) : nullptr;
      if (!c.A(1)) {
        c.Put("NULL");
      } else if (c.Redacted(b)) {
      } else if (b && b->data.size() >= 8) {
        uint64_t v = At<uint64_t>(b->data, 0);
        c.Put("[" + (code <= 0x1004 ? PtrString(v) : XFeatures("x86_xfeatures", v, false)) + "]");
      } else {
        c.Ptr(c.A(1));
      }
      break;
    }
    case 0x1023:  // ARCH_REQ_XCOMP_PERM
    case 0x1025:  // ARCH_REQ_XCOMP_GUEST_PERM
      c.Sep();
      c.Put(XFeatures("x86_xfeature_bits", c.A(1), true));
      break;
    default:
      c.Sep();
      c.Put(HexString(c.A(1)));
      break;
  }
  c.ToExit();
  c.Put(")");
}

// ARCH_REQ_XCOMP_PERM's return value is a feature mask: "0x20 (XFEATURE_MASK_OPMASK)".
static std::string ArchPrctlReturn(const Syscall& sc, const DecodeEnv&) {
  uint32_t code = static_cast<uint32_t>(sc.args[0]);
  if ((code != 0x1023 && code != 0x1025) || sc.ret <= 0)
    return "";
  uint64_t r = static_cast<uint64_t>(sc.ret);
  std::string s = HexString(r);
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return s;
  bool named = false;
  for (const XlatEntry& e : Table("x86_xfeatures").entries)
    named |= (r & e.value) != 0;
  if (!named)
    return s;
  ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
  return s + " (" + Flags("x86_xfeatures", r) + ")";
}

static void DecodeGetrandom(Ctx& c) {
  c.ToExit();
  c.Data(0, true, c.Len(kLenRet), true);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.Arg(2);
  c.Put(")");
}

static std::string FormatSysinfo(const std::string& d) {
  std::string s = "{uptime=" + std::to_string(At<int64_t>(d, 0)) + ", loads=[" +
                  UDec(At<uint64_t>(d, 8)) + ", " + UDec(At<uint64_t>(d, 16)) + ", " +
                  UDec(At<uint64_t>(d, 24)) + "]";
  const char* names[] = {"totalram", "freeram", "sharedram", "bufferram", "totalswap", "freeswap"};
  for (int i = 0; i < 6; i++)
    s += std::string(", ") + names[i] + "=" + UDec(At<uint64_t>(d, 32 + 8 * i));
  s += ", procs=" + UDec(At<uint16_t>(d, 80)) + ", totalhigh=" + UDec(At<uint64_t>(d, 88)) +
       ", freehigh=" + UDec(At<uint64_t>(d, 96)) + ", mem_unit=" + UDec(At<uint32_t>(d, 104)) + "}";
  return s;
}

static std::string FormatTms(const std::string& d) {
  return "{tms_utime=" + ClockT(At<uint64_t>(d, 0)) + ", tms_stime=" + ClockT(At<uint64_t>(d, 8)) +
         ", tms_cutime=" + ClockT(At<uint64_t>(d, 16)) +
         ", tms_cstime=" + ClockT(At<uint64_t>(d, 24)) + "}";
}

static std::string RlimitStruct(Ctx&, int, const std::string& d) {
  return "{rlim_cur=" + Rlim(At<uint64_t>(d, 0)) + ", rlim_max=" + Rlim(At<uint64_t>(d, 8)) + "}";
}

static std::string RusageStruct(Ctx& c, int, const std::string& d) {
  return Rusage(d, c.opt.verbose);
}

static std::string UtsnameStruct(Ctx& c, int, const std::string& d) {
  return Utsname(d, c.opt.verbose, c.q);
}

static std::string SysinfoStruct(Ctx&, int, const std::string& d) {
  return FormatSysinfo(d);
}

static std::string TmsStruct(Ctx&, int, const std::string& d) {
  return FormatTms(d);
}

// A task's name, char[16], NUL-terminated unless 16 long.
static std::string Comm(Ctx& c, int, const std::string& d) {
  std::string s;
  AppendQuotedCString(&s, d.substr(0, d.find('\0')), false, c.q);
  return s;
}

// getpriority / setpriority (which, who[, prio]): who is a pid or a process group for
// PRIO_PROCESS and PRIO_PGRP (--pidns-translation follows it), a uid for PRIO_USER.
static void DecodePriority(Ctx& c) {
  c.Arg(0);
  c.Sep();
  if (c.I(0) == 0 || c.I(0) == 1)
    c.Put(PidText(c.I(1), c.opt, c.env.state, c.sc.tid, c.I(0) == 1 ? 2 : -1));
  else
    c.Arg(1);
  if (c.sc.nr == __NR_setpriority) {
    c.Sep();
    c.Arg(2);
  }
  c.ToExit();
  c.Put(")");
}

static std::string SchedParam(Ctx&, int, const std::string& d) {
  std::string s = "[";  // strace 6.1 prints the priority alone
  s += Dec(At<int32_t>(d, 0));
  s += ']';
  return s;
}

// pidfd_getfd(2): the target fd is one of the pidfd's process's; a successful call's new fd
// is a copy of it, whose path (recorded) names both. The flags in hex.
void DecodePidfdGetfd(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.Put(Dec(c.I(1)));
  if (c.ok())
    c.Put(c.NewFdText(format::kArgReturn, 0));
  c.Sep();
  c.Put(HexString(c.A(2) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

// ---- struct user_desc (asm/ldt.h): modify_ldt, set_thread_area, get_thread_area ----

static std::string EntryNumber(uint32_t v) {
  return static_cast<int32_t>(v) == -1 ? "-1" : UDec(v);
}

// "%#08x": 0 as "00000000", else 0x and at least 6 digits.
static std::string Hex08(uint32_t v) {
  char buf[16];
  snprintf(buf, sizeof buf, "%#08x", v);
  return buf;
}

// The fields after entry_number, each bit field by its name.
static std::string UserDescRest(const std::string& d) {
  uint32_t bits = At<uint32_t>(d, 12);
  auto bit = [bits](int shift, uint32_t mask = 1) { return UDec((bits >> shift) & mask); };
  return ", base_addr=" + Hex08(At<uint32_t>(d, 4)) + ", limit=" + Hex08(At<uint32_t>(d, 8)) +
         ", seg_32bit=" + bit(0) + ", contents=" + bit(1, 3) + ", read_exec_only=" + bit(3) +
         ", limit_in_pages=" + bit(4) + ", seg_not_present=" + bit(5) + ", useable=" + bit(6) +
         ", lm=" + bit(7) + "}";
}

static std::string UserDesc(Ctx&, int, const std::string& d) {
  return "{entry_number=" + EntryNumber(At<uint32_t>(d, 0)) + UserDescRest(d);
}

// modify_ldt(func, ptr, bytecount): a struct user_desc when bytecount is its size, else the
// address (variants.def captures it for that bytecount).
static void DecodeModifyLdt(Ctx& c) {
  c.Put(Dec(c.I(0)));
  c.Sep();
  if (c.A(2) == format::StructSize("user_desc"))
    c.Struct(1, false, "user_desc");
  else
    c.Ptr(c.A(1));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.ToExit();
  c.Put(")");
}

// modify_ldt returns an int the x86_64 entry code zero-extends: -ENOSYS arrives as 4294967258.
// strace prints the number as it came and, when its low 32 bits are an error, that error.
static std::string ModifyLdtReturn(const Syscall& sc, const DecodeEnv&) {
  int32_t v = static_cast<int32_t>(sc.ret);
  if (sc.ret <= 0 || v >= 0 || v < -4095)
    return "";
  int err = -v;
  const char* name = ErrnoName(err);
  return UDec(static_cast<uint64_t>(sc.ret)) + " " +
         (name ? std::string(name) : "E??? /* " + Dec(err) + " */") + " (" + ErrnoMessage(err) +
         ")";
}

// set_thread_area(u_info): the struct the kernel reads, at entry.
static void DecodeSetThreadArea(Ctx& c) {
  if (!c.A(0))
    c.Put("NULL");
  else
    c.Struct(0, false, "user_desc");
  c.ToExit();
  c.Put(")");
}

// setgroups: a list longer than NGROUPS_MAX (the kernel refuses it unread) prints as its address.
static void DecodeSetgroups(Ctx& c) {
  c.Arg(0);
  c.Sep();
  if (c.A(1) && (c.A(0) & 0xffffffff) > NGROUPS_MAX)
    c.Ptr(c.A(1));
  else
    c.Arg(1);
  c.ToExit();
  c.Put(")");
}

// The entry number the kernel chose: "0 (entry_number=12)".
static std::string SetThreadAreaReturn(const Syscall& sc, const DecodeEnv& env) {
  const Buffer* b = sc.Find(0, true);
  if (!sc.args[0] || !CallVerbose(*env.opt, sc.nr) || !b || b->read_errno || b->redacted ||
      b->data.size() < format::StructSize("user_desc"))
    return "";
  return Dec(sc.ret) + " (entry_number=" + UDec(At<uint32_t>(b->data, 0)) + ")";
}

// get_thread_area(u_info): the entry number asked for at entry (only it need be readable), the
// rest of the struct as the kernel filled it at exit, ", ...}" when it did not.
static void DecodeGetThreadArea(Ctx& c) {
  const Buffer* in = c.sc.Find(0, false);
  if (!c.A(0)) {
    c.Put("NULL");
  } else if (in && in->redacted) {
    c.Redacted(in);
  } else if (!c.Verbose() || !in || in->data.size() < 4) {
    c.Ptr(c.A(0));
  } else {
    c.Put("{entry_number=" + EntryNumber(At<uint32_t>(in->data, 0)));
    c.ToExit();
    const Buffer* out = c.Out(0);
    if (out && out->data.size() >= format::StructSize("user_desc"))
      c.Put(UserDescRest(out->data));
    else
      c.Put(", ...}");
  }
  c.ToExit();
  c.Put(")");
}

// struct __sysctl_args (linux/sysctl.h): the name array as its address.
static std::string SysctlArgs(Ctx&, int, const std::string& d) {
  return "{name=" + PtrString(At<uint64_t>(d, 0)) + ", nlen=" + Dec(At<int32_t>(d, 8)) +
         ", oldval=" + PtrString(At<uint64_t>(d, 16)) +
         ", oldlenp=" + PtrString(At<uint64_t>(d, 24)) +
         ", newval=" + PtrString(At<uint64_t>(d, 32)) + ", newlen=" + UDec(At<uint64_t>(d, 40)) +
         "}";
}

Family ProcessFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_execve, DecodeExecve},
      {__NR_execveat, DecodeExecve},
      {__NR_clone, DecodeClone},
      {__NR_clone3, DecodeClone3},
      {__NR_wait4, DecodeWait4},
      {__NR_arch_prctl, DecodeArchPrctl, ArchPrctlReturn},
      {__NR_getrandom, DecodeGetrandom},
      {__NR_getpriority, DecodePriority},
      {__NR_setpriority, DecodePriority},
      {__NR_pidfd_getfd, DecodePidfdGetfd},
      {__NR_modify_ldt, DecodeModifyLdt, ModifyLdtReturn},
      {__NR_set_thread_area, DecodeSetThreadArea, SetThreadAreaReturn},
      {__NR_get_thread_area, DecodeGetThreadArea},
      {__NR_setgroups, DecodeSetgroups},
  };
  static const StructEntry kStructs[] = {
      {"rlimit", RlimitStruct},
      {"rusage", RusageStruct},
      {"utsname", UtsnameStruct},
      {"sysinfo", SysinfoStruct},
      {"tms", TmsStruct},
      {"sched_param", SchedParam},
      {"comm", Comm},
      {"user_desc", UserDesc},
      {"sysctl_args", SysctlArgs},
  };
  return {"process", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
