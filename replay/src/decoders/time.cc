// Time: nanosleep and clock_nanosleep; timespec, timeval, timezone, itimerval, itimerspec.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

std::string Timespec(const std::string& d, size_t off) {
  return "{tv_sec=" + Dec(At<int64_t>(d, off)) + ", tv_nsec=" + Dec(At<int64_t>(d, off + 8)) + "}";
}
std::string Timeval(const std::string& d, size_t off) {
  return "{tv_sec=" + Dec(At<int64_t>(d, off)) + ", tv_usec=" + Dec(At<int64_t>(d, off + 8)) + "}";
}

static bool NanosleepRemShown(const Ctx& c) {
  return c.sc.returned() && c.sc.error() == EINTR;
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
  } else if (NanosleepRemShown(c)) {
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

static std::string TimespecPair(Ctx&, int, const std::string& d) {
  return "[" + Timespec(d, 0) + ", " + Timespec(d, 16) + "]";
}

static std::string TimevalPair(Ctx&, int, const std::string& d) {
  return "[" + Timeval(d, 0) + ", " + Timeval(d, 16) + "]";
}

Family TimeFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_nanosleep, DecodeNanosleep},
      {__NR_clock_nanosleep, DecodeNanosleep},
  };
  static const StructEntry kStructs[] = {
      {"timespec", TimespecStruct},  {"timeval", TimevalStruct}, {"timezone", Timezone},
      {"itimerval", Itimerval},      {"itimerspec", Itimerspec}, {"timespec_pair", TimespecPair},
      {"timeval_pair", TimevalPair},
  };
  return {"time", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
