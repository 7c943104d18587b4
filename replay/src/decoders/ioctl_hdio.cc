// ioctl: the HDIO_* requests of the IDE/ATA disk drivers (linux/hdreg.h). The requests predate
// the _IOC encoding: what each copies is in record/bpf/ioctl_sizes.h.
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

static void DriveCmd(Ctx& c) {
  uint8_t count = 0;
  if (!IoctlArg(c, false, 4, [&](const std::string& d) {
        count = static_cast<uint8_t>(d[3]);
        return "{command=" + Enum("ata_cmd", static_cast<uint8_t>(d[0])) +
               ", sector_number=" + UDec(static_cast<uint8_t>(d[1])) +
               ", feature=" + UDec(static_cast<uint8_t>(d[2])) + ", sector_count=" + UDec(count);
      }))
    return;
  c.ToExit();
  if (const std::string* d = IoctlBytes(c, true, 4)) {
    c.Put("} => {status=" + HexString(static_cast<uint8_t>((*d)[0])) + ", error=" +
          UDec(static_cast<uint8_t>((*d)[1])) + ", nsector=" + UDec(static_cast<uint8_t>((*d)[2])));
    if (count)
      c.Put(", buf=" + IoctlAuxData(c, true, c.A(2) + 4, uint64_t{count} * 512, true));
  }
  c.Put("}");
}

static std::string Nice(uint64_t v) {
  return Whole(HexString(v), [&] { return Flags("hdio_ide_nice", v); });
}

bool DecodeHdioIoctl(Ctx& c, uint32_t req) {
  auto udec = [](uint64_t v) { return UDec(v); };
  switch (req) {
    case 0x0301:  // HDIO_GETGEO
      IoctlArg(c, true, 16, [](const std::string& d) {
        return "{heads=" + UDec(At<uint8_t>(d, 0)) + ", sectors=" + UDec(At<uint8_t>(d, 1)) +
               ", cylinders=" + UDec(At<uint16_t>(d, 2)) + ", start=" + UDec(At<uint64_t>(d, 8)) +
               "}";
      });
      return true;
    case 0x031f:  // HDIO_DRIVE_CMD
      DriveCmd(c);
      return true;
    case 0x031c:  // HDIO_DRIVE_RESET
    case 0x0328:  // HDIO_SCAN_HWIF
      IoctlIntArray(c, 3, [](uint32_t v) { return HexString(v); });
      return true;
    case 0x0302:
    case 0x0304:
    case 0x0308:
    case 0x0309:
    case 0x030a:  // HDIO_GET_* of a long
    case 0x030b:
    case 0x030e:
    case 0x030f:
    case 0x0310:
      IoctlOutNum<uint64_t>(c, udec);
      return true;
    case 0x0321:
    case 0x0322:
    case 0x0323:
    case 0x0324:
    case 0x0325:  // HDIO_SET_* by value
    case 0x0326:
    case 0x0327:
    case 0x032a:
    case 0x032b:
    case 0x032c:
    case 0x032f:
      c.Put(UDec(c.A(2)));
      return true;
    case 0x0307:  // HDIO_OBSOLETE_IDENTITY: 142 bytes
    case 0x030d:  // HDIO_GET_IDENTITY: 512 bytes
      IoctlArg(c, true, 0, [&](const std::string& d) {
        std::string s;
        AppendQuotedBuffer(&s, d, req == 0x0307 ? 142 : 512, c.q);
        return s;
      });
      return true;
    case 0x030c:  // HDIO_GET_NICE
      IoctlOutNum<uint64_t>(c, Nice);
      return true;
    case 0x0329:  // HDIO_SET_NICE
      c.Put(Nice(c.A(2)));
      return true;
    case 0x031a:  // HDIO_GET_BUSSTATE
      IoctlOutNum<uint64_t>(c, [](uint64_t v) { return Enum("hdio_busstate", v); });
      return true;
    case 0x032d:  // HDIO_SET_BUSSTATE
      c.Put(Enum("hdio_busstate", c.A(2)));
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
