// ioctl: the request by name or as _IOC(...), and the argument of the requests strec decodes.
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

static std::string Termios(const std::string& d) {
  uint32_t oflag = At<uint32_t>(d, 4), cflag = At<uint32_t>(d, 8), lflag = At<uint32_t>(d, 12);
  static const char* kBauds[] = {"B0",    "B50",   "B75",    "B110",  "B134",  "B150",
                                 "B200",  "B300",  "B600",   "B1200", "B1800", "B2400",
                                 "B4800", "B9600", "B19200", "B38400"};
  static const char* kHigh[] = {"B57600",   "B115200",  "B230400",  "B460800",  "B500000",
                                "B576000",  "B921600",  "B1000000", "B1152000", "B1500000",
                                "B2000000", "B2500000", "B3000000", "B3500000", "B4000000"};
  uint32_t baud = cflag & 010017;
  std::string b = baud < 16 ? kBauds[baud]
                  : (baud & 010000) && (baud & 017) >= 1 && (baud & 017) <= 15
                      ? kHigh[(baud & 017) - 1]
                      : HexString(baud);
  std::string s = "{" + b + " " + ((oflag & 1) ? "opost" : "-opost") + " " +
                  ((lflag & 1) ? "isig" : "-isig") + " " + ((lflag & 2) ? "icanon" : "-icanon") +
                  " " + ((lflag & 010) ? "echo" : "-echo") + " ...}";
  return s;
}

static void DecodeIoctl(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  uint32_t req = static_cast<uint32_t>(c.A(1));
  if (req == 0x40049409) {  // FICLONE = _IOW(0x94, 9, int), shared with BTRFS_IOC_CLONE
    c.Put(Styled(HexString(req), "BTRFS_IOC_CLONE or FICLONE"));
    c.Sep();
    c.Put(Dec(c.I(2)));  // the source fd, printed bare even with -y
    c.ToExit();
    c.Put(")");
    return;
  }
  const char* name = Table("ioctl_cmd").Name(req);
  if (name) {
    c.Put(Styled(HexString(req), name));
  } else if (CurrentXlatStyle() == XlatStyle::kRaw) {
    c.Put(HexString(req));
  } else {
    uint32_t dir = (req >> 30) & 3, type = (req >> 8) & 0xff, nr = req & 0xff,
             size = (req >> 16) & 0x3fff;
    if (dir == 0 && size == 0) {
      c.Put(HexString(req));
    } else {
      const char* dirs[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};
      c.Put(std::string("_IOC(") + dirs[dir] + ", " + HexString(type) + ", " + HexString(nr) +
            ", " + HexString(size) + ")");
    }
  }
  bool out = req == 0x5401 || req == 0x5413 || req == 0x541B || req == 0x540F || req == 0x5429 ||
             req == 0x5411 || req == 0x5415;
  if (req == 0x5450 || req == 0x5451) {  // FIONCLEX / FIOCLEX take no argument
    c.ToExit();
    c.Put(")");
    return;
  }
  c.Sep();
  if (out)
    c.ToExit();
  const Buffer* b = out ? c.Out(2) : c.In(2);
  if (c.Redacted(b)) {
    // its marker is out
  } else if (b && req == 0x5401 && b->data.size() >= 36) {
    c.Put(Termios(b->data));
  } else if (b && (req == 0x5413 || req == 0x5414) && b->data.size() >= 8) {
    c.Put("{ws_row=" + UDec(At<uint16_t>(b->data, 0)) + ", ws_col=" +
          UDec(At<uint16_t>(b->data, 2)) + ", ws_xpixel=" + UDec(At<uint16_t>(b->data, 4)) +
          ", ws_ypixel=" + UDec(At<uint16_t>(b->data, 6)) + "}");
  } else if (b &&
             (req == 0x541B || req == 0x5421 || req == 0x540F || req == 0x5410 || req == 0x5429 ||
              req == 0x5452 || req == 0x5411) &&
             b->data.size() >= 4) {
    c.Put("[" + Dec(At<int32_t>(b->data, 0)) + "]");
  } else {
    c.Put(HexString(c.A(2)));
  }
  c.ToExit();
  c.Put(")");
}

Family IoctlFamily() {
  static const DecoderEntry kDecoders[] = {{__NR_ioctl, DecodeIoctl}};
  return {"ioctl", kDecoders, {}};
}

}  // namespace strec::replay::detail
