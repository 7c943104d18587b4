// Aggregator: the per-syscall, per-process and per-thread statistics of a stream of events.
//
// It takes backend-neutral records (format::SyscallRecord, SpawnRecord, ExecRecord, ExitRecord),
// so any event source can feed it: event_feed.h from decoded .strec chunks (the parallel chunk
// pass), stream_feed.h from replay's EventStream (the stateful pass). Only finished syscalls count
// (a Complete or Exit record); Entry records are ignored because their Exit record carries the
// whole call. Memory is fixed per syscall number (counters, one LogHistogram, an errno map of at
// most 4095 entries), per process (when tracking processes) and per thread (when tracking
// threads), never per event. Every
// statistic is a sum, min, max or a time-ordered pick, so Merge() of aggregates built over any
// partition of the events gives the same result as one pass over all of them. Not thread-safe: one
// owner thread; merge per-thread aggregators at the end.
#ifndef STREC_ANALYZE_AGGREGATOR_H_
#define STREC_ANALYZE_AGGREGATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strec/analyze/histogram.h"
#include "strec/format/event.h"

namespace strec::analyze {

// A syscall is identified by its architecture and number.
struct SyscallKey {
  uint32_t arch = format::kArchX86_64;
  int32_t nr = 0;
  auto operator<=>(const SyscallKey&) const = default;
};

struct SyscallStats {
  uint64_t calls = 0;       // finished calls (what strace -c counts)
  uint64_t errors = 0;      // of those, returned -4095..-1 (restart codes such as ERESTARTSYS too)
  uint64_t unfinished = 0;  // never returned (exit_group, killed): strace -c leaves them out
  uint64_t no_entry = 0;    // finished calls whose entry was not seen: counted with 0 time
  uint64_t total_ns = 0;    // sum of entry-to-exit latencies
  LogHistogram latency;     // latencies of the calls with a known entry
  std::map<int, uint64_t> errnos;  // errno -> count

  void Merge(const SyscallStats& other);
};

// One process (thread group) of one trace.
struct ProcessKey {
  int32_t trace = 0;
  int32_t pid = 0;
  auto operator<=>(const ProcessKey&) const = default;
};

struct ProcessStats {
  uint64_t first_ns = UINT64_MAX;  // earliest event of the process (or its spawn)
  uint64_t last_ns = 0;            // latest event of the process
  bool spawned = false;            // a Spawn event created it
  uint64_t spawn_ns = 0;
  int32_t parent_pid = 0;
  uint32_t threads_spawned = 0;                         // clone(CLONE_THREAD) calls inside it
  std::vector<std::pair<uint64_t, std::string>> execs;  // (time, program name)
  bool exited = false;
  uint64_t exit_ns = 0;
  int32_t exit_status = 0;
  int32_t exit_signal = 0;
  bool core_dumped = false;
  uint64_t calls = 0, errors = 0, syscall_ns = 0;
  // From its first fd snapshot (a process the recorder attached to, started or found running):
  // the basename of its argv[0], and its cgroup v2 path ("" = not recorded).
  uint64_t snapshot_ns = UINT64_MAX;
  std::string snapshot_name;
  std::string cgroup;

  void Merge(const ProcessStats& other);
};

// One thread of one trace (kept only when Aggregator::set_track_threads(true)).
struct ThreadKey {
  int32_t trace = 0;
  int32_t tid = 0;
  auto operator<=>(const ThreadKey&) const = default;
};

struct ThreadStats {
  int32_t pid = 0;                 // its thread group
  uint64_t first_ns = UINT64_MAX;  // its spawn or earliest event
  uint64_t last_ns = 0;            // its exit or latest event
  bool exited = false;
  // The latest name it gave itself with prctl(PR_SET_NAME), and when ("" = never).
  std::string name;
  uint64_t name_ns = 0;
  uint64_t calls = 0, errors = 0, syscall_ns = 0;

  void Merge(const ThreadStats& other);
};

class Aggregator {
 public:
  Aggregator();
  Aggregator(Aggregator&&) noexcept;
  Aggregator& operator=(Aggregator&&) noexcept;
  ~Aggregator();

