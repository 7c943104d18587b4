// The syscall table built from format/syscalls/*.def, and strace's -e trace= set syntax.
#include "strec/format/syscall_table.h"

#include <regex.h>

#include <algorithm>
#include <limits>
#include <string>

namespace strec::format {
namespace {

using enum ArgKind;

constexpr SyscallInfo kX86_64Rows[] = {
#define SYSCALL(nr, name, classes, nargs, ...) {nr, #name, classes, nargs, {__VA_ARGS__}},
#include "../syscalls/x86_64.def"
#undef SYSCALL
};

// variants.def's rows, before their syscalls' numbers and classes are looked up by name.
struct VariantRow {
  std::string_view name;
  uint8_t selector;
  uint32_t value;
  uint8_t nargs;
  ArgSpec args[6];
};

constexpr VariantRow kVariantRows[] = {
#define VARIANT(name, selector, value, nargs, ...) {#name, selector, value, nargs, {__VA_ARGS__}},
#include "../syscalls/variants.def"
#undef VARIANT
};

struct StructEntry {
  std::string_view name;
  uint32_t size;
};

constexpr StructEntry kStructs[] = {
#define STRUCT(name, size) {#name, size},
#include "../syscalls/structs.def"
#undef STRUCT
};

// Class names accepted in -e trace=, with and without the '%' (the legacy spellings), and "all"
// as a class that every named syscall belongs to.
struct ClassName {
  std::string_view name;
  uint32_t bits;
};

constexpr ClassName kClassNames[] = {
    {"%desc", kClassDesc},
    {"%file", kClassFile},
    {"%memory", kClassMemory},
    {"%process", kClassProcess},
    {"%creds", kClassCreds},
    {"%signal", kClassSignal},
    {"%ipc", kClassIpc},
    {"%net", kClassNetwork},
    {"%network", kClassNetwork},
    {"%stat", kClassStat},
    {"%lstat", kClassLstat},
    {"%fstat", kClassFstat},
    {"%%stat", kClassStatLike},
    {"%statfs", kClassStatfs},
    {"%fstatfs", kClassFstatfs},
    {"%%statfs", kClassStatfsLike},
    {"%pure", kClassPure},
    {"%clock", kClassClock},
    {"all", 0},
    {"desc", kClassDesc},
    {"file", kClassFile},
    {"memory", kClassMemory},
    {"process", kClassProcess},
    {"signal", kClassSignal},
    {"ipc", kClassIpc},
    {"network", kClassNetwork},
};

// Outcome of one comma-separated token: it selected something, it matched nothing (an error
// unless prefixed with '?'), or it is malformed (always an error, message already set).
enum class TokenResult { kMatched, kNoMatch, kFatal };

// Parses a whole unsigned decimal number no larger than INT_MAX, as strace does.
std::optional<int> ParseNumber(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > std::numeric_limits<int>::max())
      return std::nullopt;
  }
  return static_cast<int>(value);
}

}  // namespace

uint32_t StructSize(std::string_view name) {
  for (const StructEntry& entry : kStructs) {
    if (entry.name == name)
      return entry.size;
  }
  return 0;
}

namespace {

// The variants by syscall number, each syscall's sorted by value.
struct Variants {
  std::vector<std::vector<SyscallVariant>> by_nr;

  Variants() {
    const SyscallTable* table = SyscallTable::ForArch(kArchX86_64);
    for (const VariantRow& row : kVariantRows) {
      const SyscallInfo* base = table->FindByName(row.name);
      if (!base)
        continue;  // tests/format check that every row names a syscall
      SyscallVariant v;
      v.selector = row.selector;
      v.value = row.value;
      v.info = *base;
      v.info.nargs = row.nargs;
      std::copy(std::begin(row.args), std::end(row.args), v.info.args);
      if (by_nr.size() <= static_cast<size_t>(base->nr))
        by_nr.resize(base->nr + 1);
      by_nr[base->nr].push_back(v);
    }
    for (auto& list : by_nr)
      std::sort(list.begin(), list.end(),
                [](const SyscallVariant& a, const SyscallVariant& b) { return a.value < b.value; });
  }
};

const Variants& TheVariants() {
  static const Variants v;
  return v;
}

}  // namespace

std::span<const SyscallVariant> VariantsOf(int nr) {
  const Variants& v = TheVariants();
  if (nr < 0 || static_cast<size_t>(nr) >= v.by_nr.size())
    return {};
  return v.by_nr[nr];
}

const SyscallVariant* FindVariant(const SyscallInfo& info, const uint64_t args[6]) {
  std::span<const SyscallVariant> list = VariantsOf(info.nr);
  if (list.empty())
    return nullptr;
  uint32_t value = static_cast<uint32_t>(args[list.front().selector]);
  auto it = std::lower_bound(list.begin(), list.end(), value,
                             [](const SyscallVariant& v, uint32_t x) { return v.value < x; });
  return it != list.end() && it->value == value ? &*it : nullptr;
}

const SyscallTable* SyscallTable::ForArch(uint32_t arch) {
  if (arch != kArchX86_64)
    return nullptr;
  static const SyscallTable table(kX86_64Rows);
  return &table;
}

SyscallTable::SyscallTable(std::span<const SyscallInfo> rows) : rows_(rows) {
  int max_nr = -1;
  for (const SyscallInfo& row : rows_)
    max_nr = std::max(max_nr, row.nr);
  by_nr_.assign(static_cast<size_t>(max_nr + 1), nullptr);
  for (const SyscallInfo& row : rows_) {
    if (row.nr >= 0)
      by_nr_[row.nr] = &row;
  }
}

