// The reading side's model of a trace: owned copies of the recorded events, with each syscall's
// Entry and Exit records paired per thread, and a state tracker (processes, threads, per-process
// fd → path tables) that follows the events. Nothing here renders text: strec-replay's renderer
// and strec-analyze both build on it. One EventStream is used by one thread at a time.
#ifndef STREC_REPLAY_EVENT_STREAM_H_
#define STREC_REPLAY_EVENT_STREAM_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "strec/format/event.h"
#include "strec/format/fd_detail.h"
#include "strec/format/status.h"
#include "strec/format/syscall_table.h"
#include "strec/format/trace_reader.h"

namespace strec::replay {

// One captured buffer of a syscall argument (see fb::Buffer).
struct Buffer {
  uint8_t arg = 0;
  bool out = false;
  uint8_t kind = format::kBufferPlain;
  uint32_t index = 0;
  uint64_t addr = 0;
  uint64_t full_len = 0;
  int32_t read_errno = 0;
  std::string data;      // a redacted path: its token; other redacted bytes: nothing
  uint8_t redacted = 0;  // a format::RedactCategory when redaction removed the bytes
  uint64_t digest = 0;   // then: their keyed digest
};

// A syscall, as complete as the records allow: for an Entry event only the entry side is
// filled; for an Exit event the entry's arguments and buffers are merged with the exit's.
struct Syscall {
  int32_t tid = 0;
  int32_t pid = 0;
  int nr = -1;
  uint32_t arch = format::kArchX86_64;
  uint64_t args[6] = {};
  int64_t ret = 0;
  uint64_t entry_ns = 0;
  uint64_t exit_ns = 0;
  uint64_t instruction_pointer = 0;  // at entry (strace -i)
  uint32_t flags = 0;
  bool has_entry = false;  // the entry side was recorded (not kSyscallNoEntry)
  bool has_exit = false;   // the exit side was recorded
  std::vector<Buffer> buffers;

  // The first buffer of (arg, out, kind, index), or nullptr.
  const Buffer* Find(int arg,
                     bool out,
                     uint8_t kind = format::kBufferPlain,
                     uint32_t index = 0) const;
  // A buffer of (arg, kind) from either side, exit preferred.
  const Buffer* FindAny(int arg, uint8_t kind = format::kBufferPlain) const;
  bool returned() const { return has_exit && !(flags & format::kSyscallNoReturn); }
  // -errno when the call failed (ret in [-4095, -1]), else 0.
  int error() const { return returned() && ret < 0 && ret >= -4095 ? static_cast<int>(-ret) : 0; }
};

enum class EventType {
  kSyscallEntry,  // an entry whose exit comes later (another stop came in between)
  kSyscallExit,   // the exit of an earlier entry (or one seen without entry)
  kSyscall,       // a complete syscall
  kSpawn,
  kExec,
  kExit,
  kSignal,
  kDetach,
  kFdSnapshot,
  kLoss,
};

struct Event {
  EventType type = EventType::kSyscall;
  int32_t tid = 0;
  int32_t pid = 0;
  uint64_t time_ns = 0;  // the stop's time (monotonic)

  // kSyscallEntry, kSyscallExit, kSyscall.
  std::shared_ptr<const Syscall> syscall;
  // kExec from a non-leader thread: the leader's syscall in progress, which never returns.
  std::shared_ptr<const Syscall> superseded;
  // kSpawn.
  fb::ForkKind fork_kind = fb::ForkKind::Fork;
  int32_t child_tid = 0, child_pid = 0;
  uint64_t clone_flags = 0;
  // kExec.
  int32_t former_tid = 0;
  std::string path;
  std::vector<std::string> argv;
  uint32_t envc = 0;
  // kExit.
  int32_t status = 0;
  int32_t signal = 0;
  bool core_dumped = false;
  bool thread_only = false;
  // kSignal.
  int32_t signo = 0;
  int32_t code = 0;
  std::string siginfo;
  bool group_stop = false;
  // kDetach, kLoss.
  std::string reason;
  // kFdSnapshot.
  std::vector<std::pair<int, std::string>> fds;
  std::vector<std::string> fd_details;  // fds[i]'s format::FdDetail bytes ("" = none)
  std::string cwd;                      // "" = unknown
  std::string cgroup;  // its cgroup v2 path ("" = unknown); argv: its command line, if recorded
  // kLoss.
  uint64_t lost_events = 0, lost_bytes = 0;
};

// An open file description as far as the trace tells: what the fd refers to.
struct FdInfo {
  std::string path;  // absolute path, "pipe:[?]", "socket:[?]", ... ("" = unknown)
  bool cloexec = false;
  // A socket's domain and protocol from the socket() call that made it (-1 = unknown): the
  // netlink decoders need the protocol as strace learns it from the socket's inode.
  int32_t socket_family = -1, socket_protocol = -1;
  // Bound to an address (bind, or the kernel's autobind at the first send): strace finds a
  // netlink socket's protocol only then.
  bool socket_bound = false;
  // What strace -yy shows beyond the path, as the recorder found it when the fd was made
  // (kBufferFdDetail): the socket's protocol name, the device's numbers, the pidfd's pid.
  std::optional<format::FdDetail> detail;
  // The path ends in " (deleted)" as the file's own name (it was opened by that name), not as
  // the kernel's mark of a deleted file.
  bool named_deleted = false;

