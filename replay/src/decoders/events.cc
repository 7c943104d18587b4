// Waiting for events: futex, futex_waitv, poll/ppoll, select/pselect6 (and their return values);
// fd_set, epoll_event.
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

// `limit`: when given, fds are printed while it is above 0, each one counted off.
static std::string FormatFdSet(const std::string& d,
                               uint64_t nfds,
                               const std::function<std::string(int)>& fd,
                               int64_t* limit = nullptr) {
  std::string s = "[";
  bool first = true;
  for (uint64_t i = 0; i < nfds && i / 8 < d.size() && (!limit || *limit > 0); i++) {
    if (!(static_cast<uint8_t>(d[i / 8]) >> (i % 8) & 1))
      continue;
    if (!first)
      s += ' ';
    first = false;
    s += fd(static_cast<int>(i));
    if (limit)
      --*limit;
  }
  return s + "]";
}

std::string FutexOp(uint64_t v) {
  v &= 0xffffffff;
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(v), [v] { return FutexOp(v); });
  std::string s;
  uint64_t cmd = v & 127;
  if (const char* n = Table("futex_cmd").Name(cmd)) {
    s = n;
    if (v & 128)
      s += "_PRIVATE";
  } else {
    s = HexString(v);
    return s;
  }
  if (v & 256)
    s += "|FUTEX_CLOCK_REALTIME";
  uint64_t rest = v & ~(127ull | 128 | 256);
  if (rest)
    s += "|" + HexString(rest);
  return s;
}

static void DecodeFutex(Ctx& c) {
  uint64_t op = c.A(1);
  uint64_t cmd = op & 127;
  c.Ptr(c.A(0));
  c.Sep();
  c.Put(FutexOp(op));
  auto timeout = [&]() {
    c.Sep();
    if (!c.A(3)) {
      c.Put("NULL");
      return;
    }
    const Buffer* b = c.In(3);
    c.Put(b && b->data.size() >= 16 ? Timespec(b->data, 0) : PtrString(c.A(3)));
  };
  auto bitset = [&](uint64_t v) {
    v &= 0xffffffff;
    c.Put(v == 0xffffffff ? Styled(HexString(v), "FUTEX_BITSET_MATCH_ANY") : HexString(v));
  };
  switch (cmd) {
    case 0:  // FUTEX_WAIT
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      timeout();
      break;
    case 9:  // FUTEX_WAIT_BITSET
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      timeout();
      c.Sep();
      bitset(c.A(5));
      break;
    case 10:  // FUTEX_WAKE_BITSET
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      c.Sep();
      bitset(c.A(5));
      break;
    case 1:  // FUTEX_WAKE
    case 2:  // FUTEX_FD
      c.Sep();
      c.Put(Dec(c.I(2)));
      break;
    case 3:  // FUTEX_REQUEUE
    case 4:  // FUTEX_CMP_REQUEUE
    case 12:
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(3))));
      c.Sep();
      c.Ptr(c.A(4));
      if (cmd != 3) {
        c.Sep();
        c.Put(UDec(static_cast<uint32_t>(c.A(5))));
      }
      break;
    case 11:  // FUTEX_WAIT_REQUEUE_PI
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      timeout();
      c.Sep();
      c.Ptr(c.A(4));
      break;
    case 6:
    case 13:  // FUTEX_LOCK_PI(2)
      timeout();
      break;
    case 7:
    case 8:
      break;
    default:
      for (int i = 2; i < 6; i++) {
        c.Sep();
        c.Put(HexString(c.A(i)));
      }
      break;
  }
  c.ToExit();
  c.Put(")");
}

