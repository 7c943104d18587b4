// strace's quoting of strings and buffers: -s truncation with a trailing "...", the escapes
// \t \n \v \f \r \" \\, octal for other bytes (three digits when an octal digit follows), and
// hex with -x (the whole string, when it has a byte that is not printable text) or -xx (always).
// Pure functions: any thread may call.
#ifndef STREC_REPLAY_STRINGS_H_
#define STREC_REPLAY_STRINGS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace strec::replay {

struct QuoteOptions {
  uint32_t max_strlen = 32;  // bytes printed at most (paths: no limit)
  int xflag = 0;
  bool force_hex = false;  // getrandom and the like
};

// A buffer of `full_len` bytes in the tracee, of which `data` (a prefix) was captured: the
// first min(full_len, max_strlen) bytes quoted, then "..." if there were more.
void AppendQuotedBuffer(std::string* out,
                        std::string_view data,
                        uint64_t full_len,
                        const QuoteOptions& opt);

// A NUL-terminated string (its bytes without the NUL): quoted, cut at max_strlen with "...";
// `unterminated` (the capture ended before the NUL) also adds "...".
void AppendQuotedCString(std::string* out,
                         std::string_view str,
                         bool unterminated,
                         const QuoteOptions& opt);

// An address as strace prints pointers: NULL or 0x...
void AppendPtr(std::string* out, uint64_t addr);
std::string PtrString(uint64_t addr);
// 0 or 0x... (strace's %#lx).
std::string HexString(uint64_t v);

}  // namespace strec::replay

#endif  // STREC_REPLAY_STRINGS_H_
