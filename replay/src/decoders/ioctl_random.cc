// ioctl: the random device's requests (linux/random.h): entropy counts and RNDADDENTROPY's
// struct rand_pool_info with its buffer (copied past the _IOC size by the recorder).
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

bool DecodeRandomIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0x80045200:  // RNDGETENTCNT
      IoctlOutNum<int32_t>(c, IoctlDec);
      return true;
    case 0x40045201:  // RNDADDTOENTCNT
      IoctlInNum<int32_t>(c, IoctlDec);
      return true;
    case 0x40085203:  // RNDADDENTROPY
      IoctlArg(c, false, 8, [&](const std::string& d) {
        uint32_t size = At<uint32_t>(d, 4);
        std::string s =
            "{entropy_count=" + Dec(At<int32_t>(d, 0)) + ", buf_size=" + UDec(size) + ", buf=";
        s += IoctlAuxData(c, false, c.A(2) + 8, size, false);
        return s + "}";
      });
      return true;
    case 0x5204:  // RNDZAPENTCNT
    case 0x5206:  // RNDCLEARPOOL
    case 0x5207:  // RNDRESEEDCRNG
      IoctlNoArg(c);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
