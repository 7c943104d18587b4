#include "strec/edit/slice.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "strec/format/event.h"
#include "strec/format/recordings.h"
#include "strec/format/selection.h"
#include "strec/format/trace_reader.h"
#include "strec/format/trace_writer.h"
#include "strec/replay/event_stream.h"

namespace strec::edit {
namespace {

StatusOr<std::unique_ptr<format::TraceReader>> OpenInputs(const std::vector<std::string>& inputs) {
  if (inputs.empty())
    return InvalidArgument("no trace given");
  if (inputs.size() == 1)
    return format::TraceReader::Open(inputs[0]);
  return format::TraceReader::OpenParts(inputs);
}

std::string Basename(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

std::string TimeText(const format::TimePoint& t) {
  char buf[64];
  if (!t.absolute) {
    snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64 "s", t.ns / 1'000'000'000,
             t.ns % 1'000'000'000);
    return buf;
  }
  return format::FormatRealtime(static_cast<uint64_t>(t.ns));
}

template <typename T>
std::string List(const std::vector<T>& v) {
  std::string s;
  for (const T& x : v) {
    if (!s.empty())
      s += ',';
    s += std::to_string(x);
  }
  return s;
}

// An fd snapshot of what the state knows of a process: fds with a known path, and its cwd.
struct Snapshot {
  std::vector<std::pair<int, std::string>> fds;
  std::vector<std::string> details;  // fds[i]'s format::FdDetail bytes, "" for none
  std::string cwd;
  std::vector<std::string> argv;  // its command line, when the trace said it (snapshot, exec)
  std::string cgroup;
};

format::HeaderInfo OutputHeader(const fb::Header& h, std::string origin) {
  format::HeaderInfo info = format::HeaderInfo::FromTrace(h);
  info.part = 0;  // a whole trace, not one of a set
  info.rotation.clear();
  if (!info.origin.empty())
    origin += "; before: " + info.origin;
  info.origin = std::move(origin);
  return info;
}

}  // namespace

StatusOr<EditResult> SliceTrace(const std::vector<std::string>& inputs,
                                const std::string& out,
                                const SliceOptions& o) {
  ASSIGN_OR_RETURN(auto reader, OpenInputs(inputs));
  const fb::Header& header = reader->header();
  // What is kept, decided the same way in both passes (over the same events in the same order).
  ASSIGN_OR_RETURN(const format::Selection selection, format::Selection::Create(o.select, header));

  // Pass 1, when something before a kept event may be cut away: where the slice must say what
  // the whole trace knew of a kept process (its fds and cwd, from replay's state), as snapshots
  // to write before the event of that ordinal: at a process's first kept event when an event was
  // left out before it, and after a left-out spawn of a process already seen (under ptrace a
  // child's first calls may come before its parent's fork event, which gives it its fds).
  struct Placed {
    uint64_t ordinal;
    int32_t pid;
    Snapshot snapshot;
  };
  std::vector<Placed> snapshots;
  uint64_t pass1_events = 0;
  bool stateful = !o.select.pids.empty() || !o.select.tids.empty() || o.select.from;
  if (stateful) {
    ASSIGN_OR_RETURN(auto stream, replay::EventStream::Open(inputs));
    format::Selection select = selection;
    std::set<int32_t> seen;
    bool dropped = false;
    // What the trace said of each process's command line and cgroup (the state does not keep
    // them), so that a slice still names a process whose snapshot or exec was cut away.
    struct Named {
      std::vector<std::string> argv;
      std::string cgroup;
    };
    std::unordered_map<int32_t, Named> named;
    auto take = [&](uint64_t ordinal, int32_t pid, int32_t tid) {
      const replay::ThreadInfo* t = stream->state().Thread(tid);
      if (!t || !t->fds)
        t = stream->state().Thread(pid);
      if (!t || !t->fds)
        return;
      Snapshot s;
      for (const auto& [fd, info] : t->fds->fds)
        if (!info.path.empty()) {
          s.fds.emplace_back(fd, info.path);
          // A socket's endpoints as the state kept them (the first found), else what the fd had.
          const replay::SocketEndpoints* found =
              info.detail ? stream->state().Socket(info.detail->inode) : nullptr;
          s.details.push_back(found && info.detail->kind == format::kFdDetailSocket
                                  ? format::EncodeFdDetail(found->detail, found->name)
                              : info.detail ? format::EncodeFdDetail(*info.detail)
                                            : std::string());
        }
      if (t->cwd)
        s.cwd = *t->cwd;
      if (auto known = named.find(pid); known != named.end()) {
        s.argv = known->second.argv;
        s.cgroup = known->second.cgroup;
      }
      if (!s.fds.empty() || !s.cwd.empty() || !s.argv.empty())
        snapshots.push_back({ordinal, pid, std::move(s)});
    };
    for (;; pass1_events++) {
      ASSIGN_OR_RETURN(const replay::Event* e, stream->Next());
      if (!e)
        break;
      if (e->type == replay::EventType::kFdSnapshot || e->type == replay::EventType::kExec) {
        Named& n = named[e->pid];
        if (!e->argv.empty())
          n.argv = e->argv;
        if (!e->cgroup.empty())
          n.cgroup = e->cgroup;
      } else if (e->type == replay::EventType::kSpawn && e->child_pid == e->child_tid &&
                 named.count(e->pid)) {
        named[e->child_pid] = named[e->pid];
      } else if (e->type == replay::EventType::kExit && !e->thread_only) {
        named.erase(e->pid);
      }
      int nr = e->syscall ? e->syscall->nr : -1;
      bool spawn = e->type == replay::EventType::kSpawn;
      int32_t child = spawn ? e->child_pid : 0;
      if (!select.Keep(e->pid, e->tid, e->time_ns, nr, child)) {
        dropped = true;
        if (spawn && seen.count(e->child_pid)) {
          stream->ApplyCurrent();
          take(pass1_events + 1, e->child_pid, e->child_tid);
          continue;
        }
      } else if (e->pid > 0 && seen.insert(e->pid).second && dropped) {
        take(pass1_events, e->pid, e->tid);
      }
      stream->ApplyCurrent();
    }
  }

  // Pass 2: the events kept, copied, each process's snapshot before its first.
  std::string origin = "slice of " + Basename(inputs[0]);
  if (inputs.size() > 1)
    origin += " (" + std::to_string(inputs.size()) + " files)";
  origin += ":";
  if (!o.select.pids.empty())
    origin += " pid=" + List(o.select.pids);
  if (!o.select.tids.empty())
    origin += " tid=" + List(o.select.tids);
  if (o.select.from)
    origin += " from=" + TimeText(*o.select.from);
  if (o.select.to)
    origin += " to=" + TimeText(*o.select.to);
  if (!o.select.trace_expr.empty())
    origin += " trace=" + o.select.trace_expr;
  format::WriterOptions wo;
  wo.replace = o.replace;
  ASSIGN_OR_RETURN(auto writer, format::TraceWriter::Create(out, OutputHeader(header, origin), wo));
  EditResult result;
  format::Selection select = selection;
  size_t next_snapshot = 0;
  auto keep = [&](uint64_t ordinal, const fb::Event& ev) {
    uint64_t t = format::EventTime(ev);
    for (; next_snapshot < snapshots.size() && snapshots[next_snapshot].ordinal <= ordinal;
         next_snapshot++) {
      const Placed& p = snapshots[next_snapshot];
      std::vector<format::FdEntryRecord> fds;
      for (size_t i = 0; i < p.snapshot.fds.size(); i++)
        fds.push_back({p.snapshot.fds[i].first, p.snapshot.fds[i].second, p.snapshot.details[i]});
      std::vector<std::string_view> argv(p.snapshot.argv.begin(), p.snapshot.argv.end());
      writer->Add(
          format::FdSnapshotRecord{p.pid, p.pid, fds, t, p.snapshot.cwd, argv, p.snapshot.cgroup});
      result.snapshots++;
      result.events_written++;
    }
    return select.Keep(ev);
  };
  Status st = format::CopyEvents(reader.get(), writer.get(), keep, &result.events_read,
                                 &result.events_written);
  if (st.ok() && stateful && result.events_read != pass1_events)
    st = InternalError(inputs[0] + ": the two readings gave " + std::to_string(pass1_events) +
                       " and " + std::to_string(result.events_read) + " events");
  RETURN_IF_ERROR(format::CloseOrRemove(writer.get(), out, st));
  result.warnings = reader->warnings();
  return result;
}

namespace {

// The events of several recordings (hosts, recorders) as one trace: recording k's pids and tids
// moved above k << 22 and its times onto the first's clock, the events merged by time.
StatusOr<EditResult> JoinRecordings(std::vector<std::unique_ptr<format::TraceReader>> readers,
                                    const std::string& out,
                                    bool replace) {
  constexpr size_t kMaxRecordings = size_t{1} << (31 - format::kRecordingPidBits);
  if (readers.size() > kMaxRecordings)
    return InvalidArgument("strec cat joins at most " + std::to_string(kMaxRecordings) +
                           " recordings");
  const fb::Header& first = readers[0]->header();
  format::HeaderInfo info = OutputHeader(first, "");
  info.command.clear();  // each recording's is in its entry
  info.attached_pids.clear();
  std::vector<format::EventMap> maps;
  std::string hosts;
  for (size_t k = 0; k < readers.size(); k++) {
    const format::TraceReader& r = *readers[k];
    const fb::Header& h = r.header();
    if (format::IsJoined(h))
      return InvalidArgument(r.path() +
                             ": joined from several recordings already: give those instead");
    for (size_t j = 0; j < k; j++) {
      const fb::Header& o = readers[j]->header();
      if (o.recorder_pid() == h.recorder_pid() && o.realtime_ns() == h.realtime_ns() &&
          o.monotonic_ns() == h.monotonic_ns())
        return InvalidArgument(r.path() + ": the same recording as " + readers[j]->path());
    }
    if (h.arch() != first.arch())
      return InvalidArgument(r.path() + ": recorded for another architecture than " +
                             readers[0]->path());
    format::EventMap map;
    map.pid_base = static_cast<int32_t>(k << format::kRecordingPidBits);
    // Onto the first recording's monotonic clock, through the wall clocks of both starts.
    map.shift_ns =
        (static_cast<int64_t>(h.realtime_ns()) - static_cast<int64_t>(first.realtime_ns())) -
        (static_cast<int64_t>(h.monotonic_ns()) - static_cast<int64_t>(first.monotonic_ns()));
    maps.push_back(map);
    format::HeaderInfo own = format::HeaderInfo::FromTrace(h);
    format::RecordingInfo rec;
    rec.hostname = own.hostname;
    rec.kernel_release = own.kernel_release;
    rec.realtime_ns = own.realtime_ns;
    rec.monotonic_ns = own.monotonic_ns;
    rec.recorder_pid = own.recorder_pid;
    rec.command = own.command;
    rec.pid_base = map.pid_base;
    rec.source = Basename(r.path());
    for (int32_t pid : own.attached_pids)
      info.attached_pids.push_back(pid + map.pid_base);
    if (hosts.find(own.hostname) == std::string::npos)
      hosts += (hosts.empty() ? "" : ",") + own.hostname;
    info.recordings.push_back(std::move(rec));
  }
  info.hostname = hosts;
  // The files are named in the recordings' entries (which redaction can remove with the hosts).
  info.origin = "joined from " + std::to_string(readers.size()) + " recordings";
  format::WriterOptions wo;
  wo.replace = replace;
  ASSIGN_OR_RETURN(auto writer, format::TraceWriter::Create(out, info, wo));
  EditResult result;
  // A k-way merge by time; each recording's own order is kept.
  std::vector<const fb::Event*> heads(readers.size());
  auto advance = [&](size_t k) -> Status {
    ASSIGN_OR_RETURN(heads[k], readers[k]->Next());
    if (heads[k]) {
      result.events_read++;
      const fb::Event& e = *heads[k];
      const fb::Spawn* spawn = e.body_as_Spawn();
      int32_t biggest = std::max(
          {e.pid(), e.tid(), spawn ? spawn->child_tid() : 0, spawn ? spawn->child_pid() : 0});
      if (biggest >= (1 << format::kRecordingPidBits))
        return Status(StatusCode::kDataLoss, readers[k]->path() + ": pid " +
                                                 std::to_string(biggest) +
                                                 " is beyond what a joined trace can hold");
    }
    return OkStatus();
  };
  Status st;
  for (size_t k = 0; k < readers.size() && st.ok(); k++)
    st = advance(k);
  while (st.ok()) {
    size_t best = readers.size();
    int64_t best_ns = 0;
    for (size_t k = 0; k < readers.size(); k++) {
      if (!heads[k])
        continue;
      int64_t t = static_cast<int64_t>(format::EventTime(*heads[k])) + maps[k].shift_ns;
      if (best == readers.size() || t < best_ns) {
        best = k;
        best_ns = t;
      }
    }
    if (best == readers.size())
      break;
    if (!writer->Add(*heads[best], maps[best])) {
      st = Status(StatusCode::kDataLoss, readers[best]->path() + ": an event without a body");
      break;
    }
    result.events_written++;
    if (writer->failed()) {
      st = writer->status();
      break;
    }
    st = advance(best);
  }
  RETURN_IF_ERROR(format::CloseOrRemove(writer.get(), out, st));
  for (const auto& r : readers)
    result.warnings.insert(result.warnings.end(), r->warnings().begin(), r->warnings().end());
  return result;
}

}  // namespace

StatusOr<EditResult> CatTraces(const std::vector<std::string>& inputs,
                               const std::string& out,
                               bool replace) {
  if (inputs.size() < 2)
    return InvalidArgument("strec cat joins two or more traces");
  std::vector<std::unique_ptr<format::TraceReader>> opened;
  for (const std::string& path : inputs) {
    ASSIGN_OR_RETURN(auto reader, format::TraceReader::Open(path));
    opened.push_back(std::move(reader));
  }
  auto recordings = format::TraceReader::GroupRecordings(std::move(opened));
  if (recordings.size() > 1) {
    std::vector<std::unique_ptr<format::TraceReader>> joined;
    for (auto& parts : recordings) {
      ASSIGN_OR_RETURN(auto reader, format::TraceReader::Join(std::move(parts)));
      joined.push_back(std::move(reader));
    }
    return JoinRecordings(std::move(joined), out, replace);
  }
  // The files of one rotated recording, or a flight recorder's dumps.
  ASSIGN_OR_RETURN(auto reader, format::TraceReader::Join(std::move(recordings[0])));
  format::WriterOptions wo;
  wo.replace = replace;
  std::string origin = "joined from " + std::to_string(inputs.size()) +
                       " files of one recording, " + Basename(inputs[0]) + " ...";
  ASSIGN_OR_RETURN(auto writer,
                   format::TraceWriter::Create(out, OutputHeader(reader->header(), origin), wo));
  EditResult result;
  Status st = format::CopyEvents(reader.get(), writer.get(), {}, &result.events_read,
                                 &result.events_written);
  RETURN_IF_ERROR(format::CloseOrRemove(writer.get(), out, st));
  result.warnings = reader->warnings();
  return result;
}

}  // namespace strec::edit
