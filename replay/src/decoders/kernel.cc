// kcmp(2) (the comparison type, and by type the two file descriptors or the epoll slot of
// KCMP_EPOLL_TFD), syslog(2) (the action as a number with its name, and by action the buffer
// the kernel filled, or the console level), kexec_load(2) (the segments, the architecture and
// flags) and kexec_file_load(2)'s flags. Facts from linux/kcmp.h, linux/kexec.h, kcmp(2),
// syslog(2) and kexec_load(2); tables in format/xlat/kernel.def. The struct kcmp_epoll_slot and
// syslog's buffer are captured by variants.def's rows.
#include <asm/unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kKcmpFile = 0, kKcmpEpollTfd = 7;

void DecodeKcmp(Ctx& c) {
  uint32_t type = static_cast<uint32_t>(c.A(2));
  c.Pid(c.A(0));
  c.Put(", ");
  c.Pid(c.A(1));
  c.Put(", " + Enum("kcmp_type", type));
  if (type == kKcmpFile || type == kKcmpEpollTfd) {
    c.Put(", ");
    c.FdOf(static_cast<int32_t>(c.A(0)), c.A(3));
    c.Put(", ");
    if (type == kKcmpFile) {
      c.FdOf(static_cast<int32_t>(c.A(1)), c.A(4));
    } else {
      // struct kcmp_epoll_slot: efd, tfd, toff (u32 each).
      const Buffer* b = c.In(4);
      if (c.Redacted(b)) {
        // its marker only
      } else if (b && b->data.size() >= 12) {
        c.Put("{efd=" + Dec(At<int32_t>(b->data, 0)) + ", tfd=" + Dec(At<int32_t>(b->data, 4)) +
              ", toff=" + UDec(At<uint32_t>(b->data, 8)) + "}");
      } else {
        c.Ptr(c.A(4));
      }
    }
  } else if (!Table("kcmp_type").Name(type)) {
    c.Put(", " + HexString(c.A(3)) + ", " + HexString(c.A(4)));
  }
  c.ToExit();
  c.Put(")");
}

// A number with its name in a comment, whatever -X says ("8 /* LOGLEVEL_DEBUG+1 */").
std::string Commented(const char* table, int32_t v) {
  const char* name = v >= 0 ? Table(table).Name(static_cast<uint32_t>(v)) : nullptr;
  return Dec(v) + " /* " + (name ? std::string(name) : UnknownName(Table(table))) + " */";
}

void DecodeSyslog(Ctx& c) {
  int32_t action = c.I(0);
  c.Put(Commented("syslog_action", action));
  switch (action) {
    case 0:   // SYSLOG_ACTION_CLOSE
    case 1:   // SYSLOG_ACTION_OPEN
    case 5:   // SYSLOG_ACTION_CLEAR
    case 6:   // SYSLOG_ACTION_CONSOLE_OFF
    case 7:   // SYSLOG_ACTION_CONSOLE_ON
    case 9:   // SYSLOG_ACTION_SIZE_UNREAD
    case 10:  // SYSLOG_ACTION_SIZE_BUFFER
      break;
    case 8:  // SYSLOG_ACTION_CONSOLE_LEVEL
      c.Put(", " + PtrString(c.A(1)) + ", " + Commented("syslog_console_level", c.I(2)));
      break;
    case 2:  // SYSLOG_ACTION_READ, _READ_ALL, _READ_CLEAR: what the kernel wrote
    case 3:
    case 4:
      c.Put(", ");
      c.ToExit();
      c.Data(1, true, c.ok() && c.sc.ret > 0 ? static_cast<uint64_t>(c.sc.ret) : 0);
      c.Put(", " + Dec(c.I(2)));
      break;
    default:
      c.Put(", " + PtrString(c.A(1)) + ", " + Dec(c.I(2)));
  }
  c.ToExit();
  c.Put(")");
}

constexpr uint64_t kKexecArchMask = 0xffff0000;
constexpr uint64_t kKexecSegmentMax = 16;  // KEXEC_SEGMENT_MAX

// struct kexec_segment at d[off]: buf, bufsz, mem, memsz.
std::string KexecSegment(const std::string& d, size_t off) {
  return "{buf=" + PtrString(At<uint64_t>(d, off)) + ", bufsz=" + UDec(At<uint64_t>(d, off + 8)) +
         ", mem=" + PtrString(At<uint64_t>(d, off + 16)) +
         ", memsz=" + UDec(At<uint64_t>(d, off + 24)) + "}";
}

void DecodeKexecLoad(Ctx& c) {
  uint64_t count = c.A(1), flags = c.A(3);
  c.Put(PtrString(c.A(0)) + ", " + UDec(count) + ", ");
  if (!c.A(2))
    c.Put("NULL");
  else if (count > kKexecSegmentMax)
    c.Ptr(c.A(2));
  else
    c.Put(PartialArray(c, 2, false, count, 32, KexecSegment));
  c.Put(", " + Enum("kexec_arch", flags & kKexecArchMask));
  if (flags & ~kKexecArchMask)
    c.Put("|" + FlagsDflt("kexec_load_flags", flags & ~kKexecArchMask));
  c.ToExit();
  c.Put(")");
}

void DecodeKexecFileLoad(Ctx& c) {
  c.Fd(c.A(0));
  c.Put(", ");
  c.Fd(c.A(1));
  c.Put(", " + UDec(c.A(2)) + ", ");
  c.Data(3, false, c.A(2));
  c.Put(", " + FlagsDflt("kexec_file_load_flags", c.A(4)));
  c.ToExit();
  c.Put(")");
}

}  // namespace

Family KernelFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_kcmp, DecodeKcmp},
      {__NR_syslog, DecodeSyslog},
      {__NR_kexec_load, DecodeKexecLoad},
      {__NR_kexec_file_load, DecodeKexecFileLoad},
  };
  return {"kernel", kDecoders, {}};
}

}  // namespace strec::replay::detail
