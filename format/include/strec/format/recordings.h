// A joined trace (strec cat of recordings from different hosts or recorders; Header.recordings):
// which recording a stored pid or tid belongs to, and what it was there. In a trace of one
// recording every pid is its own.
#ifndef STREC_FORMAT_RECORDINGS_H_
#define STREC_FORMAT_RECORDINGS_H_

#include <cstdint>
#include <string>

#include "strec/format/trace_generated.h"

namespace strec::format {

// Recording k of a joined trace stores its pids and tids plus k << kRecordingPidBits: above
// any pid_max Linux allows (2^22).
inline constexpr int kRecordingPidBits = 22;

struct PidOrigin {
  const fb::Recording* recording = nullptr;  // null: the trace is not joined
  int32_t pid = 0;                           // the pid in its own recording
};

PidOrigin OriginOf(const fb::Header& h, int32_t stored_pid);

// The host of a stored pid: its recording's in a joined trace, else the trace's.
std::string HostOf(const fb::Header& h, int32_t stored_pid);

// How tools show a stored pid: "1234", or in a joined trace "web2:1234" (its recording's host).
std::string PidLabel(const fb::Header& h, int32_t stored_pid);

bool IsJoined(const fb::Header& h);

}  // namespace strec::format

#endif  // STREC_FORMAT_RECORDINGS_H_
