#include "strec/replay/event_stream.h"

#include <linux/prctl.h>

#include <asm/unistd.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

namespace strec::replay {

using fb::Body;
using fb::SyscallPhase;

const Buffer* Syscall::Find(int arg, bool out, uint8_t kind, uint32_t index) const {
  for (const Buffer& b : buffers)
    if (b.arg == arg && b.out == out && b.kind == kind && b.index == index)
      return &b;
  return nullptr;
}

const Buffer* Syscall::FindAny(int arg, uint8_t kind) const {
  if (const Buffer* b = Find(arg, true, kind))
    return b;
  return Find(arg, false, kind);
}

// ---- State ----

namespace {

constexpr int64_t kAtFdcwd = -100;

// Lexical normalisation of an absolute path: "//", "." and ".." removed.
std::string Normalize(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos)
      j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty())
        parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts)
    out += "/" + p;
  return out.empty() ? "/" : out;
}

uint64_t Arg(const Syscall& sc, int i) {
  return sc.args[i];
}

int Fd(const Syscall& sc, int i) {
  return static_cast<int>(static_cast<int32_t>(sc.args[i]));
}

std::string StringArg(const Syscall& sc, int i) {
  const Buffer* b = sc.Find(i, false, format::kBufferString);
  return b && !b->read_errno ? b->data : std::string();
}

}  // namespace

namespace {

constexpr size_t kCommMax = 15;  // TASK_COMM_LEN - 1

// The name the kernel gives a process that executes `path`: its last component, cut to 15.
std::string CommOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return path.substr(slash == std::string::npos ? 0 : slash + 1, kCommMax);
}

}  // namespace

const std::string* State::Comm(int32_t tid) const {
  auto it = threads_.find(tid);
  return it == threads_.end() || it->second.comm.empty() ? nullptr : &it->second.comm;
}

ThreadInfo& State::Touch(int32_t tid, int32_t pid) {
  auto it = threads_.find(tid);
  if (it != threads_.end()) {
    if (pid)
      it->second.pid = pid;
    return it->second;
  }
  ThreadInfo t;
  t.tid = tid;
  t.pid = pid ? pid : tid;
  // A thread of a known process shares its tables; anything else starts empty.
  auto leader = threads_.find(t.pid);
  if (leader != threads_.end() && t.pid != tid) {
    t.fds = leader->second.fds;
    t.cwd = leader->second.cwd;
    t.comm = leader->second.comm;
  } else {
    t.fds = std::make_shared<FdTable>();
    t.cwd = std::make_shared<std::string>();
  }
  return threads_.emplace(tid, std::move(t)).first->second;
}

const ThreadInfo* State::Thread(int32_t tid) const {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : &it->second;
}

const std::string* State::Cwd(int32_t tid) const {
  const ThreadInfo* t = Thread(tid);
  if (!t || !t->cwd || t->cwd->empty())
    return nullptr;
  return t->cwd.get();
}

std::string State::ResolvePath(int32_t tid, int64_t dirfd, const std::string& path) const {
  const ThreadInfo* t = Thread(tid);
  return t ? Resolve(*t, dirfd, path) : "";
}

const std::string* State::FdPath(int32_t tid, int64_t fd) const {
  const ThreadInfo* t = Thread(tid);
  if (!t || !t->fds)
    return nullptr;
  auto it = t->fds->fds.find(static_cast<int>(fd));
  if (it == t->fds->fds.end() || it->second.path.empty())
    return nullptr;
  return &it->second.path;
}

const FdInfo* State::FdEntry(int32_t tid, int64_t fd) const {
  const ThreadInfo* t = Thread(tid);
  if (!t || !t->fds)
    return nullptr;
  auto it = t->fds->fds.find(static_cast<int>(fd));
  return it == t->fds->fds.end() ? nullptr : &it->second;
}

std::string State::Resolve(const ThreadInfo& t, int64_t dirfd, const std::string& path) const {
  if (path.empty())
    return "";
  if (path[0] == '/')
    return Normalize(path);
  std::string base;
  if (dirfd == kAtFdcwd) {
    base = t.cwd ? *t.cwd : "";
  } else if (const std::string* p = FdPath(t.tid, dirfd)) {
    base = *p;
  }
  if (base.empty() || base[0] != '/')
    return "";
  return Normalize(base + "/" + path);
}

