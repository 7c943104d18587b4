// strec-analyze throughput: the default summary (strace -c -w table) over a synthetic trace of
// about 1M syscalls, decoded on 1 and 2 threads. items_per_second is syscalls/s.
// Run: build/bench/analyze_benchmark --benchmark_filter=BM_Analyze
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "strec/analyze/analyze.h"
#include "strec/analyze/report.h"
#include "strec/format/trace_writer.h"

namespace {

using namespace strec;

constexpr int kSyscalls = 1'000'000;

// A realistic mix without buffers (analysis reads none): 8 syscalls, 1 in 16 failing,
// latencies spread over three orders of magnitude, 4 processes.
class TraceFixture {
 public:
  TraceFixture() {
    char tmpl[] = "/tmp/strec-analyze-bench-XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    path_ = tmpl;
    format::HeaderInfo h = format::HeaderInfo::ForThisHost();
    h.command = {"bench"};
    auto w = format::TraceWriter::Create(path_, h);
    if (!w.ok())
      std::abort();
    static const int kNrs[] = {0, 1, 3, 9, 110, 202, 232, 257};
    uint64_t t = h.monotonic_ns;
    for (int i = 0; i < kSyscalls; i++) {
      format::SyscallRecord s;
      s.tid = s.pid = 1000 + i % 4;
      s.nr = kNrs[i % 8];
      s.ret = i % 16 == 0 ? -11 : 0;
      s.entry_ns = t += 500;
      s.exit_ns = t += 100 + (static_cast<uint64_t>(i) * 2654435761u) % 100'000;
      (*w)->Add(s);
    }
    if (!(*w)->Close().ok())
      std::abort();
  }
  ~TraceFixture() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
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

}  // namespace
