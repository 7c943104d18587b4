// Decoders of system administration calls and a few others with a layout of their own:
// reboot(2) (its string only with LINUX_REBOOT_CMD_RESTART2), swapon(2) (flags and a
// priority), ustat(2) (a device number), sethostname(2) (the name only up to __NEW_UTS_LEN),
// preadv2/pwritev2 (the offset's unused high half left out), and the structs utimbuf and
// ustat. Facts from linux/reboot.h, linux/swap.h, linux/utsname.h, utime(2), ustat(2); the
// tables are in format/xlat/sysadmin.def.
#include <asm/unistd.h>

#include <algorithm>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kRebootCmdRestart2 = 0xA1B2C3D4;
constexpr uint32_t kSwapPrioMask = 0x7fff;
constexpr uint64_t kNewUtsLen = 64;
// What the kernel reads of reboot's command string: 256 bytes with the NUL.
constexpr uint32_t kRebootArgShown = 255;

void DecodeReboot(Ctx& c) {
  c.Put(Enum("reboot_magic", static_cast<uint32_t>(c.A(0))));
  c.Sep();
  c.Put(Enum("reboot_magic", static_cast<uint32_t>(c.A(1))));
  c.Sep();
  uint32_t cmd = static_cast<uint32_t>(c.A(2));
  c.Put(Enum("reboot_cmd", cmd));
  if (cmd == kRebootCmdRestart2) {
    c.Sep();
    // strace reads as many bytes as it may show and one more, at most 255 in all.
    const Buffer* b = c.sc.Find(3, false, format::kBufferString);
    uint64_t read = std::min<uint64_t>(uint64_t{c.q.max_strlen} + 1, kRebootArgShown);
    if (!c.A(3)) {
      c.Put("NULL");
    } else if (!b || b->redacted || (b->read_errno && b->data.size() < read)) {
      if (!c.Redacted(b))
        c.Ptr(c.A(3));
    } else {
      QuoteOptions q = c.q;
      q.max_strlen = std::min<uint32_t>(q.max_strlen, kRebootArgShown);
      bool cut = b->data.size() >= read;
      AppendQuotedCString(c.cur, b->data.substr(0, cut ? q.max_strlen : b->data.size()), cut, q);
    }
  }
  c.ToExit();
  c.Put(")");
}

// The flags in the -X style, the priority in decimal after them.
std::string SwapFlags(uint32_t v) {
  std::string s;
  if (v & ~kSwapPrioMask)
    s = Flags("swap_flags", v & ~kSwapPrioMask) + "|";
  return s + UDec(v & kSwapPrioMask);
}

void DecodeSwapon(Ctx& c) {
  c.Path(0);
  c.Sep();
  c.Put(SwapFlags(static_cast<uint32_t>(c.A(1))));
  c.ToExit();
  c.Put(")");
}

// A dev_t of the old, 32-bit encoding (major 12 bits, minor 20 bits).
std::string Makedev32(uint32_t dev) {
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(dev), [dev] { return Makedev32(dev); });
  uint32_t major = (dev >> 8) & 0xfff;
  uint32_t minor = (dev & 0xff) | ((dev >> 12) & ~0xffu);
  return "makedev(" + HexString(major) + ", " + HexString(minor) + ")";
}

void DecodeUstat(Ctx& c) {
  c.Put(Makedev32(static_cast<uint32_t>(c.A(0))));
  c.Sep();
  c.ToExit();
  c.Arg(1);
  c.Put(")");
}

void DecodeSethostname(Ctx& c) {
  uint32_t len = static_cast<uint32_t>(c.A(1));
  if (len > kNewUtsLen)
    c.Ptr(c.A(0));
  else
    c.Data(0, false, len);
  c.Put(", " + UDec(len));
  c.ToExit();
  c.Put(")");
}

// preadv2(fd, iov, iovcnt, pos_l, pos_h, flags): x86_64 passes the offset whole in pos_l.
void DecodePreadv2(Ctx& c) {
  bool out = c.sc.nr == __NR_preadv2;
  c.Fd(c.A(0));
  c.Sep();
  if (out)
    c.ToExit();
  if (!c.A(1))
    c.Put("NULL");
  else if (out)
    c.Iovec(1, true, c.A(2), c.sc.ret);
  else
    c.Iovec(1, false, c.A(2), -1);
  c.Put(", " + UDec(c.A(2)) + ", " + Dec(static_cast<int64_t>(c.A(3))) + ", " +
        FlagsDflt("rwf_flags", c.A(5) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

std::string PrintUtimbuf(Ctx&, int, const std::string& d) {
  int64_t a = At<int64_t>(d, 0), m = At<int64_t>(d, 8);
  return "{actime=" + Dec(a) + DateComment(a, 0, 0) + ", modtime=" + Dec(m) + DateComment(m, 0, 0) +
         "}";
}

std::string PrintUstat(Ctx&, int, const std::string& d) {
  return "{f_tfree=" + UDec(At<uint32_t>(d, 0)) + ", f_tinode=" + UDec(At<uint64_t>(d, 8)) + "}";
}

}  // namespace

Family SysadminFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_reboot, DecodeReboot},   {__NR_swapon, DecodeSwapon},
      {__NR_ustat, DecodeUstat},     {__NR_sethostname, DecodeSethostname},
      {__NR_preadv2, DecodePreadv2}, {__NR_pwritev2, DecodePreadv2},
  };
  static const StructEntry kStructs[] = {
      {"utimbuf", PrintUtimbuf},
      {"ustat", PrintUstat},
  };
  return {"sysadmin", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
