// Times given by the user (--since/--until of strec-analyze, --from/--to of strec slice): seconds
// after a trace's start, or an absolute wall-clock time, resolved against a trace's header.
#ifndef STREC_FORMAT_TIME_POINT_H_
#define STREC_FORMAT_TIME_POINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strec/format/status.h"
#include "strec/format/trace_generated.h"

namespace strec::format {

struct TimePoint {
  bool absolute = false;
  int64_t ns = 0;  // relative: after the start; absolute: CLOCK_REALTIME since the epoch
};

// "12", "1.5", "1.5s", "250ms", "40us", "100ns" (relative), or an ISO 8601 time
// "2024-05-01T12:00:00[.123456789][Z|+02:00]" (absolute; local time without a zone).
StatusOr<TimePoint> ParseTimePoint(std::string_view text);

// A tool's time window (--from/--to, --since/--until): each text parsed unless it is empty.
Status ParseTimeWindow(const std::string& from,
                       const std::string& to,
                       std::optional<TimePoint>* from_out,
                       std::optional<TimePoint>* to_out);

// A CLOCK_REALTIME time as ISO 8601 in UTC with nanoseconds: "2026-12-04T10:15:00.123456789Z".
std::string FormatRealtime(uint64_t realtime_ns);

// The CLOCK_MONOTONIC time (what event times are) of `p` in the trace with header h.
uint64_t ResolveTime(const TimePoint& p, const fb::Header& h);

}  // namespace strec::format

#endif  // STREC_FORMAT_TIME_POINT_H_
