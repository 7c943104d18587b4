#include "strec/format/recordings.h"

#include <algorithm>

namespace strec::format {

bool IsJoined(const fb::Header& h) {
  return h.recordings() && h.recordings()->size() > 0;
}

PidMap::PidMap(const fb::Header& h) : host_(h.hostname() ? h.hostname()->str() : "") {
  if (!IsJoined(h))
    return;
  for (const fb::Recording* r : *h.recordings())
    recordings_.push_back({r->pid_base(), r->hostname() ? r->hostname()->str() : "?"});
}

PidMap::Origin PidMap::OriginOf(int32_t stored_pid) const {
  Origin o;
  o.pid = stored_pid;
  if (stored_pid <= 0)
    return o;
  // The recording with the largest base not above the pid.
  for (size_t i = 0; i < recordings_.size(); i++)
    if (recordings_[i].pid_base <= stored_pid &&
        (o.recording < 0 || recordings_[i].pid_base >= recordings_[o.recording].pid_base))
      o.recording = static_cast<int>(i);
  if (o.recording >= 0)
    o.pid = stored_pid - recordings_[o.recording].pid_base;
  return o;
}

const std::string& PidMap::HostOf(int32_t stored_pid) const {
  Origin o = OriginOf(stored_pid);
  return o.recording < 0 ? host_ : recordings_[o.recording].host;
}

std::string PidMap::Label(int32_t stored_pid) const {
  Origin o = OriginOf(stored_pid);
  if (o.recording < 0)
    return std::to_string(stored_pid);
  return recordings_[o.recording].host + ":" + std::to_string(o.pid);
}

}  // namespace strec::format
