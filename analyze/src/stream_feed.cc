#include "strec/analyze/stream_feed.h"

#include <asm/unistd.h>
#include <fcntl.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "strec/replay/decode.h"
#include "strec/replay/options.h"

namespace strec::analyze {
namespace {

using replay::Event;
using replay::EventType;
using replay::Syscall;

constexpr uint64_t kPrSetName = 15;
constexpr const char* kUnknown = "(unknown fd)";

enum class FileOp { kOther, kRead, kWrite };

FileOp OpOf(const Syscall& sc) {
  if (sc.arch != format::kArchX86_64)
    return FileOp::kOther;
  switch (sc.nr) {
    case __NR_read:
    case __NR_pread64:
    case __NR_readv:
    case __NR_preadv:
    case __NR_preadv2:
    case __NR_recvfrom:
    case __NR_recvmsg:
      return FileOp::kRead;
    case __NR_write:
    case __NR_pwrite64:
    case __NR_writev:
    case __NR_pwritev:
    case __NR_pwritev2:
    case __NR_sendto:
    case __NR_sendmsg:
      return FileOp::kWrite;
    default:
      return FileOp::kOther;
  }
}

// sendfile, splice, tee and copy_file_range move data from one fd to another without it
// passing through the process: what they return is read from one file and written to the other.
bool TransferFds(const Syscall& sc, int* in_arg, int* out_arg) {
  if (sc.arch != format::kArchX86_64)
    return false;
  switch (sc.nr) {
    case __NR_sendfile:  // (out_fd, in_fd, offset, count)
      *in_arg = 1;
      *out_arg = 0;
      return true;
    case __NR_splice:  // (fd_in, off_in, fd_out, off_out, len, flags)
    case __NR_copy_file_range:
      *in_arg = 0;
      *out_arg = 2;
      return true;
    case __NR_tee:  // (fd_in, fd_out, len, flags)
      *in_arg = 0;
      *out_arg = 1;
      return true;
    default:
      return false;
  }
}

// A path argument made absolute through the thread's cwd or dirfd, when the state knows them;
// else the path as given.
std::string ResolvePath(const replay::State& state,
                        int32_t tid,
                        int64_t dirfd,
                        const std::string& path) {
  std::string resolved = state.ResolvePath(tid, dirfd, path);
  return resolved.empty() ? path : resolved;
}

int64_t FdArg(const Syscall& sc, int i) {
  return static_cast<int32_t>(sc.args[i]);
}

// What a call is about, in the syscall table's terms.
struct Shape {
  int fd_arg = -1;       // the first kFd argument
  int path_arg = -1;     // the first kPath argument
  int dirfd_arg = -1;    // the kDirFd argument before it
  bool new_fd = false;   // a successful call returns a new fd (kReturnsFd)
  int fd_pair_arg = -1;  // pipe/pipe2/socketpair: the argument holding two new fds
};

Shape ShapeOf(const format::SyscallInfo* info) {
  Shape s;
  if (!info)
    return s;
  s.new_fd = info->classes & format::kReturnsFd;
  for (int i = 0; i < info->nargs && i < 6; i++) {
    const format::ArgSpec& a = info->args[i];
    if (a.kind == format::ArgKind::kFd && s.fd_arg < 0)
      s.fd_arg = i;
    else if (a.kind == format::ArgKind::kDirFd && s.path_arg < 0)
      s.dirfd_arg = i;
    else if (a.kind == format::ArgKind::kPath && s.path_arg < 0)
      s.path_arg = i;
    else if (a.kind == format::ArgKind::kOutStruct && a.param &&
             std::strcmp(a.param, "fd_pair") == 0)
      s.fd_pair_arg = i;
  }
  return s;
}

class Feeder {
 public:
  Feeder(int32_t trace, replay::EventStream* stream, const EventFilter& filter, StreamSinks* sinks)
      : trace_(trace), stream_(stream), filter_(filter), sinks_(*sinks), agg_(*sinks->aggregate) {
    render_.decode_fds = sinks->slow_fd_paths ? 1 : 0;
    env_.opt = &render_;
    env_.state = &stream->state();
  }

  Status Run() {
    for (;;) {
      auto next = stream_->Next();
      if (!next.ok())
        return next.status();
      const Event* e = *next;
      if (!e)
        return OkStatus();
      sinks_.events++;
      OnEvent(*e);
      stream_->ApplyCurrent();
    }
  }

