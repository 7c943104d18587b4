// A joined trace (strec cat of recordings from different hosts or recorders; Header.recordings):
// which recording a stored pid or tid belongs to, and what it was there. In a trace of one
// recording every pid is its own.
#ifndef STREC_FORMAT_RECORDINGS_H_
#define STREC_FORMAT_RECORDINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "strec/format/trace_generated.h"

namespace strec::format {

// Recording k of a joined trace stores its pids and tids plus k << kRecordingPidBits: above
// any pid_max Linux allows (2^22).
inline constexpr int kRecordingPidBits = 22;

bool IsJoined(const fb::Header& h);

// A trace's recordings by pid base, read once from its header (the readers' one way to map a
// stored pid back). Empty for a trace of one recording: every pid is then its own.
class PidMap {
 public:
  PidMap() = default;
  explicit PidMap(const fb::Header& h);

  bool joined() const { return !recordings_.empty(); }

  struct Origin {
    int recording = -1;  // its index in Header.recordings; -1: the trace is not joined
    int32_t pid = 0;     // the pid in its own recording
  };
  Origin OriginOf(int32_t stored_pid) const;
  // Its recording's host; the header's host name when none (a trace of one recording, pid 0).
  const std::string& HostOf(int32_t stored_pid) const;
  // How tools show a stored pid: "1234", or in a joined trace "web2:1234".
  std::string Label(int32_t stored_pid) const;

 private:
  struct Recording {
    int32_t pid_base;
    std::string host;
  };
  std::vector<Recording> recordings_;  // in order of pid_base
  std::string host_;                   // the header's
};

}  // namespace strec::format

#endif  // STREC_FORMAT_RECORDINGS_H_
