// --json: one JSON object per line for each syscall (when it completes), signal, exit, exec and
// process creation, with the decoded arguments (strace's text of each argument) and the raw
// ones, for jq and other tools. Used by one thread.
#ifndef STREC_REPLAY_JSON_RENDERER_H_
#define STREC_REPLAY_JSON_RENDERER_H_

#include <string>
#include <string_view>
#include <vector>

#include "strec/format/recordings.h"
#include "strec/format/status.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/options.h"
#include "strec/replay/text_renderer.h"

namespace strec::replay {

// Splits "a, {b, c}, \"d, e\"" into its top-level comma-separated parts (views of args).
std::vector<std::string_view> SplitArgViews(std::string_view args);
std::vector<std::string> SplitArgs(const std::string& args);
// What a JSON string literal does with bytes >= 0x80: escape each as \u00XX (the output is
// ASCII, valid JSON whatever the bytes; the replay's choice), or keep them (UTF-8 names stay
// readable; strec-analyze's choice).
enum class JsonHighBytes { kEscape, kKeep };
// A JSON string literal; control bytes and DEL are always escaped.
std::string JsonString(std::string_view s, JsonHighBytes high = JsonHighBytes::kEscape);
// The same, appended to *out.
void AppendJsonString(std::string* out,
                      std::string_view s,
                      JsonHighBytes high = JsonHighBytes::kEscape);

class JsonRenderer {
 public:
  JsonRenderer(const RenderOptions& options, const fb::Header& header, LineSink* sink);
  Status OnEvent(const Event& event, EventStream* stream);
  // -p: whether any selected process was in the trace.
  bool pids_matched() const { return pid_filter_.matched(); }

 private:
  // Starts line_ with the fields every object has.
  void Common(const Event& e, const char* type, uint64_t time_ns);

  RenderOptions opt_;
  std::string line_;  // the line being built, reused from event to event
  uint64_t realtime_ns_, monotonic_ns_;
  format::PidMap pids_;  // a joined trace's: "host" on each object
  LineSink* sink_;
  PidFilter pid_filter_;  // -p
};

}  // namespace strec::replay

#endif  // STREC_REPLAY_JSON_RENDERER_H_
