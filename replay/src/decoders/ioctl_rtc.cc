// ioctl: the real-time clock's requests (linux/rtc.h): struct rtc_time, rtc_wkalrm,
// rtc_pll_info, rtc_param, the voltage-low flags and the values passed by value.
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

// struct rtc_time (nine ints) at d[off]; without -v the first six and "...".
static std::string RtcTime(const Ctx& c, const std::string& d, size_t off) {
  static const char* kFields[] = {"tm_sec",  "tm_min",  "tm_hour", "tm_mday", "tm_mon",
                                  "tm_year", "tm_wday", "tm_yday", "tm_isdst"};
  std::string s = "{";
  for (size_t i = 0; i < (c.opt.verbose ? 9 : 6); i++)
    s += std::string(i ? ", " : "") + kFields[i] + "=" + Dec(At<int32_t>(d, off + 4 * i));
  return s + (c.opt.verbose ? "}" : ", ...}");
}

static std::string Wkalrm(const Ctx& c, const std::string& d) {
  return "{enabled=" + UDec(At<uint8_t>(d, 0)) + ", pending=" + UDec(At<uint8_t>(d, 1)) +
         ", time=" + RtcTime(c, d, 4) + "}";
}

static std::string Pll(const std::string& d) {
  static const char* kFields[] = {"pll_ctrl", "pll_max", "pll_min", "pll_posmult", "pll_negmult"};
  std::string s = "{pll_ctrl=" + Dec(At<int32_t>(d, 0)) + ", pll_value=" + Dec(At<int32_t>(d, 4));
  for (size_t i = 1; i < 5; i++)
    s += std::string(", ") + kFields[i] + "=" + Dec(At<int32_t>(d, 4 + 4 * i));
  return s + ", pll_clock=" + Dec(At<int64_t>(d, 24)) + "}";
}

// struct rtc_param's value, named by its param.
static std::string ParamValue(uint64_t param, uint64_t v) {
  switch (param) {
    case 0:  // RTC_PARAM_FEATURES
      return "uvalue=" + IoctlFlags("rtc_features", v);
    case 1:  // RTC_PARAM_CORRECTION
      return "svalue=" + Dec(static_cast<int64_t>(v));
    case 2:  // RTC_PARAM_BACKUP_SWITCH_MODE
      return "uvalue=" + Enum("rtc_bsm", v);
    default:
      return "uvalue=" + HexString(v);
  }
}

static std::string Pad(const std::string& d) {
  uint32_t pad = At<uint32_t>(d, 20);
  return pad ? ", __pad=" + HexString(pad) : "";
}

static void Param(Ctx& c, bool get) {
  uint64_t param = 0;
  if (!IoctlArg(c, false, 24, [&](const std::string& d) {
        param = At<uint64_t>(d, 0);
        return "{param=" + Enum("rtc_params", param) +
               (get ? "" : ", " + ParamValue(param, At<uint64_t>(d, 8))) +
               ", index=" + UDec(At<uint32_t>(d, 16)) + Pad(d) + "}";
      }))
    return;
  if (!get)
    return;
  c.ToExit();
  c.Put(" => ");
  IoctlArg(c, true, 24, [&](const std::string& d) {
    return "{" + ParamValue(param, At<uint64_t>(d, 8)) + Pad(d) + "}";
  });
}

bool DecodeRtcIoctl(Ctx& c, uint32_t req) {
  auto udec = [](uint64_t v) { return UDec(v); };
  auto time = [&](const std::string& d) { return RtcTime(c, d, 0); };
  auto wkalrm = [&](const std::string& d) { return Wkalrm(c, d); };
  switch (req) {
    case 0x7001:
    case 0x7002:
    case 0x7003:
    case 0x7004:
    case 0x7005:  // RTC_*IE_ON/OFF
    case 0x7006:
    case 0x700f:
    case 0x7010:
    case 0x7014:  // and RTC_VL_CLR
      IoctlNoArg(c);
      return true;
    case 0x4008700c:  // RTC_IRQP_SET
    case 0x4008700e:  // RTC_EPOCH_SET
      c.Put(UDec(c.A(2)));
      return true;
    case 0x8008700b:  // RTC_IRQP_READ
    case 0x8008700d:  // RTC_EPOCH_READ
      IoctlOutNum<uint64_t>(c, udec);
      return true;
    case 0x40247007:  // RTC_ALM_SET
    case 0x4024700a:  // RTC_SET_TIME
      IoctlArg(c, false, 36, time);
      return true;
    case 0x80247008:  // RTC_ALM_READ
    case 0x80247009:  // RTC_RD_TIME
      IoctlArg(c, true, 36, time);
      return true;
    case 0x4028700f:  // RTC_WKALM_SET
    case 0x80287010:  // RTC_WKALM_RD
      IoctlArg(c, req == 0x80287010, 40, wkalrm);
      return true;
    case 0x40207012:  // RTC_PLL_SET
    case 0x80207011:  // RTC_PLL_GET
      IoctlArg(c, req == 0x80207011, 32, Pll);
      return true;
    case 0x80047013:  // RTC_VL_READ
      IoctlOutNum<uint32_t>(c, [](uint32_t v) { return IoctlFlags("rtc_vl_flags", v); });
      return true;
    case 0x40187013:  // RTC_PARAM_GET: the kernel writes the value back (copied at exit too)
    case 0x40187014:  // RTC_PARAM_SET
      Param(c, req == 0x40187013);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
