// ioctl: the terminal requests (asm-generic/ioctls.h, asm-generic/termbits.h): termios,
// winsize, and the ones that pass an int.
#include <string>

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

bool DecodeTtyIoctl(Ctx& c, uint32_t req) {
  // What the kernel writes: TCGETS, TIOCGWINSZ, FIONREAD, TIOCGPGRP, TIOCGSID, TIOCOUTQ.
  bool out = req == 0x5401 || req == 0x5413 || req == 0x541B || req == 0x540F || req == 0x5429 ||
             req == 0x5411 || req == 0x5415;
  // What the caller passes: TIOCSWINSZ, TIOCSPGRP, FIONBIO, TIOCSETD, TIOCSCTTY... (an int).
  bool in = req == 0x5414 || req == 0x5410 || req == 0x5421 || req == 0x5452;
  if (!out && !in)
    return false;
  if (out)
    c.ToExit();
  const Buffer* b = out ? c.Out(2) : c.In(2);
  if (c.Redacted(b))
    return true;  // its marker is out
  if (b && req == 0x5401 && b->data.size() >= 36) {
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
  return true;
}

}  // namespace strec::replay::detail
