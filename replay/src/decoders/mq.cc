// The POSIX message queue family (mq_overview(7)): mq_open's optional mode and attributes,
// struct mq_attr (linux/mqueue.h) and struct sigevent (asm-generic/siginfo.h), which mq_notify
// passes.
#include <fcntl.h>
#include <sys/syscall.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kSigevSignal = 0, kSigevThread = 2, kSigevThreadId = 4;  // SIGEV_*

// struct mq_attr: four longs (and four reserved ones strace does not show).
std::string MqAttr(Ctx&, int, const std::string& d) {
  uint64_t flags = At<uint64_t>(d, 0);
  // O_NONBLOCK by name; anything else as a number
  return "{mq_flags=" +
         (flags & ~uint64_t{O_NONBLOCK} ? HexString(flags) : Flags("mq_flags", flags)) +
         ", mq_maxmsg=" + Dec(At<int64_t>(d, 8)) + ", mq_msgsize=" + Dec(At<int64_t>(d, 16)) +
         ", mq_curmsgs=" + Dec(At<int64_t>(d, 24)) + "}";
}

// struct sigevent (mq_notify, timer_create): sigev_value (union sigval), sigev_signo, sigev_notify,
// then the union of the thread id (SIGEV_THREAD_ID) and the function and attributes (SIGEV_THREAD).
std::string Sigevent(Ctx& c, int, const std::string& d) {
  uint32_t signo = At<uint32_t>(d, 8), notify = At<uint32_t>(d, 12);
  uint64_t value = At<uint64_t>(d, 0);
  std::string s = "{";
  if (value)  // strace leaves a zero sigev_value out
    s += "sigev_value={sival_int=" + Dec(static_cast<int32_t>(value)) +
         ", sival_ptr=" + HexString(value) + "}, ";
  s += "sigev_signo=";
  bool signal = notify == kSigevSignal || notify == kSigevThread || notify == kSigevThreadId;
  s += signal ? SignalArg(static_cast<int32_t>(signo)) : UDec(signo);
  s += ", sigev_notify=" + Enum("sigev_notify", notify);
  if (notify == kSigevThread)
    s += ", sigev_notify_function=" + PtrString(At<uint64_t>(d, 16)) +
         ", sigev_notify_attributes=" + PtrString(At<uint64_t>(d, 24));
  else if (notify == kSigevThreadId)
    s += ", sigev_notify_thread_id=" + PidText(At<int32_t>(d, 16), c.opt, c.env.state, c.sc.tid);
  return s + "}";
}

// mq_open(name, oflag, mode, attr): mode and attr only with O_CREAT.
void DecodeMqOpen(Ctx& c) {
  c.Path(0);  // read as a path: up to PATH_MAX, its address when that faults
  c.Sep();
  c.Arg(1);
  if (c.A(1) & O_CREAT) {
    c.Sep();
    c.Arg(2);
    c.Sep();
    c.Arg(3);
  }
  c.Put(")");
}

// mq_timedsend(mqdes, msg, len, prio, timeout): a NULL message prints as NULL even when empty.
void DecodeMqTimedsend(Ctx& c) {
  for (int i = 0; i < 5; i++) {
    if (i)
      c.Sep();
    if (i == 1 && !c.A(1))
      c.Put("NULL");
    else
      c.Arg(i);
  }
  c.Put(")");
}

}  // namespace

Family MqFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_mq_open, DecodeMqOpen},
      {__NR_mq_timedsend, DecodeMqTimedsend},
  };
  static const StructEntry kStructs[] = {
      {"mq_attr", MqAttr},
      {"sigevent", Sigevent},
  };
  return {"mq", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