 private:
  void OnEvent(const Event& e) {
    if (e.type == EventType::kLoss) {
      agg_.AddLoss(e.lost_events);
      return;
    }
    if (!filter_.WantsPid(e.pid, e.tid))
      return;
    switch (e.type) {
      case EventType::kSyscallEntry:
        agg_.AddOther(trace_, e.pid, e.time_ns, e.tid);
        return;
      case EventType::kSyscall:
      case EventType::kSyscallExit:
        OnSyscall(e);
        return;
      case EventType::kSpawn:
        agg_.AddSpawn(trace_, format::SpawnRecord{e.tid, e.pid, e.fork_kind, e.child_tid,
                                                  e.child_pid, e.clone_flags, e.time_ns});
        return;
      case EventType::kExec: {
        format::ExecRecord r;
        r.tid = e.tid;
        r.pid = e.pid;
        r.former_tid = e.former_tid;
        r.path = e.path;
        r.envc = e.envc;
        r.time_ns = e.time_ns;
        agg_.AddExec(trace_, r);
        return;
      }
      case EventType::kExit:
        agg_.AddExit(trace_, format::ExitRecord{e.tid, e.pid, e.status, e.signal, e.core_dumped,
                                                e.thread_only, e.time_ns});
        return;
      case EventType::kFdSnapshot:
        agg_.AddSnapshot(trace_, e.pid, e.time_ns, e.argv.empty() ? "" : e.argv[0], e.cgroup);
        return;
      default:
        agg_.AddOther(trace_, e.pid, e.time_ns, e.tid);
        return;
    }
  }

