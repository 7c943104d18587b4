#include "strec/replay/strings.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace strec::replay {

namespace {

bool NeedsHex(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x7f)
      return true;
    if (c < ' ' && !(c >= '\t' && c <= '\r'))
      return true;
  }
  return false;
}

// hex: every byte as \xNN; hex_chars: only those not printable (and without a named escape).
void AppendEscaped(std::string* out,
                   std::string_view s,
                   bool hex,
                   std::string_view octal_too = {},
                   bool hex_chars = false) {
  static const char kDigits[] = "0123456789abcdef";
  if (hex) {
    size_t at = out->size();
    out->resize(at + 4 * s.size());
    char* p = out->data() + at;
    for (unsigned char c : s) {
      *p++ = '\\';
      *p++ = 'x';
      *p++ = kDigits[c >> 4];
      *p++ = kDigits[c & 15];
    }
    return;
  }
  // Printable characters that stand for themselves.
  static const auto kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = ' '; c < 0x7f; c++)
      t[c] = c != '"' && c != '\\';
    return t;
  }();
  auto plain = [&](char c) {
    return kPlain[static_cast<unsigned char>(c)] &&
           (octal_too.empty() || octal_too.find(c) == std::string_view::npos);
  };
  size_t i = 0;
  while (i < s.size()) {
    // Runs of plain characters are copied at once.
    size_t j = i;
    while (j < s.size() && plain(s[j]))
      j++;
    out->append(s.data() + i, j - i);
    if (j == s.size())
      break;
    i = j;
    unsigned char c = static_cast<unsigned char>(s[i++]);
    switch (c) {
      case '"':
        *out += "\\\"";
        continue;
      case '\\':
        *out += "\\\\";
        continue;
      case '\f':
        *out += "\\f";
        continue;
      case '\n':
        *out += "\\n";
        continue;
      case '\r':
        *out += "\\r";
        continue;
      case '\t':
        *out += "\\t";
        continue;
      case '\v':
        *out += "\\v";
        continue;
      default:
        break;
    }
    if (hex_chars) {
      *out += "\\x";
      *out += kDigits[c >> 4];
      *out += kDigits[c & 15];
      continue;
    }
    // Octal: the shortest form, unless an octal digit follows.
    bool digit_follows = i < s.size() && s[i] >= '0' && s[i] <= '7';
    *out += '\\';
    if (digit_follows || c >= 64)
      *out += static_cast<char>('0' + (c >> 6));
    if (digit_follows || c >= 8)
      *out += static_cast<char>('0' + ((c >> 3) & 7));
    *out += static_cast<char>('0' + (c & 7));
  }
}

void AppendQuoted(std::string* out, std::string_view s, const QuoteOptions& opt) {
  bool hex = opt.force_hex || opt.xflag == 2 || (opt.xflag == 1 && NeedsHex(s));
  *out += '"';
  AppendEscaped(out, s, hex, {}, opt.xflag == 3);
  *out += '"';
}

}  // namespace

void AppendQuotedBuffer(std::string* out,
                        std::string_view data,
                        uint64_t full_len,
                        const QuoteOptions& opt) {
  uint64_t shown = std::min<uint64_t>(full_len, opt.max_strlen);
  std::string_view s = data.substr(0, std::min<uint64_t>(shown, data.size()));
  AppendQuoted(out, s, opt);
  if (full_len > s.size())
    *out += "...";
}

void AppendQuotedCString(std::string* out,
                         std::string_view str,
                         bool unterminated,
                         const QuoteOptions& opt) {
  bool cut = str.size() > opt.max_strlen;
  std::string_view s = cut ? str.substr(0, opt.max_strlen) : str;
  AppendQuoted(out, s, opt);
  if (cut || unterminated)
    *out += "...";
}

std::string FdPathText(std::string_view path, int xflag, std::optional<bool> deleted) {
  constexpr std::string_view kDeleted = " (deleted)";
  bool marked = path.size() > kDeleted.size() && path.ends_with(kDeleted) && deleted.value_or(true);
  if (marked)
    path.remove_suffix(kDeleted.size());
  std::string out = "<";
  AppendEscaped(&out, path, xflag == 2 || (xflag == 1 && NeedsHex(path)), "<>", xflag == 3);
  out += '>';
  if (marked)
    out += "(deleted)";
  return out;
}

std::string HexDump(std::string_view data, uint64_t total) {
  static const char kDigits[] = "0123456789abcdef";
  // The offsets are as wide as the last one of the whole object needs, five digits at least.
  int width = 5;
  for (uint64_t last = std::max<uint64_t>(total, data.size());
       width < 16 && last > 1 && (last - 1) >> (4 * width);)
    width++;
  std::string out;
  for (size_t off = 0; off < data.size(); off += 16) {
    char head[40];
    snprintf(head, sizeof head, " | %0*zx  ", width, off);
    out += head;
    std::string text;
    for (size_t i = 0; i < 16; i++) {
      if (off + i < data.size()) {
        unsigned char c = static_cast<unsigned char>(data[off + i]);
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
        out += ' ';
        text += c >= ' ' && c < 0x7f ? static_cast<char>(c) : '.';
      } else {
        out += "   ";
        text += ' ';
      }
      if (i == 7)
        out += ' ';
    }
    out += ' ' + text + " |\n";
  }
  return out;
}

void AppendPtr(std::string* out, uint64_t addr) {
  *out += PtrString(addr);
}

std::string PtrString(uint64_t addr) {
  if (!addr)
    return "NULL";
  return HexString(addr);
}

std::string HexString(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace strec::replay