// select and pselect6: the fd sets as they were at entry; the ready sets go to the return value.
static void DecodeSelect(Ctx& c) {
  bool p6 = c.sc.nr == __NR_pselect6;
  int32_t nfds = c.I(0);
  c.Put(Dec(nfds));
  for (int i = 1; i <= 3; i++) {
    c.Sep();
    const Buffer* b = c.In(i);
    if (!c.A(i))
      c.Put("NULL");
    else if (b && nfds >= 0)
      c.Put(
          FormatFdSet(b->data, static_cast<uint64_t>(nfds), [&c](int fd) { return c.FdText(fd); }));
    else
      c.Ptr(c.A(i));
  }
  c.Sep();
  const Buffer* t = c.In(4);
  if (!c.A(4))
    c.Put("NULL");
  else if (t && t->data.size() >= 16)
    c.Put(p6 ? Timespec(t->data, 0) : Timeval(t->data, 0));
  else
    c.Ptr(c.A(4));
  if (p6) {
    c.Sep();
    const Buffer* pack = c.In(5);
    if (!c.A(5)) {
      c.Put("NULL");
    } else if (pack && pack->data.size() >= 16) {
      uint64_t set = At<uint64_t>(pack->data, 0), size = At<uint64_t>(pack->data, 8);
      const Buffer* mask = c.In(5, format::kBufferAux);
      std::string m = !set                             ? "NULL"
                      : mask && mask->data.size() >= 8 ? FormatSigset(At<uint64_t>(mask->data, 0))
                                                       : PtrString(set);
      c.Put("{sigmask=" + m + ", sigsetsize=" + UDec(size) + "}");
    } else {
      c.Ptr(c.A(5));
    }
  }
  c.ToExit();
  c.Put(")");
}

static void DecodePoll(Ctx& c) {
  bool ppoll = c.sc.nr == __NR_ppoll;
  c.Arg(0);
  c.Sep();
  c.Put(UDec(c.A(1) & 0xffffffff));
  c.Sep();
  if (ppoll) {
    // The timeout as given (the kernel writes the time left over it: the return shows that).
    if (c.A(2))
      c.Struct(2, false, "timespec");
    else
      c.Put("NULL");
    c.Sep();
    c.Arg(3);
    c.Sep();
    c.Arg(4);
  } else {
    c.Put(Dec(c.I(2)));
  }
  c.ToExit();
  c.Put(")");
}

std::string FormatEpollData(uint64_t data) {
  return "{u32=" + UDec(static_cast<uint32_t>(data)) + ", u64=" + UDec(data) + "}";
}

static std::string EpollEvent(Ctx&, int, const std::string& d) {
  return "{events=" + Flags("epoll_events", At<uint32_t>(d, 0)) +
         ", data=" + FormatEpollData(At<uint64_t>(d, 4)) + "}";
}

// poll, ppoll: the ready fds with their revents, and ppoll's time left.
static std::string PollReturn(const Syscall& sc, const DecodeEnv& env) {
  int64_t r = sc.ret;
  if (r == 0)
    return "0 (Timeout)";
  if (!CallVerbose(*env.opt, sc.nr))
    return "";  // not in -e verbose=: neither the ready fds nor the time left
  const Buffer* b = sc.Find(0, true);
  if (!b || b->data.size() < 8)
    return "";
  std::string s = Dec(r) + " ([";
  uint64_t shown = 0;  // at most -s of them, as the array of the arguments
  for (size_t off = 0; off + 8 <= b->data.size(); off += 8) {
    uint16_t rev = At<uint16_t>(b->data, off + 6);
    if (!rev)
      continue;
    if (shown >= env.opt->max_strlen) {
      s += shown ? ", ..." : "...";
      break;
    }
    s += (shown ? ", " : "") + std::string("{fd=") + Dec(At<int32_t>(b->data, off)) +
         ", revents=" + Flags("poll_events", rev) + "}";
    shown++;
  }
  s += "]";
  const Buffer* left = sc.nr == __NR_ppoll && sc.args[2] ? sc.Find(2, true) : nullptr;
  if (left && left->data.size() >= 16)
    s += ", left " + Timespec(left->data, 0);
  return s + ")";
}

