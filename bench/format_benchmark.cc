// Format throughput: encode+compress (the recorder's side) and decompress+decode (the reader's).
// Run: build/bench/format_benchmark
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "strec/format/redact.h"
#include "strec/format/trace_reader.h"
#include "strec/format/trace_writer.h"
#include "support/synthetic_trace.h"

namespace {

using namespace strec::format;

// A realistic mix: mostly small syscalls (getppid-like, no buffers), some with a short path or
// 64 bytes of data. Times jitter as measured ones do (a few microseconds between stops, with
// nanosecond noise): constant steps would compress to nothing.
void WriteEvents(TraceWriter& w, int n) {
  static const uint8_t data[64] = "the quick brown fox jumps over the lazy dog, 0123456789";
  static const char path[] = "/usr/lib/x86_64-linux-gnu/libc.so.6";
  uint64_t t = 1'700'000'000'000'000'000u;
  uint64_t seed = 42;
  auto jitter = [&seed](uint64_t range) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return (seed >> 33) % range;
  };
  for (int i = 0; i < n; i++) {
    BufferRecord b;
    SyscallRecord s;
    s.tid = s.pid = 4242;
    s.entry_ns = t += 5000 + jitter(20000);
    s.exit_ns = t += 1000 + jitter(3000);
    switch (i % 4) {
      case 0:
      case 1:
        s.nr = 110;  // getppid
        s.ret = 4241;
        break;
      case 2:
        s.nr = 1;  // write
        s.args[0] = 1;
        s.args[1] = 0x55550000;
        s.args[2] = 64;
        s.ret = 64;
        b = {1, false, 0, 0, 0x55550000, 64, 0, {data, 64}};
        s.buffers = {&b, 1};
        break;
      default:
        s.nr = 257;  // openat
        s.args[0] = static_cast<uint64_t>(-100);
        s.args[1] = 0x7ffc0000;
        s.ret = 3;
        b = {1,          false,
             3,          0,
             0x7ffc0000, sizeof path - 1,
             0,          {reinterpret_cast<const uint8_t*>(path), sizeof path - 1}};
        s.buffers = {&b, 1};
    }
    w.Add(s);
  }
}

// Arg 1: with every redaction (strec-record --redact=all): the classification, the keyed digest
// of each buffer and the path tokens, on the recorder's thread.
void BM_Format_EncodeCompress(benchmark::State& state) {
  std::string path = strec::testing::FreshTempPath("strec-bench");
  const int n = 200'000;
  uint64_t bytes = 0;
  WriterOptions options;
  options.replace = true;  // the same file each iteration
  if (state.range(0)) {
    auto r = Redactor::Create(kRedactAll, "");
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    options.redactor = std::move(r).value();
  }
  for (auto _ : state) {
    auto w = TraceWriter::Create(path, HeaderInfo::ForThisHost(), options);
    WriteEvents(**w, n);
    if (!(*w)->Close().ok())
      state.SkipWithError("close failed");
    bytes = (*w)->bytes_written();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["file_bytes_per_event"] = static_cast<double>(bytes) / n;
  unlink(path.c_str());
}
BENCHMARK(BM_Format_EncodeCompress)
    ->ArgName("redact")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Format_DecompressDecode(benchmark::State& state) {
  std::string path = strec::testing::FreshTempPath("strec-bench");
  const int n = 200'000;
  {
    auto w = TraceWriter::Create(path, HeaderInfo::ForThisHost());
    WriteEvents(**w, n);
    (void)(*w)->Close();
  }
  uint64_t raw = 0;
  for (auto _ : state) {
    auto r = TraceReader::Open(path);
    uint64_t sum = 0;
    raw = 0;
    DecodedChunk c;
    for (size_t i = 0; i < (*r)->chunks().size(); i++) {
      if (!(*r)->ReadChunk(i, &c).ok())
        state.SkipWithError("read failed");
      raw += c.raw_size();
      for (size_t e = 0; e < c.size(); e++) {
        const auto* s = c.event(e)->body_as_Syscall();
        sum += s->nr() + s->ret();
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * raw);
  unlink(path.c_str());
}
BENCHMARK(BM_Format_DecompressDecode)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