// The kernel names an open file whose last link went away "PATH (deleted)". Other links are
// not known here: the first unlink of a path counts.
void State::MarkDeleted(const std::string& path) {
  if (path.empty())
    return;
  std::unordered_set<const FdTable*> done;  // threads share tables: each one once
  for (auto& [tid, t] : threads_) {
    if (!t.fds || !done.insert(t.fds.get()).second)
      continue;
    for (auto& [fd, info] : t.fds->fds)
      if (info.path == path && !info.Deleted()) {
        info.path += " (deleted)";
        info.named_deleted = false;
      }
  }
}

// Open files at or under `from` now live under `to`.
void State::Renamed(const std::string& from, const std::string& to) {
  if (from.empty() || to.empty() || from == "/")
    return;
  std::unordered_set<const void*> done;  // threads share tables and cwds: each one once
  for (auto& [tid, t] : threads_) {
    if (t.fds && done.insert(t.fds.get()).second) {
      for (auto& [fd, info] : t.fds->fds) {
        if (info.path == from && !info.Deleted()) {
          info.path = to;
          info.named_deleted = true;  // whatever it ends with is its name
        } else if (info.path.size() > from.size() && info.path.compare(0, from.size(), from) == 0 &&
                   info.path[from.size()] == '/')
          info.path = to + info.path.substr(from.size());
      }
    }
    if (t.cwd && !t.cwd->empty() && done.insert(t.cwd.get()).second) {
      std::string& c = *t.cwd;
      if (c == from)
        c = to;
      else if (c.size() > from.size() && c.compare(0, from.size(), from) == 0 &&
               c[from.size()] == '/')
        c = to + c.substr(from.size());
    }
  }
}

// A socket bound by bind or connect, or by the kernel at its first send (which binds even
// when the send then fails).
static void MarkBound(ThreadInfo& t, int64_t fd) {
  auto it = t.fds->fds.find(static_cast<int>(fd));
  if (it != t.fds->fds.end())
    it->second.socket_bound = true;
}