  // The small interface an event source feeds. `trace` is the index of the input the record
  // came from (pids of different traces are different processes).
  void AddSyscall(int32_t trace, const format::SyscallRecord& r);
  void AddSpawn(int32_t trace, const format::SpawnRecord& r);
  void AddExec(int32_t trace, const format::ExecRecord& r);
  void AddExit(int32_t trace, const format::ExitRecord& r);
  // Any other event of a process (signal, detach, fd snapshot, a syscall filtered out): extends
  // its lifetime, and thread tid's (when given).
  void AddOther(int32_t trace, int32_t pid, uint64_t time_ns, int32_t tid = 0);
  void AddLoss(uint64_t events) { lost_events_ += events; }
  // A process's fd snapshot: what it adds is its name and cgroup (the first snapshot's).
  void AddSnapshot(int32_t trace,
                   int32_t pid,
                   uint64_t time_ns,
                   std::string_view argv0,
                   std::string_view cgroup);
  // A successful prctl(PR_SET_NAME, name) by thread tid (only kept when tracking threads).
  void AddThreadName(int32_t trace, int32_t tid, std::string_view name, uint64_t time_ns);

  // Per-thread statistics cost a map lookup per event: off unless a view needs them.
  void set_track_threads(bool on) { track_threads_ = on; }
  bool track_threads() const { return track_threads_; }
  // Per-process statistics (processes(), and the names of threads) are a row per process ever
  // seen: a trace of a build holds hundreds of thousands. On by default; off when no view shows
  // processes or threads, so that memory stays fixed per syscall whatever the trace's history.
  void set_track_processes(bool on) { track_processes_ = on; }
  bool track_processes() const { return track_processes_ || track_threads_; }

  void Merge(const Aggregator& other);

  // Per syscall, ordered by key; only syscalls seen at all.
  std::vector<std::pair<SyscallKey, const SyscallStats*>> Syscalls() const;
  const std::map<ProcessKey, ProcessStats>& processes() const { return processes_; }
  const std::map<ThreadKey, ThreadStats>& threads() const { return threads_; }
  uint64_t lost_events() const { return lost_events_; }

 private:
  SyscallStats& StatsFor(uint32_t arch, int32_t nr);
  ProcessStats& ProcessFor(int32_t trace, int32_t pid);
  ThreadStats& ThreadFor(int32_t trace, int32_t tid, int32_t pid, uint64_t time_ns);

  // x86_64 numbers 0..kDirect-1 index directly; everything else goes through other_.
  static constexpr int kDirect = 1024;
  std::vector<std::unique_ptr<SyscallStats>> direct_;
  std::map<SyscallKey, SyscallStats> other_;
  std::map<ProcessKey, ProcessStats> processes_;
  struct ProcessSlot {
    ProcessKey key;
    ProcessStats* stats = nullptr;
  };
  static constexpr size_t kRecent = 8;
  ProcessSlot recent_[kRecent];
  size_t next_slot_ = 0;
  bool track_threads_ = false;
  bool track_processes_ = true;
  ProcessStats scratch_process_;  // what ProcessFor gives when processes are not tracked
  std::map<ThreadKey, ThreadStats> threads_;
  ThreadKey last_thread_key_{-1, -1};
  ThreadStats* last_thread_ = nullptr;
  uint64_t lost_events_ = 0;
};

// The name a process is shown with: the basename of its latest exec before `at_ns`, else its
// argv[0] when the recorder found it running (a snapshot), else the name its parent had when it
// was spawned, else the trace's command (`root_command`), else "?".
std::string ProcessName(const std::map<ProcessKey, ProcessStats>& processes,
                        const ProcessKey& key,
                        uint64_t at_ns,
                        const std::vector<std::string>& root_commands);

// The cgroup a process was recorded in: its own snapshot's, else its parent's when it was
// spawned (a child starts in its parent's cgroup), else "" (not recorded).
std::string ProcessCgroup(const std::map<ProcessKey, ProcessStats>& processes,
                          const ProcessKey& key);

// The name a thread is shown with: the name it set with prctl(PR_SET_NAME) if it did so after
// its process's latest exec, else its process's name at the thread's end.
std::string ThreadName(const Aggregator& aggregate,
                       const ThreadKey& key,
                       const std::vector<std::string>& root_commands);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_AGGREGATOR_H_
