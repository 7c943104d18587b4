// The sched_* family: sched_setattr/sched_getattr's struct sched_attr (linux/sched/types.h: its
// size field says how long it is, SCHED_ATTR_SIZE_VER0 48 or VER1 56 bytes), sched_getscheduler's
// policy, sched_setaffinity's CPU set.
#include <sys/syscall.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kAttrVer0 = 48;  // SCHED_ATTR_SIZE_VER0: up to sched_period
constexpr uint32_t kAttrVer1 = 56;  // SCHED_ATTR_SIZE_VER1: and the utilisation clamps
constexpr uint64_t kKeepPolicy = 0x08, kKeepParams = 0x10;  // SCHED_FLAG_KEEP_*

// struct sched_attr from `d` (what was read of it: `known` bytes, at most 56), whose whole
// length is `whole` ("..." when it is longer than what strace reads).
std::string SchedAttr(const std::string& d, uint32_t known, uint64_t whole) {
  std::string s = "{size=" + UDec(At<uint32_t>(d, 0));
  if (known >= kAttrVer0) {
    uint64_t flags = At<uint64_t>(d, 8);
    // strace leaves the policy out when a KEEP flag keeps it, unless it is negative (which the
    // kernel refuses first)
    if (!(flags & (kKeepPolicy | kKeepParams)) || At<int32_t>(d, 4) < 0)
      s += ", sched_policy=" + Enum("sched_policy", At<uint32_t>(d, 4));
    s += ", sched_flags=" + FlagsOr("sched_flags", flags);
    if (!(flags & kKeepParams)) {
      s += ", sched_nice=" + Dec(At<int32_t>(d, 16));
      s += ", sched_priority=" + UDec(At<uint32_t>(d, 20));
      s += ", sched_runtime=" + UDec(At<uint64_t>(d, 24));
      s += ", sched_deadline=" + UDec(At<uint64_t>(d, 32));
      s += ", sched_period=" + UDec(At<uint64_t>(d, 40));
    }
    if (known >= kAttrVer1) {
      s += ", sched_util_min=" + UDec(At<uint32_t>(d, 48));
      s += ", sched_util_max=" + UDec(At<uint32_t>(d, 52));
    }
  }
  if (whole > known)
    s += ", ...";
  return s + "}";
}

// sched_setattr(pid, attr, flags): the recorder reads attr's size field, then as much of the
// struct as it says (0 meaning 48), up to 56 bytes; on E2BIG the size the kernel wrote back.
void DecodeSchedSetattr(Ctx& c) {
  c.Pid(c.I(0));
  c.Sep();
  const Buffer* b = c.In(1);
  if (!c.A(1)) {
    c.Put("NULL");
  } else if (!b || b->data.size() < 4) {
    c.Ptr(c.A(1));
  } else if (!c.Redacted(b)) {
    uint32_t size = At<uint32_t>(b->data, 0);
    uint64_t whole = size ? size : kAttrVer0;
    uint32_t known = static_cast<uint32_t>(std::min<uint64_t>(whole, kAttrVer1));
    if (known >= kAttrVer0 && b->data.size() < known)
      c.Ptr(c.A(1));  // the struct itself could not be read
    else
      c.Put(SchedAttr(b->data, known, whole));
    c.ToExit();
    const Buffer* o = c.sc.Find(1, true, format::kBufferPlain, 0);
    if (o && !o->read_errno && o->data.size() >= 4 && c.sc.error())
      c.Put(" => {size=" + UDec(At<uint32_t>(o->data, 0)) + "}");
  }
  c.ToExit();
  c.Put(", " + UDec(c.A(2) & 0xffffffff) + ")");
}

// sched_getattr(pid, attr, size, flags): what the kernel wrote, min(size, 56) bytes.
void DecodeSchedGetattr(Ctx& c) {
  c.Pid(c.I(0));
  c.Sep();
  c.ToExit();
  const Buffer* b = c.Out(1);
  uint32_t usize = c.A(2) & 0xffffffff;
  uint32_t read = std::min(usize, kAttrVer1);
  if (!c.A(1)) {
    c.Put("NULL");
  } else if (!b || b->data.size() < read || read < 4) {
    c.Ptr(c.A(1));
  } else if (!c.Redacted(b)) {
    uint32_t size = At<uint32_t>(b->data, 0);
    c.Put(SchedAttr(b->data, std::min(size, read), size));
  }
  c.Put(", " + UDec(usize) + ", " + UDec(c.A(3) & 0xffffffff) + ")");
}

// sched_setaffinity(pid, len, mask): the CPUs of the mask's len bytes, as "[0 2]".
void DecodeSchedSetaffinity(Ctx& c) {
  c.Pid(c.I(0));
  c.Put(", " + UDec(c.A(1) & 0xffffffff) + ", ");
  const Buffer* b = c.In(2);
  uint64_t len = c.A(1) & 0xffffffff;
  if (!c.Verbose() || (!c.A(2) && len)) {
    c.Ptr(c.A(2));  // not in -e verbose=: the address, even of an empty set
  } else if (len && !b) {
    c.Ptr(c.A(2));
  } else if (!c.Redacted(b)) {
    std::string s = "[";
    bool first = true;
    for (size_t byte = 0; b && byte < b->data.size() && byte < len; byte++)
      for (int bit = 0; bit < 8; bit++)
        if (static_cast<unsigned char>(b->data[byte]) & (1 << bit)) {
          s += first ? "" : " ";
          s += UDec(byte * 8 + bit);
          first = false;
        }
    c.Put(s + "]");
  }
  c.Put(")");
}

// sched_getscheduler's policy: "0 (SCHED_OTHER)", in every -X style.
std::string SchedPolicyReturn(const Syscall& sc, const DecodeEnv&) {
  ScopedXlatStyle abbrev(XlatStyle::kAbbrev);  // the name whatever -X says
  return UDec(static_cast<uint64_t>(sc.ret)) + " (" +
         Enum("sched_policy", static_cast<uint64_t>(sc.ret)) + ")";
}

}  // namespace

Family SchedFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_sched_setattr, DecodeSchedSetattr},
      {__NR_sched_getattr, DecodeSchedGetattr},
      {__NR_sched_setaffinity, DecodeSchedSetaffinity},
      {__NR_sched_getscheduler, nullptr, SchedPolicyReturn},
  };
  return {"sched", kDecoders, {}};
}

}  // namespace strec::replay::detail
