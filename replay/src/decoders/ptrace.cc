// The ptrace family: ptrace(2)'s request and, per request, its addr and data (linux/ptrace.h):
// the requests that take no arguments, those whose data is a signal, PTRACE_SETOPTIONS' options,
// PTRACE_GET_SYSCALL_INFO's struct ptrace_syscall_info (captured by its variants.def row).
#include <sys/syscall.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

enum : uint32_t {
  kTraceme = 0,
  kCont = 7,
  kKill = 8,
  kSinglestep = 9,
  kAttach = 16,
  kDetach = 17,
  kSyscall = 24,
  kSysemu = 31,
  kSysemuSinglestep = 32,
  kSingleblock = 33,
  kSetoptions = 0x4200,
  kSeize = 0x4206,
  kInterrupt = 0x4207,
  kListen = 0x4208,
  kGetSyscallInfo = 0x420e,
};

constexpr uint8_t kInfoEntry = 1, kInfoExit = 2, kInfoSeccomp = 3;  // PTRACE_SYSCALL_INFO_*

// A syscall number of the architecture `arch` as "__NR_name" (a number where strec has no
// table or no name).
std::string SyscallNr(uint32_t arch, uint64_t nr) {
  const format::SyscallTable* t = format::SyscallTable::ForArch(arch);
  const format::SyscallInfo* info = t && nr < (1u << 20) ? t->Find(static_cast<int>(nr)) : nullptr;
  if (!info)
    return UDec(nr);
  return Styled(UDec(nr), std::string("__NR_") + info->name);
}

// args[n] of the `len` bytes of `d` from offset 32: as many as the bytes hold, up to 6.
std::string SyscallArgs(const std::string& d, size_t len) {
  std::string s;
  for (size_t i = 0; i < 6 && 40 + i * 8 <= len; i++)
    s += (i ? ", " : "") + HexString(At<uint64_t>(d, 32 + i * 8));
  return s.empty() ? s : ", args=[" + s + "]";
}

// struct ptrace_syscall_info: the first `len` bytes the kernel wrote, field by field.
std::string SyscallInfo(const std::string& d, size_t len) {
  uint8_t op = static_cast<uint8_t>(d[0]);
  uint32_t arch = At<uint32_t>(d, 4);
  std::string s = "{op=" + Enum("ptrace_syscall_info_op", op);
  if (len >= 8)
    s += ", arch=" + Enum("audit_arch", arch);
  if (len >= 16)
    s += ", instruction_pointer=" + HexString(At<uint64_t>(d, 8));
  if (len >= 24)
    s += ", stack_pointer=" + HexString(At<uint64_t>(d, 16));
  if ((op == kInfoEntry || op == kInfoSeccomp) && len >= 32) {
    s += std::string(op == kInfoEntry ? ", entry" : ", seccomp") +
         "={nr=" + SyscallNr(arch, At<uint64_t>(d, 24)) + SyscallArgs(d, len);
    if (op == kInfoSeccomp && len >= 84)
      s += ", ret_data=" + UDec(At<uint32_t>(d, 80));
    s += "}";
  } else if (op == kInfoExit && len >= 32) {
    int64_t rval = At<int64_t>(d, 24);
    bool is_error = len >= 33 && d[32];
    const char* name =
        is_error && rval < 0 && rval >= -4095 ? ErrnoName(static_cast<int>(-rval)) : nullptr;
    // an error by its name ("-ENOENT"), styled as one constant
    s += ", exit={rval=" + (name ? Styled(Dec(rval), std::string("-") + name) : Dec(rval));
    if (len >= 33)
      s += ", is_error=" + UDec(static_cast<uint8_t>(d[32]));
    s += "}";
  }
  return s + "}";
}

void DecodePtrace(Ctx& c) {
  uint32_t req = static_cast<uint32_t>(c.A(0));
  c.Put(EnumArg("ptrace_request", c.A(0)));
  if (req == kTraceme) {
    c.Put(")");
    return;
  }
  c.Sep();
  c.Pid(c.I(1));
  if (req == kAttach || req == kKill || req == kInterrupt || req == kListen) {
    c.Put(")");
    return;
  }
  c.Sep();
  switch (req) {
    case kCont:
    case kDetach:
    case kSyscall:
    case kSinglestep:
    case kSysemu:
    case kSysemuSinglestep:
    case kSingleblock:  // data: the signal to deliver
      c.Ptr(c.A(2));
      c.Put(", " + SignalArg(static_cast<int32_t>(c.A(3))) + ")");
      return;
    case kSetoptions:
    case kSeize:
      c.Ptr(c.A(2));
      c.Put(", " + FlagsOr("ptrace_options", c.A(3)) + ")");
      return;
    case kGetSyscallInfo: {
      c.Put(UDec(c.A(2)) + ", ");
      if (!c.Verbose()) {  // not in -e verbose=: the address, at entry
        c.Ptr(c.A(3));
        c.Put(")");
        return;
      }
      c.ToExit();
      const Buffer* b = c.Out(3);
      size_t len = std::min<uint64_t>(c.A(2), c.sc.ret > 0 ? static_cast<uint64_t>(c.sc.ret) : 0);
      if (!c.A(3))
        c.Put("NULL");
      else if (!b || len == 0 || b->data.size() < len)
        c.Ptr(c.A(3));
      else if (!c.Redacted(b))
        c.Put(SyscallInfo(b->data, len));
      c.Put(")");
      return;
    }
    default:
      c.Ptr(c.A(2));
      c.Put(", ");
      c.Ptr(c.A(3));
      c.Put(")");
      return;
  }
}

}  // namespace

Family PtraceFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_ptrace, DecodePtrace},
  };
  return {"ptrace", kDecoders, {}};
}

}  // namespace strec::replay::detail