void State::ApplySyscall(const Syscall& sc) {
  ThreadInfo& t = Touch(sc.tid, sc.pid);
  if (sc.returned() && (sc.nr == __NR_sendto || sc.nr == __NR_sendmsg || sc.nr == __NR_sendmmsg))
    MarkBound(t, Fd(sc, 0));
  if (!sc.returned())
    return;
  if (sc.error()) {
    // A failed bind, connect or send may still have made its socket findable (a connect in
    // progress, a netlink socket autobound before the send failed).
    for (const Buffer& b : sc.buffers)
      if (b.kind == format::kBufferFdDetail && b.out && b.arg == 0 && Fd(sc, 0) >= 0)
        ApplyFdDetail(b.data, b.index & format::kFdDetailPeerIndex
                                  ? nullptr
                                  : &t.fds->fds[static_cast<int>(Fd(sc, 0))]);
    return;
  }
  if (sc.nr == __NR_prctl && static_cast<uint32_t>(sc.args[0]) == PR_SET_NAME) {
    const Buffer* name = sc.Find(1, false, format::kBufferString);
    if (name && !name->read_errno && !name->redacted)
      t.comm = name->data.substr(0, kCommMax);
  }
  FdTable& fds = *t.fds;
  const int64_t ret = sc.ret;
  auto add = [&](int64_t fd, std::string path, bool cloexec) {
    if (fd < 0)
      return;
    fds.fds[static_cast<int>(fd)] = FdInfo{std::move(path), cloexec};
  };
  auto copy = [&](int64_t from, int64_t to, bool cloexec) {
    auto it = fds.fds.find(static_cast<int>(from));
    FdInfo info = it == fds.fds.end() ? FdInfo{} : it->second;
    info.cloexec = cloexec;
    fds.fds[static_cast<int>(to)] = info;
  };
  switch (sc.nr) {
    case __NR_open:
      add(ret, Resolve(t, kAtFdcwd, StringArg(sc, 0)), Arg(sc, 1) & O_CLOEXEC);
      break;
    case __NR_creat:
      add(ret, Resolve(t, kAtFdcwd, StringArg(sc, 0)), false);
      break;
    case __NR_openat:
      add(ret, Resolve(t, Fd(sc, 0), StringArg(sc, 1)), Arg(sc, 2) & O_CLOEXEC);
      break;
    case __NR_openat2: {
      const Buffer* how = sc.Find(2, false);
      uint64_t flags = 0;
      if (how && how->data.size() >= 8)
        std::memcpy(&flags, how->data.data(), 8);
      add(ret, Resolve(t, Fd(sc, 0), StringArg(sc, 1)), flags & O_CLOEXEC);
      break;
    }
    case __NR_socket:
      add(ret, "", Arg(sc, 1) & SOCK_CLOEXEC);
      if (ret >= 0) {
        fds.fds[static_cast<int>(ret)].socket_family = static_cast<int32_t>(Arg(sc, 0));
        fds.fds[static_cast<int>(ret)].socket_protocol = static_cast<int32_t>(Arg(sc, 2));
      }
      break;
    case __NR_bind:
    case __NR_connect:
      MarkBound(t, Fd(sc, 0));
      break;
    case __NR_accept:
      add(ret, "", false);
      break;
    case __NR_accept4:
      add(ret, "", Arg(sc, 3) & SOCK_CLOEXEC);
      break;
    case __NR_pipe:
    case __NR_pipe2:
    case __NR_socketpair: {
      int arg = sc.nr == __NR_socketpair ? 3 : 0;
      const Buffer* b = sc.Find(arg, true);
      bool cloexec = sc.nr == __NR_pipe2        ? (Arg(sc, 1) & O_CLOEXEC)
                     : sc.nr == __NR_socketpair ? (Arg(sc, 1) & SOCK_CLOEXEC)
                                                : false;
      if (b && b->data.size() >= 8) {
        int32_t pair[2];
        std::memcpy(pair, b->data.data(), 8);
        add(pair[0], "", cloexec);
        add(pair[1], "", cloexec);
      }
      break;
    }
    case __NR_eventfd:
    case __NR_eventfd2:
    case __NR_epoll_create:
    case __NR_epoll_create1:
    case __NR_signalfd:
    case __NR_signalfd4:
    case __NR_timerfd_create:
    case __NR_inotify_init:
    case __NR_inotify_init1:
    case __NR_memfd_create:
    case __NR_pidfd_open:
    case __NR_userfaultfd:
    case __NR_perf_event_open:
    case __NR_io_uring_setup:
    case __NR_fanotify_init:
      add(ret, "", false);
      break;
    case __NR_dup:
      copy(Fd(sc, 0), ret, false);
      break;
    case __NR_dup2:
      if (Fd(sc, 0) != Fd(sc, 1))
        copy(Fd(sc, 0), Fd(sc, 1), false);
      break;
    case __NR_dup3:
      copy(Fd(sc, 0), Fd(sc, 1), Arg(sc, 2) & O_CLOEXEC);
      break;
    case __NR_fcntl: {
      uint32_t cmd = static_cast<uint32_t>(Arg(sc, 1));
      if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
        copy(Fd(sc, 0), ret, cmd == F_DUPFD_CLOEXEC);
      } else if (cmd == F_SETFD) {
        auto it = fds.fds.find(Fd(sc, 0));
        if (it != fds.fds.end())
          it->second.cloexec = Arg(sc, 2) & FD_CLOEXEC;
      }
      break;
    }
    case __NR_close:
      fds.fds.erase(Fd(sc, 0));
      break;
    case __NR_close_range: {
      uint64_t first = static_cast<uint32_t>(Arg(sc, 0)), last = static_cast<uint32_t>(Arg(sc, 1));
      for (auto it = fds.fds.begin(); it != fds.fds.end();) {
        uint64_t fd = static_cast<uint64_t>(it->first);
        if (fd >= first && fd <= last) {
          if (Arg(sc, 2) & 4 /* CLOSE_RANGE_CLOEXEC */) {
            it->second.cloexec = true;
          } else {
            it = fds.fds.erase(it);
            continue;
          }
        }
        ++it;
      }
      break;
    }
    case __NR_chdir: {
      std::string p = Resolve(t, kAtFdcwd, StringArg(sc, 0));
      *t.cwd = p;
      break;
    }
    case __NR_fchdir: {
      const std::string* p = FdPath(t.tid, Fd(sc, 0));
      *t.cwd = p ? *p : "";
      break;
    }
    case __NR_unlink:
    case __NR_rmdir:
      MarkDeleted(Resolve(t, kAtFdcwd, StringArg(sc, 0)));
      break;
    case __NR_unlinkat:
      MarkDeleted(Resolve(t, Fd(sc, 0), StringArg(sc, 1)));
      break;
    case __NR_rename:
      Renamed(Resolve(t, kAtFdcwd, StringArg(sc, 0)), Resolve(t, kAtFdcwd, StringArg(sc, 1)));
      break;
    case __NR_renameat:
    case __NR_renameat2:
      Renamed(Resolve(t, Fd(sc, 0), StringArg(sc, 1)), Resolve(t, Fd(sc, 2), StringArg(sc, 3)));
      break;
    default:
      break;
  }
  // fds received with SCM_RIGHTS (recvmsg): new entries, in the order of the control messages.
  std::vector<int32_t> received;
  if (sc.nr == __NR_recvmsg) {
    const Buffer* m = sc.Find(1, true);
    const Buffer* control = sc.Find(1, true, format::kBufferAux, 1);
    if (m && control && !control->read_errno && m->data.size() >= 48) {
      uint64_t controllen;
      std::memcpy(&controllen, m->data.data() + 40, 8);
      controllen = std::min<uint64_t>(controllen, control->data.size());
      const std::string& d = control->data;
      for (uint64_t off = 0; off + 16 <= controllen;) {
        uint64_t len;
        int32_t level, type;
        std::memcpy(&len, d.data() + off, 8);
        std::memcpy(&level, d.data() + off + 8, 4);
        std::memcpy(&type, d.data() + off + 12, 4);
        if (len < 16 || off + len > controllen)
          break;
        if (level == SOL_SOCKET && type == SCM_RIGHTS)
          for (uint64_t i = 16; i + 4 <= len; i += 4) {
            int32_t fd;
            std::memcpy(&fd, d.data() + off + i, 4);
            received.push_back(fd);
            add(fd, "", Arg(sc, 2) & MSG_CMSG_CLOEXEC);
          }
        off += (len + 7) & ~7ull;
      }
    }
  }
  // The recorder's readlink of each new fd and of the new working directory: what the kernel
  // says, preferred to the paths resolved above (symlinks, pipe and socket inodes).
  for (const Buffer& b : sc.buffers) {
    if (!b.out || b.read_errno)
      continue;
    if (b.kind == format::kBufferCwd && b.arg == format::kArgReturn) {
      *t.cwd = b.data;
    } else if (b.kind == format::kBufferFdPath || b.kind == format::kBufferFdDetail) {
      int64_t fd = -1;
      if (b.arg == format::kArgReturn) {
        fd = ret;
      } else if (sc.nr == __NR_recvmsg && b.arg == 1) {
        if (b.index < received.size())
          fd = received[b.index];
      } else if (b.arg < 6) {
        const Buffer* array = sc.Find(b.arg, true);
        int32_t v;
        if (array && b.index < 1024 && array->data.size() >= (b.index + 1) * 4ull) {
          std::memcpy(&v, array->data.data() + b.index * 4, 4);
          fd = v;
        } else if (!array && b.arg == 0 && b.kind == format::kBufferFdDetail) {
          fd = Fd(sc, 0);  // the socket a bind, connect or send changed
        }
      }
      if (b.kind == format::kBufferFdDetail) {
        bool peer = b.index & format::kFdDetailPeerIndex;  // another socket: by inode only
        ApplyFdDetail(
            b.data, fd >= 0 && fd <= INT32_MAX && !peer ? &fds.fds[static_cast<int>(fd)] : nullptr);
        continue;
      }
      if (fd < 0 || fd > INT32_MAX)
        continue;
      FdInfo& info = fds.fds[static_cast<int>(fd)];
      // A name ending in " (deleted)" is the file's own when the call opened it by that name.
      info.named_deleted = b.data.ends_with(" (deleted)") && info.path == b.data;
      info.path = b.data;
      info.detail.reset();  // a new fd: its detail, if any, follows
    }
  }
}

