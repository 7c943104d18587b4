// many_processes OUT [PROCESSES [SYSCALLS_PER_PROCESS]]: writes a synthetic trace of a build's
// shape (default: 100,000 short processes of 10 syscalls each, 1M in all: a root process forks
// each child, which execs, opens a file, reads, writes, closes and exits), to measure what
// reading it costs in memory: readers must be bounded by the live processes, not by every
// process the trace ever saw. bench/README.md, "Memory on a long trace", gives the commands
// and the figures.
#include <asm/unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strec/format/trace_writer.h"

int main(int argc, char** argv) {
  using namespace strec::format;
  namespace fb = strec::fb;
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: many_processes OUT [PROCESSES [SYSCALLS_PER_PROCESS]]\n");
    return 2;
  }
  const int processes = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int per_process = argc > 3 ? std::atoi(argv[3]) : 10;
  HeaderInfo h = HeaderInfo::ForThisHost();
  h.command = {"make", "-j8"};
  WriterOptions o;
  o.replace = true;
  auto w = TraceWriter::Create(argv[1], h, o);
  if (!w.ok()) {
    std::fprintf(stderr, "many_processes: %s\n", w.status().message().c_str());
    return 1;
  }
  TraceWriter& t = **w;
  uint64_t now = 1'000'000'000;
  const int32_t root = 1000;
  std::string path, data(64, 'x');
  for (int p = 0; p < processes; p++) {
    int32_t pid = 2000 + p % 4'000'000;
    t.Add(SpawnRecord{root, root, fb::ForkKind::Clone, pid, pid, 0x1200011, now++});
    path = "/usr/bin/cc" + std::to_string(p % 7);
    std::string_view args[] = {path, "-c", "x.c"};
    t.Add(ExecRecord{pid, pid, 0, path, args, 20, now++});
    for (int k = 0; k < per_process; k++) {
      SyscallRecord r;
      r.tid = r.pid = pid;
      r.entry_ns = now;
      r.exit_ns = now + 500;
      now += 1000;
      BufferRecord b;
      switch (k % 4) {
        case 0:  // openat(AT_FDCWD, "src/N.c", O_RDONLY) = 3
          r.nr = __NR_openat;
          r.args[0] = static_cast<uint64_t>(-100);
          path = "src/" + std::to_string(p % 1000) + ".c";
          b.arg = 1;
          b.kind = kBufferString;
          b.full_len = path.size();
          b.data = {reinterpret_cast<const uint8_t*>(path.data()), path.size()};
          r.ret = 3;
          break;
        case 1:  // read(3, ..., 64) = 64
        case 2:  // write(1, ..., 64) = 64
          r.nr = k % 4 == 1 ? __NR_read : __NR_write;
          r.args[0] = k % 4 == 1 ? 3 : 1;
          r.args[2] = 64;
          b.arg = 1;
          b.out = k % 4 == 1;
          b.full_len = 64;
          b.data = {reinterpret_cast<const uint8_t*>(data.data()), data.size()};
          r.ret = 64;
          break;
        default:  // close(3) = 0
          r.nr = __NR_close;
          r.args[0] = 3;
          break;
      }
      if (b.full_len)
        r.buffers = {&b, 1};
      t.Add(r);
    }
    t.Add(ExitRecord{pid, pid, 0, 0, false, false, now++});
  }
  strec::Status st = t.Close();
  if (!st.ok()) {
    std::fprintf(stderr, "many_processes: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}
