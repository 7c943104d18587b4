// What the driver ioctl groups (ioctl_*.cc) share: the argument as NULL, as the address of what
// could not be read, or as what the kernel wrote; and the building blocks of their struct texts:
// "{name=value, ...}" from a struct's bytes, arrays of numbers cut as strace cuts them,
// fixed-size char arrays as strings, and the entry/exit shape of a request whose argument the
// caller and then the kernel fill.
#ifndef STREC_REPLAY_SRC_DECODERS_IOCTL_COMMON_H_
#define STREC_REPLAY_SRC_DECODERS_IOCTL_COMMON_H_

#include <cstdint>
#include <string>
#include <string_view>

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

// "{a=1, b=2}": fields added in order.
class Fields {
 public:
  Fields& Add(std::string_view name, const std::string& value) {
    if (!s_.empty())
      s_ += ", ";
    s_ += name;
    s_ += '=';
    s_ += value;
    return *this;
  }
  // "..." after the fields: strace's mark for fields it leaves out without -v.
  Fields& More() {
    s_ += s_.empty() ? "..." : ", ...";
    return *this;
  }
  std::string Text() const { return "{" + s_ + "}"; }

 private:
  std::string s_;
};

// "[v]": a value the argument points to.
inline std::string Bracketed(const std::string& v) {
  std::string s = "[";
  s += v;
  s += ']';
  return s;
}

// The number of elements an array prints before "...": all with -v, else -s's.
inline uint64_t ArrayLimit(const Ctx& c) {
  return c.opt.verbose ? UINT64_MAX : c.opt.max_strlen;
}

// "[e0, e1, ...]": `count` elements, each `one(k)`, cut after `limit` with "...".
template <typename F>
std::string ArrayText(uint64_t count, uint64_t limit, F one) {
  std::string s = "[";
  for (uint64_t k = 0; k < count; k++) {
    if (k)
      s += ", ";
    if (k >= limit) {
      s += "...";
      break;
    }
    s += one(k);
  }
  return s + "]";
}

// `count` unsigned numbers of type T at d[off], in decimal (or hex).
template <typename T>
std::string NumArray(const Ctx& c,
                     const std::string& d,
                     size_t off,
                     uint64_t count,
                     bool hex = false) {
  return ArrayText(count, ArrayLimit(c), [&](uint64_t k) {
    uint64_t v = At<T>(d, off + k * sizeof(T));
    return hex ? HexString(v) : UDec(v);
  });
}

// True when the `bytes` bytes at d[off] are all zero.
inline bool AllZero(const std::string& d, size_t off, size_t bytes) {
  for (size_t i = off; i < off + bytes && i < d.size(); i++)
    if (d[i])
      return false;
  return true;
}

// A char[size] field at d[off]: quoted up to its NUL; with none, its first size - 1 bytes and
// "..." (the last byte is where the NUL should have been). -s does not cut it.
inline std::string CharArray(const Ctx& c, const std::string& d, size_t off, size_t size) {
  std::string_view v(d.data() + off, off + size <= d.size() ? size : 0);
  size_t nul = v.find('\0');
  bool cut = nul == std::string_view::npos;
  QuoteOptions q = c.q;
  q.max_strlen = static_cast<uint32_t>(size);
  std::string s;
  AppendQuotedCString(&s, v.substr(0, cut ? (size ? size - 1 : 0) : nul), cut, q);
  return s;
}

// The argument of a request the caller fills in (entry) and the kernel completes (exit):
// `in(data)` printed at entry from what was read, or the address; `out(data)` after " => " at
// exit when the call succeeded (nothing when it returns ""). The argument needs `size` bytes.
template <typename In, typename Out>
void InOutArg(Ctx& c, size_t size, In in, Out out) {
  if (!c.A(2)) {
    c.Put("NULL");
    return;
  }
  const Buffer* b = c.In(2);
  if (c.Redacted(b))
    return;
  if (!b || b->data.size() < size) {
    c.Ptr(c.A(2));
    return;
  }
  c.Put(in(b->data));
  c.ToExit();
  const Buffer* o = c.Out(2);
  if (o && !o->redacted && o->data.size() >= size) {
    std::string s = out(o->data);
    if (!s.empty())
      c.Put(" => " + s);
  }
}

// The argument of a request the caller fills in: its text, or NULL or the address.
template <typename In>
void InArg(Ctx& c, size_t size, In in) {
  InOutArg(c, size, in, [](const std::string&) { return std::string(); });
}

// The argument of a request the kernel fills in: its text at exit on success, else the address.
template <typename Out>
void OutArg(Ctx& c, size_t size, Out out) {
  if (!c.A(2)) {
    c.Put("NULL");
    return;
  }
  c.ToExit();
  const Buffer* o = c.Out(2);
  if (c.Redacted(o))
    return;
  if (!o || o->data.size() < size)
    c.Ptr(c.A(2));
  else
    c.Put(out(o->data));
}

}  // namespace strec::replay::detail

#endif  // STREC_REPLAY_SRC_DECODERS_IOCTL_COMMON_H_