void State::ApplyFdDetail(const std::string& bytes, FdInfo* info) {
  std::string name;
  std::optional<format::FdDetail> d = format::DecodeFdDetail(bytes, &name);
  if (!d)
    return;
  // strace keeps its first answer for a socket (until another takes its slot).
  if (d->kind == format::kFdDetailSocket && d->found && d->inode && !Socket(d->inode))
    sockets_[d->inode % sockets_.size()] = {*d, std::move(name)};
  if (info)
    info->detail = *d;
}

void State::ApplyPidNs(int32_t tid, const fb::PidNs& x) {
  const auto* ns = x.ns();
  if (!ns || ns->size() < 2)
    return;
  PidNsIds& t = pid_ns_[tid];
  t.ns.assign(ns->begin(), ns->end());
  const flatbuffers::Vector<int32_t>* ids[4] = {x.tid(), x.tgid(), x.pgid(), x.sid()};
  for (int k = 0; k < 4; k++) {
    t.ids[k].assign(ns->size(), 0);
    if (ids[k] && ids[k]->size() == ns->size())
      t.ids[k].assign(ids[k]->begin(), ids[k]->end());
  }
}

int32_t State::RecorderPid(int32_t tid, int32_t id, int kind) const {
  auto me = pid_ns_.find(tid);
  if (me == pid_ns_.end() || id <= 0)
    return 0;
  uint64_t own = me->second.ns.back();
  // A task alive whose id, group or session has that number in the observer's namespace (the
  // four kinds share the numbers: a group's or session's id is its leader's pid).
  for (const auto& [other, t] : pid_ns_) {
    auto level = std::find(t.ns.begin() + 1, t.ns.end(), own);
    if (level == t.ns.end())
      continue;
    size_t k = static_cast<size_t>(level - t.ns.begin());
    for (int i = 0; i < 4; i++)
      if ((kind < 0 || kind == i) && t.ids[i][k] == id && t.ids[i][0] > 0)
        return t.ids[i][0];
  }
  return 0;
}

