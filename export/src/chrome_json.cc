#include "strec/export/chrome_json.h"
#include "output.h"
#include "strec/export/timeline.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "strec/format/io.h"
#include "strec/format/recordings.h"
#include "strec/format/time_point.h"
#include "strec/format/trace_reader.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/xlat.h"

namespace strec::exporter {
namespace {

using replay::AppendJsonString;

// The timeline as Trace Event Format objects, one per line.
class ChromeJsonSink : public TimelineSink {
 public:
  ChromeJsonSink(const fb::Header& header, Output* out)
      : pids_(header), base_ns_(header.monotonic_ns()), out_(out) {}

  uint64_t syscalls() const { return syscalls_; }
  uint64_t events() const { return events_; }

  void ProcessName(int32_t pid, const std::string& name) override {
    // In a joined trace, its recording's host and own pid (the track's pid stays unique).
    if (pids_.joined())
      Meta("process_name", pid, pid, pids_.Label(pid) + " " + name);
    else
      Meta("process_name", pid, pid, name);
  }
  void ThreadName(int32_t pid, int32_t tid, const std::string& name) override {
    Meta("thread_name", pid, tid, name);
  }
  void Slice(const TimelineSlice& s) override {
    Begin("X", s.name, s.pid, s.tid);
    std::string& b = out_->buffer();
    b += ",\"cat\":\"";
    b += s.category;
    b += "\"";
    Ts(s.start_ns);
    Dur(s.dur_ns);
    b += ",\"args\":{\"strace\":";
    AppendJsonString(&b, s.strace);
    if (s.unfinished) {
      b += ",\"unfinished\":true";
    } else if (s.returned) {
      b += ",\"return\":" + std::to_string(s.ret);
      if (s.err) {
        const char* name = replay::ErrnoName(s.err);
        b += ",\"errno\":";
        AppendJsonString(&b, name ? name : std::to_string(s.err));
      }
    } else {
      b += ",\"return\":null";
    }
    b += "}";
    End();
    if (!s.unfinished)
      syscalls_++;
  }
  void Instant(int32_t pid,
               int32_t tid,
               uint64_t ns,
               std::string_view name,
               char scope,
               std::string_view text) override {
    Begin("i", name, pid, tid);
    std::string& b = out_->buffer();
    b += ",\"s\":\"";
    b += scope;
    b += "\"";
    Ts(ns);
    b += ",\"args\":{\"strace\":";
    AppendJsonString(&b, text);
    b += "}";
    End();
  }
  void Loss(uint64_t ns, uint64_t lost, std::string_view reason) override {
    Begin("i", "lost " + std::to_string(lost) + " events", 0, 0);
    out_->buffer() += ",\"s\":\"g\"";
    Ts(ns);
    out_->buffer() += ",\"args\":{\"reason\":";
    AppendJsonString(&out_->buffer(), reason);
    out_->buffer() += "}";
    End();
  }
  void FlowStart(int32_t pid, int32_t tid, uint64_t ns, uint64_t id) override {
    Begin("s", "spawn", pid, tid);
    out_->buffer() += ",\"cat\":\"spawn\",\"id\":" + std::to_string(id);
    Ts(ns);
    End();
  }
  void FlowEnd(int32_t pid, int32_t tid, uint64_t ns, uint64_t id) override {
    Begin("f", "spawn", pid, tid);
    out_->buffer() += ",\"cat\":\"spawn\",\"bp\":\"e\",\"id\":" + std::to_string(id);
    Ts(ns);
    End();
  }

 private:
  // The start of an event object with the fields all have.
  void Begin(const char* ph, std::string_view name, int32_t pid, int32_t tid) {
    std::string& b = out_->buffer();
    b += events_++ ? ",\n" : "\n";
    b += "{\"ph\":\"";
    b += ph;
    b += "\",\"name\":";
    AppendJsonString(&b, name);
    b += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid);
  }
  void Ts(uint64_t ns) {
    uint64_t rel = ns > base_ns_ ? ns - base_ns_ : 0;
    char t[48];
    snprintf(t, sizeof t, ",\"ts\":%" PRIu64 ".%03" PRIu64, rel / 1000, rel % 1000);
    out_->buffer() += t;
  }
  void Dur(uint64_t ns) {
    char t[48];
    snprintf(t, sizeof t, ",\"dur\":%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
    out_->buffer() += t;
  }
  void End() {
    out_->buffer() += '}';
    out_->MaybeFlush();
  }
  void Meta(const char* what, int32_t pid, int32_t tid, const std::string& name) {
    Begin("M", what, pid, tid);
    out_->buffer() += ",\"args\":{\"name\":";
    AppendJsonString(&out_->buffer(), name);
    out_->buffer() += "}";
    End();
  }

  format::PidMap pids_;
  uint64_t base_ns_;
  Output* out_;
  uint64_t syscalls_ = 0, events_ = 0;
};

}  // namespace

StatusOr<ExportResult> ExportChromeJson(const std::vector<std::string>& inputs,
                                        const std::string& out,
                                        const ExportOptions& o) {
  ASSIGN_OR_RETURN(auto stream, replay::EventStream::Open(inputs));
  const fb::Header& h = stream->header();
  ASSIGN_OR_RETURN(format::Selection select, format::Selection::Create(o.select, h));
  ASSIGN_OR_RETURN(auto out_file, Output::Create(out, o.replace));
  Output& output = *out_file;
  output.buffer() += "{\"traceEvents\":[";
  ChromeJsonSink sink(h, &output);
  if (auto walked = WalkTimeline(stream.get(), &select, o.max_strlen, &sink); !walked.ok())
    return output.Finish(walked.status());
  // The wall clock of ts 0, and what the timeline was made from.
  std::string& b = output.buffer();
  b += "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"strec export\"";
  b += ",\"trace\":";
  AppendJsonString(&b, inputs[0]);
  b += ",\"host\":";
  AppendJsonString(&b, h.hostname() ? h.hostname()->string_view() : "");
  b += ",\"start_realtime\":\"";
  b += format::FormatRealtime(h.realtime_ns());
  b += "\",\"start_realtime_ns\":" + std::to_string(h.realtime_ns()) + "}}\n";
  RETURN_IF_ERROR(output.Finish(OkStatus()));
  ExportResult r;
  r.syscalls = sink.syscalls();
  r.events = sink.events();
  r.warnings = stream->reader().warnings();
  return r;
}

}  // namespace strec::exporter
