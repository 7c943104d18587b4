// ioctl: the requests of namespace files (linux/nsfs.h) and of inotify's fd (linux/inotify.h).
#include <asm/unistd.h>

#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

bool DecodeNsfsIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0xb701:  // NS_GET_USERNS
    case 0xb702:  // NS_GET_PARENT
    case 0xb703:  // NS_GET_NSTYPE
      IoctlNoArg(c);
      return true;
    case 0xb704:  // NS_GET_OWNER_UID: _IO, yet the kernel writes a uid_t
      OutArg(c, 4, [](const std::string& d) { return Bracketed(UDec(At<uint32_t>(d, 0))); });
      return true;
    case 0x40044900:  // INOTIFY_IOC_SETNEXTWD: the wd is the argument itself
      c.Put(Dec(c.I(2)));
      return true;
    default:
      return false;
  }
}

std::string NsfsIoctlReturn(const Syscall& sc, const DecodeEnv&) {
  // NS_GET_NSTYPE returns the namespace's CLONE_NEW* flag.
  if (sc.nr != __NR_ioctl || static_cast<uint32_t>(sc.args[1]) != 0xb703 || sc.ret <= 0)
    return "";
  ScopedXlatStyle abbrev(XlatStyle::kAbbrev);  // the name whatever -X says
  return Dec(sc.ret) + " (" + Flags("clone_flags", static_cast<uint64_t>(sc.ret)) + ")";
}

}  // namespace strec::replay::detail
