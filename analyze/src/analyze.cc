#include "strec/analyze/analyze.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>

#include "strec/analyze/event_feed.h"
#include "strec/analyze/stream_feed.h"
#include "strec/format/trace_reader.h"

namespace strec::analyze {
namespace {

std::string Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

struct Input {
  std::unique_ptr<format::TraceReader> reader;
  std::unique_ptr<format::SyscallSet> set;
  EventFilter filter;
};

struct WorkItem {
  int32_t trace;
  size_t chunk;
};

}  // namespace

std::vector<std::string> Analysis::RootCommands() const {
  std::vector<std::string> out;
  for (const TraceFacts& t : traces)
    out.push_back(t.command);
  return out;
}

StatusOr<Analysis> AnalyzeTraces(const std::vector<std::string>& files,
                                 const AnalyzeOptions& options) {
  Analysis result;
  // A file that is not a readable trace is bad input, not a bad option: never
  // kInvalidArgument, which the CLI reports as a usage error.
  auto bad_input = [](const Status& st) {
    return Status(st.code() == StatusCode::kInvalidArgument ? StatusCode::kDataLoss : st.code(),
                  st.message());
  };
  // Each file opened once; a damaged chunk costs its own events, not the analysis (it is left
  // out and said). The files of one rotated recording are one input (its pids are the same
  // processes), named by its first file.
  std::vector<std::unique_ptr<format::TraceReader>> opened;
  for (const std::string& f : files) {
    auto reader = format::TraceReader::Open(f, {.skip_damaged = true});
    if (!reader.ok())
      return bad_input(reader.status());
    opened.push_back(std::move(reader).value());
  }
  auto recordings = format::TraceReader::GroupRecordings(std::move(opened));
  std::vector<std::string> paths;
  for (const auto& r : recordings)
    paths.push_back(r[0]->path());
  std::vector<Input> inputs(paths.size());
  std::vector<WorkItem> work;
  std::vector<int32_t> pids = options.pids;
  bool footer_lost = false;
  std::sort(pids.begin(), pids.end());
  for (size_t t = 0; t < paths.size(); t++) {
    Input& in = inputs[t];
    auto reader = format::TraceReader::Join(std::move(recordings[t]), {.skip_damaged = true});
    if (!reader.ok())
      return bad_input(reader.status());
    in.reader = std::move(reader).value();
    const fb::Header& h = in.reader->header();
    for (const std::string& w : in.reader->warnings())
      result.warnings.push_back(w);
    if (!options.trace_expr.empty()) {
      const format::SyscallTable* table = format::SyscallTable::ForArch(h.arch());
      if (!table)
        return Unimplemented(paths[t] + ": no syscall table for architecture " +
                             std::to_string(h.arch()) + "; -e trace= cannot be applied");
      std::string error;
      auto set = format::SyscallSet::Parse(*table, options.trace_expr, &error);
      if (!set)
        return InvalidArgument("-e trace=" + options.trace_expr + ": " + error);
      in.set = std::make_unique<format::SyscallSet>(std::move(*set));
      in.filter.syscalls = in.set.get();
    }
    in.filter.pids = pids;
    if (options.since)
      in.filter.since_ns = format::ResolveTime(*options.since, h);
    if (options.until)
      in.filter.until_ns = format::ResolveTime(*options.until, h);
    TraceFacts facts;
    facts.path = paths[t];
    if (h.command() && h.command()->size() > 0)
      facts.command = Basename(h.command()->Get(0)->string_view());
    facts.start_ns = h.monotonic_ns();
    facts.realtime_ns = h.realtime_ns();
    facts.pids = format::PidMap(h);
    if (const fb::Footer* f = in.reader->footer(); f && f->lost_events() > 0) {
      footer_lost = true;
      result.warnings.push_back(paths[t] + ": the recorder lost " +
                                std::to_string(f->lost_events()) +
                                " events; counts are lower bounds");
    }
    const auto& chunks = in.reader->chunks();
    if (options.needs_state())
      facts.chunks_read = chunks.size();  // the stream pass reads every chunk
    for (size_t c = 0; c < chunks.size() && !options.needs_state(); c++) {
      // Every syscall record's time is its exit, so a chunk entirely outside the window holds
      // no syscall to count.
      if (!options.whole_trace &&
          (chunks[c].last_ns < in.filter.since_ns || chunks[c].first_ns > in.filter.until_ns))
        continue;
      work.push_back({static_cast<int32_t>(t), c});
      facts.chunks_read++;
    }
    result.traces.push_back(std::move(facts));
  }

  size_t jobs = static_cast<size_t>(std::max(1, options.jobs));
  std::mutex error_mu;
  size_t error_item = SIZE_MAX;
  Status error;
  // Keeps the error of the earliest work item, as a sequential pass would report it.
  auto fail = [&](size_t item, const Status& st) {
    std::lock_guard lock(error_mu);
    if (item < error_item) {
      error_item = item;
      error = st;
    }
  };
  auto run = [](size_t threads, const auto& worker) {
    if (threads == 1) {
      worker(0);
      return;
    }
    std::vector<std::thread> pool;
    for (size_t w = 0; w < threads; w++)
      pool.emplace_back(worker, w);
    for (auto& th : pool)
      th.join();
  };
  result.files = FileTable(options.file_limit);
  result.slow = SlowCalls(options.slow);
  // Damaged chunks, per trace: how many, and a warning for each.
  std::vector<uint64_t> damaged(inputs.size());
  std::vector<std::vector<std::string>> skipped(inputs.size());
  std::vector<size_t> chunk_warnings(inputs.size());  // the reader's warnings before reading
  for (size_t t = 0; t < inputs.size(); t++) {
    damaged[t] = inputs[t].reader->damaged_chunks();  // headers damaged, found when opening
    chunk_warnings[t] = inputs[t].reader->warnings().size();
  }

  if (options.needs_state()) {
    // The stream pass: one trace per thread, all of it (the fd state needs every event).
    std::vector<Aggregator> partial(inputs.size());
    std::vector<FileTable> files(inputs.size(), FileTable(options.file_limit));
    std::vector<SlowCalls> slow(inputs.size(), SlowCalls(options.slow));
    std::vector<uint64_t> events(inputs.size());
    std::atomic<size_t> next{0};
    jobs = std::min(jobs, std::max<size_t>(1, inputs.size()));
    run(jobs, [&](size_t) {
      for (;;) {
        size_t t = next.fetch_add(1, std::memory_order_relaxed);
        if (t >= inputs.size())
          return;
        replay::EventStream stream(std::move(inputs[t].reader));
        partial[t].set_track_threads(options.threads);
        partial[t].set_track_processes(options.processes);
        StreamSinks sinks;
        sinks.aggregate = &partial[t];
        sinks.files = options.files ? &files[t] : nullptr;
        sinks.slow = options.slow ? &slow[t] : nullptr;
        sinks.slow_fd_paths = options.slow_fd_paths;
        Status st = FeedStream(static_cast<int32_t>(t), &stream, inputs[t].filter, &sinks);
        events[t] = sinks.events;
        damaged[t] = stream.reader().damaged_chunks();
        for (size_t k = chunk_warnings[t]; k < stream.reader().warnings().size(); k++)
          skipped[t].push_back(stream.reader().warnings()[k]);
        if (!st.ok()) {
          fail(t, st);
          next.store(inputs.size());
          return;
        }
      }
    });
    if (!error.ok())
      return error;
    for (size_t t = 0; t < inputs.size(); t++) {
      result.aggregate.Merge(partial[t]);
      result.files.Merge(files[t]);
      result.slow.Merge(slow[t]);
      result.traces[t].events = events[t];
    }
  } else {
    jobs = std::min(jobs, std::max<size_t>(1, work.size()));
    std::vector<Aggregator> partial(jobs);
    for (Aggregator& a : partial) {
      a.set_track_threads(options.threads);
      a.set_track_processes(options.processes);
    }
    std::vector<std::vector<uint64_t>> events(jobs, std::vector<uint64_t>(inputs.size()));
    std::atomic<size_t> next{0};
    run(jobs, [&](size_t w) {
      format::DecodedChunk chunk;
      for (;;) {
        size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= work.size())
          return;
        const WorkItem& item = work[i];
        const Input& in = inputs[item.trace];
        Status st = in.reader->ReadChunk(item.chunk, &chunk);
        if (!st.ok()) {
          std::lock_guard lock(error_mu);
          damaged[item.trace]++;
          skipped[item.trace].push_back(in.reader->SkippedChunkWarning(item.chunk, st));
          continue;
        }
        for (size_t e = 0; e < chunk.size(); e++)
          FeedEvent(item.trace, *chunk.event(e), in.filter, &partial[w]);
        events[w][item.trace] += chunk.size();
      }
    });
    if (!error.ok())
      return error;
    for (size_t w = 0; w < jobs; w++) {
      result.aggregate.Merge(partial[w]);
      for (size_t t = 0; t < inputs.size(); t++)
        result.traces[t].events += events[w][t];
    }
  }
  for (size_t t = 0; t < inputs.size(); t++) {
    result.damaged_chunks += damaged[t];
    result.warnings.insert(result.warnings.end(), skipped[t].begin(), skipped[t].end());
  }
  result.aggregate.set_track_threads(options.threads);
  result.aggregate.set_track_processes(options.processes);
  if (result.aggregate.lost_events() > 0 && !footer_lost)
    result.warnings.push_back("the recorder lost " +
                              std::to_string(result.aggregate.lost_events()) +
                              " events; counts are lower bounds");
  return result;
}

}  // namespace strec::analyze
