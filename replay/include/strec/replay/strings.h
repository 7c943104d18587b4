// strace's quoting of strings and buffers: -s truncation with a trailing "...", the escapes
// \t \n \v \f \r \" \\, octal for other bytes (three digits when an octal digit follows), and
// hex with -x (the whole string, when it has a byte that is not printable text) or -xx (always).
// Pure functions: any thread may call.
#ifndef STREC_REPLAY_STRINGS_H_
#define STREC_REPLAY_STRINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strec::replay {

struct QuoteOptions {
  uint32_t max_strlen = 32;  // bytes printed at most (paths: no limit)
  int xflag = 0;  // -x 1, -xx 2, --strings-in-hex=non-ascii-chars 3 (\xNN for those bytes only)
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

// What -y prints after an fd: "<path>", with the path escaped as strings are (no quotes) and
// '<' '>' in octal; a deleted file's kernel path "PATH (deleted)" gives "<PATH>(deleted)".
// `deleted`: whether the file is deleted (its path's last " (deleted)" is the kernel's mark, not
// part of its name); when not known, a path ending in " (deleted)" counts as deleted.
std::string FdPathText(std::string_view path, int xflag, std::optional<bool> deleted = {});

// strace's -e read=/-e write= dump of `data`: lines " | 00000  68 69 ...  hi. |", 16 bytes
// each, offsets from 0, each line ending in '\n'. The offsets have five hex digits, more when the
// whole object (`total` bytes, of which `data` is the part to show) needs them.
std::string HexDump(std::string_view data, uint64_t total = 0);

// An address as strace prints pointers: NULL or 0x...
void AppendPtr(std::string* out, uint64_t addr);
std::string PtrString(uint64_t addr);
// 0 or 0x... (strace's %#lx).
std::string HexString(uint64_t v);

}  // namespace strec::replay

#endif  // STREC_REPLAY_STRINGS_H_
