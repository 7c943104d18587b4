#include "replay/replay_builder.h"

#include <cstring>
#include <stdexcept>

namespace strec::testing {

ReplayTraceBuilder::ReplayTraceBuilder(const std::string& path) {
  format::HeaderInfo h = format::HeaderInfo::ForThisHost();
  h.command = {"test"};
  h.monotonic_ns = t_;
  h.realtime_ns = 1'700'000'000'000'000'000ull;  // 2023-11-14T22:13:20Z
  auto w = format::TraceWriter::Create(path, h, format::WriterOptions());
  if (!w.ok())
    throw std::runtime_error(w.status().message());
  w_ = std::move(w).value();
}

ReplayTraceBuilder::~ReplayTraceBuilder() {
  if (w_)
    Finish();
}

void ReplayTraceBuilder::Syscall(int tid,
                                 int pid,
                                 int nr,
                                 std::vector<uint64_t> args,
                                 int64_t ret,
                                 std::vector<Buf> bufs,
                                 fb::SyscallPhase phase,
                                 uint32_t flags) {
  std::vector<format::BufferRecord> recs;
  for (const Buf& b : bufs) {
    format::BufferRecord r;
    r.arg = b.arg;
    r.out = b.out;
    r.kind = b.kind;
    r.index = b.index;
    r.addr = 0x1000 + b.arg * 0x100;
    r.full_len = b.full_len == ~0ull ? b.data.size() : b.full_len;
    r.read_errno = b.read_errno;
    r.data = {reinterpret_cast<const uint8_t*>(b.data.data()), b.data.size()};
    recs.push_back(r);
  }
  format::SyscallRecord s;
  s.tid = tid;
  s.pid = pid ? pid : tid;
  s.phase = phase;
  s.nr = nr;
  for (size_t i = 0; i < args.size() && i < 6; i++)
    s.args[i] = args[i];
  s.ret = ret;
  t_ += 1000;
  if (phase == fb::SyscallPhase::Entry) {
    s.entry_ns = t_;
    entry_ns_[tid & 0xffff] = t_;
  } else if (phase == fb::SyscallPhase::Exit) {
    s.entry_ns = entry_ns_[tid & 0xffff];
    s.exit_ns = t_;
  } else {
    s.entry_ns = t_;
    t_ += 500;
    s.exit_ns = t_;
  }
  s.flags = flags;
  s.buffers = recs;
  w_->Add(s);
}

void ReplayTraceBuilder::Entry(int tid,
                               int nr,
                               std::vector<uint64_t> args,
                               std::vector<Buf> bufs,
                               int pid) {
  Syscall(tid, pid, nr, std::move(args), 0, std::move(bufs), fb::SyscallPhase::Entry);
}

void ReplayTraceBuilder::Exit(int tid,
                              int nr,
                              std::vector<uint64_t> args,
                              int64_t ret,
                              std::vector<Buf> bufs,
                              uint32_t flags,
                              int pid) {
  Syscall(tid, pid, nr, std::move(args), ret, std::move(bufs), fb::SyscallPhase::Exit, flags);
}

void ReplayTraceBuilder::Signal(int tid,
                                int pid,
                                int signo,
                                int code,
                                int sender,
                                bool group_stop) {
  uint8_t info[128] = {};
  std::memcpy(info, &signo, 4);
  std::memcpy(info + 8, &code, 4);
  std::memcpy(info + 16, &sender, 4);
  t_ += 1000;
  w_->Add(format::SignalRecord{tid, pid, signo, code, info, group_stop, t_});
}

void ReplayTraceBuilder::Spawn(int tid,
                               int pid,
                               int child_tid,
                               int child_pid,
                               uint64_t clone_flags) {
  t_ += 1000;
  w_->Add(
      format::SpawnRecord{tid, pid, fb::ForkKind::Clone, child_tid, child_pid, clone_flags, t_});
}

void ReplayTraceBuilder::Exec(int tid,
                              int former_tid,
                              const std::string& path,
                              std::vector<std::string> argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  t_ += 1000;
  w_->Add(format::ExecRecord{tid, tid, former_tid, path, views, 0, t_});
}

void ReplayTraceBuilder::Loss(int tid, uint64_t events, const std::string& reason) {
  t_ += 1000;
  w_->Add(format::LossRecord{tid, tid, events, 0, reason, t_});
}

void ReplayTraceBuilder::ProcessExit(int tid, int pid, int status, int signal, bool core) {
  format::ExitRecord e;
  e.tid = tid;
  e.pid = pid;
  e.status = status;
  e.signal = signal;
  e.core_dumped = core;
  e.thread_only = tid != pid;
  t_ += 1000;
  e.time_ns = t_;
  w_->Add(e);
}

void ReplayTraceBuilder::FdSnapshot(int pid,
                                    std::vector<std::pair<int, std::string>> fds,
                                    const std::string& cwd) {
  std::vector<format::FdEntryRecord> recs;
  for (const auto& [fd, path] : fds)
    recs.push_back({fd, path, {}});
  t_ += 1000;
  w_->Add(format::FdSnapshotRecord{pid, pid, recs, t_, cwd, {}, {}});
}

void ReplayTraceBuilder::Finish() {
  Status st = w_->Close();
  w_.reset();
  if (!st.ok())
    throw std::runtime_error(st.message());
}

}  // namespace strec::testing