  void OnSyscall(const Event& e) {
    const Syscall& sc = *e.syscall;
    uint64_t t = e.time_ns;
    if (t < filter_.since_ns || t > filter_.until_ns ||
        (filter_.syscalls && !filter_.syscalls->Contains(sc.nr))) {
      agg_.AddOther(trace_, e.pid, t, e.tid);
      return;
    }
    format::SyscallRecord r;
    r.tid = sc.tid;
    r.pid = sc.pid;
    r.phase = e.type == EventType::kSyscall ? fb::SyscallPhase::Complete : fb::SyscallPhase::Exit;
    r.arch = sc.arch;
    r.nr = sc.nr;
    r.ret = sc.ret;
    r.entry_ns = sc.entry_ns;
    r.exit_ns = sc.exit_ns;
    r.flags = sc.flags;  // as the records say, so both passes count alike
    agg_.AddSyscall(trace_, r);

    bool finished =
        sc.has_exit && !(sc.flags & (format::kSyscallNoReturn | format::kSyscallDetached));
    if (!finished)
      return;
    if (agg_.track_threads() && sc.arch == format::kArchX86_64 && sc.nr == __NR_prctl &&
        sc.args[0] == kPrSetName && sc.ret == 0)
      if (const replay::Buffer* b = sc.Find(1, false, format::kBufferString))
        agg_.AddThreadName(trace_, sc.tid, b->data, t);

    const format::SyscallInfo* info = stream_->table()->Find(sc.nr);
    // The summary's latency (0 when the entry was not seen).
    uint64_t latency = !(sc.flags & format::kSyscallNoEntry) && sc.exit_ns > sc.entry_ns
                           ? sc.exit_ns - sc.entry_ns
                           : 0;
    bool slow =
        sc.has_entry && sinks_.slow && sinks_.slow->Wants(latency, trace_, sc.entry_ns, sc.tid);
    replay::SyscallText text;
    if (slow)
      text = replay::DecodeSyscall(sc, info, env_);  // before the state sees the call (-y)
    // Files named before the call changes the state (close removes the fd).
    std::vector<std::string> paths;
    Shape shape;
    int in_arg = -1, out_arg = -1;  // sendfile and friends: the fds data moves between
    std::string in_path, out_path;
    if (sinks_.files) {
      shape = ShapeOf(info);
      const replay::State& st = stream_->state();
      if (TransferFds(sc, &in_arg, &out_arg)) {
        for (int arg : {in_arg, out_arg}) {
          int64_t fd = FdArg(sc, arg);
          const std::string* p = fd >= 0 ? st.FdPath(sc.tid, fd) : nullptr;
          std::string path = p ? *p : kUnknown;
          (arg == in_arg ? in_path : out_path) = path;
          if (fd >= 0 && std::find(paths.begin(), paths.end(), path) == paths.end())
            paths.push_back(std::move(path));
        }
      } else if (shape.fd_arg >= 0 && !(shape.new_fd && shape.path_arg >= 0)) {
        int64_t fd = FdArg(sc, shape.fd_arg);
        if (fd >= 0) {
          const std::string* p = st.FdPath(sc.tid, fd);
          paths.push_back(p ? *p : kUnknown);
        }
      } else if (shape.path_arg >= 0 && !(shape.new_fd && sc.error() == 0)) {
        const replay::Buffer* b = sc.Find(shape.path_arg, false, format::kBufferString);
        int64_t dirfd = shape.dirfd_arg >= 0 ? FdArg(sc, shape.dirfd_arg) : AT_FDCWD;
        if (b && !b->read_errno && !b->data.empty()) {
          paths.push_back(ResolvePath(st, sc.tid, dirfd, b->data));
        } else if (b && !b->read_errno && dirfd >= 0) {
          // An empty path with AT_EMPTY_PATH (fstat through newfstatat): the dirfd's file.
          const std::string* p = st.FdPath(sc.tid, dirfd);
          paths.push_back(p ? *p : kUnknown);
        }
      }
    }
    stream_->ApplyCurrent();
    std::vector<std::string> opened;
    if (sinks_.files && (shape.new_fd || shape.fd_pair_arg >= 0) && sc.error() == 0) {
      // The new fds' files, as the state now knows them.
      const replay::State& st = stream_->state();
      std::vector<int64_t> fds;
      if (shape.fd_pair_arg >= 0) {
        const replay::Buffer* b = sc.Find(shape.fd_pair_arg, true);
        if (b && b->data.size() >= 8) {
          int32_t pair[2];
          std::memcpy(pair, b->data.data(), 8);
          fds = {pair[0], pair[1]};
        }
      } else {
        fds = {sc.ret};
      }
      for (int64_t fd : fds) {
        const std::string* p = st.FdPath(sc.tid, fd);
        std::string path = p ? *p : kUnknown;
        // dup() and friends name a file already open: not an open of it.
        bool dup = std::find(paths.begin(), paths.end(), path) != paths.end();
        if (!dup && std::find(opened.begin(), opened.end(), path) == opened.end())
          opened.push_back(path);
        if (std::find(paths.begin(), paths.end(), path) == paths.end())
          paths.push_back(std::move(path));
      }
    }
    if (sinks_.files) {
      FileOp op = OpOf(sc);
      int err = sc.error();
      uint64_t bytes = err == 0 && sc.ret > 0 ? static_cast<uint64_t>(sc.ret) : 0;
      for (const std::string& path : paths) {
        FileStats& f = sinks_.files->For(path);
        f.calls++;
        f.errors += err != 0;
        f.syscall_ns += latency;
        f.opens += std::find(opened.begin(), opened.end(), path) != opened.end();
        bool read = op == FileOp::kRead || (in_arg >= 0 && path == in_path);
        bool write = op == FileOp::kWrite || (out_arg >= 0 && path == out_path);
        if (err == 0 && read) {
          f.reads++;
          f.read_bytes += bytes;
        }
        if (err == 0 && write) {
          f.writes++;
          f.write_bytes += bytes;
        }
      }
    }
    if (slow) {
      SlowCall c;
      c.trace = trace_;
      c.pid = sc.pid;
      c.tid = sc.tid;
      c.entry_ns = sc.entry_ns;
      c.exit_ns = std::max(sc.exit_ns, sc.entry_ns);
      c.text =
          text.name + "(" + text.entry + text.exit + " = " + replay::DecodeReturn(sc, info, env_);
      sinks_.slow->Add(std::move(c));
    }
  }

  int32_t trace_;
  replay::EventStream* stream_;
  const EventFilter& filter_;
  StreamSinks& sinks_;
  Aggregator& agg_;
  replay::RenderOptions render_;
  replay::DecodeEnv env_;
};

}  // namespace

Status FeedStream(int32_t trace,
                  replay::EventStream* stream,
                  const EventFilter& filter,
                  StreamSinks* sinks) {
  Feeder feeder(trace, stream, filter, sinks);
  return feeder.Run();
}

}  // namespace strec::analyze