// select, pselect6: the ready sets and the time left.
static std::string SelectReturn(const Syscall& sc, const DecodeEnv& env) {
  int64_t r = sc.ret;
  if (r == 0)
    return "0 (Timeout)";
  int32_t nfds = static_cast<int32_t>(sc.args[0]);
  std::string parts;
  bool read = false;  // a set was read: strace prints "()" when all are empty
  const char* names[] = {"in", "out", "except"};
  // No more fds than the call says are ready: the kernel leaves the bits past the fds the
  // process can have as they were given.
  int64_t ready = r;
  for (int i = 1; i <= 3 && nfds >= 0 && ready > 0; i++) {
    const Buffer* b = sc.args[i] ? sc.Find(i, true) : nullptr;
    if (!b || b->read_errno)
      continue;
    read = true;
    std::string set = FormatFdSet(
        b->data, static_cast<uint64_t>(nfds), [](int fd) { return std::to_string(fd); }, &ready);
    if (set != "[]")
      parts += (parts.empty() ? "" : ", ") + std::string(names[i - 1]) + " " + set;
  }
  const Buffer* left = sc.args[4] ? sc.Find(4, true) : nullptr;
  if (sc.args[4] && !CallVerbose(*env.opt, sc.nr))  // the time left is not read: its address
    parts += (parts.empty() ? "" : ", ") + std::string("left ") + HexString(sc.args[4]);
  else if (left && left->data.size() >= 16)
    parts += (parts.empty() ? "" : ", ") + std::string("left ") +
             (sc.nr == __NR_pselect6 ? Timespec(left->data, 0) : Timeval(left->data, 0));
  return parts.empty() && !read ? Dec(r) : Dec(r) + " (" + parts + ")";
}

// epoll_ctl(epfd, op, fd, event): EPOLL_CTL_DEL ignores the event (its address is printed).
static void DecodeEpollCtl(Ctx& c) {
  constexpr uint32_t kEpollCtlDel = 2;
  for (int i = 0; i < 3; i++) {
    c.Arg(i);
    c.Sep();
  }
  if (static_cast<uint32_t>(c.A(1)) == kEpollCtlDel)
    c.Ptr(c.A(3));
  else
    c.Arg(3);
  c.ToExit();
  c.Put(")");
}

// struct futex_waitv (linux/futex.h) at d[off]; __reserved only when it is not zero.
static std::string FutexWaitv(const std::string& d, size_t off) {
  uint32_t reserved = At<uint32_t>(d, off + 20);
  return "{val=" + HexString(At<uint64_t>(d, off)) +
         ", uaddr=" + PtrString(At<uint64_t>(d, off + 8)) +
         ", flags=" + Flags("futex_waitv_flags", At<uint32_t>(d, off + 16)) +
         (reserved ? ", __reserved=" + HexString(reserved) : "") + "}";
}

// futex_waitv(waiters, nr_futexes, flags, timeout, clockid): at most FUTEX_WAITV_MAX waiters
// are shown, "..." after them when there are more.
static void DecodeFutexWaitv(Ctx& c) {
  constexpr uint64_t kWaitvMax = 128;
  uint64_t nr = c.A(1) & 0xffffffff;
  if (!c.A(0)) {
    c.Put("NULL");
  } else if (nr == 0) {
    c.Put("[]");
  } else {
    std::string s = PartialArray(c, 0, false, std::min(nr, kWaitvMax),
                                 format::StructSize("futex_waitv"), FutexWaitv);
    if (nr > kWaitvMax && s.ends_with("}]"))
      s.insert(s.size() - 1, ", ...");
    c.Put(s);
  }
  for (int i = 1; i < 5; i++) {
    c.Sep();
    c.Arg(i);
  }
  c.ToExit();
  c.Put(")");
}

Family EventsFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_futex, DecodeFutex},
      {__NR_futex_waitv, DecodeFutexWaitv},
      {__NR_poll, DecodePoll, PollReturn},
      {__NR_ppoll, DecodePoll, PollReturn},
      {__NR_select, DecodeSelect, SelectReturn},
      {__NR_pselect6, DecodeSelect, SelectReturn},
      {__NR_epoll_ctl, DecodeEpollCtl},
  };
  static const StructEntry kStructs[] = {{"epoll_event", EpollEvent}};
  return {"events", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