void State::Apply(const Event& e) {
  switch (e.type) {
    case EventType::kSyscall:
    case EventType::kSyscallExit:
      ApplySyscall(*e.syscall);
      break;
    case EventType::kSyscallEntry:
      Touch(e.tid, e.pid);
      break;
    case EventType::kSpawn: {
      ThreadInfo& parent = Touch(e.tid, e.pid);
      std::shared_ptr<FdTable> fds = parent.fds;
      std::shared_ptr<std::string> cwd = parent.cwd;
      bool thread = e.child_pid == e.pid && e.child_tid != e.child_pid;
      int32_t parent_pid = parent.pid;
      if (!(e.clone_flags & CLONE_FILES) && !thread)
        fds = std::make_shared<FdTable>(*fds);
      if (!(e.clone_flags & CLONE_FS) && !thread)
        cwd = std::make_shared<std::string>(*cwd);
      ThreadInfo& child = threads_[e.child_tid];
      child.tid = e.child_tid;
      child.pid = e.child_pid ? e.child_pid : e.child_tid;
      child.parent_pid = thread ? parent.parent_pid : parent_pid;
      child.fds = fds;
      child.cwd = cwd;
      child.comm = parent.comm;
      break;
    }
    case EventType::kExec: {
      ThreadInfo& t = Touch(e.tid, e.pid);
      if (e.former_tid && e.former_tid != e.tid) {
        threads_.erase(e.former_tid);  // its id is gone: the thread now has the leader's
      }
      // execve unshares the fd table and closes the close-on-exec descriptors.
      auto fds = std::make_shared<FdTable>();
      for (const auto& [fd, info] : t.fds->fds)
        if (!info.cloexec)
          fds->fds[fd] = info;
      t.fds = fds;
      t.pid = t.tid;
      t.comm = CommOf(e.path);
      break;
    }
    case EventType::kExit:
      // The thread is forgotten with its tables (the other threads keep theirs, shared): a long
      // trace of many short processes keeps nothing of the ended ones. Its id coming back is a
      // new thread.
      threads_.erase(e.tid);
      pid_ns_.erase(e.tid);
      break;
    case EventType::kFdSnapshot: {
      // The complete table at that moment (after the started command's exec, or at attach):
      // it replaces what was inferred. "pipe:[N]" and friends are kept, strace -y prints them.
      ThreadInfo& t = Touch(e.tid, e.pid);
      t.fds->fds.clear();
      for (size_t i = 0; i < e.fds.size(); i++) {
        FdInfo& info = t.fds->fds[e.fds[i].first];
        info = FdInfo{e.fds[i].second, false};
        if (i < e.fd_details.size())
          ApplyFdDetail(e.fd_details[i], &info);
      }
      if (!e.cwd.empty())
        *t.cwd = e.cwd;
      if (t.comm.empty() && !e.argv.empty())
        t.comm = CommOf(e.argv[0]);  // attached: its command line's name
      break;
    }
    default:
      Touch(e.tid, e.pid);
      break;
  }
}

