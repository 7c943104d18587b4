// Small decoders with a layout of their own: mount(2) (MS_MGC_VAL, and which of fstype and data
// the flags make meaningful), ioprio_get/ioprio_set (IOPRIO_PRIO_VALUE(class, data)) and
// personality(2) (PER_* type | flags, the previous persona as the return value), epoll_pwait2
// (printed at exit). Facts from
// mount(2), linux/ioprio.h and linux/personality.h; tables in format/xlat/misc.def.
#include <asm/unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint64_t kMsRemount = 0x20, kMsBind = 0x1000, kMsMove = 0x2000;
constexpr uint64_t kMsPropagation = 0x20000 | 0x40000 | 0x80000 | 0x100000;
constexpr uint32_t kMsMgcVal = 0xc0ed0000, kMsMgcMask = 0xffff0000;

std::string MountFlags(uint64_t v) {
  uint32_t f = static_cast<uint32_t>(v);
  if ((f & kMsMgcMask) != kMsMgcVal)
    return FlagsDflt("mount_flags", f);
  std::string s = Styled(HexString(kMsMgcVal), "MS_MGC_VAL");
  if (f & ~kMsMgcMask)
    s += "|" + FlagsDflt("mount_flags", f & ~kMsMgcMask);
  return s;
}

void DecodeMount(Ctx& c) {
  uint32_t f = static_cast<uint32_t>(c.A(3));
  if ((f & kMsMgcMask) == kMsMgcVal)
    f &= ~kMsMgcMask;
  // The kernel ignores the type when remounting, binding, moving or changing propagation; and
  // the data when binding, moving or changing propagation: strace prints those as addresses.
  bool type_used = !(f & (kMsRemount | kMsBind | kMsMove | kMsPropagation));
  bool data_used = !(f & (kMsBind | kMsMove | kMsPropagation));
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  if (type_used)
    c.String(2);
  else
    c.Ptr(c.A(2));
  c.Sep();
  c.Put(MountFlags(c.A(3)));
  c.Sep();
  if (data_used)
    c.String(4);
  else
    c.Ptr(c.A(4));
  c.ToExit();
  c.Put(")");
}

std::string IoprioWhich(uint64_t v) {
  return Enum("ioprio_which", v & 0xffffffff);
}

// IOPRIO_PRIO_VALUE(class, data); `inner_style`: the class in the current -X style.
std::string IoprioValue(uint32_t v) {
  return "IOPRIO_PRIO_VALUE(" + Enum("ioprio_class", v >> 13) + ", " + UDec(v & 0x1fff) + ")";
}

void DecodeIoprio(Ctx& c) {
  c.Put(IoprioWhich(c.A(0)));
  c.Sep();
  c.Put(Dec(c.I(1)));
  if (c.sc.nr == __NR_ioprio_set) {
    c.Sep();
    int32_t v = c.I(2);
    switch (CurrentXlatStyle()) {
      case XlatStyle::kRaw:
        c.Put(Dec(v));
        break;
      case XlatStyle::kVerbose:
        c.Put(Dec(v) + " /* " + IoprioValue(static_cast<uint32_t>(v)) + " */");
        break;
      default:
        c.Put(IoprioValue(static_cast<uint32_t>(v)));
    }
  }
  c.ToExit();
  c.Put(")");
}

std::string IoprioReturn(const Syscall& sc, const DecodeEnv&) {
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return "";
  return Dec(sc.ret) + " (" + IoprioValue(static_cast<uint32_t>(sc.ret)) + ")";
}

// PER_* type | flags; 0xffffffff (the query) in hex.
std::string Persona(uint32_t v) {
  if (v == 0xffffffff)
    return "0xffffffff";
  uint32_t type = v & 0xff, flags = v & ~0xffu;
  std::string s;
  const char* name = Table("personality_type").Name(type);
  switch (CurrentXlatStyle()) {
    case XlatStyle::kRaw:
      s = HexString(type);
      break;
    case XlatStyle::kVerbose:
      s = HexString(type) + " /* " + (name ? name : "PER_???") + " */";
      break;
    default:
      s = name ? std::string(name) : HexString(type) + " /* PER_??? */";
  }
  if (flags)
    s += "|" + Flags("personality_flags", flags);
  return s;
}

void DecodePersonality(Ctx& c) {
  c.Put(Persona(static_cast<uint32_t>(c.A(0))));
  c.ToExit();
  c.Put(")");
}

std::string PersonalityReturn(const Syscall& sc, const DecodeEnv&) {
  uint32_t v = static_cast<uint32_t>(sc.ret);
  return HexString(v) + " (" + Persona(v) + ")";
}

// epoll_pwait2: strace prints everything after the fd at exit, the timeout and the signal mask
// as addresses when the call failed.
void DecodeEpollPwait2(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.ToExit();
  c.Arg(1);
  c.Sep();
  c.Arg(2);
  for (int i : {3, 4}) {
    c.Sep();
    if (c.ok())
      c.Arg(i);
    else
      c.Ptr(c.A(i));
  }
  c.Sep();
  c.Arg(5);
  c.Put(")");
}

}  // namespace

Family MiscFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_mount, DecodeMount},
      {__NR_ioprio_get, DecodeIoprio, IoprioReturn},
      {__NR_ioprio_set, DecodeIoprio},
      {__NR_personality, DecodePersonality, PersonalityReturn},
      {__NR_epoll_pwait2, DecodeEpollPwait2},
  };
  return {"misc", kDecoders, {}};
}

}  // namespace strec::replay::detail
