// ioctl: the watchdog driver's requests (linux/watchdog.h): the int they read or write.
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

bool DecodeWatchdogIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0x80045701:  // WDIOC_GETSTATUS
    case 0x80045702:  // WDIOC_GETBOOTSTATUS
    case 0x80045703:  // WDIOC_GETTEMP
    case 0x80045707:  // WDIOC_GETTIMEOUT
    case 0x80045709:  // WDIOC_GETPRETIMEOUT
    case 0x8004570a:  // WDIOC_GETTIMELEFT
      IoctlOutNum<int32_t>(c, IoctlDec);
      return true;
    case 0xc0045706:  // WDIOC_SETTIMEOUT
    case 0xc0045708:  // WDIOC_SETPRETIMEOUT
      IoctlInNum<int32_t>(c, IoctlDec);
      return true;
    case 0x80045705:  // WDIOC_KEEPALIVE
      IoctlNoArg(c);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
