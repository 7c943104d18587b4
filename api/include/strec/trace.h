// strec's public C++ API: read .strec traces from your own programs.
//
//   #include <strec/trace.h>
//   strec::Trace trace = strec::Trace::Open("run.strec");   // or Trace::Open({parts...})
//   while (const strec::TraceEvent* e = trace.Next())
//     if (e->kind == strec::EventKind::Syscall && e->err != 0)
//       std::cout << e->pid << " " << trace.Strace(*e) << "\n";
//
// Events come in the order they were recorded, typed (a syscall with its number, name, arguments,
// return value, errno, times and argument buffers; a spawn, exec, exit, signal, detach, fd
// snapshot or loss). Trace::Strace renders the current event as strace 6.1 prints it (-y paths
// through the fd state at that point, strings cut at `string_limit`); Trace::FdPath resolves an
// fd at that point; Trace::SeekTime jumps through the footer's index.
//
// Link with strec::strec (CMake: find_package(strec)) or `pkg-config --libs strec`. The API is
// this header only: no FlatBuffers or other strec-internal type appears in it, and names here stay
// stable across releases (fields are only added). Errors are thrown as strec::TraceError with
// a one-line message naming the file and what is wrong.
#ifndef STREC_TRACE_H_
#define STREC_TRACE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace strec {

// A trace that cannot be opened or read: "run.strec: not a strec trace (...)".
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class EventKind {
  Syscall,       // a call that completed (or ended the process: returned == false)
  SyscallEntry,  // the entry of a call whose exit comes later, as another thread ran between
  Spawn,         // fork, vfork or clone created child_pid/child_tid
  Exec,          // a successful execve: path, argv
  Exit,          // a thread or process ended: status, or signal
  Signal,        // a signal delivered: signo
  Detach,        // the recorder let go of the thread: reason
  Snapshot,      // a process found running or re-introduced: its fds, cwd, argv, cgroup
  Loss,          // events the recorder could not keep: lost_events, reason
};

const char* KindName(EventKind kind);  // "syscall", "syscall_entry", "spawn", ...

// Tracee memory recorded with a syscall's argument (a path, data, a struct).
struct ArgBuffer {
  int arg = 0;            // argument index 0..5
  bool out = false;       // read at the call's exit (false: at its entry)
  uint32_t index = 0;     // element of an array argument (iovec, argv), else 0
  uint64_t addr = 0;      // where it was in the tracee
  uint64_t full_len = 0;  // its whole length; more than data.size() when cut at the snap length
  std::string data;       // the bytes
  int read_errno = 0;     // the memory could not be read (data is empty)
  bool redacted = false;  // strec redact removed it (data holds a token or nothing)
};

struct TraceEvent {
  EventKind kind = EventKind::Syscall;
  int32_t pid = 0, tid = 0;
  std::string host;      // the recording host (in a joined trace, this event's recording's)
  uint64_t time_ns = 0;  // when it happened, CLOCK_MONOTONIC of the recording
  uint64_t wall_ns = 0;  // the same as CLOCK_REALTIME, ns since the epoch

  // Syscall and SyscallEntry.
  int nr = -1;
  std::string name;  // "openat"; "syscall_0x1c8" for a number without a name
  uint64_t args[6] = {};
  int nargs = 0;           // how many of args the syscall takes
  bool returned = false;   // it returned (false: still running, or it ended the process)
  int64_t ret = 0;         // its return value (-errno on failure)
  int err = 0;             // errno when it failed, else 0
  std::string errno_name;  // "ENOENT", or "" when it did not fail
  uint64_t entry_ns = 0, exit_ns = 0;  // 0 when that side was not recorded
  std::vector<ArgBuffer> buffers;

  // Spawn.
  int32_t child_pid = 0, child_tid = 0;
  // Exec (path, argv) and Snapshot (argv: the command line when recorded).
  std::string path;
  std::vector<std::string> argv;
  // Exit.
  int32_t status = 0;  // exit status
  int32_t signal = 0;  // the killing signal, or 0
  bool core_dumped = false;
  bool thread_only = false;  // a thread other than the leader ended
  // Signal.
  int32_t signo = 0;
  // Detach and Loss.
  std::string reason;
  // Loss.
  uint64_t lost_events = 0;
  // Snapshot.
  std::vector<std::pair<int, std::string>> fds;
  std::string cwd, cgroup;

  // The call's duration (exit - entry), when both sides were recorded.
  std::optional<uint64_t> duration_ns() const {
    if (entry_ns && exit_ns && exit_ns >= entry_ns)
      return exit_ns - entry_ns;
    return std::nullopt;
  }
};

// The facts of a trace (strec info's).
struct TraceInfo {
  std::string path;
  std::string host, kernel_release, machine;
  std::string backend;               // "ptrace" or "bpf"
  std::vector<std::string> command;  // what the recorder started, if anything
  uint64_t start_monotonic_ns = 0;   // the recording's start on both clocks
  uint64_t start_wall_ns = 0;
  uint64_t events = 0, syscalls = 0;  // from the footer (0 when it has none)
  uint64_t lost_events = 0;           // the footer's count of what was lost
  bool complete = false;              // it has its footer: the recorder ended cleanly
  std::vector<std::string> warnings;  // what the reader met (a damaged chunk, a missing part)
};

struct OpenOptions {
  bool fd_paths = true;        // Strace(): fds as strace -y shows them (<path>)
  uint32_t string_limit = 32;  // Strace(): strace's -s
  bool skip_damaged = false;   // leave out damaged chunks (each a warning) instead of throwing
};

class Trace {
 public:
  // One trace file, or the files of one rotated recording (any order). Throws TraceError.
  static Trace Open(const std::string& path, const OpenOptions& options = {});
  static Trace Open(const std::vector<std::string>& parts, const OpenOptions& options = {});

  Trace(Trace&&) noexcept;
  Trace& operator=(Trace&&) noexcept;
  ~Trace();

  const TraceInfo& info() const;

  // The next event, or nullptr at the end. Valid until the next call. Throws TraceError when
  // the file is damaged (unless skip_damaged).
  const TraceEvent* Next();

  // The current event (the last Next() returned) as strace prints it, without pid or time
  // prefix: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3</etc/passwd>`,
  // `read(3</etc/passwd>, "root:x:0:0:..."..., 4096 <unfinished ...>`, `+++ exited with 0 +++`,
  // `--- SIGCHLD {si_signo=SIGCHLD, ...} ---`. "" for events strace does not print.
  std::string Strace(const TraceEvent& event);

  // What fd of thread tid refers to before the current event ("/etc/passwd", "pipe:[?]"), as far
  // as the trace tells; nullopt when unknown.
  std::optional<std::string> FdPath(int32_t tid, int fd) const;

  // Positions Next() at the first event at or after time_ns (CLOCK_MONOTONIC of the recording;
  // info().start_monotonic_ns + an offset) through the footer's chunk index. The fd state then
  // knows only what the events read so far and the snapshots after that point tell.
  void SeekTime(uint64_t time_ns);

 private:
  struct Impl;
  explicit Trace(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The library's version ("0.1.0").
const char* Version();

}  // namespace strec

#endif  // STREC_TRACE_H_
