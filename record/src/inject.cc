#include "strec/record/inject.h"

#include <string.h>

#include <cerrno>
#include <cstdlib>

#include "strec/format/time_point.h"

namespace strec::record {

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos)
      return out;
    start = end + 1;
  }
}

bool ParseU64(const std::string& s, uint64_t* v, int base = 10) {
  if (s.empty() || s[0] == '-' || s[0] == '+')
    return false;
  char* end = nullptr;
  errno = 0;
  *v = strtoull(s.c_str(), &end, base);
  return !errno && *end == '\0';
}

// An errno name (ENOENT) or number 1..4095 (glibc's strerrorname_np names each number).
int ErrnoByName(const std::string& s) {
  uint64_t n;
  if (ParseU64(s, &n))
    return n >= 1 && n <= 4095 ? static_cast<int>(n) : 0;
  for (int e = 1; e < 4096; e++)
    if (const char* name = strerrorname_np(e); name && s == name)
      return e;
  if (s == "EWOULDBLOCK")
    return EAGAIN;
  if (s == "EDEADLOCK")
    return EDEADLK;
  return 0;
}

// SIGUSR1, USR1 or a number 1..64.
int SignalByName(const std::string& s) {
  uint64_t n;
  if (ParseU64(s, &n))
    return n >= 1 && n <= 64 ? static_cast<int>(n) : 0;
  std::string name = s.rfind("SIG", 0) == 0 ? s.substr(3) : s;
  for (int sig = 1; sig < 32; sig++)
    if (const char* abbrev = sigabbrev_np(sig); abbrev && name == abbrev)
      return sig;
  if (name == "RTMIN")
    return 32;
  if (name.rfind("RT_", 0) == 0 && ParseU64(name.substr(3), &n) && n <= 32)
    return static_cast<int>(32 + n);
  return 0;
}

// strace's time specification: digits with an optional unit, s, ms, us or ns (parsed by
// format::ParseTimePoint), where a bare number is microseconds. At most about 31 years.
bool ParseDelay(const std::string& s, uint64_t* ns) {
  size_t digits = s.find_first_not_of("0123456789.");
  std::string unit = digits == std::string::npos ? "" : s.substr(digits);
  if (unit != "" && unit != "s" && unit != "ms" && unit != "us" && unit != "ns")
    return false;
  auto t = format::ParseTimePoint(unit.empty() ? s + "us" : s);
  if (!t.ok() || t->absolute || t->ns > 1'000'000'000'000'000'000)
    return false;
  *ns = static_cast<uint64_t>(t->ns);
  return true;
}

// FIRST[..LAST][+[STEP]]
bool ParseWhen(const std::string& s, InjectRule* r) {
  std::string range = s;
  std::string step;
  bool plus = false;
  if (size_t p = s.find('+'); p != std::string::npos) {
    range = s.substr(0, p);
    step = s.substr(p + 1);
    plus = true;
  }
  uint64_t first, last = UINT32_MAX, st = 0;
  size_t dots = range.find("..");
  if (!ParseU64(range.substr(0, dots), &first) || first < 1 || first > 65535)
    return false;
  if (dots != std::string::npos &&
      (!ParseU64(range.substr(dots + 2), &last) || last < first || last > 65534))
    return false;
  if (plus) {
    st = 1;
    if (!step.empty() && (!ParseU64(step, &st) || st < 1 || st > 65535))
      return false;
  } else if (dots != std::string::npos) {
    st = 1;  // FIRST..LAST: every invocation in the range
  } else {
    last = first;
  }
  r->first = static_cast<uint32_t>(first);
  r->last = static_cast<uint32_t>(last);
  r->step = static_cast<uint32_t>(st);
  return true;
}

}  // namespace

