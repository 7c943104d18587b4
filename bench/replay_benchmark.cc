// strec-replay throughput: renders a synthetic trace of 200k syscalls (a realistic mix with
// captured paths, data and structs, in two processes) as strace text to /dev/null through
// replay::Replay, the call strec-replay makes. items_per_second is syscalls/s; the lines_per_s and
// bytes_per_s counters are the text produced. Arg decor:0 renders with the default options,
// decor:1 with -tt -T -y.
// Run: build/bench/replay_benchmark --benchmark_filter=BM_Replay
#include <benchmark/benchmark.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "strec/format/trace_writer.h"
#include "strec/replay/replay.h"
#include "support/synthetic_trace.h"

namespace {

using namespace strec;

constexpr int kSyscalls = 200'000;

// 8 syscalls that a dynamically linked program makes all the time, repeated: openat (a path),
// fstat (a struct), read (832 bytes, 256 kept), close, write (64 bytes), getppid, mmap, and an
// openat that fails with ENOENT. Two processes (parent and a forked child) alternate, so every
// line carries strace -f's "[pid N]" prefix.
class TraceFixture : public testing::SyntheticTrace {
 public:
  TraceFixture()
      : SyntheticTrace("strec-replay-bench", [](format::TraceWriter& w, uint64_t t) {
          format::SpawnRecord spawn;
          spawn.tid = spawn.pid = 1000;
          spawn.kind = fb::ForkKind::Fork;
          spawn.child_tid = spawn.child_pid = 1001;
          spawn.time_ns = t;
          w.Add(spawn);

          static const char kLib[] = "/lib/x86_64-linux-gnu/libc.so.6";
          static const char kMissing[] = "/etc/ld.so.preload";
          static const uint8_t kData[64] =
              "strec replay benchmark: 64 bytes of text written to stdout\n";
          uint8_t elf[256] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 3};
          for (size_t i = 8; i < sizeof elf; i++)
            elf[i] = static_cast<uint8_t>(i * 7);
          struct stat st = {};
          st.st_dev = 0x803;
          st.st_ino = 1234567;
          st.st_mode = S_IFREG | 0755;
          st.st_nlink = 1;
          st.st_size = 1922136;
          st.st_blksize = 4096;
          st.st_blocks = 3760;
          const auto* st_bytes = reinterpret_cast<const uint8_t*>(&st);

          for (int i = 0; i < kSyscalls; i++) {
            format::SyscallRecord s;
            format::BufferRecord b;
            s.tid = s.pid = 1000 + i % 2;
            s.entry_ns = t += 700;
            s.exit_ns = t += 300 + i % 5000;
            switch (i % 8) {
              case 0:
              case 7: {  // openat(AT_FDCWD, path, O_RDONLY|O_CLOEXEC)
                const char* p = i % 8 == 0 ? kLib : kMissing;
                size_t len = i % 8 == 0 ? sizeof kLib - 1 : sizeof kMissing - 1;
                s.nr = 257;
                s.args[0] = static_cast<uint64_t>(-100);
                s.args[1] = 0x7ffc1000;
                s.args[2] = 02000000;
                s.ret = i % 8 == 0 ? 3 : -2;
                b.arg = 1;
                b.kind = format::kBufferString;
                b.addr = s.args[1];
                b.full_len = len;
                b.data = {reinterpret_cast<const uint8_t*>(p), len};
                break;
              }
              case 1:  // fstat(3, {...})
                s.nr = 5;
                s.args[0] = 3;
                s.args[1] = 0x7ffc2000;
                b.arg = 1;
                b.out = true;
                b.addr = s.args[1];
                b.full_len = sizeof st;
                b.data = {st_bytes, sizeof st};
                break;
              case 2:  // read(3, "\177ELF...", 832) = 832
                s.nr = 0;
                s.args[0] = 3;
                s.args[1] = 0x7ffc3000;
                s.args[2] = 832;
                s.ret = 832;
                b.arg = 1;
                b.out = true;
                b.addr = s.args[1];
                b.full_len = 832;
                b.data = {elf, sizeof elf};
                break;
              case 3:  // close(3)
                s.nr = 3;
                s.args[0] = 3;
                break;
              case 4:  // write(1, "...", 64)
                s.nr = 1;
                s.args[0] = 1;
                s.args[1] = 0x55550000;
                s.args[2] = sizeof kData;
                s.ret = sizeof kData;
                b.arg = 1;
                b.addr = s.args[1];
                b.full_len = sizeof kData;
                b.data = {kData, sizeof kData};
                break;
              case 5:  // getppid()
                s.nr = 110;
                s.ret = 999;
                break;
              default:  // mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
                s.nr = 9;
                s.args[1] = 8192;
                s.args[2] = 3;
                s.args[3] = 0x22;
                s.args[4] = static_cast<uint64_t>(-1);
                s.ret = 0x7f0000000000 + static_cast<int64_t>(i) * 8192;
                break;
            }
            if (b.data.size() > 0)
              s.buffers = {&b, 1};
            w.Add(s);
          }
          for (int pid : {1001, 1000}) {
            format::ExitRecord e;
            e.tid = e.pid = pid;
            e.time_ns = t += 1000;
            w.Add(e);
          }
        }) {}
};

const TraceFixture& Fixture() {
  static const TraceFixture fixture;  // built once, in the first setup; removed at exit
  return fixture;
}

// Renders the fixture to /dev/null: strace's text (decor 0: default options, 1: -tt -T -y), or
// with json set the --json lines.
void Render(benchmark::State& state, bool json) {
  replay::ReplayConfig config;
  config.traces = {Fixture().path()};
  config.json = json;
  if (state.range(0)) {  // -tt -T -y
    config.render.timestamps = 2;
    config.render.syscall_times = true;
    config.render.decode_fds = 1;
  }
  // Lines and bytes of one rendering, counted once, outside the timed loop.
  auto text = replay::ReplayToString(config.traces[0], config.render, json);
  if (!text.ok()) {
    state.SkipWithError(text.status().message().c_str());
    return;
  }
  const auto lines = static_cast<double>(std::count(text->begin(), text->end(), '\n'));
  const auto bytes = static_cast<double>(text->size());

  FILE* null_sink = fopen("/dev/null", "we");
  if (!null_sink) {
    state.SkipWithError("cannot open /dev/null");
    return;
  }
  for (auto _ : state) {
    Status st = replay::Replay(config, null_sink);
    if (!st.ok()) {
      state.SkipWithError(st.message().c_str());
      break;
    }
  }
  fclose(null_sink);
  state.SetItemsProcessed(state.iterations() * kSyscalls);
  state.counters["lines_per_s"] = benchmark::Counter(
      lines * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_s"] = benchmark::Counter(
      bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_line"] = lines > 0 ? bytes / lines : 0;
}

void BM_Replay_Render(benchmark::State& state) {
  Render(state, false);
}
BENCHMARK(BM_Replay_Render)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("decor")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Replay_RenderJson(benchmark::State& state) {
  Render(state, true);
}
BENCHMARK(BM_Replay_RenderJson)
    ->Arg(0)
    ->ArgName("decor")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
