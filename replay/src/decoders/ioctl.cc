// ioctl: the request by name or as _IOC(...), and its argument through the family that knows
// the request (kIoctlGroups; each family's decoder is in its own ioctl_*.cc file).
#include <asm/unistd.h>

#include <string>

#include "decoders/decoders.h"

namespace strec::replay::detail {

// Searched in order, for the request's name and then for its argument's decoder.
// clang-format off
static const IoctlGroup kIoctlGroups[] = {
    {"ioctl_cmd", DecodeTtyIoctl},
    {"ioctl_hdio", DecodeHdioIoctl},
    {"ioctl_random", DecodeRandomIoctl},
    {"ioctl_watchdog", DecodeWatchdogIoctl},
    {"ioctl_lirc", DecodeLircIoctl},
    {"ioctl_rtc", DecodeRtcIoctl},
    {"v4l2_ioctl_cmds", DecodeV4l2Ioctl, V4l2IoctlReturn},
    {"ioctl_gpio_cmd", DecodeGpioIoctl},
    {"ioctl_fs_cmd", DecodeFsIoctl},
    {"ioctl_counter_cmd", DecodeCounterIoctl},
    {"ioctl_nsfs_cmd", DecodeNsfsIoctl, NsfsIoctlReturn},
    {"ioctl_inotify_cmd", DecodeNsfsIoctl},
    {"ioctl_loop_cmd", DecodeLoopIoctl},
    {"ioctl_nbd_cmd", DecodeNbdIoctl},
};
// clang-format on

static std::string RequestText(uint32_t req) {
  for (const IoctlGroup& f : kIoctlGroups)
    if (const char* name = f.names ? Table(f.names).Name(req) : nullptr)
      return Styled(HexString(req), name);
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return HexString(req);
  uint32_t dir = (req >> 30) & 3, type = (req >> 8) & 0xff, nr = req & 0xff,
           size = (req >> 16) & 0x3fff;
  const char* dirs[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};
  std::string ioc = std::string("_IOC(") + dirs[dir] + ", " + HexString(type) + ", " +
                    HexString(nr) + ", " + HexString(size) + ")";
  return CurrentXlatStyle() == XlatStyle::kVerbose ? Styled(HexString(req), ioc) : ioc;
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
  c.Put(RequestText(req));
  if (req == 0x5450 || req == 0x5451) {  // FIONCLEX / FIOCLEX take no argument
    c.ToExit();
    c.Put(")");
    return;
  }
  c.Sep();
  bool done = false;
  for (const IoctlGroup& f : kIoctlGroups)
    if ((done = f.decode_arg(c, req)))
      break;
  if (!done)
    c.Put(HexString(c.A(2)));
  c.ToExit();
  c.Put(")");
}

// The return value as the request's group prints it ("" for a plain number).
static std::string IoctlReturn(const Syscall& sc, const DecodeEnv& env) {
  for (const IoctlGroup& f : kIoctlGroups)
    if (f.ret)
      if (std::string s = f.ret(sc, env); !s.empty())
        return s;
  return "";
}

Family IoctlFamily() {
  static const DecoderEntry kDecoders[] = {{__NR_ioctl, DecodeIoctl, IoctlReturn}};
  return {"ioctl", kDecoders, {}};
}

}  // namespace strec::replay::detail