StatusOr<InjectRule> ParseInjectRule(const format::SyscallTable& table,
                                     const std::string& spec,
                                     bool fault) {
  std::vector<std::string> parts = Split(spec, ':');
  InjectRule r;
  std::string error;
  auto set = format::SyscallSet::Parse(table, parts[0], &error);
  if (!set)
    return InvalidArgument(error);
  r.set = *set;
  bool delay = false;
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string& p = parts[i];
    size_t eq = p.find('=');
    std::string key = p.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : p.substr(eq + 1);
    if (eq == std::string::npos)
      return InvalidArgument("'" + p + "' is not KEY=VALUE");
    if (key == "error") {
      int e = ErrnoByName(value);
      if (!e)
        return InvalidArgument("error=" + value + ": not an errno name or a number 1..4095");
      if (r.retval && !r.is_error)
        return InvalidArgument("error= and retval= exclude each other");
      r.retval = -e;
      r.is_error = true;
    } else if (key == "retval" && !fault) {
      uint64_t v;
      bool neg = !value.empty() && value[0] == '-';
      if (!ParseU64(neg ? value.substr(1) : value, &v, 0) || v > INT64_MAX)
        return InvalidArgument("retval=" + value + ": not a number");
      if (r.retval && r.is_error)
        return InvalidArgument("error= and retval= exclude each other");
      r.retval = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    } else if (key == "signal" && !fault) {
      r.signal = SignalByName(value);
      if (!r.signal)
        return InvalidArgument("signal=" + value + ": not a signal");
    } else if (key == "syscall" && !fault) {
      const format::SyscallInfo* info = table.FindByName(value);
      if (!info)
        return InvalidArgument("syscall=" + value + ": no such syscall");
      r.substitute_nr = info->nr;
    } else if ((key == "delay_enter" || key == "delay_exit") && !fault) {
      uint64_t ns;
      if (!ParseDelay(value, &ns))
        return InvalidArgument(key + "=" + value + ": not a time (10, 10us, 5ms, 1s)");
      (key == "delay_enter" ? r.delay_enter_ns : r.delay_exit_ns) = ns;
      delay = true;
    } else if (key == "when") {
      if (!ParseWhen(value, &r))
        return InvalidArgument("when=" + value + ": not FIRST[..LAST][+[STEP]]");
    } else if (key == "poke_enter" || key == "poke_exit") {
      return InvalidArgument(key + "= (writing the tracee's memory) is not supported");
    } else {
      return InvalidArgument("unknown '" + key + "='");
    }
  }
  if (fault && !r.retval) {
    r.retval = -ENOSYS;
    r.is_error = true;
  }
  if (r.substitute_nr >= 0 && !r.retval)
    return InvalidArgument("syscall= needs error= or retval=");
  if (!r.retval && !r.signal && !delay)
    return InvalidArgument("say what to do: error=, retval=, signal=, delay_enter= or delay_exit=");
  return r;
}

format::SyscallSet Injector::Syscalls() const {
  format::SyscallSet all = format::SyscallSet::None();
  for (const InjectRule& r : rules_)
    all |= r.set;
  return all;
}

InjectAction Injector::AtEntry(pid_t tid, int nr) {
  InjectAction a;
  for (size_t i = 0; i < rules_.size(); i++) {
    const InjectRule& r = rules_[i];
    if (!r.set.Contains(nr))
      continue;
    uint32_t& n = counts_[{tid, nr, i}];
    if (n < UINT32_MAX)
      n++;
    if (!r.Applies(n))
      continue;
    if (r.retval && !a.tamper) {
      a.tamper = true;
      a.retval = *r.retval;
      a.substitute_nr = r.substitute_nr;
    }
    if (r.signal && !a.signal)
      a.signal = r.signal;
    a.delay_enter_ns = std::max(a.delay_enter_ns, r.delay_enter_ns);
    a.delay_exit_ns = std::max(a.delay_exit_ns, r.delay_exit_ns);
  }
  return a;
}

void Injector::Forget(pid_t tid) {
  auto it = counts_.lower_bound({tid, INT32_MIN, 0});
  while (it != counts_.end() && std::get<0>(it->first) == tid)
    it = counts_.erase(it);
}

}  // namespace strec::record