  bool Deleted() const {
    return !named_deleted && path.size() > 10 && path.ends_with(" (deleted)");
  }
};

// A socket the recorder found in the kernel's socket diagnostics (strace -yy's endpoints).
struct SocketEndpoints {
  format::FdDetail detail;
  std::string name;  // a unix socket's name
};

// A file descriptor table; threads (and CLONE_FILES children) share one.
struct FdTable {
  std::map<int, FdInfo> fds;
};

struct ThreadInfo {
  int32_t tid = 0;
  int32_t pid = 0;
  int32_t parent_pid = 0;            // of the process that created it
  std::shared_ptr<FdTable> fds;      // shared with its threads (and CLONE_FILES children)
  std::shared_ptr<std::string> cwd;  // "" = unknown; shared with its threads and CLONE_FS
  // Its command name as the kernel keeps it (at most 15 bytes): the file it executed, or what
  // prctl(PR_SET_NAME) set, inherited at clone; "" = unknown (strace -Y).
  std::string comm;
};

// Follows processes, threads and fd tables through the events. Apply() each event once, in
// order; queries answer for the state after the events applied so far.
class State {
 public:
  explicit State(const format::SyscallTable* table) : table_(table) {}

  void Apply(const Event& event);

  const ThreadInfo* Thread(int32_t tid) const;
  // The path of fd in the thread's table, or nullptr when unknown.
  const std::string* FdPath(int32_t tid, int64_t fd) const;
  // What the state knows of fd in the thread's table, or nullptr.
  const FdInfo* FdEntry(int32_t tid, int64_t fd) const;
  // The thread's command name, or nullptr when unknown.
  const std::string* Comm(int32_t tid) const;
  // The thread's working directory, or nullptr when unknown.
  const std::string* Cwd(int32_t tid) const;
  // A path argument made absolute (and lexically normalised) through the thread's cwd or dirfd
  // (-100 = AT_FDCWD); "" when the state does not know the base directory.
  std::string ResolvePath(int32_t tid, int64_t dirfd, const std::string& path) const;
  // Every thread alive: one that ended is forgotten (memory follows the live threads, not the
  // trace's history).
  const std::unordered_map<int32_t, ThreadInfo>& threads() const { return threads_; }
  // A task's ids in the pid namespaces below the recorder's (a PidNs record; EventStream applies
  // those as it reads them, they are no events of their own).
  void ApplyPidNs(int32_t tid, const fb::PidNs& ids);
  // The id `id` (a tid, tgid, pgid or sid) that task `tid` sees, as the recorder's pid namespace
  // numbers it: 0 when tid is in the recorder's namespace, or no task alive has that id (strace
  // --pidns-translation, which asks /proc when it prints, translates only ids of the living).
  // `kind`: 0 tid, 1 tgid, 2 pgid, 3 sid: only that id of the tasks counts (-1: any).
  int32_t RecorderPid(int32_t tid, int32_t id, int kind = -1) const;
  // The endpoints of the socket with this inode, once the recorder found them (strace keeps its
  // first answer per inode, in 1024 slots: so does this), or nullptr.
  const SocketEndpoints* Socket(uint64_t inode) const {
    const SocketEndpoints& s = sockets_[inode % sockets_.size()];
    return s.detail.inode == inode && inode ? &s : nullptr;
  }