// ---- EventStream ----

StatusOr<std::unique_ptr<EventStream>> EventStream::Open(const std::string& path,
                                                         const format::ReadOptions& options) {
  auto r = format::TraceReader::Open(path, options);
  if (!r.ok())
    return r.status();
  return std::make_unique<EventStream>(std::move(r).value());
}

StatusOr<std::unique_ptr<EventStream>> EventStream::Open(const std::vector<std::string>& paths,
                                                         const format::ReadOptions& options) {
  auto r = format::TraceReader::OpenParts(paths, options);
  if (!r.ok())
    return r.status();
  return std::make_unique<EventStream>(std::move(r).value());
}

EventStream::EventStream(std::unique_ptr<format::TraceReader> reader)
    : reader_(std::move(reader)),
      table_(format::SyscallTable::ForArch(reader_->header().arch() ? reader_->header().arch()
                                                                    : format::kArchX86_64)),
      state_(table_) {
  if (!table_)
    table_ = format::SyscallTable::ForArch(format::kArchX86_64);
}

const Syscall* EventStream::Pending(int32_t tid) const {
  auto it = pending_.find(tid);
  return it == pending_.end() ? nullptr : it->second.get();
}

void EventStream::ApplyCurrent() {
  if (current_applied_)
    return;
  current_applied_ = true;
  if (has_current_)
    state_.Apply(Slot(0));
}

std::shared_ptr<Syscall> EventStream::NewSyscall() {
  if (free_syscalls_.empty())
    return std::make_shared<Syscall>();
  std::shared_ptr<Syscall> sc = std::move(free_syscalls_.back());
  free_syscalls_.pop_back();
  return sc;
}

void EventStream::Recycle(std::shared_ptr<Syscall>* sc) {
  if (*sc && sc->use_count() == 1) {
    Syscall& s = **sc;
    for (Buffer& b : s.buffers)
      free_buffers_.push_back(std::move(b));
    std::vector<Buffer> buffers = std::move(s.buffers);
    buffers.clear();
    s = Syscall();
    s.buffers = std::move(buffers);
    free_syscalls_.push_back(std::move(*sc));
  }
  sc->reset();
}

void EventStream::Recycle(std::shared_ptr<const Syscall>* sc) {
  std::shared_ptr<Syscall> s = std::const_pointer_cast<Syscall>(std::move(*sc));
  sc->reset();
  Recycle(&s);
}

void EventStream::CopyBuffers(const fb::Syscall& s, std::vector<Buffer>* out) {
  if (!s.buffers())
    return;
  for (const fb::Buffer* b : *s.buffers()) {
    Buffer x;
    if (!free_buffers_.empty()) {
      x = std::move(free_buffers_.back());
      free_buffers_.pop_back();
    }
    x.arg = b->arg();
    x.out = b->out();
    x.kind = b->kind();
    x.index = b->index();
    x.addr = b->addr();
    x.full_len = b->full_len();
    x.read_errno = b->read_errno();
    x.redacted = b->redacted();
    x.digest = b->digest();
    if (b->data())
      x.data.assign(reinterpret_cast<const char*>(b->data()->data()), b->data()->size());
    else
      x.data.clear();
    out->push_back(std::move(x));
  }
}

void EventStream::Reset(Event* e) {
  Recycle(&e->syscall);
  e->superseded.reset();
  e->type = EventType::kSyscall;
  e->tid = e->pid = 0;
  e->time_ns = 0;
  e->fork_kind = fb::ForkKind::Fork;
  e->child_tid = e->child_pid = 0;
  e->clone_flags = 0;
  e->former_tid = 0;
  e->path.clear();
  e->argv.clear();
  e->envc = 0;
  e->status = e->signal = 0;
  e->core_dumped = e->thread_only = false;
  e->signo = e->code = 0;
  e->siginfo.clear();
  e->group_stop = false;
  e->reason.clear();
  e->fds.clear();
  e->cwd.clear();
  e->cgroup.clear();
  e->lost_events = e->lost_bytes = 0;
}

