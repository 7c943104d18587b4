// ioctl: the counter character device's requests (linux/counter.h).
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

bool DecodeCounterIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0x40063e00:  // COUNTER_ADD_WATCH_IOCTL: struct counter_watch (6 bytes)
      InArg(c, 6, [](const std::string& d) {
        std::string component = Fields()
                                    .Add("type", Enum("counter_component_type", At<uint8_t>(d, 0)))
                                    .Add("scope", Enum("counter_scope", At<uint8_t>(d, 1)))
                                    .Add("parent", UDec(At<uint8_t>(d, 2)))
                                    .Add("id", UDec(At<uint8_t>(d, 3)))
                                    .Text();
        return Fields()
            .Add("component", component)
            .Add("event", Enum("counter_event_type", At<uint8_t>(d, 4)))
            .Add("channel", UDec(At<uint8_t>(d, 5)))
            .Text();
      });
      return true;
    case 0x3e01:  // COUNTER_ENABLE_EVENTS_IOCTL
    case 0x3e02:  // COUNTER_DISABLE_EVENTS_IOCTL
      IoctlNoArg(c);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail
