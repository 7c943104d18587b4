#include "strec/report/html_report.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>
#include <sstream>
#include <unordered_map>

#include "strec/analyze/analyze.h"
#include "strec/analyze/report.h"
#include "strec/export/timeline.h"
#include "strec/format/io.h"
#include "strec/format/recordings.h"
#include "strec/format/trace_info.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"

namespace strec::report {

// report/src/page.html, embedded at build time (embed.cmake).
extern const unsigned char kPageTemplate[];

namespace {

using replay::AppendJsonString;
using replay::JsonHighBytes;

// The timeline kept for the page: every lane, the longest calls with their strace lines, every
// call in time bins per lane, instants and losses; bounded whatever the trace's length.
class PageTimeline : public exporter::TimelineSink {
 public:
  PageTimeline(const fb::Header& header, size_t max_calls)
      : pids_(header), base_ns_(header.monotonic_ns()), max_calls_(max_calls) {}

  void ProcessName(int32_t pid, const std::string& name) override { names_[pid] = name; }
  void ThreadName(int32_t pid, int32_t tid, const std::string&) override { Lane(pid, tid); }
  void Slice(const exporter::TimelineSlice& s) override {
    uint32_t lane = Lane(s.pid, s.tid);
    uint64_t start = Rel(s.start_ns);
    bool failed = s.returned && s.err != 0;
    total_++;
    returned_ += s.returned;
    errors_ += failed;
    uint32_t cat = Category(s.category);
    category_counts_[cat]++;
    Bin(lane, start, s.dur_ns, failed);
    if (calls_.size() == max_calls_) {
      if (max_calls_ == 0 || calls_.top().dur_ns >= s.dur_ns)
        return;  // shorter than every call kept
      calls_.pop();
    }
    uint8_t flags = (failed ? 1 : 0) | (s.unfinished ? 2 : 0) | (!s.returned ? 4 : 0);
    calls_.push(Call{s.dur_ns, start, lane, cat, flags, std::string(s.strace)});
  }
  void Instant(int32_t pid,
               int32_t tid,
               uint64_t ns,
               std::string_view name,
               char scope,
               std::string_view text) override {
    if (instants_.size() >= kMaxInstants) {
      instants_dropped_++;
      return;
    }
    char kind = scope == 'p' ? 'x' : name == "detached" ? 'd' : 's';
    instants_.push_back({Lane(pid, tid), Rel(ns), kind, std::string(text)});
  }
  void Loss(uint64_t ns, uint64_t lost, std::string_view reason) override {
    losses_.push_back({Rel(ns), lost, std::string(reason)});
  }
  void FlowStart(int32_t, int32_t, uint64_t, uint64_t) override {}
  void FlowEnd(int32_t, int32_t, uint64_t, uint64_t) override {}

  uint64_t total() const { return total_; }
  uint64_t drawn() const { return calls_.size(); }

  // The page's "timeline" object.
  void AppendJson(std::string* out, uint64_t span_ns);

 private:
  static constexpr size_t kMaxInstants = 20000;
  static constexpr uint32_t kMaxBins = 1000;  // across the trace, per lane
  struct Call {
    uint64_t dur_ns, start_ns;
    uint32_t lane, category;
    uint8_t flags;
    std::string text;
    bool operator<(const Call& o) const { return dur_ns > o.dur_ns; }  // the shortest on top
  };
  struct Bins {
    uint64_t count = 0, busy_ns = 0, errors = 0;
  };
  struct LaneId {
    int32_t pid, tid;
  };
  struct InstantMark {
    uint32_t lane;
    uint64_t ns;
    char kind;
    std::string text;
  };
  struct LossMark {
    uint64_t ns, lost;
    std::string reason;
  };

  uint64_t Rel(uint64_t ns) const { return ns > base_ns_ ? ns - base_ns_ : 0; }
  uint32_t Lane(int32_t pid, int32_t tid) {
    auto [it, added] = lane_of_.try_emplace(tid, static_cast<uint32_t>(lanes_.size()));
    if (added)
      lanes_.push_back({pid, tid});
    return it->second;
  }
  uint32_t Category(const char* name) {
    for (uint32_t i = 0; i < categories_.size(); i++)
      if (categories_[i] == name)
        return i;
    categories_.push_back(name);
    category_counts_.push_back(0);
    return static_cast<uint32_t>(categories_.size() - 1);
  }
  // Adds a call to its lane's bin; the bins widen (twice) when the trace outgrows them.
  void Bin(uint32_t lane, uint64_t start, uint64_t dur, bool failed) {
    while (start / bin_ns_ >= kMaxBins) {
      std::unordered_map<uint64_t, Bins> wider;
      for (const auto& [key, b] : bins_) {
        uint64_t k = (key & ~0xffffffffull) | ((key & 0xffffffffull) / 2);
        Bins& w = wider[k];
        w.count += b.count;
        w.busy_ns += b.busy_ns;
        w.errors += b.errors;
      }
      bins_ = std::move(wider);
      bin_ns_ *= 2;
    }
    Bins& b = bins_[(static_cast<uint64_t>(lane) << 32) | (start / bin_ns_)];
    b.count++;
    b.busy_ns += dur;
    b.errors += failed;
  }