void EventStream::Convert(const fb::Event& in, Event* out) {
  Event& e = *out;
  e.tid = in.tid();
  e.pid = in.pid();
  e.time_ns = format::EventTime(in);
  switch (in.body_type()) {
    case Body::Syscall: {
      const fb::Syscall& s = *in.body_as_Syscall();
      std::shared_ptr<Syscall> sc = NewSyscall();
      sc->tid = e.tid;
      sc->pid = e.pid;
      sc->nr = s.nr();
      sc->arch = s.arch();
      uint64_t a[6] = {s.a0(), s.a1(), s.a2(), s.a3(), s.a4(), s.a5()};
      std::memcpy(sc->args, a, sizeof a);
      sc->entry_ns = s.entry_ns();
      sc->instruction_pointer = s.instruction_pointer();
      switch (s.phase()) {
        case SyscallPhase::Complete:
          sc->ret = s.ret();
          sc->exit_ns = s.exit_ns();
          sc->flags = s.flags();
          sc->has_entry = !(s.flags() & format::kSyscallNoEntry);
          sc->has_exit = true;
          CopyBuffers(s, &sc->buffers);
          e.type = EventType::kSyscall;
          if (auto it = pending_.find(e.tid); it != pending_.end()) {
            Recycle(&it->second);
            pending_.erase(it);
          }
          break;
        case SyscallPhase::Entry: {
          sc->flags = s.flags();
          sc->has_entry = true;
          CopyBuffers(s, &sc->buffers);
          e.type = EventType::kSyscallEntry;
          auto old = pending_.find(e.tid);
          if (old != pending_.end()) {
            displaced_[e.tid] = std::move(old->second);
          } else if (auto d = displaced_.find(e.tid); d != displaced_.end()) {
            Recycle(&d->second);
            displaced_.erase(d);
          }
          pending_[e.tid] = sc;
          break;
        }
        case SyscallPhase::Exit: {
          auto it = pending_.find(e.tid);
          if (it != pending_.end() && it->second->nr == s.nr()) {
            // The entry's view of the arguments and its buffers, then the exit's. When the
            // Entry event is gone, the entry is completed in place; else it is copied.
            if (it->second.use_count() == 1) {
              Recycle(&sc);
              sc = std::move(it->second);
            } else {
              *sc = *it->second;
            }
            pending_.erase(it);
          } else {
            sc->has_entry = false;
          }
          sc->tid = e.tid;
          sc->pid = e.pid;
          sc->ret = s.ret();
          sc->exit_ns = s.exit_ns();
          sc->flags |= s.flags();
          if (s.flags() & format::kSyscallNoEntry)
            sc->has_entry = false;
          sc->has_exit = true;
          CopyBuffers(s, &sc->buffers);
          e.type = EventType::kSyscallExit;
          break;
        }
        default:
          e.type = EventType::kSyscall;
          break;
      }
      e.syscall = std::move(sc);
      break;
    }
    case Body::Spawn: {
      const fb::Spawn& s = *in.body_as_Spawn();
      e.type = EventType::kSpawn;
      e.fork_kind = s.kind();
      e.child_tid = s.child_tid();
      e.child_pid = s.child_pid();
      e.clone_flags = s.clone_flags();
      break;
    }
    case Body::Exec: {
      const fb::Exec& x = *in.body_as_Exec();
      e.type = EventType::kExec;
      e.former_tid = x.former_tid();
      e.path = x.path() ? x.path()->str() : "";
      if (x.argv())
        for (const auto* a : *x.argv())
          e.argv.push_back(a->str());
      e.envc = x.envc();
      if (e.former_tid && e.former_tid != e.tid) {
        // The recorder wrote the caller's execve entry under the leader's id, just before this
        // event: give it back to the caller, and the leader its own syscall in progress.
        if (size_ >= 2) {  // the last slot is this event, converted in place
          Event& prev = Slot(size_ - 2);
          if (prev.type == EventType::kSyscallEntry && prev.tid == e.tid && prev.syscall &&
              (prev.syscall->nr == __NR_execve || prev.syscall->nr == __NR_execveat)) {
            auto moved = std::make_shared<Syscall>(*prev.syscall);
            moved->tid = e.former_tid;
            prev.tid = e.former_tid;
            prev.syscall = moved;
            pending_[e.former_tid] = moved;
            auto d = displaced_.find(e.tid);
            if (d != displaced_.end()) {
              pending_[e.tid] = d->second;
              displaced_.erase(d);
            } else {
              pending_.erase(e.tid);
            }
          }
        }
        // The leader's own syscall in progress is superseded; the caller's execve goes on
        // under the leader's id.
        auto leader = pending_.find(e.tid);
        if (leader != pending_.end()) {
          e.superseded = leader->second;
          pending_.erase(leader);
        }
        auto caller = pending_.find(e.former_tid);
        if (caller != pending_.end()) {
          auto moved = std::make_shared<Syscall>(*caller->second);
          moved->tid = e.tid;
          moved->pid = e.tid;
          pending_.erase(caller);
          pending_[e.tid] = std::move(moved);
        }
      }
      break;
    }
    case Body::Exit: {
      const fb::Exit& x = *in.body_as_Exit();
      e.type = EventType::kExit;
      e.status = x.status();
      e.signal = x.signal();
      e.core_dumped = x.core_dumped();
      e.thread_only = x.thread_only();
      if (auto it = pending_.find(e.tid); it != pending_.end()) {
        Recycle(&it->second);
        pending_.erase(it);
      }
      break;
    }
    case Body::Signal: {
      const fb::Signal& x = *in.body_as_Signal();
      e.type = EventType::kSignal;
      e.signo = x.signo();
      e.code = x.code();
      if (x.siginfo())
        e.siginfo.assign(reinterpret_cast<const char*>(x.siginfo()->data()), x.siginfo()->size());
      e.group_stop = x.group_stop();
      break;
    }
    case Body::Detach: {
      const fb::Detach& x = *in.body_as_Detach();
      e.type = EventType::kDetach;
      e.reason = x.reason() ? x.reason()->str() : "";
      break;
    }
    case Body::FdSnapshot: {
      const fb::FdSnapshot& x = *in.body_as_FdSnapshot();
      e.type = EventType::kFdSnapshot;
      if (x.fds())
        for (const auto* f : *x.fds()) {
          e.fds.emplace_back(f->fd(), f->path() ? f->path()->str() : "");
          e.fd_details.emplace_back(
              f->detail() ? std::string(reinterpret_cast<const char*>(f->detail()->data()),
                                        f->detail()->size())
                          : std::string());
        }
      e.cwd = x.cwd() ? x.cwd()->str() : "";
      if (x.argv())
        for (const auto* a : *x.argv())
          e.argv.push_back(a->str());
      e.cgroup = x.cgroup() ? x.cgroup()->str() : "";
      break;
    }
    case Body::Loss: {
      const fb::Loss& x = *in.body_as_Loss();
      e.type = EventType::kLoss;
      e.lost_events = x.events();
      e.lost_bytes = x.bytes();
      e.reason = x.reason() ? x.reason()->str() : "";
      break;
    }
    default:
      e.type = EventType::kLoss;
      e.reason = "unknown event type";
      break;
  }
}

