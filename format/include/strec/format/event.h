// Backend-neutral records that a recorder (ptrace today, eBPF later) or a test's trace builder
// hands to TraceWriter. They only borrow memory (spans, string_views): the writer copies what it
// keeps, so callers can reuse their buffers at once.
#ifndef STREC_FORMAT_EVENT_H_
#define STREC_FORMAT_EVENT_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "strec/format/syscall_table.h"
#include "strec/format/trace_generated.h"

namespace strec::format {

// Syscall record flags (fb::Syscall::flags).
inline constexpr uint32_t kSyscallNoReturn = 1;  // the thread ended inside the syscall
inline constexpr uint32_t kSyscallDetached = 2;  // still inside when the recorder detached
inline constexpr uint32_t kSyscallSeccompEntry = 4;
// An exit seen without its entry (attached mid-call).
inline constexpr uint32_t kSyscallNoEntry = 8;
// On an Exit record: its Entry record (same tid, same number, earlier in the file) holds the
// arguments and the instruction pointer, which this record leaves out (they read as 0 here).
inline constexpr uint32_t kSyscallArgsInEntry = 16;
// Tampered with at record time (strec-record -e inject=/fault=): the call was replaced and its
// return value set (strace's "(INJECTED)"), or the thread held before or after it ("(DELAYED)").
inline constexpr uint32_t kSyscallInjected = 32;
inline constexpr uint32_t kSyscallDelayed = 64;

// What a buffer's bytes are, when an argument carries several (fb::Buffer::kind).
enum BufferKind : uint8_t {
  kBufferPlain = 0,   // the argument's memory itself
  kBufferIovecArray,  // the struct iovec array; element data follows as kBufferIovecData
  kBufferIovecData,   // data of iovec element `index`
  kBufferString,      // a NUL-terminated string (path, argv element); full_len excludes NUL
  kBufferStringPtrs,  // the pointer array of a string array (argv)
  kBufferAux,         // a second object reached through the argument (e.g. a length word)
  kBufferFdPath,      // what a new fd refers to (readlink of /proc/TID/fd/N, as strace -y shows
                      // it): arg kArgReturn for a returned fd, else the argument holding the fd
                      // array, index = the element
  kBufferCwd,         // the thread's working directory after a successful chdir/fchdir
                      // (readlink of /proc/TID/cwd): arg kArgReturn
  kBufferFdDetail,    // what strace -yy shows of an fd (format::FdDetail, fd_detail.h): beside
                      // each kBufferFdPath (same arg and index), and of argument 0 after a call
                      // that bound or connected a socket not described before
};

// The `arg` of a buffer that belongs to the return value rather than an argument.
inline constexpr uint8_t kArgReturn = 6;

struct BufferRecord {
  uint8_t arg = 0;
  bool out = false;
  uint8_t kind = kBufferPlain;
  uint32_t index = 0;
  uint64_t addr = 0;
  uint64_t full_len = 0;
  int32_t read_errno = 0;
  std::span<const uint8_t> data;
  uint8_t redacted = 0;  // a RedactCategory (redact.h) when redaction removed the bytes
  uint64_t digest = 0;   // then: their keyed digest
};

struct SyscallRecord {
  int32_t tid = 0;
  int32_t pid = 0;
  fb::SyscallPhase phase = fb::SyscallPhase::Complete;
  uint32_t arch = kArchX86_64;
  int32_t nr = 0;
  uint64_t args[6] = {};
  int64_t ret = 0;
  uint64_t entry_ns = 0;
  uint64_t exit_ns = 0;
  uint32_t flags = 0;
  uint64_t instruction_pointer = 0;
  std::span<const BufferRecord> buffers;

  // The time of the stop this record stands for: the entry for Entry, else the exit.
  uint64_t time_ns() const { return phase == fb::SyscallPhase::Entry ? entry_ns : exit_ns; }
};

struct SpawnRecord {
  int32_t tid = 0, pid = 0;  // the parent
  fb::ForkKind kind = fb::ForkKind::Fork;
  int32_t child_tid = 0, child_pid = 0;
  uint64_t clone_flags = 0;
  uint64_t time_ns = 0;
};

struct ExecRecord {
  int32_t tid = 0, pid = 0;
  int32_t former_tid = 0;
  std::string_view path;
  std::span<const std::string_view> argv;
  uint32_t envc = 0;
  uint64_t time_ns = 0;
};

struct ExitRecord {
  int32_t tid = 0, pid = 0;
  int32_t status = 0;
  int32_t signal = 0;
  bool core_dumped = false;
  bool thread_only = false;
  uint64_t time_ns = 0;
};

struct SignalRecord {
  int32_t tid = 0, pid = 0;
  int32_t signo = 0;
  int32_t code = 0;
  std::span<const uint8_t> siginfo;
  bool group_stop = false;
  uint64_t time_ns = 0;
};

struct DetachRecord {
  int32_t tid = 0, pid = 0;
  std::string_view reason;
  uint64_t time_ns = 0;
};

struct FdEntryRecord {
  int32_t fd = 0;
  std::string_view path;
  std::string_view detail;  // format::FdDetail bytes (fd_detail.h), or empty
};

struct FdSnapshotRecord {
  int32_t tid = 0, pid = 0;
  std::span<const FdEntryRecord> fds;
  uint64_t time_ns = 0;
  std::string_view cwd;                    // "" = unknown
  std::span<const std::string_view> argv;  // its command line (empty: not recorded)
  std::string_view cgroup;                 // its cgroup v2 path ("" = unknown)
};

struct LossRecord {
  int32_t tid = 0, pid = 0;
  uint64_t events = 0;
  uint64_t bytes = 0;
  std::string_view reason;
  uint64_t time_ns = 0;
};

// A task in another pid namespace than the recorder's (fb::PidNs): per level, from the
// recorder's namespace (0) to the task's own, the namespace and the task's ids there.
struct PidNsRecord {
  int32_t tid = 0, pid = 0;
  std::span<const uint64_t> ns;
  std::span<const int32_t> tids, tgids, pgids, sids;
  uint64_t time_ns = 0;
};

// The time that orders an event in the file (its stop time).
uint64_t EventTime(const fb::Event& event);

// The wall clock (ns since the epoch) of monotonic time `time_ns`, from the header's anchors:
// CLOCK_REALTIME and CLOCK_MONOTONIC read at the same instant. Saturates at 0 and at the
// largest value instead of overflowing, whatever a damaged or crafted file holds.
uint64_t WallClockNs(uint64_t realtime_ns, uint64_t monotonic_ns, uint64_t time_ns);

}  // namespace strec::format

#endif  // STREC_FORMAT_EVENT_H_
