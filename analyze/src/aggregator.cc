#include "strec/analyze/aggregator.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace strec::analyze {
namespace {

constexpr uint64_t kCloneThread = 0x00010000;  // CLONE_THREAD

std::string Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

void SyscallStats::Merge(const SyscallStats& o) {
  calls += o.calls;
  errors += o.errors;
  unfinished += o.unfinished;
  no_entry += o.no_entry;
  total_ns += o.total_ns;
  latency.Merge(o.latency);
  for (const auto& [err, n] : o.errnos)
    errnos[err] += n;
}

void ProcessStats::Merge(const ProcessStats& o) {
  first_ns = std::min(first_ns, o.first_ns);
  last_ns = std::max(last_ns, o.last_ns);
  if (o.spawned && (!spawned || o.spawn_ns < spawn_ns)) {
    spawned = true;
    spawn_ns = o.spawn_ns;
    parent_pid = o.parent_pid;
  }
  threads_spawned += o.threads_spawned;
  execs.insert(execs.end(), o.execs.begin(), o.execs.end());
  std::sort(execs.begin(), execs.end());
  if (o.exited && (!exited || o.exit_ns > exit_ns)) {
    exited = true;
    exit_ns = o.exit_ns;
    exit_status = o.exit_status;
    exit_signal = o.exit_signal;
    core_dumped = o.core_dumped;
  }
  calls += o.calls;
  errors += o.errors;
  syscall_ns += o.syscall_ns;
  if (o.snapshot_ns < snapshot_ns) {
    snapshot_ns = o.snapshot_ns;
    snapshot_name = o.snapshot_name;
    cgroup = o.cgroup;
  }
}

void ThreadStats::Merge(const ThreadStats& o) {
  if (o.pid)
    pid = o.pid;
  first_ns = std::min(first_ns, o.first_ns);
  last_ns = std::max(last_ns, o.last_ns);
  exited = exited || o.exited;
  if (!o.name.empty() && (name.empty() || o.name_ns >= name_ns)) {
    name = o.name;
    name_ns = o.name_ns;
  }
  calls += o.calls;
  errors += o.errors;
  syscall_ns += o.syscall_ns;
}

Aggregator::Aggregator() : direct_(kDirect) {}
Aggregator::Aggregator(Aggregator&& o) noexcept {
  *this = std::move(o);
}

Aggregator& Aggregator::operator=(Aggregator&& o) noexcept {
  // The caches point into map nodes, which move along with the maps: keep them here, and leave
  // none behind in `o`.
  if (this == &o)
    return *this;
  direct_ = std::move(o.direct_);
  other_ = std::move(o.other_);
  processes_ = std::move(o.processes_);
  std::copy(std::begin(o.recent_), std::end(o.recent_), std::begin(recent_));
  next_slot_ = o.next_slot_;
  track_threads_ = o.track_threads_;
  track_processes_ = o.track_processes_;
  threads_ = std::move(o.threads_);
  last_thread_key_ = o.last_thread_key_;
  last_thread_ = o.last_thread_;
  lost_events_ = o.lost_events_;
  std::fill(std::begin(o.recent_), std::end(o.recent_), ProcessSlot{});
  o.last_thread_ = nullptr;
  o.direct_.clear();
  o.direct_.resize(kDirect);
  o.other_.clear();
  o.processes_.clear();
  o.threads_.clear();
  return *this;
}
Aggregator::~Aggregator() = default;

SyscallStats& Aggregator::StatsFor(uint32_t arch, int32_t nr) {
  if (arch == format::kArchX86_64 && nr >= 0 && nr < kDirect) {
    auto& slot = direct_[static_cast<size_t>(nr)];
    if (!slot)
      slot = std::make_unique<SyscallStats>();
    return *slot;
  }
  return other_[SyscallKey{arch, nr}];
}

ProcessStats& Aggregator::ProcessFor(int32_t trace, int32_t pid) {
  if (!track_processes()) {
    scratch_process_ = ProcessStats();  // written to, never kept
    return scratch_process_;
  }
  ProcessKey key{trace, pid};
  // A few recently used processes: events of concurrent processes interleave.
  for (const ProcessSlot& slot : recent_)
    if (slot.stats && slot.key == key)
      return *slot.stats;
  ProcessSlot& slot = recent_[next_slot_++ % kRecent];
  slot.key = key;
  slot.stats = &processes_[key];  // std::map nodes never move
  return *slot.stats;
}

ThreadStats& Aggregator::ThreadFor(int32_t trace, int32_t tid, int32_t pid, uint64_t time_ns) {
  ThreadKey key{trace, tid};
  if (!last_thread_ || !(key == last_thread_key_)) {
    last_thread_key_ = key;
    last_thread_ = &threads_[key];  // std::map nodes never move
  }
  ThreadStats& t = *last_thread_;
  if (pid)
    t.pid = pid;
  t.first_ns = std::min(t.first_ns, time_ns);
  t.last_ns = std::max(t.last_ns, time_ns);
  return t;
}

void Aggregator::AddSyscall(int32_t trace, const format::SyscallRecord& r) {
  if (r.phase == fb::SyscallPhase::Entry)
    return;  // the Exit record carries the whole call
  SyscallStats& s = StatsFor(r.arch, r.nr);
  ProcessStats& p = ProcessFor(trace, r.pid);
  uint64_t t = r.time_ns();
  uint64_t first = r.entry_ns ? r.entry_ns : t;
  p.first_ns = std::min(p.first_ns, first);
  p.last_ns = std::max(p.last_ns, t);
  ThreadStats* th = nullptr;
  if (track_threads_) {
    th = &ThreadFor(trace, r.tid, r.pid, t);
    th->first_ns = std::min(th->first_ns, first);
  }
  if (r.flags & (format::kSyscallNoReturn | format::kSyscallDetached)) {
    s.unfinished++;
    return;
  }
  s.calls++;
  p.calls++;
  bool error = r.ret >= -4095 && r.ret <= -1;
  if (error) {
    s.errors++;
    p.errors++;
    s.errnos[static_cast<int>(-r.ret)]++;
  }
  if (th) {
    th->calls++;
    th->errors += error;
  }
  if (r.flags & format::kSyscallNoEntry) {
    s.no_entry++;
    return;
  }
  uint64_t latency = r.exit_ns > r.entry_ns ? r.exit_ns - r.entry_ns : 0;
  s.total_ns += latency;
  s.latency.Add(latency);
  p.syscall_ns += latency;
  if (th)
    th->syscall_ns += latency;
}

void Aggregator::AddThreadName(int32_t trace,
                               int32_t tid,
                               std::string_view name,
                               uint64_t time_ns) {
  if (!track_threads_)
    return;
  ThreadStats& t = ThreadFor(trace, tid, 0, time_ns);
  if (t.name.empty() || time_ns >= t.name_ns) {
    t.name = std::string(name.substr(0, name.find('\0')));
    t.name_ns = time_ns;
  }
}

void Aggregator::AddSpawn(int32_t trace, const format::SpawnRecord& r) {
  ProcessStats& parent = ProcessFor(trace, r.pid);
  parent.first_ns = std::min(parent.first_ns, r.time_ns);
  parent.last_ns = std::max(parent.last_ns, r.time_ns);
  if (track_threads_) {
    ThreadFor(trace, r.tid, r.pid, r.time_ns);
    ThreadFor(trace, r.child_tid, r.child_pid ? r.child_pid : r.child_tid, r.time_ns);
  }
  if (r.child_pid == r.pid || (r.clone_flags & kCloneThread)) {
    parent.threads_spawned++;
    return;
  }
  ProcessStats& child = ProcessFor(trace, r.child_pid);
  if (!child.spawned || r.time_ns < child.spawn_ns) {
    child.spawned = true;
    child.spawn_ns = r.time_ns;
    child.parent_pid = r.pid;
  }
  child.first_ns = std::min(child.first_ns, r.time_ns);
  child.last_ns = std::max(child.last_ns, r.time_ns);
}

void Aggregator::AddExec(int32_t trace, const format::ExecRecord& r) {
  if (!track_processes())
    return;
  ProcessStats& p = ProcessFor(trace, r.pid);
  p.first_ns = std::min(p.first_ns, r.time_ns);
  p.last_ns = std::max(p.last_ns, r.time_ns);
  if (track_threads_)
    ThreadFor(trace, r.tid, r.pid, r.time_ns);
  auto entry = std::make_pair(r.time_ns, Basename(r.path));
  p.execs.insert(std::upper_bound(p.execs.begin(), p.execs.end(), entry), std::move(entry));
}

void Aggregator::AddExit(int32_t trace, const format::ExitRecord& r) {
  ProcessStats& p = ProcessFor(trace, r.pid);
  p.first_ns = std::min(p.first_ns, r.time_ns);
  p.last_ns = std::max(p.last_ns, r.time_ns);
  if (track_threads_)
    ThreadFor(trace, r.tid, r.pid, r.time_ns).exited = true;
  if (r.thread_only)
    return;
  if (!p.exited || r.time_ns > p.exit_ns) {
    p.exited = true;
    p.exit_ns = r.time_ns;
    p.exit_status = r.status;
    p.exit_signal = r.signal;
    p.core_dumped = r.core_dumped;
  }
}

void Aggregator::AddOther(int32_t trace, int32_t pid, uint64_t time_ns, int32_t tid) {
  ProcessStats& p = ProcessFor(trace, pid);
  p.first_ns = std::min(p.first_ns, time_ns);
  p.last_ns = std::max(p.last_ns, time_ns);
  if (track_threads_ && tid)
    ThreadFor(trace, tid, pid, time_ns);
}

void Aggregator::AddSnapshot(int32_t trace,
                             int32_t pid,
                             uint64_t time_ns,
                             std::string_view argv0,
                             std::string_view cgroup) {
  AddOther(trace, pid, time_ns);
  if (!track_processes())
    return;
  ProcessStats& p = ProcessFor(trace, pid);
  if (time_ns >= p.snapshot_ns)
    return;
  p.snapshot_ns = time_ns;
  p.snapshot_name = argv0.empty() ? std::string() : Basename(argv0);
  p.cgroup = cgroup;
}

void Aggregator::Merge(const Aggregator& o) {
  for (int nr = 0; nr < kDirect; nr++)
    if (o.direct_[nr])
      StatsFor(format::kArchX86_64, nr).Merge(*o.direct_[nr]);
  for (const auto& [key, stats] : o.other_)
    other_[key].Merge(stats);
  for (const auto& [key, stats] : o.processes_)
    processes_[key].Merge(stats);
  for (const auto& [key, stats] : o.threads_)
    threads_[key].Merge(stats);
  track_threads_ = track_threads_ || o.track_threads_;
  track_processes_ = track_processes_ || o.track_processes_;
  lost_events_ += o.lost_events_;
}

std::vector<std::pair<SyscallKey, const SyscallStats*>> Aggregator::Syscalls() const {
  std::vector<std::pair<SyscallKey, const SyscallStats*>> out;
  for (int nr = 0; nr < kDirect; nr++)
    if (direct_[nr])
      out.emplace_back(SyscallKey{format::kArchX86_64, nr}, direct_[nr].get());
  for (const auto& [key, stats] : other_)
    out.emplace_back(key, &stats);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string ProcessName(const std::map<ProcessKey, ProcessStats>& processes,
                        const ProcessKey& key,
                        uint64_t at_ns,
                        const std::vector<std::string>& root_commands) {
  // Walk up the spawn chain; bounded in case of a (corrupt) cycle.
  ProcessKey k = key;
  for (int depth = 0; depth < 4096; depth++) {
    auto it = processes.find(k);
    if (it == processes.end())
      break;
    const ProcessStats& p = it->second;
    for (auto e = p.execs.rbegin(); e != p.execs.rend(); ++e)
      if (e->first <= at_ns)
        return e->second;
    if (!p.snapshot_name.empty())
      return p.snapshot_name;
    if (!p.spawned)
      break;
    at_ns = p.spawn_ns;
    k = ProcessKey{k.trace, p.parent_pid};
  }
  if (key.trace >= 0 && static_cast<size_t>(key.trace) < root_commands.size() &&
      !root_commands[key.trace].empty())
    return root_commands[key.trace];
  return "?";
}

std::string ProcessCgroup(const std::map<ProcessKey, ProcessStats>& processes,
                          const ProcessKey& key) {
  ProcessKey k = key;
  for (int depth = 0; depth < 4096; depth++) {  // bounded, as ProcessName
    auto it = processes.find(k);
    if (it == processes.end())
      break;
    if (!it->second.cgroup.empty())
      return it->second.cgroup;
    if (!it->second.spawned)
      break;
    k = ProcessKey{k.trace, it->second.parent_pid};
  }
  return "";
}

std::string ThreadName(const Aggregator& aggregate,
                       const ThreadKey& key,
                       const std::vector<std::string>& root_commands) {
  auto it = aggregate.threads().find(key);
  if (it == aggregate.threads().end())
    return "?";
  const ThreadStats& t = it->second;
  ProcessKey pk{key.trace, t.pid ? t.pid : key.tid};
  if (!t.name.empty()) {
    // An exec after the name was set resets it to the program's name.
    bool reset = false;
    auto p = aggregate.processes().find(pk);
    if (p != aggregate.processes().end())
      for (const auto& [at, prog] : p->second.execs)
        reset = reset || (at > t.name_ns && at <= t.last_ns);
    if (!reset)
      return t.name;
  }
  return ProcessName(aggregate.processes(), pk, t.last_ns, root_commands);
}

}  // namespace strec::analyze
