#include "strec/format/time_point.h"

#include <charconv>
#include <cinttypes>
#include <cmath>
#include <ctime>
#include <string>

namespace strec::format {
namespace {

// Parses digits of s at *i into *out; returns how many digits were read.
int ReadDigits(std::string_view s, size_t* i, int max_digits, int64_t* out) {
  int n = 0;
  int64_t v = 0;
  while (*i < s.size() && n < max_digits && s[*i] >= '0' && s[*i] <= '9') {
    v = v * 10 + (s[*i] - '0');
    ++*i;
    ++n;
  }
  *out = v;
  return n;
}

StatusOr<TimePoint> ParseAbsolute(std::string_view s) {
  auto bad = [&] {
    return InvalidArgument("bad time '" + std::string(s) +
                           "': expected YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM]");
  };
  size_t i = 0;
  int64_t year, mon, day, hour, min, sec;
  auto expect = [&](char c) { return i < s.size() && s[i++] == c; };
  if (ReadDigits(s, &i, 4, &year) != 4 || !expect('-') || ReadDigits(s, &i, 2, &mon) != 2 ||
      !expect('-') || ReadDigits(s, &i, 2, &day) != 2)
    return bad();
  if (i >= s.size() || (s[i] != 'T' && s[i] != ' '))
    return bad();
  i++;
  if (ReadDigits(s, &i, 2, &hour) != 2 || !expect(':') || ReadDigits(s, &i, 2, &min) != 2 ||
      !expect(':') || ReadDigits(s, &i, 2, &sec) != 2)
    return bad();
  int64_t frac_ns = 0;
  if (i < s.size() && s[i] == '.') {
    i++;
    int64_t scale = 100'000'000;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac_ns += (s[i] - '0') * scale;
      scale /= 10;
      i++;
      digits++;
    }
    if (digits == 0)
      return bad();
  }
  std::tm tm = {};
  tm.tm_year = static_cast<int>(year - 1900);
  tm.tm_mon = static_cast<int>(mon - 1);
  tm.tm_mday = static_cast<int>(day);
  tm.tm_hour = static_cast<int>(hour);
  tm.tm_min = static_cast<int>(min);
  tm.tm_sec = static_cast<int>(sec);
  int64_t epoch;
  if (i == s.size()) {
    tm.tm_isdst = -1;
    epoch = mktime(&tm);  // local time
  } else if (s[i] == 'Z' && i + 1 == s.size()) {
    epoch = timegm(&tm);
  } else if (s[i] == '+' || s[i] == '-') {
    int sign = s[i] == '-' ? -1 : 1;
    i++;
    int64_t oh, om = 0;
    if (ReadDigits(s, &i, 2, &oh) != 2)
      return bad();
    if (i < s.size() && s[i] == ':')
      i++;
    if (i < s.size() && ReadDigits(s, &i, 2, &om) != 2)
      return bad();
    if (i != s.size())
      return bad();
    epoch = timegm(&tm) - sign * (oh * 3600 + om * 60);
  } else {
    return bad();
  }
  if (epoch < 0)
    return bad();
  return TimePoint{true, epoch * 1'000'000'000 + frac_ns};
}

}  // namespace

// The monotonic time of `p` in a trace that started at header (realtime, monotonic).
uint64_t ResolveTime(const TimePoint& p, const fb::Header& h) {
  int64_t mono;
  if (p.absolute)
    mono = p.ns - static_cast<int64_t>(h.realtime_ns()) + static_cast<int64_t>(h.monotonic_ns());
  else
    mono = static_cast<int64_t>(h.monotonic_ns()) + p.ns;
  return mono < 0 ? 0 : static_cast<uint64_t>(mono);
}

StatusOr<TimePoint> ParseTimePoint(std::string_view text) {
  if (text.size() >= 10 && text[4] == '-')
    return ParseAbsolute(text);
  std::string_view num = text;
  double scale = 1e9;
  for (auto [suffix, factor] :
       {std::pair<std::string_view, double>{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}) {
    if (num.size() > suffix.size() && num.ends_with(suffix)) {
      num.remove_suffix(suffix.size());
      scale = factor;
      break;
    }
  }
  double v = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  // Past about 292 years in nanoseconds a time no longer fits the int64 it is kept in.
  if (ec != std::errc() || end != num.data() + num.size() || !std::isfinite(v) || v < 0 ||
      v * scale > 9e18)
    return InvalidArgument("bad time '" + std::string(text) +
                           "': expected seconds after the trace's start (e.g. 1.5, 250ms) or "
                           "an ISO time (2024-05-01T12:00:00Z)");
  return TimePoint{false, static_cast<int64_t>(std::llround(v * scale))};
}

Status ParseTimeWindow(const std::string& from,
                       const std::string& to,
                       std::optional<TimePoint>* from_out,
                       std::optional<TimePoint>* to_out) {
  for (auto [text, slot] : {std::pair{&from, from_out}, std::pair{&to, to_out}}) {
    if (text->empty())
      continue;
    ASSIGN_OR_RETURN(*slot, ParseTimePoint(*text));
  }
  // Both of one kind (after the start, or wall-clock times) can be compared here.
  if (*from_out && *to_out && (*from_out)->absolute == (*to_out)->absolute &&
      (*from_out)->ns > (*to_out)->ns)
    return InvalidArgument(from + " is later than " + to + ": nothing lies between them");
  return OkStatus();
}

std::string FormatRealtime(uint64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1'000'000'000u);
  tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%09" PRIu64 "Z", ns % 1'000'000'000u);
  return buf;
}

}  // namespace strec::format
