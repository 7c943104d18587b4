// Time: nanosleep and clock_nanosleep; timespec, timeval, timezone, itimerval, itimerspec;
// adjtimex and clock_adjtime's struct timex and return value.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include <unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

std::string Timespec(const std::string& d, size_t off) {
  return "{tv_sec=" + Dec(At<int64_t>(d, off)) + ", tv_nsec=" + UDec(At<uint64_t>(d, off + 8)) +
         "}";
}
std::string Timeval(const std::string& d, size_t off) {
  return "{tv_sec=" + Dec(At<int64_t>(d, off)) + ", tv_usec=" + UDec(At<uint64_t>(d, off + 8)) +
         "}";
}

std::string DateText(int64_t sec, uint64_t part, int width) {
  uint64_t max = width == 9 ? 999999999 : 999999;
  if ((!sec && !part) || part > max)
    return "";
  time_t t = static_cast<time_t>(sec);
  tm tm;
  if (!localtime_r(&t, &tm))
    return "";
  char date[64], zone[16];
  if (!strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm))
    return "";
  std::string s = date;
  if (part) {
    char frac[32];
    snprintf(frac, sizeof frac, ".%0*llu", width, static_cast<unsigned long long>(part));
    s += frac;
  }
  if (strftime(zone, sizeof zone, "%z", &tm))
    s += zone;
  return s;
}

std::string DateComment(int64_t sec, uint64_t part, int width) {
  std::string d = DateText(sec, part, width);
  return d.empty() ? d : " /* " + d + " */";
}

std::string ClockT(uint64_t v) {
  static const long tck = sysconf(_SC_CLK_TCK);
  if (!v || tck <= 0 || CurrentXlatStyle() == XlatStyle::kRaw)
    return UDec(v);
  int precision = 0;
  for (long t = tck - 1; t > 0 && precision < 9; t /= 10)
    precision++;
  if (tck == 1)
    precision = 0;
  double frac = static_cast<double>(v % tck) / tck;
  double scale = 1;
  for (int k = 0; k < precision; k++)
    scale *= 10;
  char buf[64];
  snprintf(buf, sizeof buf, " /* %llu.%0*u s */", static_cast<unsigned long long>(v / tck),
           precision, static_cast<unsigned>(std::lround(frac * scale)));
  return UDec(v) + buf;
}

static bool NanosleepRemShown(const Ctx& c) {
  return c.sc.returned() && (c.sc.error() == EINTR || c.sc.error() == 516);  // or RESTARTBLOCK
}

static void DecodeNanosleep(Ctx& c) {
  bool clock = c.sc.nr == __NR_clock_nanosleep;
  int req = clock ? 2 : 0;
  if (clock) {
    c.Arg(0);
    c.Sep();
    c.Arg(1);
    c.Sep();
  }
  c.Arg(req);
  c.Sep();
  c.ToExit();
  if (!c.A(req + 1)) {
    c.Put("NULL");
  } else if (c.Verbose() && NanosleepRemShown(c)) {
    const Buffer* b = c.sc.Find(req + 1, true);
    c.Put(b && b->data.size() >= 16 ? Timespec(b->data, 0) : PtrString(c.A(req + 1)));
  } else {
    c.Ptr(c.A(req + 1));
  }
  c.Put(")");
}

static std::string TimespecStruct(Ctx&, int, const std::string& d) {
  return Timespec(d, 0);
}

static std::string TimevalStruct(Ctx&, int, const std::string& d) {
  return Timeval(d, 0);
}

static std::string Timezone(Ctx&, int, const std::string& d) {
  return "{tz_minuteswest=" + Dec(At<int32_t>(d, 0)) + ", tz_dsttime=" + Dec(At<int32_t>(d, 4)) +
         "}";
}

static std::string Itimerval(Ctx&, int, const std::string& d) {
  return "{it_interval=" + Timeval(d, 0) + ", it_value=" + Timeval(d, 16) + "}";
}

static std::string Itimerspec(Ctx&, int, const std::string& d) {
  return "{it_interval=" + Timespec(d, 0) + ", it_value=" + Timespec(d, 16) + "}";
}

