// ioctl: the terminal requests (asm-generic/ioctls.h, asm-generic/termbits.h): termios,
// winsize, and the ones that pass an int.
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

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

static std::string Winsize(const std::string& d) {
  return "{ws_row=" + UDec(At<uint16_t>(d, 0)) + ", ws_col=" + UDec(At<uint16_t>(d, 2)) +
         ", ws_xpixel=" + UDec(At<uint16_t>(d, 4)) + ", ws_ypixel=" + UDec(At<uint16_t>(d, 6)) +
         "}";
}

static std::string Tiocm(uint32_t v) {
  return IoctlFlags("tiocm_flags", v);
}

bool DecodeTtyIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0x5401:  // TCGETS
      IoctlArg(c, true, 36, Termios);
      return true;
    case 0x5413:  // TIOCGWINSZ
    case 0x5414:  // TIOCSWINSZ
      IoctlArg(c, req == 0x5413, 8, Winsize);
      return true;
    case 0x541B:  // FIONREAD
    case 0x540F:  // TIOCGPGRP
    case 0x5429:  // TIOCGSID
    case 0x5411:  // TIOCOUTQ
      IoctlOutNum<int32_t>(c, IoctlDec);
      return true;
    case 0x5410:  // TIOCSPGRP
    case 0x5421:  // FIONBIO
    case 0x5452:  // FIOASYNC
      IoctlInNum<int32_t>(c, IoctlDec);
      return true;
    case 0x5415:  // TIOCMGET
      IoctlOutNum<uint32_t>(c, Tiocm);
      return true;
    case 0x5416:  // TIOCMBIS
    case 0x5417:  // TIOCMBIC
    case 0x5418:  // TIOCMSET
      IoctlInNum<uint32_t>(c, Tiocm);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
