#include "strec/format/recordings.h"

namespace strec::format {

bool IsJoined(const fb::Header& h) {
  return h.recordings() && h.recordings()->size() > 0;
}

PidOrigin OriginOf(const fb::Header& h, int32_t stored_pid) {
  PidOrigin o;
  o.pid = stored_pid;
  if (!IsJoined(h) || stored_pid <= 0)
    return o;
  const auto& recs = *h.recordings();
  // The recording with the largest base not above the pid.
  for (const fb::Recording* r : recs)
    if (r->pid_base() <= stored_pid && (!o.recording || r->pid_base() >= o.recording->pid_base()))
      o.recording = r;
  if (o.recording)
    o.pid = stored_pid - o.recording->pid_base();
  return o;
}

std::string HostOf(const fb::Header& h, int32_t stored_pid) {
  PidOrigin o = OriginOf(h, stored_pid);
  const flatbuffers::String* host = o.recording ? o.recording->hostname() : h.hostname();
  return host ? host->str() : "";
}

std::string PidLabel(const fb::Header& h, int32_t stored_pid) {
  PidOrigin o = OriginOf(h, stored_pid);
  if (!o.recording)
    return std::to_string(stored_pid);
  return (o.recording->hostname() ? o.recording->hostname()->str() : "?") + ":" +
         std::to_string(o.pid);
}

}  // namespace strec::format
