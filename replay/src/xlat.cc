#include "strec/replay/xlat.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

namespace strec::replay {

namespace {

#define XLAT_BEGIN(table) constexpr XlatEntry k_##table[] = {
#define X(value, name) {static_cast<uint64_t>(value), #name},
#define XLAT_END(table) \
  }                     \
  ;
#define XLAT_UNKNOWN(table, text)
#include "xlat/all.def"
#undef XLAT_BEGIN
#undef X
#undef XLAT_END

#define XLAT_BEGIN(table) {#table, k_##table},
#define X(value, name)
#define XLAT_END(table)
const Xlat kTables[] = {
#include "xlat/all.def"
};
#undef XLAT_BEGIN
#undef X
#undef XLAT_END
#undef XLAT_UNKNOWN

// What strace prints after an unknown value of the tables whose default is not their first
// entry's prefix.
struct UnknownText {
  std::string_view table;
  const char* text;
};
#define XLAT_BEGIN(table)
#define X(value, name)
#define XLAT_END(table)
#define XLAT_UNKNOWN(table, text) {#table, text},
constexpr UnknownText kUnknownTexts[] = {
#include "xlat/all.def"
};
#undef XLAT_BEGIN
#undef X
#undef XLAT_END
#undef XLAT_UNKNOWN

struct ErrnoEntry {
  int number;
  const char* name;
};
#define ERRNO(number, name) {number, #name},
constexpr ErrnoEntry kErrnos[] = {
#include "xlat/errno.def"
};
#undef ERRNO

std::string Hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

// "SEEK_" from "SEEK_SET": what strace puts before "???" for an unknown value.
std::string Prefix(const Xlat& xlat) {
  if (xlat.entries.empty())
    return "";
  std::string first = xlat.entries[0].name;
  size_t us = first.find('_', first[0] == '_' ? 2 : 0);
  return us == std::string::npos ? first : first.substr(0, us + 1);
}

}  // namespace

std::string UnknownName(const Xlat& xlat) {
  // The table's XLAT_UNKNOWN text ("FS_???_FL" too), else the prefix of its first name.
  for (const UnknownText& u : kUnknownTexts)
    if (u.table == xlat.name)
      return u.text;
  return Prefix(xlat) + "???";
}

const char* Xlat::Name(uint64_t value) const {
  for (const XlatEntry& e : entries)
    if (e.value == value)
      return e.name;
  return nullptr;
}

const Xlat* FindXlat(std::string_view name) {
  // Looked up for every flag argument rendered: hashed, not scanned.
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, const Xlat*>();
    for (const Xlat& x : kTables)
      m->emplace(x.name, &x);
    return m;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

namespace {
thread_local XlatStyle g_style = XlatStyle::kAbbrev;
}  // namespace

XlatStyle CurrentXlatStyle() {
  return g_style;
}

ScopedXlatStyle::ScopedXlatStyle(XlatStyle style) : saved_(g_style) {
  g_style = style;
}

ScopedXlatStyle::~ScopedXlatStyle() {
  g_style = saved_;
}

std::string Styled(const std::string& number, const std::string& names) {
  switch (g_style) {
    case XlatStyle::kRaw:
      return number;
    case XlatStyle::kVerbose:
      return number == names || names.empty() ? number : number + " /* " + names + " */";
    case XlatStyle::kAbbrev:
    default:
      return names;
  }
}

void AppendFlags(std::string* out, const Xlat& xlat, uint64_t value, const char* zero) {
  if (g_style != XlatStyle::kAbbrev) {
    std::string names;
    {
      ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
      AppendFlags(&names, xlat, value, zero);
    }
    // Only names in the comment: nothing when no flag is known.
    bool known = value == 0 ? std::string(zero) != "0"
                            : names.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == 0;
    *out += Styled(Hex(value), known ? names : "");
    return;
  }
  if (value == 0) {
    *out += zero;
    return;
  }
  uint64_t left = value;
  bool any = false;
  for (const XlatEntry& e : xlat.entries) {
    if (e.value == 0 || (left & e.value) != e.value)
      continue;
    if (any)
      *out += '|';
    *out += e.name;
    any = true;
    left &= ~e.value;
  }
  if (left) {
    if (any)
      *out += '|';
    *out += Hex(left);
  }
}

void AppendEnum(std::string* out, const Xlat& xlat, uint64_t value) {
  if (g_style != XlatStyle::kAbbrev) {
    const char* n = xlat.Name(value);
    if (!n && g_style == XlatStyle::kVerbose) {
      *out += Hex(value) + " /* " + UnknownName(xlat) + " */";
      return;
    }
    *out += Styled(Hex(value), n ? n : "");
    return;
  }
  if (const char* n = xlat.Name(value)) {
    *out += n;
    return;
  }
  *out += Hex(value);
  *out += " /* " + UnknownName(xlat) + " */";
}

void AppendEnumDec(std::string* out, const Xlat& xlat, int64_t value) {
  if (g_style != XlatStyle::kAbbrev) {
    const char* n = xlat.Name(static_cast<uint64_t>(value));
    if (!n && g_style == XlatStyle::kVerbose) {
      *out += std::to_string(value) + " /* " + UnknownName(xlat) + " */";
      return;
    }
    *out += Styled(std::to_string(value), n ? n : "");
    return;
  }
  if (const char* n = xlat.Name(static_cast<uint64_t>(value))) {
    *out += n;
    return;
  }
  *out += std::to_string(value);
  *out += " /* " + UnknownName(xlat) + " */";
}

const char* ErrnoName(int err) {
  for (const ErrnoEntry& e : kErrnos)
    if (e.number == err)
      return e.name;
  return nullptr;
}

std::string ErrnoMessage(int err) {
  switch (err) {
    case 512:
      return "To be restarted if SA_RESTART is set";
    case 513:
      return "To be restarted";
    case 514:
      return "To be restarted if no handler";
    case 515:
      return "Unknown ioctl";  // never reaches user space in practice
    case 516:
      return "Interrupted by signal";
    default:
      break;
  }
  if (err > 0 && err < 512)
    return strerror(err);
  return "Unknown error " + std::to_string(err);
}

std::string SignalName(int sig) {
  static const Xlat* names = FindXlat("signal_names");
  if (const char* n = names ? names->Name(static_cast<uint64_t>(sig)) : nullptr)
    return n;
  if (sig == 32)
    return "SIGRTMIN";
  if (sig > 32 && sig <= 64)
    return "SIGRT_" + std::to_string(sig - 32);
  return std::to_string(sig);
}

std::string SigsetMemberName(int sig) {
  std::string n = SignalName(sig);
  if (n.rfind("SIG", 0) == 0)
    return n.substr(3);
  return n;
}

}  // namespace strec::replay
