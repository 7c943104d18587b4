// ioctl: the GPIO character device's requests (linux/gpio.h), v1 and v2 uAPI. Struct layouts
// from the header: the offsets below are those of x86_64.
#include <algorithm>
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

namespace {

constexpr uint64_t kLinesMax = 64;  // GPIOHANDLES_MAX, GPIO_V2_LINES_MAX
constexpr uint64_t kAttrsMax = 10;  // GPIO_V2_LINE_NUM_ATTRS_MAX

// u32 padding[n] at d[off], when any of it is set.
void Padding(Fields& f, const Ctx& c, const std::string& d, size_t off, size_t n) {
  if (!AllZero(d, off, n * 4))
    f.Add("padding", NumArray<uint32_t>(c, d, off, n, true));
}

// struct gpio_v2_line_attribute (16 bytes) at d[off]: its value by its id, or all of it
// (*known: whether it printed as its value alone).
std::string LineAttr(const std::string& d, size_t off, bool* known = nullptr) {
  uint32_t id = At<uint32_t>(d, off), pad = At<uint32_t>(d, off + 4);
  uint64_t v = At<uint64_t>(d, off + 8);
  Fields f;
  bool k = pad == 0 && id >= 1 && id <= 3;
  if (k && id == 1)
    f.Add("flags", FlagsDflt("gpio_v2_line_flags", v));
  else if (k && id == 2)
    f.Add("values", HexString(v));
  else if (k && id == 3)
    f.Add("debounce_period_us", UDec(static_cast<uint32_t>(v)));
  else {
    f.Add("id", UDec(id));
    if (pad)
      f.Add("padding", HexString(pad));
    f.Add("data", HexString(v));
  }
  if (known)
    *known = k;
  return f.Text();
}

// struct gpio_v2_line_config (272 bytes) at d[off].
std::string LineConfig(const Ctx& c, const std::string& d, size_t off) {
  uint32_t n = At<uint32_t>(d, off + 8);
  Fields f;
  f.Add("flags", FlagsDflt("gpio_v2_line_flags", At<uint64_t>(d, off)));
  f.Add("num_attrs", UDec(n));
  Padding(f, c, d, off + 12, 5);
  if (n)
    f.Add("attrs", ArrayText(std::min<uint64_t>(n, kAttrsMax), ArrayLimit(c), [&](uint64_t k) {
            size_t a = off + 32 + k * 24;
            bool known = false;
            std::string attr = LineAttr(d, a, &known);
            std::string mask = "mask=" + HexString(At<uint64_t>(d, a + 16));
            // A known attribute's one field is printed beside the mask.
            return known ? attr.substr(0, attr.size() - 1) + ", " + mask + "}"
                         : "{attr=" + attr + ", " + mask + "}";
          }));
  return f.Text();
}

std::string FdOut(const std::string& d, size_t off) {
  return Fields().Add("fd", Dec(At<int32_t>(d, off))).Text();
}

}  // namespace