const SyscallInfo* SyscallTable::FindByName(std::string_view name) const {
  for (const SyscallInfo& row : rows_) {
    if (name == row.name)
      return &row;
  }
  return nullptr;
}

bool SyscallSet::all() const {
  return unknown_selected_ && std::find(bits_.begin(), bits_.end(), false) == bits_.end();
}

namespace {

// Adds to BITS the syscalls one token (without '?' and personality suffix) names: a number, a
// /regex, a class or a name.
TokenResult SelectToken(const SyscallTable& table,
                        std::string_view token,
                        std::vector<bool>& bits,
                        std::string* error) {
  auto select = [&bits](const SyscallInfo& row) {
    if (row.nr >= 0 && static_cast<size_t>(row.nr) < bits.size())
      bits[row.nr] = true;
  };
  if (!token.empty() && token[0] >= '0' && token[0] <= '9') {
    std::optional<int> nr = ParseNumber(token);
    const SyscallInfo* row = nr ? table.Find(*nr) : nullptr;
    if (row == nullptr)
      return TokenResult::kNoMatch;
    select(*row);
    return TokenResult::kMatched;
  }
  if (!token.empty() && token[0] == '/') {
    std::string pattern(token.substr(1));
    regex_t re;
    if (int rc = regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB); rc != 0) {
      char buf[512];
      regerror(rc, &re, buf, sizeof(buf));
      if (error)
        *error = "regcomp: " + pattern + ": " + buf;
      return TokenResult::kFatal;
    }
    bool found = false;
    for (const SyscallInfo& row : table.all()) {
      if (regexec(&re, row.name, 0, nullptr, 0) == 0) {
        select(row);
        found = true;
      }
    }
    regfree(&re);
    return found ? TokenResult::kMatched : TokenResult::kNoMatch;
  }
  for (const ClassName& cls : kClassNames) {
    if (cls.name != token)
      continue;
    for (const SyscallInfo& row : table.all()) {
      if ((row.classes & cls.bits) == cls.bits)
        select(row);
    }
    return TokenResult::kMatched;
  }
  if (const SyscallInfo* row = table.FindByName(token)) {
    select(*row);
    return TokenResult::kMatched;
  }
  return TokenResult::kNoMatch;
}

}  // namespace

namespace {

bool IsOtherPersonalityName(std::string_view name) {
  static constexpr std::string_view kNames[] = {
#define OTHER_PERSONALITY(name) #name,
#include "../syscalls/other_personalities.def"
#undef OTHER_PERSONALITY
  };
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

}  // namespace

std::optional<SyscallSet> SyscallSet::Parse(const SyscallTable& table,
                                            std::string_view expr,
                                            std::string* error) {
  // Each leading '!' inverts the meaning of the rest.
  std::string_view s = expr;
  bool invert = false;
  while (!s.empty() && s.front() == '!') {
    invert = !invert;
    s.remove_prefix(1);
  }

  SyscallSet set;
  set.bits_.assign(kMaxNr, false);
  bool all_selected = false;
  if (s == "all") {
    all_selected = true;
  } else if (s != "none") {
    bool any_token = false;
    while (!s.empty()) {
      size_t comma = s.find(',');
      std::string_view token = s.substr(0, comma);
      s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
      if (token.empty())
        continue;
      any_token = true;

      // "?name": an unknown name is not an error.
      std::string_view item = token;
      bool optional = false;
      while (!item.empty() && item.front() == '?') {
        optional = true;
        item.remove_prefix(1);
      }
      // "name@64" names the x86_64 personality; "@32" (i386) and "@x32" name personalities
      // this table does not cover, so such items select nothing here.
      bool this_personality = true;
      if (size_t at = item.rfind('@'); at != std::string_view::npos) {
        std::string_view designator = item.substr(at + 1);
        if (designator == "32" || designator == "x32") {
          this_personality = false;
        } else if (designator != "64") {
          if (error) {
            *error = "incorrect personality designator '" + std::string(designator) +
                     "' in qualification '" + std::string(item) + "'";
          }
          return std::nullopt;
        }
        item = item.substr(0, at);
      }

      std::vector<bool> other_personality;
      if (!this_personality)
        other_personality.assign(kMaxNr, false);
      TokenResult result =
          SelectToken(table, item, this_personality ? set.bits_ : other_personality, error);
      if (result == TokenResult::kFatal)
        return std::nullopt;
      if (result == TokenResult::kNoMatch && IsOtherPersonalityName(item))
        result = TokenResult::kMatched;  // a name of i386 or x32: selects nothing here
      if (result == TokenResult::kNoMatch && !optional) {
        if (error)
          *error = "invalid system call '" + std::string(token) + "'";
        return std::nullopt;
      }
    }
    if (!any_token) {
      if (error)
        *error = "invalid system call '" + std::string(expr) + "'";
      return std::nullopt;
    }
  }

  // Numbers outside the table follow the inversion, as in strace: selected by "all" and by a
  // negated list, not by a plain list.
  if (all_selected)
    invert = !invert;
  if (invert)
    set.bits_.flip();
  set.unknown_selected_ = invert;
  return set;
}

std::optional<std::string> TraceSetOption(const std::string& e) {
  if (e.rfind("trace=", 0) == 0)
    return e.substr(6);
  if (e.find('=') == std::string::npos)
    return e;
  return std::nullopt;
}

}  // namespace strec::format