Status EventStream::SeekTime(uint64_t time_ns) {
  ApplyCurrent();
  RETURN_IF_ERROR(reader_->SeekTime(time_ns));
  for (size_t i = 0; i < size_; i++)
    Reset(&Slot(i));
  head_ = size_ = 0;
  has_current_ = false;
  eof_ = false;
  current_applied_ = true;
  pending_.clear();
  displaced_.clear();
  return OkStatus();
}

StatusOr<const Event*> EventStream::Next() {
  ApplyCurrent();
  if (has_current_) {
    Reset(&Slot(0));
    head_ = (head_ + 1) % kSlots;
    size_--;
    has_current_ = false;
  }
  while (!eof_ && size_ < kSlots) {
    auto n = reader_->Next();
    if (!n.ok())
      return n.status();
    if (!*n) {
      eof_ = true;
      break;
    }
    if ((*n)->body_type() == Body::PidNs) {
      if (const fb::PidNs* ids = (*n)->body_as_PidNs())
        state_.ApplyPidNs((*n)->tid(), *ids);
      continue;
    }
    size_++;
    Convert(**n, &Slot(size_ - 1));
  }
  if (size_ == 0)
    return static_cast<const Event*>(nullptr);
  has_current_ = true;
  current_applied_ = false;
  return static_cast<const Event*>(&Slot(0));
}

}  // namespace strec::replay
