// strec-analyze throughput, items_per_second = syscalls/s:
// - BM_Analyze_Summary: the default summary (strace -c -w table) over a synthetic trace of 1M
//   syscalls without buffers, chunks decoded on 1 and 2 threads (the chunk pass);
// - BM_Analyze_ByFile: --by file over 1M file syscalls with their buffers (paths, fd paths,
//   data), read in order through replay's EventStream and fd state (the stream pass).
// Run: build/bench/analyze_benchmark --benchmark_filter=BM_Analyze
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "strec/analyze/analyze.h"
#include "strec/analyze/report.h"
#include "strec/format/trace_writer.h"
#include "support/synthetic_trace.h"

namespace {

using namespace strec;

constexpr int kSyscalls = 1'000'000;

// A realistic mix without buffers (analysis reads none): 8 syscalls, 1 in 16 failing,
// latencies spread over three orders of magnitude, 4 processes.
class TraceFixture : public testing::SyntheticTrace {
 public:
  TraceFixture()
      : SyntheticTrace("strec-analyze-bench", [](format::TraceWriter& w, uint64_t t) {
          static const int kNrs[] = {0, 1, 3, 9, 110, 202, 232, 257};
          for (int i = 0; i < kSyscalls; i++) {
            format::SyscallRecord s;
            s.tid = s.pid = 1000 + i % 4;
            s.nr = kNrs[i % 8];
            s.ret = i % 16 == 0 ? -11 : 0;
            s.entry_ns = t += 500;
            s.exit_ns = t += 100 + (static_cast<uint64_t>(i) * 2654435761u) % 100'000;
            w.Add(s);
          }
        }) {}
};

// Files: 4 processes, each in turn opening one of 100 paths and doing 8 calls on it: openat
// (with the path and the recorder's fd path), three 64-byte reads, a write to the pipe on fd 1,
// fstat, lseek, close.
class FileTraceFixture : public testing::SyntheticTrace {
 public:
  FileTraceFixture()
      : SyntheticTrace("strec-analyze-bench", [](format::TraceWriter& w, uint64_t t) {
          for (int p = 0; p < 4; p++) {
            format::FdEntryRecord fds[] = {
                {0, "/dev/null", {}}, {1, "pipe:[4242]", {}}, {2, "/dev/null", {}}};
            format::FdSnapshotRecord snap;
            snap.tid = snap.pid = 1000 + p;
            snap.fds = fds;
            snap.time_ns = t;
            w.Add(snap);
          }
          static const int kNrs[] = {257, 0, 0, 0, 1, 5, 8, 3};
          const std::string data(64, 'x');
          for (int i = 0; i < kSyscalls; i++) {
            int step = i % 8;
            std::string path =
                "/data/dir" + std::to_string(i / 8 % 10) + "/file" + std::to_string(i / 80 % 10);
            format::BufferRecord bufs[2];
            size_t nbufs = 0;
            format::SyscallRecord s;
            s.tid = s.pid = 1000 + i / 8 % 4;
            s.nr = kNrs[step];
            s.args[0] = step == 0 ? static_cast<uint64_t>(-100) : step == 4 ? 1 : 3;
            s.ret = step == 0 ? 3 : step >= 1 && step <= 4 ? 64 : 0;
            if (step == 0) {
              bufs[0] = {1,
                         false,
                         format::kBufferString,
                         0,
                         0x1000,
                         path.size(),
                         0,
                         std::span(reinterpret_cast<const uint8_t*>(path.data()), path.size())};
              bufs[1] = {format::kArgReturn,
                         true,
                         format::kBufferFdPath,
                         0,
                         3,
                         path.size(),
                         0,
                         std::span(reinterpret_cast<const uint8_t*>(path.data()), path.size())};
              nbufs = 2;
            } else if (step <= 4) {
              bufs[0] = {1,
                         step != 4,
                         format::kBufferPlain,
                         0,
                         0x2000,
                         64,
                         0,
                         std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size())};
              nbufs = 1;
            }
            s.buffers = std::span(bufs, nbufs);
            s.entry_ns = t += 500;
            s.exit_ns = t += 100 + (static_cast<uint64_t>(i) * 2654435761u) % 100'000;
            w.Add(s);
          }
        }) {}
};

const TraceFixture& Fixture() {
  static const TraceFixture fixture;  // built once, in the first setup; removed at exit
  return fixture;
}

void BM_Analyze_Summary(benchmark::State& state) {
  const std::string& path = Fixture().path();
  analyze::AnalyzeOptions ao;
  ao.jobs = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto a = analyze::AnalyzeTraces({path}, ao);
    if (!a.ok()) {
      state.SkipWithError(a.status().message().c_str());
      return;
    }
    std::ostringstream out;
    if (!analyze::WriteReport(*a, {}, out).ok())
      state.SkipWithError("report failed");
    benchmark::DoNotOptimize(out.str());
  }
  state.SetItemsProcessed(state.iterations() * kSyscalls);
}
BENCHMARK(BM_Analyze_Summary)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("jobs")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Analyze_ByFile(benchmark::State& state) {
  static const FileTraceFixture fixture;  // built once; removed at exit
  analyze::AnalyzeOptions ao;
  ao.files = true;
  analyze::ReportOptions ro;
  ro.views = {analyze::View::kFiles};
  for (auto _ : state) {
    auto a = analyze::AnalyzeTraces({fixture.path()}, ao);
    if (!a.ok()) {
      state.SkipWithError(a.status().message().c_str());
      return;
    }
    std::ostringstream out;
    if (!analyze::WriteReport(*a, ro, out).ok())
      state.SkipWithError("report failed");
    benchmark::DoNotOptimize(out.str());
  }
  state.SetItemsProcessed(state.iterations() * kSyscalls);
}
BENCHMARK(BM_Analyze_ByFile)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