bool DecodeGpioIoctl(Ctx& c, uint32_t req) {
  if ((req >> 8 & 0xff) != 0xb4)
    return false;
  switch (req) {
    case 0x8044b401:  // GPIO_GET_CHIPINFO_IOCTL
      OutArg(c, 68, [&](const std::string& d) {
        return Fields()
            .Add("name", CharArray(c, d, 0, 32))
            .Add("label", CharArray(c, d, 32, 32))
            .Add("lines", UDec(At<uint32_t>(d, 64)))
            .Text();
      });
      return true;
    case 0xc048b402:  // GPIO_GET_LINEINFO_IOCTL
    case 0xc048b40b:  // GPIO_GET_LINEINFO_WATCH_IOCTL
      InOutArg(
          c, 72,
          [](const std::string& d) {
            return Fields().Add("line_offset", UDec(At<uint32_t>(d, 0))).Text();
          },
          [&](const std::string& d) {
            return Fields()
                .Add("flags", FlagsDflt("gpioline_flags", At<uint32_t>(d, 4)))
                .Add("name", CharArray(c, d, 8, 32))
                .Add("consumer", CharArray(c, d, 40, 32))
                .Text();
          });
      return true;
    case 0xc004b40c:  // GPIO_GET_LINEINFO_UNWATCH_IOCTL
      InArg(c, 4, [](const std::string& d) {
        return Fields().Add("offset", UDec(At<uint32_t>(d, 0))).Text();
      });
      return true;
    case 0xc16cb403:  // GPIO_GET_LINEHANDLE_IOCTL
      InOutArg(
          c, 364,
          [&](const std::string& d) {
            uint64_t n = std::min<uint64_t>(At<uint32_t>(d, 356), kLinesMax);
            return Fields()
                .Add("lines", UDec(At<uint32_t>(d, 356)))
                .Add("lineoffsets", NumArray<uint32_t>(c, d, 0, n))
                .Add("flags", FlagsDflt("gpiohandle_flags", At<uint32_t>(d, 256)))
                .Add("default_values", NumArray<uint8_t>(c, d, 260, n))
                .Add("consumer_label", CharArray(c, d, 324, 32))
                .Text();
          },
          [](const std::string& d) { return FdOut(d, 360); });
      return true;
    case 0xc030b404:  // GPIO_GET_LINEEVENT_IOCTL
      InOutArg(
          c, 48,
          [&](const std::string& d) {
            return Fields()
                .Add("lineoffset", UDec(At<uint32_t>(d, 0)))
                .Add("handleflags", FlagsDflt("gpiohandle_flags", At<uint32_t>(d, 4)))
                .Add("eventflags", FlagsDflt("gpioevent_flags", At<uint32_t>(d, 8)))
                .Add("consumer_label", CharArray(c, d, 12, 32))
                .Text();
          },
          [](const std::string& d) { return FdOut(d, 44); });
      return true;
    case 0xc040b408:  // GPIOHANDLE_GET_LINE_VALUES_IOCTL
      OutArg(c, 64, [&](const std::string& d) {
        return Fields().Add("values", NumArray<uint8_t>(c, d, 0, kLinesMax)).Text();
      });
      return true;
    case 0xc040b409:  // GPIOHANDLE_SET_LINE_VALUES_IOCTL
      InArg(c, 64, [&](const std::string& d) {
        return Fields().Add("values", NumArray<uint8_t>(c, d, 0, kLinesMax)).Text();
      });
      return true;
    case 0xc054b40a:                            // GPIOHANDLE_SET_CONFIG_IOCTL
      InArg(c, 84, [&](const std::string& d) {  // its padding is not printed
        return Fields()
            .Add("flags", FlagsDflt("gpiohandle_flags", At<uint32_t>(d, 0)))
            .Add("default_values", NumArray<uint8_t>(c, d, 4, kLinesMax))
            .Text();
      });
      return true;
    case 0xc100b405:  // GPIO_V2_GET_LINEINFO_IOCTL
    case 0xc100b406:  // GPIO_V2_GET_LINEINFO_WATCH_IOCTL
      InOutArg(
          c, 256,
          [](const std::string& d) {
            return Fields().Add("offset", UDec(At<uint32_t>(d, 64))).Text();
          },
          [&](const std::string& d) {
            uint32_t n = At<uint32_t>(d, 68);
            Fields f;
            f.Add("name", CharArray(c, d, 0, 32));
            f.Add("consumer", CharArray(c, d, 32, 32));
            f.Add("flags", FlagsDflt("gpio_v2_line_flags", At<uint64_t>(d, 72)));
            f.Add("num_attrs", UDec(n));
            if (n)
              f.Add("attrs", ArrayText(std::min<uint64_t>(n, kAttrsMax), ArrayLimit(c),
                                       [&](uint64_t k) { return LineAttr(d, 80 + k * 16); }));
            Padding(f, c, d, 240, 4);
            return f.Text();
          });
      return true;
    case 0xc250b407:  // GPIO_V2_GET_LINE_IOCTL
      InOutArg(
          c, 592,
          [&](const std::string& d) {
            uint32_t n = At<uint32_t>(d, 560), ebs = At<uint32_t>(d, 564);
            Fields f;
            f.Add("num_lines", UDec(n));
            f.Add("offsets", NumArray<uint32_t>(c, d, 0, std::min<uint64_t>(n, kLinesMax)));
            f.Add("consumer", CharArray(c, d, 256, 32));
            f.Add("config", LineConfig(c, d, 288));
            if (ebs)
              f.Add("event_buffer_size", UDec(ebs));
            Padding(f, c, d, 568, 5);
            return f.Text();
          },
          [](const std::string& d) { return FdOut(d, 588); });
      return true;
    case 0xc110b40d:  // GPIO_V2_LINE_SET_CONFIG_IOCTL
      InArg(c, 272, [&](const std::string& d) { return LineConfig(c, d, 0); });
      return true;
    case 0xc010b40e:  // GPIO_V2_LINE_GET_VALUES_IOCTL
      InOutArg(
          c, 16,
          [](const std::string& d) {
            return Fields().Add("mask", HexString(At<uint64_t>(d, 8))).Text();
          },
          [](const std::string& d) {
            return Fields().Add("bits", HexString(At<uint64_t>(d, 0))).Text();
          });
      return true;
    case 0xc010b40f:  // GPIO_V2_LINE_SET_VALUES_IOCTL
      InArg(c, 16, [](const std::string& d) {
        return Fields()
            .Add("bits", HexString(At<uint64_t>(d, 0)))
            .Add("mask", HexString(At<uint64_t>(d, 8)))
            .Text();
      });
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
