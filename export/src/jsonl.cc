#include "strec/export/jsonl.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "output.h"
#include "strec/export/timeline.h"
#include "strec/format/event.h"
#include "strec/format/io.h"
#include "strec/format/recordings.h"
#include "strec/format/time_point.h"
#include "strec/format/trace_reader.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/xlat.h"

namespace strec::exporter {
namespace {

using replay::AppendJsonString;

class JsonlSink : public TimelineSink {
 public:
  JsonlSink(const fb::Header& h, Output* out) : pids_(h), out_(out) {
    realtime_ns_ = h.realtime_ns();
    monotonic_ns_ = h.monotonic_ns();
    if (!format::IsJoined(h)) {
      common_.push_back(Common(h.hostname(), h.recorder_pid(), h.realtime_ns()));
    } else {
      // A joined trace: each recording's host and id.
      for (const fb::Recording* r : *h.recordings())
        common_.push_back(Common(r->hostname(), r->recorder_pid(), r->realtime_ns()));
    }
  }

  uint64_t syscalls() const { return syscalls_; }

  void ProcessName(int32_t pid, const std::string& name) override { names_[pid] = name; }
  void ThreadName(int32_t, int32_t, const std::string&) override {}
  void Slice(const TimelineSlice& s) override {
    std::string& b = out_->buffer();
    // Which recording (in a joined trace; the pids there are its own).
    format::PidMap::Origin o = pids_.OriginOf(s.pid);
    int32_t base = s.pid - o.pid;
    b += common_[std::min<size_t>(std::max(o.recording, 0), common_.size() - 1)];
    b += ",\"command\":";
    auto name = names_.find(s.pid);
    AppendJsonString(&b, name == names_.end() ? "?" : name->second);
    b += ",\"pid\":" + std::to_string(s.pid - base) + ",\"tid\":" + std::to_string(s.tid - base);
    uint64_t wall = format::WallClockNs(realtime_ns_, monotonic_ns_, s.start_ns);
    b += ",\"time\":\"" + format::FormatRealtime(wall) + "\",\"time_ns\":" + std::to_string(wall);
    b += ",\"duration_ns\":";
    b += s.timed ? std::to_string(s.dur_ns) : "null";
    b += ",\"syscall\":";
    AppendJsonString(&b, s.name);
    b += ",\"nr\":" + std::to_string(s.nr) + ",\"class\":\"";
    b += s.unfinished ? "other" : s.category;
    b += "\",\"return\":";
    b += s.returned ? std::to_string(s.ret) : "null";
    b += ",\"errno\":";
    if (s.err) {
      const char* e = replay::ErrnoName(s.err);
      AppendJsonString(&b, e ? e : std::to_string(s.err));
    } else {
      b += "null";
    }
    b += ",\"fd_path\":";
    if (s.fd_path.empty())
      b += "null";
    else
      AppendJsonString(&b, s.fd_path);
    b += ",\"args\":";
    AppendJsonString(&b, s.text ? replay::ArgumentsText(*s.text) : "");
    b += ",\"strace\":";
    AppendJsonString(&b, s.strace);
    b += ",\"raw_args\":[";
    char hex[24];
    for (int i = 0; i < s.nargs && s.raw_args; i++) {
      snprintf(hex, sizeof hex, "%s\"0x%llx\"", i ? "," : "",
               static_cast<unsigned long long>(s.raw_args[i]));
      b += hex;
    }
    b += "]";
    if (s.unfinished)
      b += ",\"unfinished\":true";
    b += "}\n";
    out_->MaybeFlush();
    syscalls_++;
  }
  void Instant(int32_t, int32_t, uint64_t, std::string_view, char, std::string_view) override {}
  void Loss(uint64_t, uint64_t, std::string_view) override {}
  void FlowStart(int32_t, int32_t, uint64_t, uint64_t) override {}
  void FlowEnd(int32_t, int32_t, uint64_t, uint64_t) override {}

 private:
  // The fields every line of a recording starts with.
  static std::string Common(const flatbuffers::String* host,
                            int32_t recorder_pid,
                            uint64_t realtime_ns) {
    std::string h = host ? host->str() : "";
    std::string c = "{\"v\":1,\"host\":";
    AppendJsonString(&c, h);
    c += ",\"trace\":";
    AppendJsonString(
        &c, h + ":" + std::to_string(recorder_pid) + "@" + format::FormatRealtime(realtime_ns));
    return c;
  }

  format::PidMap pids_;
  Output* out_;
  uint64_t realtime_ns_ = 0, monotonic_ns_ = 0;
  std::vector<std::string> common_;  // by recording (one unless the trace is joined)
  std::unordered_map<int32_t, std::string> names_;
  uint64_t syscalls_ = 0;
};

}  // namespace

StatusOr<ExportResult> ExportJsonl(const std::vector<std::string>& inputs,
                                   const std::string& out,
                                   const ExportOptions& o) {
  std::vector<std::unique_ptr<format::TraceReader>> opened;
  for (const std::string& path : inputs) {
    ASSIGN_OR_RETURN(auto reader, format::TraceReader::Open(path));
    opened.push_back(std::move(reader));
  }
  auto recordings = format::TraceReader::GroupRecordings(std::move(opened));
  ASSIGN_OR_RETURN(auto output, Output::Create(out, o.replace));
  ExportResult r;
  for (auto& parts : recordings) {
    auto reader = format::TraceReader::Join(std::move(parts));
    if (!reader.ok())
      return output->Finish(reader.status());
    replay::EventStream stream(std::move(reader).value());
    auto select = format::Selection::Create(o.select, stream.header());
    if (!select.ok())
      return output->Finish(select.status());
    JsonlSink sink(stream.header(), output.get());
    if (auto walked = WalkTimeline(&stream, &*select, o.max_strlen, &sink); !walked.ok())
      return output->Finish(walked.status());
    r.syscalls += sink.syscalls();
    r.traces++;
    r.warnings.insert(r.warnings.end(), stream.reader().warnings().begin(),
                      stream.reader().warnings().end());
  }
  RETURN_IF_ERROR(output->Finish(OkStatus()));
  return r;
}

}  // namespace strec::exporter