// utimensat's times: UTIME_NOW and UTIME_OMIT by name, else the time and its date.
static std::string UtimeTimespec(const std::string& d, size_t off) {
  uint64_t nsec = At<uint64_t>(d, off + 8);
  const char* name = nsec == 0x3fffffff ? "UTIME_NOW" : nsec == 0x3ffffffe ? "UTIME_OMIT" : nullptr;
  std::string ts = Timespec(d, off);
  if (!name)
    return ts + DateComment(At<int64_t>(d, off), nsec, 9);
  switch (CurrentXlatStyle()) {
    case XlatStyle::kRaw:
      return ts;
    case XlatStyle::kVerbose:
      return ts + " /* " + name + " */";
    default:
      return name;
  }
}

static std::string TimespecPair(Ctx&, int, const std::string& d) {
  return "[" + UtimeTimespec(d, 0) + ", " + UtimeTimespec(d, 16) + "]";
}

static std::string TimevalPair(Ctx&, int, const std::string& d) {
  auto one = [&](size_t off) {
    return Timeval(d, off) + DateComment(At<int64_t>(d, off), At<uint64_t>(d, off + 8), 6);
  };
  return "[" + one(0) + ", " + one(16) + "]";
}

// struct timex (linux/timex.h, x86_64 layout: longs, ints padded to 8), as the kernel left it.
static std::string Timex(Ctx&, int, const std::string& d) {
  auto l = [&d](size_t off) { return Dec(At<int64_t>(d, off)); };
  return "{modes=" + FlagsDflt("adjtimex_modes", At<uint32_t>(d, 0)) + ", offset=" + l(8) +
         ", freq=" + l(16) + ", maxerror=" + l(24) + ", esterror=" + l(32) +
         ", status=" + FlagsDflt("adjtimex_status", At<uint32_t>(d, 40)) + ", constant=" + l(48) +
         ", precision=" + l(56) + ", tolerance=" + l(64) + ", time=" + Timeval(d, 72) +
         ", tick=" + l(88) + ", ppsfreq=" + l(96) + ", jitter=" + l(104) +
         ", shift=" + Dec(At<int32_t>(d, 112)) + ", stabil=" + l(120) + ", jitcnt=" + l(128) +
         ", calcnt=" + l(136) + ", errcnt=" + l(144) + ", stbcnt=" + l(152) +
         ", tai=" + Dec(At<int32_t>(d, 160)) + "}";
}

// adjtimex, clock_adjtime: the clock's state by name ("5 (TIME_ERROR)"), when the struct timex
// was printed (strace names it only then).
static std::string AdjtimexReturn(const Syscall& sc, const DecodeEnv& env) {
  int arg = sc.nr == __NR_adjtimex ? 0 : 1;
  const Buffer* b = sc.Find(arg, true);
  if (!sc.args[arg] || !CallVerbose(*env.opt, sc.nr) || !b || b->read_errno || b->redacted ||
      b->data.size() < format::StructSize("timex"))
    return "";
  const char* name = Table("adjtimex_state").Name(static_cast<uint64_t>(sc.ret));
  return name ? Dec(sc.ret) + " (" + name + ")" : "";  // the name whatever -X says
}

// time(): the seconds and their date.
static std::string TimeReturn(const Syscall& sc, const DecodeEnv&) {
  std::string d = DateText(sc.ret, 0, 9);
  return d.empty() ? "" : Dec(sc.ret) + " (" + d + ")";
}

Family TimeFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_nanosleep, DecodeNanosleep},
      {__NR_clock_nanosleep, DecodeNanosleep},
      {__NR_time, nullptr, TimeReturn},
      {__NR_adjtimex, nullptr, AdjtimexReturn},
      {__NR_clock_adjtime, nullptr, AdjtimexReturn},
  };
  static const StructEntry kStructs[] = {
      {"timespec", TimespecStruct},  {"timeval", TimevalStruct}, {"timezone", Timezone},
      {"itimerval", Itimerval},      {"itimerspec", Itimerspec}, {"timespec_pair", TimespecPair},
      {"timeval_pair", TimevalPair}, {"timex", Timex},
  };
  return {"time", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