  format::PidMap pids_;
  uint64_t base_ns_;
  size_t max_calls_;
  std::unordered_map<int32_t, std::string> names_;
  std::unordered_map<int32_t, uint32_t> lane_of_;
  std::vector<LaneId> lanes_;
  std::vector<std::string> categories_;
  std::vector<uint64_t> category_counts_;
  std::priority_queue<Call> calls_;
  uint64_t bin_ns_ = 1000;
  std::unordered_map<uint64_t, Bins> bins_;
  std::vector<InstantMark> instants_;
  uint64_t instants_dropped_ = 0;
  std::vector<LossMark> losses_;
  uint64_t total_ = 0, returned_ = 0, errors_ = 0;
};

void PageTimeline::AppendJson(std::string* out, uint64_t span_ns) {
  std::string& b = *out;
  auto num = [&](uint64_t v) { b += std::to_string(v); };
  b += "{\"span_ns\":";
  num(span_ns);
  b += ",\"total_calls\":";
  num(total_);
  b += ",\"returned_calls\":";
  num(returned_);
  b += ",\"failed_calls\":";
  num(errors_);
  b += ",\"categories\":[";
  for (size_t i = 0; i < categories_.size(); i++) {
    b += i ? ",[" : "[";
    AppendJsonString(&b, categories_[i]);
    b += ',';
    num(category_counts_[i]);
    b += ']';
  }
  b += "],\"lanes\":[";
  for (size_t i = 0; i < lanes_.size(); i++) {
    const LaneId& l = lanes_[i];
    b += i ? ",[" : "[";
    // In a joined trace, the pids of the lane's recording and its host before the name.
    format::PidMap::Origin o = pids_.OriginOf(l.pid);
    int32_t base = l.pid - o.pid;
    b += std::to_string(o.pid) + "," + std::to_string(l.tid - base) + ",";
    auto name = names_.find(l.pid);
    std::string label = name == names_.end() ? "?" : name->second;
    if (o.recording >= 0)
      label = pids_.HostOf(l.pid) + ": " + label;
    AppendJsonString(&b, label, JsonHighBytes::kKeep);
    b += ']';
  }
  // The calls drawn one by one, in start order: [lane, start, duration, class, flags, line].
  std::vector<Call> calls;
  calls.reserve(calls_.size());
  while (!calls_.empty()) {
    calls.push_back(std::move(const_cast<Call&>(calls_.top())));
    calls_.pop();
  }
  std::sort(calls.begin(), calls.end(), [](const Call& x, const Call& y) {
    return x.start_ns != y.start_ns ? x.start_ns < y.start_ns : x.lane < y.lane;
  });
  b += "],\"drawn_calls\":";
  num(calls.size());
  b += ",\"calls\":[";
  for (size_t i = 0; i < calls.size(); i++) {
    const Call& c = calls[i];
    b += i ? ",\n[" : "\n[";
    b += std::to_string(c.lane) + "," + std::to_string(c.start_ns) + "," +
         std::to_string(c.dur_ns) + "," + std::to_string(c.category) + "," +
         std::to_string(c.flags) + ",";
    AppendJsonString(&b, c.text);
    b += ']';
  }
  b += "]";
  // Every call as busy time per bin, when not all are drawn one by one.
  if (calls.size() < total_) {
    std::vector<std::pair<uint64_t, Bins>> bins(bins_.begin(), bins_.end());
    std::sort(bins.begin(), bins.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    b += ",\"bin_ns\":";
    num(bin_ns_);
    b += ",\"bins\":[";
    for (size_t i = 0; i < bins.size(); i++) {
      const auto& [key, v] = bins[i];
      b += i ? ",[" : "[";
      b += std::to_string(key >> 32) + "," + std::to_string(key & 0xffffffffu) + "," +
           std::to_string(v.count) + "," + std::to_string(v.busy_ns) + "," +
           std::to_string(v.errors) + "]";
    }
    b += "]";
  }
  b += ",\"instants\":[";
  for (size_t i = 0; i < instants_.size(); i++) {
    const InstantMark& m = instants_[i];
    b += i ? ",[" : "[";
    b += std::to_string(m.lane) + "," + std::to_string(m.ns) + ",\"" + m.kind + "\",";
    AppendJsonString(&b, m.text);
    b += ']';
  }
  b += "],\"instants_dropped\":";
  num(instants_dropped_);
  b += ",\"losses\":[";
  for (size_t i = 0; i < losses_.size(); i++) {
    const LossMark& l = losses_[i];
    b += i ? ",[" : "[";
    b += std::to_string(l.ns) + "," + std::to_string(l.lost) + ",";
    AppendJsonString(&b, l.reason);
    b += ']';
  }
  b += "]}";
}

// Text for inside <script type="application/json">: '<' only ever appears in JSON strings, where
// \u003c means the same and cannot end the script element.
std::string ForScriptElement(const std::string& json) {
  std::string out;
  out.reserve(json.size() + 64);
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void Replace(std::string* page, std::string_view marker, const std::string& with) {
  size_t at = page->find(marker);
  if (at != std::string::npos)
    page->replace(at, marker.size(), with);
}

}  // namespace

StatusOr<HtmlReportResult> WriteHtmlReport(const std::vector<std::string>& inputs,
                                           const std::string& out,
                                           const HtmlReportOptions& o) {
  HtmlReportResult result;
  // The figures: strec-analyze's, as its JSON.
  analyze::AnalyzeOptions ao;
  ao.jobs = o.jobs;
  ao.whole_trace = true;
  ao.processes = true;
  ao.files = true;
  ao.slow = o.slow;
  ao.slow_fd_paths = true;
  ASSIGN_OR_RETURN(analyze::Analysis analysis, analyze::AnalyzeTraces(inputs, ao));
  analyze::ReportOptions ro;
  ro.format = analyze::OutputFormat::kJson;
  ro.views = {analyze::View::kSummary, analyze::View::kPercentiles, analyze::View::kErrors,
              analyze::View::kProcesses, analyze::View::kFiles};
  if (o.slow > 0)
    ro.views.push_back(analyze::View::kSlow);
  std::ostringstream figures;
  RETURN_IF_ERROR(analyze::WriteReport(analysis, ro, figures));
  result.warnings = analysis.warnings;

  // The timeline.
  ASSIGN_OR_RETURN(auto stream, replay::EventStream::Open(inputs));
  const fb::Header& h = stream->header();
  ASSIGN_OR_RETURN(format::Selection all, format::Selection::Create({}, h));
  PageTimeline timeline(h, o.max_calls);
  ASSIGN_OR_RETURN(exporter::TimelineStats walked,
                   exporter::WalkTimeline(stream.get(), &all, o.max_strlen, &timeline));
  for (const std::string& w : stream->reader().warnings())
    if (std::find(result.warnings.begin(), result.warnings.end(), w) == result.warnings.end())
      result.warnings.push_back(w);

  std::string title = "strec report";
  auto roots = analysis.RootCommands();
  if (!roots.empty() && !roots[0].empty())
    title += ": " + roots[0];
  std::string data = "{\"generator\":\"strec report\",\"title\":";
  AppendJsonString(&data, title, JsonHighBytes::kKeep);
  data += ",\"start_realtime_ns\":" + std::to_string(h.realtime_ns());
  data += ",\"facts\":[";
  for (size_t i = 0; i < inputs.size(); i++) {
    std::ostringstream info;
    if (Status st = format::PrintTraceInfo(inputs[i], info); !st.ok())
      info << st.message() << "\n";
    if (i)
      data += ',';
    AppendJsonString(&data, info.str(), JsonHighBytes::kKeep);
  }
  data += "],\"warnings\":[";
  for (size_t i = 0; i < result.warnings.size(); i++) {
    if (i)
      data += ',';
    AppendJsonString(&data, result.warnings[i], JsonHighBytes::kKeep);
  }
  data += "],\"analysis\":";
  data += figures.str();
  data += ",\"timeline\":";
  uint64_t base = h.monotonic_ns();
  timeline.AppendJson(&data, walked.last_ns > base ? walked.last_ns - base : 0);
  data += "}";
  result.calls = timeline.total();
  result.drawn = std::min<uint64_t>(o.max_calls, result.calls);

  std::string page = reinterpret_cast<const char*>(kPageTemplate);
  Replace(&page, "{{TITLE}}", HtmlEscape(title));
  Replace(&page, "{{DATA}}", ForScriptElement(data));
  result.bytes = page.size();

  ASSIGN_OR_RETURN(int fd, format::CreateOutputFile(out, o.replace));
  Status written = format::WriteAll(fd, page.data(), page.size());
  if (close(fd) != 0 && written.ok())
    written = ErrnoStatus("close failed", errno);
  if (!written.ok()) {
    unlink(out.c_str());
    return Status(StatusCode::kIo, "cannot write " + out + ": " + written.message());
  }
  return result;
}

}  // namespace strec::report