 private:
  ThreadInfo& Touch(int32_t tid, int32_t pid);
  void ApplySyscall(const Syscall& sc);
  void MarkDeleted(const std::string& path);
  // A kBufferFdDetail's bytes: kept for the fd (info, if known) and, for a socket found, by inode.
  void ApplyFdDetail(const std::string& bytes, FdInfo* info);
  void Renamed(const std::string& from, const std::string& to);
  std::string Resolve(const ThreadInfo& t, int64_t dirfd, const std::string& path) const;

  const format::SyscallTable* table_;
  std::unordered_map<int32_t, ThreadInfo> threads_;
  // The live tasks in other pid namespaces than the recorder's: per level (0: the recorder's),
  // the namespace and the task's tid, tgid, pgid and sid there.
  struct PidNsIds {
    std::vector<uint64_t> ns;
    std::vector<int32_t> ids[4];
  };
  std::unordered_map<int32_t, PidNsIds> pid_ns_;
  std::array<SocketEndpoints, 1024> sockets_;
};

// Reads a trace and yields its events in file order, pairing each syscall's Exit with its Entry
// per thread. An execve from a non-leader thread is recorded as the leader's Entry right before
// the Exec event; the stream looks one event ahead and gives that Entry back to the thread that
// called execve, and moves it to the leader's id at the Exec (as strace shows it). The
// state tracker is updated lazily: state() reflects every event before the one Next() last
// returned, until ApplyCurrent() (or the next Next()) applies that one too.
class EventStream {
 public:
  static StatusOr<std::unique_ptr<EventStream>> Open(const std::string& path,
                                                     const format::ReadOptions& options = {});
  // The files of one rotated recording, as one trace (format::TraceReader::OpenParts).
  static StatusOr<std::unique_ptr<EventStream>> Open(const std::vector<std::string>& paths,
                                                     const format::ReadOptions& options = {});
  explicit EventStream(std::unique_ptr<format::TraceReader> reader);

  const format::TraceReader& reader() const { return *reader_; }
  const fb::Header& header() const { return reader_->header(); }
  const format::SyscallTable* table() const { return table_; }

  // The next event, or nullptr at the end of the trace. Valid until the next call.
  StatusOr<const Event*> Next();
  void ApplyCurrent();
  // Positions Next() at the first event at or after time_ns (monotonic) through the reader's
  // chunk index. Calls in progress are forgotten; the state keeps what it knew.
  Status SeekTime(uint64_t time_ns);
  const State& state() const { return state_; }
  // The entry of a syscall in progress on tid (nullptr if none).
  const Syscall* Pending(int32_t tid) const;

 private:
  void Convert(const fb::Event& in, Event* out);
  // Syscalls and buffers are recycled: a syscall no event or pending entry holds any more goes
  // back to a free list, with its buffers' storage, so that reading allocates almost nothing
  // per event once it is warm.
  std::shared_ptr<Syscall> NewSyscall();
  void Recycle(std::shared_ptr<const Syscall>* sc);
  void Recycle(std::shared_ptr<Syscall>* sc);
  void CopyBuffers(const fb::Syscall& s, std::vector<Buffer>* out);
  // Empties a slot for the next event, keeping the storage of its strings and vectors.
  void Reset(Event* e);
  Event& Slot(size_t i) { return slots_[(head_ + i) % kSlots]; }

  std::unique_ptr<format::TraceReader> reader_;
  const format::SyscallTable* table_;
  State state_;
  // A ring of events: the one Next() returned last (at the head, while has_current_), then the
  // one converted ahead of it (one of lookahead). Events are converted in place in their slot.
  static constexpr size_t kSlots = 2;
  Event slots_[kSlots];
  size_t head_ = 0, size_ = 0;
  std::vector<std::shared_ptr<Syscall>> free_syscalls_;
  std::vector<Buffer> free_buffers_;
  bool has_current_ = false;
  bool eof_ = false;
  bool current_applied_ = true;
  std::unordered_map<int32_t, std::shared_ptr<Syscall>> pending_;
  // A thread's pending entry replaced by a second Entry before its exit (see above).
  std::unordered_map<int32_t, std::shared_ptr<Syscall>> displaced_;
};

}  // namespace strec::replay

#endif  // STREC_REPLAY_EVENT_STREAM_H_
