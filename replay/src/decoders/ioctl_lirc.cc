// ioctl: the LIRC requests (linux/lirc.h): a __u32 each way, as a number, a mode or the
// feature flags.
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

static std::string Mode(uint32_t v) {
  return Enum("lirc_modes", v);
}

static std::string Features(uint32_t v) {
  return Whole(HexString(v), [&] { return Flags("lirc_features", v); });
}

bool DecodeLircIoctl(Ctx& c, uint32_t req) {
  if (((req >> 8) & 0xff) != 'i' || ((req >> 16) & 0x3fff) != 4)
    return false;
  auto udec = [](uint32_t v) { return UDec(v); };
  switch (req) {
    case 0x80046900:  // LIRC_GET_FEATURES
      IoctlOutNum<uint32_t>(c, Features);
      return true;
    case 0x80046901:  // LIRC_GET_SEND_MODE
    case 0x80046902:  // LIRC_GET_REC_MODE
      IoctlOutNum<uint32_t>(c, Mode);
      return true;
    case 0x80046907:  // LIRC_GET_REC_RESOLUTION
    case 0x80046908:  // LIRC_GET_MIN_TIMEOUT
    case 0x80046909:  // LIRC_GET_MAX_TIMEOUT
    case 0x8004690f:  // LIRC_GET_LENGTH
    case 0x80046924:  // LIRC_GET_REC_TIMEOUT
      IoctlOutNum<uint32_t>(c, udec);
      return true;
    case 0x40046911:  // LIRC_SET_SEND_MODE
    case 0x40046912:  // LIRC_SET_REC_MODE
      IoctlInNum<uint32_t>(c, Mode);
      return true;
    case 0x40046917:  // LIRC_SET_TRANSMITTER_MASK
      IoctlInNum<uint32_t>(c, [](uint32_t v) { return HexString(v); });
      return true;
    case 0x40046913:  // LIRC_SET_SEND_CARRIER
    case 0x40046914:  // LIRC_SET_REC_CARRIER
    case 0x40046915:  // LIRC_SET_SEND_DUTY_CYCLE
    case 0x40046918:  // LIRC_SET_REC_TIMEOUT
    case 0x40046919:  // LIRC_SET_REC_TIMEOUT_REPORTS
    case 0x4004691d:  // LIRC_SET_MEASURE_CARRIER_MODE
    case 0x4004691f:  // LIRC_SET_REC_CARRIER_RANGE
    case 0x40046923:  // LIRC_SET_WIDEBAND_RECEIVER
      IoctlInNum<uint32_t>(c, udec);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
