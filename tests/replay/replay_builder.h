// Builds small synthetic .strec traces in code for the replay tests: syscalls (complete, or as
// entry and exit records), signals, spawns, execs and exits, with captured buffers. No ptrace.
#ifndef STREC_TESTS_REPLAY_REPLAY_BUILDER_H_
#define STREC_TESTS_REPLAY_REPLAY_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strec/format/trace_writer.h"

namespace strec::testing {

struct Buf {
  uint8_t arg = 0;
  bool out = false;
  std::string data;
  uint8_t kind = format::kBufferPlain;
  uint32_t index = 0;
  uint64_t full_len = ~0ull;  // ~0: data.size()
  int32_t read_errno = 0;
};

class ReplayTraceBuilder {
 public:
  explicit ReplayTraceBuilder(const std::string& path);
  ~ReplayTraceBuilder();

  // A syscall record; `time` advances by 1000 ns per record.
  void Syscall(int tid,
               int pid,
               int nr,
               std::vector<uint64_t> args,
               int64_t ret,
               std::vector<Buf> bufs = {},
               fb::SyscallPhase phase = fb::SyscallPhase::Complete,
               uint32_t flags = 0);
  void Entry(int tid, int nr, std::vector<uint64_t> args, std::vector<Buf> bufs = {}, int pid = 0);
  void Exit(int tid,
            int nr,
            std::vector<uint64_t> args,
            int64_t ret,
            std::vector<Buf> bufs = {},
            uint32_t flags = 0,
            int pid = 0);
  void Signal(int tid, int pid, int signo, int code, int sender, bool group_stop = false);
  void Spawn(int tid, int pid, int child_tid, int child_pid, uint64_t clone_flags);
  void Exec(int tid, int former_tid, const std::string& path, std::vector<std::string> argv);
  void ProcessExit(int tid, int pid, int status, int signal = 0, bool core = false);
  void Loss(int tid, uint64_t events, const std::string& reason);
  void FdSnapshot(int pid,
                  std::vector<std::pair<int, std::string>> fds,
                  const std::string& cwd = "");
  // Closes the file; the builder cannot be used afterwards.
  void Finish();

  uint64_t time() const { return t_; }

 private:
  std::unique_ptr<format::TraceWriter> w_;
  uint64_t t_ = 1'000'000'000;
  uint64_t entry_ns_[1 << 16] = {};
};

}  // namespace strec::testing

#endif  // STREC_TESTS_REPLAY_REPLAY_BUILDER_H_
