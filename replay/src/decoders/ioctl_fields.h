// Building blocks of the ioctl groups' struct texts: "{name=value, ...}" from a struct's bytes,
// arrays of numbers cut as strace cuts them, fixed-size char arrays as strings, and the
// entry/exit shape of a request whose argument the caller and then the kernel fill.
#ifndef STREC_REPLAY_SRC_DECODERS_IOCTL_FIELDS_H_
#define STREC_REPLAY_SRC_DECODERS_IOCTL_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "decoders/decoders.h"

namespace strec::replay::detail {

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

// A request that takes no argument: the ", " ioctl.cc printed before it is taken back, and the
// call prints as "ioctl(fd, REQUEST)".
inline void NoArg(Ctx& c) {
  if (c.cur->size() >= 2 && c.cur->compare(c.cur->size() - 2, 2, ", ") == 0)
    c.cur->resize(c.cur->size() - 2);
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

#endif  // STREC_REPLAY_SRC_DECODERS_IOCTL_FIELDS_H_
