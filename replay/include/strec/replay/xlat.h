// Flag and constant tables (format/xlat/xlat.def, format/xlat/errno.def) and the ways strace
// prints them: flag sets joined by '|' with the unknown rest in hex, enums with an unknown value
// as `0x7 /* SEEK_??? */`, errno and signal names. Immutable data: any thread may call.
#ifndef STREC_REPLAY_XLAT_H_
#define STREC_REPLAY_XLAT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace strec::replay {

// strace's -X: how named constants print. kAbbrev: the names; kRaw: the number only (hex for
// flags and most enums); kVerbose: the number, then the names in a comment.
enum class XlatStyle { kAbbrev, kRaw, kVerbose };

// The style of the calling thread (kAbbrev unless set): the decoder sets it for one syscall.
XlatStyle CurrentXlatStyle();
class ScopedXlatStyle {
 public:
  explicit ScopedXlatStyle(XlatStyle style);
  ~ScopedXlatStyle();
  ScopedXlatStyle(const ScopedXlatStyle&) = delete;
  ScopedXlatStyle& operator=(const ScopedXlatStyle&) = delete;

 private:
  XlatStyle saved_;
};

// A constant in the current style, given its number as text and its abbreviated form:
// kRaw -> number, kVerbose -> "number /* names */" (just the number when the two are the
// same), kAbbrev -> names.
std::string Styled(const std::string& number, const std::string& names);

struct XlatEntry {
  uint64_t value;
  const char* name;
};

struct Xlat {
  const char* name;
  std::span<const XlatEntry> entries;
  // The name of an exact value, or nullptr.
  const char* Name(uint64_t value) const;
};

// The table called `name` in xlat.def, or nullptr.
const Xlat* FindXlat(std::string_view name);

// Appends the names of the bits of `value` in table order, '|'-joined, then the bits no name
// covers as 0x...; `zero` when value is 0.
void AppendFlags(std::string* out, const Xlat& xlat, uint64_t value, const char* zero = "0");
// Appends the name of `value`, or `0x7 /* SEEK_??? */` (hex, with the table's name prefix).
void AppendEnum(std::string* out, const Xlat& xlat, uint64_t value);
// What the comment after an unknown value of the table says: "SEEK_???".
std::string UnknownName(const Xlat& xlat);
// As AppendEnum, the unknown value in decimal: `7 /* SEEK_??? */`.
void AppendEnumDec(std::string* out, const Xlat& xlat, int64_t value);

// "ENOENT", or nullptr for a number without a name.
const char* ErrnoName(int err);
// strace's explanation of an errno: strerror's text, or the kernel-internal restart codes'.
std::string ErrnoMessage(int err);

// "SIGUSR1", "SIGRTMIN", "SIGRT_3"; nullptr-free: unknown numbers print as the number.
std::string SignalName(int sig);
// A signal number inside a signal set: "USR1", "RTMIN", "RT_3".
std::string SigsetMemberName(int sig);

}  // namespace strec::replay

#endif  // STREC_REPLAY_XLAT_H_
