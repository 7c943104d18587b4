// Shapes the driver ioctl groups share (ioctl_hdio.cc, ioctl_evdev.cc, ...): the argument as
// NULL, as the address of what could not be read, or as what the kernel wrote.
#ifndef STREC_REPLAY_SRC_DECODERS_IOCTL_COMMON_H_
#define STREC_REPLAY_SRC_DECODERS_IOCTL_COMMON_H_

#include <string>

#include "decoders/decoders.h"

namespace strec::replay::detail {

// The third argument's bytes, at least `need` of them, read at entry (out=false) or written by a
// successful call (out=true), or nullptr.
inline const std::string* IoctlBytes(const Ctx& c, bool out, size_t need) {
  const Buffer* b = out ? c.Out(2) : c.In(2);
  return b && !b->redacted && b->data.size() >= need ? &b->data : nullptr;
}

// Prints the third argument: "NULL", print(bytes) when `need` bytes were captured, else its
// address. An output (out=true) prints in the exit part. Returns whether print ran.
template <typename F>
bool IoctlArg(Ctx& c, bool out, size_t need, F print) {
  if (out)
    c.ToExit();
  if (!c.A(2)) {
    c.Put("NULL");
    return false;
  }
  const Buffer* b = out ? c.Out(2) : c.In(2);
  if (c.Redacted(b))
    return false;
  if (const std::string* d = IoctlBytes(c, out, need)) {
    c.Put(print(*d));
    return true;
  }
  c.Ptr(c.A(2));
  return false;
}

// "[value]" of an integer the caller passes (IoctlInNum) or the kernel writes (IoctlOutNum).
template <typename T, typename F>
bool IoctlNum(Ctx& c, bool out, F text) {
  return IoctlArg(c, out, sizeof(T),
                  [&](const std::string& d) { return "[" + text(At<T>(d, 0)) + "]"; });
}
template <typename T, typename F>
bool IoctlOutNum(Ctx& c, F text) {
  return IoctlNum<T>(c, true, text);
}
template <typename T, typename F>
bool IoctlInNum(Ctx& c, F text) {
  return IoctlNum<T>(c, false, text);
}
// An int, in decimal.
inline std::string IoctlDec(int32_t v) {
  return Dec(v);
}

// An array of `n` 32-bit values the caller passes: "[a, b, c]"; as many as could be read then
// "... /* 0x... */" (the address of the first unreadable one) when the array runs into
// unreadable memory; "NULL", or the address when none could be read.
template <typename F>
void IoctlIntArray(Ctx& c, size_t n, F text) {
  if (!c.A(2)) {
    c.Put("NULL");
    return;
  }
  const Buffer* b = c.Verbose() ? c.sc.Find(2, false, format::kBufferPlain, 0) : nullptr;
  if (c.Redacted(b))
    return;
  size_t got = b ? std::min(b->data.size() / 4, n) : 0;
  if (!got) {
    c.Ptr(c.A(2));
    return;
  }
  std::string s = "[";
  for (size_t i = 0; i < got; i++)
    s += (i ? ", " : "") + text(At<uint32_t>(b->data, i * 4));
  if (got < n)
    s += ", ... /* " + PtrString(c.A(2) + got * 4) + " */";
  c.Put(s + "]");
}

// `len` bytes at `addr` that the recorder copied as the argument's kBufferAux (data a struct
// points to or is followed by), quoted; strace reads what it would print (max_strlen + 1 bytes at
// most) and prints the address when that is not readable.
inline std::string IoctlAuxData(const Ctx& c,
                                bool out,
                                uint64_t addr,
                                uint64_t len,
                                bool force_hex) {
  const Buffer* b = out && !c.ok() ? nullptr : c.sc.Find(2, out, format::kBufferAux, 0);
  if (!b || b->redacted || b->data.size() < std::min<uint64_t>(len, uint64_t{c.q.max_strlen} + 1))
    return PtrString(addr);
  QuoteOptions q = c.q;
  q.force_hex = force_hex;
  std::string s;
  AppendQuotedBuffer(&s, b->data, len, q);
  return s;
}

// A flag set in the current -X style, a value with no known bit as "0x100 /* TIOCM_??? */"
// (its table's default text) in the abbreviated and verbose styles alike.
inline std::string IoctlFlags(const char* table, uint64_t v) {
  std::string names;
  {
    ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
    names = FlagsDflt(table, v);
  }
  if (names.find("/*") != std::string::npos)
    return CurrentXlatStyle() == XlatStyle::kRaw ? HexString(v) : names;
  return Whole(HexString(v), [&] { return names; });
}

// A request that takes no argument: strace prints "ioctl(fd, REQUEST)", without the ", " the
// caller put after the request.
inline void IoctlNoArg(Ctx& c) {
  std::string& s = *c.cur;
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, ", ") == 0)
    s.resize(s.size() - 2);
}

}  // namespace strec::replay::detail

#endif  // STREC_REPLAY_SRC_DECODERS_IOCTL_COMMON_H_
