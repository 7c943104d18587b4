#include "strec/record/recorder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <type_traits>
#include <unordered_map>

#include "pidns.h"
#include "process_util.h"
#include "strec/format/trace_writer.h"
#include "strec/record/bpf_recorder.h"
#include "strec/record/capture.h"
#include "strec/record/inject.h"
#include "strec/record/seccomp_filter.h"
#include "strec/record/spin_policy.h"

namespace strec::record {

using fb::SyscallPhase;
using format::BufferRecord;
using format::SyscallRecord;

namespace {

// Set by the SIGALRM handler; read by the loop after waitpid() returns EINTR (as the stop
// signals are: StopSignalReceived).
volatile sig_atomic_t g_alarm = 0;

void OnAlarm(int) {
  g_alarm = 1;
}

// glibc's ptrace() takes an enum; the requests are plain numbers here.
template <typename T>
long Pt(long request, pid_t tid, unsigned long addr, T data) {
  void* p;
  if constexpr (std::is_pointer_v<T>) {
    p = data;
  } else {
    p = reinterpret_cast<void*>(static_cast<uintptr_t>(data));
  }
  return ptrace(static_cast<__ptrace_request>(request), tid, addr, p);
}

bool IsStopSignal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

pid_t TgidOf(pid_t tid) {
  std::string path = "/proc/" + std::to_string(tid) + "/status";
  FILE* f = fopen(path.c_str(), "re");
  if (!f)
    return tid;
  char line[256];
  pid_t tgid = tid;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "Tgid:", 5) == 0) {
      tgid = static_cast<pid_t>(atoi(line + 5));
      break;
    }
  fclose(f);
  return tgid;
}

// The spin budget for --spin-us: auto polls only when the recorder may run on more than one
// CPU (pinned to one, polling would only take turns with the tracees it waits for).
uint32_t SpinBudgetUs(int spin_us) {
  if (spin_us >= 0)
    return static_cast<uint32_t>(spin_us);
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) != 0 || CPU_COUNT(&cpus) < 2)
    return 0;
  return 50;
}

struct Tracee {
  pid_t tid = 0;
  pid_t tgid = 0;
  bool recording = true;  // false for the started command until its execve
  bool seccomp = false;   // under our seccomp filter: resume with PTRACE_CONT
  bool want_exit_stop = false;
  bool group_stopped = false;
  // The syscall in progress.
  bool in_syscall = false;
  bool record_this = false;  // in the traced set and recording
  bool entry_written = false;
  int nr = -1;
  uint64_t args[6] = {};
  uint64_t entry_ns = 0;
  uint64_t ip = 0;
  uint32_t arch = format::kArchX86_64;
  CapturedBuffers entry_bufs;
  // -e inject=: what was done to the call in progress (kSyscallInjected: replaced, returning
  // inject_ret).
  int64_t inject_ret = 0;
  uint64_t delay_exit_ns = 0;
  uint32_t inject_flags = 0;  // kSyscallInjected, kSyscallDelayed
};

class Recorder {
 public:
  Recorder(const RecordOptions& o,
           const format::SyscallTable& table,
           format::SyscallSet set,
           std::vector<InjectRule> inject)
      : opt_(o),
        table_(table),
        set_(std::move(set)),
        capture_(o.snaplen, o.capture_env),
        injector_(std::move(inject)) {}

  RecordResult Run();

 private:
  uint64_t Now() {
    uint64_t t = MonotonicNs();
    // Strictly increasing, so that times alone order the stops as the tracer saw them.
    last_ns_ = std::max(t, last_ns_ + 1);
    return last_ns_;
  }

  Status StartCommand(const std::string& resolved);
  Status Attach(pid_t pid);
  Tracee* Find(pid_t tid) {
    auto it = tracees_.find(tid);
    return it == tracees_.end() ? nullptr : it->second.get();
  }
  Tracee* Add(pid_t tid, pid_t tgid) {
    auto& slot = tracees_[tid];
    if (!slot)
      slot = std::make_unique<Tracee>();
    slot->tid = tid;
    slot->tgid = tgid;
    return slot.get();
  }
  void Remove(Tracee* t) {
    if (held_ == t)
      held_ = nullptr;
    pidns_.Forget(t->tid);
    tracees_.erase(t->tid);
  }

  void Resume(Tracee* t, int sig = 0) {
    long req = t->seccomp && !t->want_exit_stop ? PTRACE_CONT : PTRACE_SYSCALL;
    Pt(req, t->tid, 0, sig);
  }
  // -e inject=...:delay_*: the thread stays stopped until then; the others run on.
  void ResumeAfter(Tracee* t, uint64_t delay_ns, int sig = 0) {
    if (!delay_ns) {
      Resume(t, sig);
      return;
    }
    delayed_.push_back({MonotonicNs() + delay_ns, t->tid, sig});
  }
  // Resumes the delayed threads whose time has come; returns the nanoseconds until the next
  // (0: none left).
  uint64_t ResumeDue() {
    uint64_t now = MonotonicNs(), next = 0;
    for (size_t i = 0; i < delayed_.size();) {
      Delayed d = delayed_[i];
      if (d.at <= now) {
        delayed_.erase(delayed_.begin() + static_cast<ptrdiff_t>(i));
        if (Tracee* t = Find(d.tid))
          Resume(t, d.sig);
        continue;
      }
      next = next ? std::min(next, d.at - now) : d.at - now;
      i++;
    }
    return next;
  }
  void Tamper(Tracee* t, int nr);

  // waitpid(-1, __WALL), first polling as the spin policy allows (see spin_policy.h). Waits
  // after resuming a syscall entry (the next stop is usually that call's exit, soon) and after
  // anything else (the next entry comes when the program next makes a call) have a policy each,
  // so that a program that computes between calls stops the second kind of polling without
  // losing the first.
  pid_t WaitForStop(int* status) {
    while (!delayed_.empty()) {
      uint64_t wait_ns = ResumeDue();
      if (!wait_ns)
        break;
      pid_t tid = waitpid(-1, status, __WALL | WNOHANG);
      if (tid != 0)
        return tid;
      if (StopSignalReceived() || g_alarm) {
        errno = EINTR;
        return -1;
      }
      timespec ts = {0, static_cast<long>(std::min<uint64_t>(wait_ns, 1000000))};
      nanosleep(&ts, nullptr);
    }
    SpinPolicy& spin = spin_[after_entry_];
    if (uint32_t us = spin.BeforeWait()) {
      uint64_t deadline = MonotonicNs() + uint64_t{us} * 1000u;
      do {
        pid_t tid = waitpid(-1, status, __WALL | WNOHANG);
        if (tid != 0) {
          if (tid > 0) {
            spin.Hit();
            result_.spin_hits++;
          }
          return tid;
        }
        if (StopSignalReceived() || g_alarm) {
          errno = EINTR;  // as a blocking waitpid would have seen the signal
          return -1;
        }
        sched_yield();  // lets a tracee that shares this CPU run meanwhile
      } while (MonotonicNs() < deadline);
      spin.Miss();
      result_.spin_misses++;
    }
    return waitpid(-1, status, __WALL);
  }
  void HandleStop(pid_t tid, int status);
  void OnSyscallStop(Tracee* t);
  void OnEntry(Tracee* t, int nr, const uint64_t* args, uint64_t ip, bool from_seccomp);
  void OnExitStop(Tracee* t, int64_t rval);
  void OnSpawn(Tracee* t, int event);
  void OnExec(Tracee* t);
  void OnGone(Tracee* t, int status);
  void OnSignal(Tracee* t, int sig);
  void DetachAll(int sig);

  // Writing: every record other than a Complete first writes the held entry (if any) as an
  // Entry record, so the file keeps the order in which the tracer saw the stops.
  void FlushHeld();
  void WriteSyscall(Tracee* t,
                    SyscallPhase phase,
                    int64_t ret,
                    uint64_t exit_ns,
                    uint32_t flags,
                    const CapturedBuffers* exit_bufs);
  void WriteExec(Tracee* t, pid_t former);
  void WriteFdSnapshot(pid_t pid);
  // The task's ids in the pid namespaces below the recorder's, when it is in one (PidNs).
  void WritePidNs(Tracee* t, pid_t parent);
  // Rotation or the flight recorder's dump, when due (or asked for with SIGUSR1): ends the
  // trace file, or dumps the ring, with an fd snapshot of each traced process.
  void NewFile();

  const RecordOptions& opt_;
  const format::SyscallTable& table_;
  format::SyscallSet set_;
  Capture capture_;
  SpinPolicy spin_[2];        // [after_entry_]
  bool after_entry_ = false;  // the last stop handled was a syscall entry
  std::unique_ptr<format::TraceWriter> writer_;
  std::unordered_map<pid_t, std::unique_ptr<Tracee>> tracees_;
  Tracee* held_ = nullptr;
  uint64_t last_ns_ = 0;
  long options_ = 0;
  bool seccomp_active_ = false;
  std::vector<sock_filter> filter_;
  pid_t command_pid_ = -1;
  int command_exit_code_ = 0;
  bool detached_for_failure_ = false;
  bool command_done_ = false;
  bool command_snapshot_done_ = false;
  RecordResult result_;
  CapturedBuffers exit_bufs_;
  std::vector<BufferRecord> records_;
  Injector injector_;
  struct Delayed {
    uint64_t at;
    pid_t tid;
    int sig;
  };
  std::vector<Delayed> delayed_;
  PidNsReader pidns_;
};

RecordResult Recorder::Run() {
  result_.exit_code = 1;
  result_.backend = "ptrace";
  // Resolve the command first: a missing command is the user's error, before any file exists.
  std::string resolved;
  if (!opt_.command.empty()) {
    std::string error;
    resolved = ResolveCommand(opt_.command[0], &result_.exit_code, &error);
    if (resolved.empty()) {
      result_.status = NotFound(error);
      return result_;
    }
  }
  spin_[0] = spin_[1] = SpinPolicy(SpinBudgetUs(opt_.spin_us));
  seccomp_active_ = opt_.use_seccomp && !set_.all() && !opt_.command.empty();
  if (seccomp_active_) {
    format::SyscallSet stopped = set_;
    if (!injector_.empty())
      stopped |= injector_.Syscalls();  // tampered with even where not recorded
    // New process groups and sessions: their ids are recorded for pid namespaces (PidNs).
    std::string unused;
    if (auto ids = format::SyscallSet::Parse(table_, "setsid,setpgid", &unused))
      stopped |= *ids;
    filter_ = BuildSeccompFilter(table_, stopped);
  }

  format::HeaderInfo h = RecordHeader(opt_);
  h.seccomp_filter = seccomp_active_;
  h.pidns = true;
  last_ns_ = h.monotonic_ns;

  std::string path;
  auto w = OpenTrace(opt_, h, &path);
  if (!w.ok()) {
    result_.status = w.status();
    return result_;
  }
  writer_ = std::move(w).value();
  result_.path = path;

  options_ = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
  if (opt_.follow)
    options_ |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
  if (seccomp_active_)
    options_ |= PTRACE_O_TRACESECCOMP;

  struct sigaction sa = {}, old_alrm;
  sa.sa_handler = OnAlarm;  // no SA_RESTART: waitpid() returns EINTR
  sigaction(SIGALRM, &sa, &old_alrm);

  Status started;
  for (pid_t pid : opt_.attach) {
    started = Attach(pid);
    if (!started.ok())
      break;
  }
  if (started.ok() && !opt_.command.empty() && !StopSignalReceived())  // not once told to stop
    started = StartCommand(resolved);
  if (!started.ok()) {
    DetachAll(0);
    result_.status = started;
  } else if (tracees_.empty() && StopSignalReceived()) {
    result_.detached_by_signal = StopSignalReceived();  // told to stop before the command ran
  } else {
    // A tick each second flushes the held entry and the current chunk while tracees are quiet.
    itimerval tick = {{1, 0}, {1, 0}};
    setitimer(ITIMER_REAL, &tick, nullptr);
    while (!tracees_.empty()) {
      if (int sig = StopSignalReceived()) {
        DetachAll(sig);
        break;
      }
      if (writer_->failed()) {
        // Nothing more can be recorded: let the tracees run at full speed, untraced.
        dprintf(2, "strec-record: %s; detaching from the traced processes, which keep running\n",
                writer_->status().message().c_str());
        DetachAll(0);
        detached_for_failure_ = true;
        break;
      }
      int status;
      pid_t tid = WaitForStop(&status);
      if (tid < 0) {
        if (errno == EINTR) {
          if (g_alarm) {
            g_alarm = 0;
            FlushHeld();
            writer_->MaybeFlush(Now());
          }
          NewFile();  // SIGUSR1 interrupts the wait too
          continue;
        }
        if (errno == ECHILD)
          break;
        result_.status = ErrnoStatus("waitpid", errno);
        break;
      }
      result_.stops++;
      after_entry_ = false;  // OnEntry sets it
      HandleStop(tid, status);
      NewFile();
    }
    itimerval off = {};
    setitimer(ITIMER_REAL, &off, nullptr);
  }
  if (detached_for_failure_ && command_pid_ > 0 && !command_done_) {
    // The command is still our child: its exit status is still ours to pass on.
    if (int code = WaitForCommand(command_pid_); code >= 0)
      command_exit_code_ = code;
  }
  sigaction(SIGALRM, &old_alrm, nullptr);

  FlushHeld();
  // Read failures are not losses (each is recorded in its buffer); the summary counts them.
  result_.vm_reads = capture_.stats().vm_reads;
  result_.read_failures = capture_.stats().read_failures;
  FinishRecording(opt_, writer_.get(), command_exit_code_, started.ok(), &result_);
  return result_;
}

Status Recorder::StartCommand(const std::string& resolved) {
  // The child waits on a pipe until it is seized, installs the filter and execs.
  int (*install)(void*) = [](void* f) {
    int err = InstallSeccompFilter(*static_cast<const std::vector<sock_filter>*>(f));
    if (err)
      dprintf(2, "strec-record: cannot install the seccomp filter: %s\n", strerror(err));
    return err;
  };
  auto forked = ForkCommand(resolved, opt_.command, seccomp_active_ ? install : nullptr, &filter_);
  if (!forked.ok())
    return forked.status();
  ForkedCommand c = *forked;
  pid_t pid = c.pid;
  command_pid_ = pid;
  if (Pt(PTRACE_SEIZE, pid, 0, options_) != 0) {
    int err = errno;
    AbandonCommand(c);
    return Status(StatusCode::kPermissionDenied,
                  std::string("cannot trace the command: PTRACE_SEIZE: ") + strerror(err) +
                      (err == EPERM ? " (ptrace is not permitted here: check "
                                      "/proc/sys/kernel/yama/ptrace_scope or seccomp policy)"
                                    : ""));
  }
  Tracee* t = Add(pid, pid);
  t->recording = false;  // from its execve on
  t->seccomp = seccomp_active_;
  Pt(PTRACE_INTERRUPT, pid, 0, 0);
  // Let it go once the interrupt stop is queued; it then stops at its next syscall.
  return ReleaseCommand(c.go_write);
}

Status Recorder::Attach(pid_t pid) {
  if (Status s = CheckAttachPid(pid); !s.ok())
    return s;
  if (kill(pid, 0) != 0 && errno == ESRCH)
    return NotFound("cannot attach to pid " + std::to_string(pid) + ": no such process");
  // Seize every thread; repeat until a pass finds none new (threads may be created meanwhile,
  // and those made by seized threads are attached by the kernel).
  bool any = false;
  for (int pass = 0; pass < 100; pass++) {
    bool added = false;
    for (pid_t tid : ListTasks(pid)) {
      if (Find(tid))
        continue;
      if (Pt(PTRACE_SEIZE, tid, 0, options_) != 0) {
        if (errno == ESRCH)
          continue;  // it exited meanwhile
        int err = errno;
        std::string why = strerror(err);
        if (pid_t tracer = TracerOf(tid); err == EPERM && tracer > 0)
          why = "it is already traced by pid " + std::to_string(tracer) + " (" +
                ProcessName(tracer) + "); --backend bpf records without ptrace";
        return Status(err == EPERM ? StatusCode::kPermissionDenied : StatusCode::kIo,
                      "cannot attach to pid " + std::to_string(pid) + " (thread " +
                          std::to_string(tid) + "): " + why);
      }
      Pt(PTRACE_INTERRUPT, tid, 0, 0);
      WritePidNs(Add(tid, pid), 0);
      added = any = true;
    }
    if (!added)
      break;
  }
  if (!any)
    return NotFound("cannot attach to pid " + std::to_string(pid) + ": no such process");
  WriteFdSnapshot(pid);
  return OkStatus();
}

void Recorder::NewFile() {
  if (!NewFileDue(*writer_))
    return;
  FlushHeld();  // a call in progress: its entry goes in this file, its exit in the next
  std::set<pid_t> processes;
  for (const auto& [tid, t] : tracees_)
    if (t->recording)
      processes.insert(t->tgid);
  Status st = record::NewFile(writer_.get(), {processes.begin(), processes.end()},
                              std::max(writer_->last_time_ns(), Now()));
  if (!st.ok() && result_.status.ok())
    result_.status = st;
}

void Recorder::WritePidNs(Tracee* t, pid_t parent) {
  PidNsIds ids;
  if (!t->recording || !pidns_.Read(t->tid, t->tgid, parent, &ids))
    return;
  FlushHeld();
  writer_->Add(ids.Record(t->tid, t->tgid, Now()));
}

void Recorder::WriteFdSnapshot(pid_t pid) {
  ProcessFds fds = ReadProcessFds(pid);
  FlushHeld();
  writer_->Add(fds.Record(pid, Now()));
}

void Recorder::HandleStop(pid_t tid, int status) {
  Tracee* t = Find(tid);
  if (!t) {
    if (!WIFSTOPPED(status))
      return;  // an exit of something we no longer track
    // A new child whose first stop came before its parent's fork event: the event will fill in
    // its process and inheritance; until then it runs with syscall stops.
    t = Add(tid, TgidOf(tid));
    Resume(t);
    return;
  }
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    OnGone(t, status);
    return;
  }
  if (!WIFSTOPPED(status))
    return;
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  if (sig == (SIGTRAP | 0x80)) {
    OnSyscallStop(t);
    return;
  }
  switch (event) {
    case PTRACE_EVENT_SECCOMP:
      OnSyscallStop(t);
      return;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
      OnSpawn(t, event);
      return;
    case PTRACE_EVENT_EXEC:
      OnExec(t);
      return;
    case PTRACE_EVENT_STOP:
      if (IsStopSignal(sig) && t->recording) {
        // A group-stop: record it and keep the tracee stopped until SIGCONT (PTRACE_LISTEN).
        siginfo_t si = {};
        Pt(PTRACE_GETSIGINFO, tid, 0, &si);
        FlushHeld();
        writer_->Add(format::SignalRecord{tid,
                                          t->tgid,
                                          sig,
                                          si.si_code,
                                          {reinterpret_cast<const uint8_t*>(&si), sizeof si},
                                          true,
                                          Now()});
        t->group_stopped = true;
        Pt(PTRACE_LISTEN, tid, 0, 0);
        return;
      }
      // The initial stop of a new tracee, our PTRACE_INTERRUPT, or the end of a group-stop.
      t->group_stopped = false;
      Resume(t);
      return;
    case 0:
      OnSignal(t, sig);
      return;
    default:
      Resume(t);
      return;
  }
}

void Recorder::OnSignal(Tracee* t, int sig) {
  siginfo_t si = {};
  if (Pt(PTRACE_GETSIGINFO, t->tid, 0, &si) != 0) {
    // Not a signal-delivery-stop after all (e.g. a stop of a seized process): just go on.
    Resume(t);
    return;
  }
  if (!t->recording) {
    // Before the command's execve: nothing of ours should reach it; deliver anything else.
    Resume(t, sig == SIGCONT ? 0 : sig);
    return;
  }
  FlushHeld();
  writer_->Add(format::SignalRecord{t->tid,
                                    t->tgid,
                                    sig,
                                    si.si_code,
                                    {reinterpret_cast<const uint8_t*>(&si), sizeof si},
                                    false,
                                    Now()});
  Resume(t, sig);
}

void Recorder::OnSyscallStop(Tracee* t) {
  __ptrace_syscall_info info = {};
  long n = Pt(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof info, &info);
  if (n <= 0) {
    if (errno != ESRCH && t->recording) {
      // A syscall stop we cannot decode: never silently, it is counted in the trace.
      std::string why = std::string("PTRACE_GET_SYSCALL_INFO: ") + strerror(errno);
      FlushHeld();
      writer_->Add(format::LossRecord{t->tid, t->tgid, 1, 0, why, Now()});
      result_.lost++;
    }
    Resume(t);
    return;
  }
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY || info.op == PTRACE_SYSCALL_INFO_SECCOMP)
    t->arch = info.arch;
  switch (info.op) {
    case PTRACE_SYSCALL_INFO_ENTRY:
      OnEntry(t, static_cast<int>(info.entry.nr),
              reinterpret_cast<const uint64_t*>(info.entry.args), info.instruction_pointer, false);
      break;
    case PTRACE_SYSCALL_INFO_SECCOMP:
      if (t->in_syscall && !t->want_exit_stop) {
        // Already seen at its syscall-entry-stop (the tracee ran with PTRACE_SYSCALL); its exit
        // stop is still wanted, whatever the tracee's resume mode is by now.
        t->want_exit_stop = true;
        Resume(t);
        break;
      }
      OnEntry(t, static_cast<int>(info.seccomp.nr),
              reinterpret_cast<const uint64_t*>(info.seccomp.args), info.instruction_pointer, true);
      break;
    case PTRACE_SYSCALL_INFO_EXIT:
      OnExitStop(t, info.exit.rval);
      break;
    default:
      Resume(t);
  }
}

void Recorder::OnEntry(Tracee* t, int nr, const uint64_t* args, uint64_t ip, bool from_seccomp) {
  if (t->in_syscall && t->record_this && !t->entry_written)
    FlushHeld();
  uint64_t now = Now();
  if (!t->recording && t == Find(command_pid_) && (nr == __NR_execve || nr == __NR_execveat))
    t->recording = true;  // the command's own execve is its first recorded syscall
  t->in_syscall = true;
  t->nr = nr;
  std::memcpy(t->args, args, sizeof t->args);
  t->entry_ns = now;
  t->ip = ip;
  t->entry_written = false;
  t->record_this = t->recording && set_.Contains(nr);
  t->want_exit_stop = from_seccomp;
  after_entry_ = true;
  t->entry_bufs.Clear();
  if (t->record_this) {
    if (const format::SyscallInfo* si = table_.Find(nr))
      capture_.AtEntry(t->tid, format::ResolveVariant(*si, args), args, &t->entry_bufs);
    if (held_ && held_ != t)
      FlushHeld();
    held_ = t;
  }
  t->delay_exit_ns = 0;
  t->inject_flags = 0;
  if (!injector_.empty() && t->recording) {
    InjectAction a = injector_.AtEntry(t->tid, nr);
    if (a.tamper) {
      t->inject_ret = a.retval;
      t->inject_flags |= format::kSyscallInjected;
      Tamper(t, a.substitute_nr);
    }
    if (a.delay_enter_ns || a.delay_exit_ns)
      t->inject_flags |= format::kSyscallDelayed;
    t->delay_exit_ns = a.delay_exit_ns;
    if (a.tamper || a.delay_exit_ns)
      t->want_exit_stop = true;                  // the exit stop sets the return value, or waits
    ResumeAfter(t, a.delay_enter_ns, a.signal);  // a signal sent now arrives as the call ends
    return;
  }
  Resume(t);
}

// Replaces the call at its entry stop: number -1 (no call) or `nr`, a call without effects.
void Recorder::Tamper(Tracee* t, int nr) {
  Pt(PTRACE_POKEUSER, t->tid, offsetof(user_regs_struct, orig_rax),
     static_cast<long>(nr < 0 ? -1 : nr));
}

void Recorder::OnExitStop(Tracee* t, int64_t rval) {
  if (!t->in_syscall) {
    // The exit of a syscall that was in progress when we attached.
    t->want_exit_stop = false;
    if (t->recording) {
      user_regs_struct regs = {};
      Pt(PTRACE_GETREGS, t->tid, 0, &regs);
      t->nr = static_cast<int>(regs.orig_rax);
      uint64_t a[6] = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
      std::memcpy(t->args, a, sizeof a);
      t->entry_ns = 0;
      t->entry_bufs.Clear();
      if (set_.Contains(t->nr)) {
        FlushHeld();
        t->entry_written = true;
        WriteSyscall(t, SyscallPhase::Exit, rval, Now(), format::kSyscallNoEntry, nullptr);
      }
    }
    Resume(t);
    return;
  }
  t->in_syscall = false;
  t->want_exit_stop = false;
  if (t->inject_flags & format::kSyscallInjected) {
    // The value the program sees, set before it runs on (and recorded as such).
    Pt(PTRACE_POKEUSER, t->tid, offsetof(user_regs_struct, rax), static_cast<long>(t->inject_ret));
    rval = t->inject_ret;
  }
  if (t->record_this) {
    uint64_t now = Now();
    exit_bufs_.Clear();
    if (const format::SyscallInfo* si = table_.Find(t->nr))
      capture_.AtExit(t->tid, format::ResolveVariant(*si, t->args), t->args, rval, t->entry_bufs,
                      &exit_bufs_);
    if (held_ == t) {
      held_ = nullptr;
      WriteSyscall(t, SyscallPhase::Complete, rval, now, t->inject_flags, &exit_bufs_);
    } else {
      FlushHeld();
      WriteSyscall(t, SyscallPhase::Exit, rval, now, t->inject_flags, &exit_bufs_);
    }
    t->record_this = false;
  }
  // A new session or process group (the seccomp filter stops these calls too): the ids of the
  // caller and of setpgid's target.
  if ((t->nr == __NR_setsid || t->nr == __NR_setpgid) && rval >= 0) {
    WritePidNs(t, 0);
    int32_t target = static_cast<int32_t>(t->args[0]);
    if (t->nr == __NR_setpgid && target > 0)
      if (Tracee* o = Find(pidns_.Resolve(t->tid, target)); o && o != t)
        WritePidNs(o, 0);
  }
  uint64_t delay = t->delay_exit_ns;
  t->delay_exit_ns = 0;
  ResumeAfter(t, delay);
}

void Recorder::FlushHeld() {
  if (!held_)
    return;
  Tracee* t = held_;
  held_ = nullptr;
  WriteSyscall(t, SyscallPhase::Entry, 0, 0, 0, nullptr);
  t->entry_written = true;
}

void Recorder::WriteSyscall(Tracee* t,
                            SyscallPhase phase,
                            int64_t ret,
                            uint64_t exit_ns,
                            uint32_t flags,
                            const CapturedBuffers* exit_bufs) {
  records_.clear();
  if (phase != SyscallPhase::Exit)
    t->entry_bufs.AppendTo(&records_);
  if (exit_bufs)
    exit_bufs->AppendTo(&records_);
  SyscallRecord r;
  r.tid = t->tid;
  r.pid = t->tgid;
  r.phase = phase;
  r.nr = t->nr;
  r.arch = t->arch;
  r.ret = ret;
  r.entry_ns = t->entry_ns;
  r.exit_ns = exit_ns;
  r.flags = flags;
  // The Exit of a call whose Entry record was written: the arguments are there already (most
  // splits are of short calls interleaved with other tracees, so this keeps them small). Not for
  // execve, whose entry may have been written under another thread's id (OnExec).
  if (phase == SyscallPhase::Exit && !(flags & format::kSyscallNoEntry) && t->nr != __NR_execve &&
      t->nr != __NR_execveat) {
    r.flags |= format::kSyscallArgsInEntry;
  } else {
    std::memcpy(r.args, t->args, sizeof r.args);
    r.instruction_pointer = t->ip;
  }
  r.buffers = records_;
  writer_->Add(r);
}

void Recorder::OnSpawn(Tracee* t, int event) {
  unsigned long msg = 0;
  Pt(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
  pid_t child = static_cast<pid_t>(msg);
  uint64_t flags = 0;
  if (t->in_syscall && t->nr == __NR_clone) {
    flags = t->args[0];
  } else if (t->in_syscall && t->nr == __NR_clone3) {
    size_t off;
    const BufferRecord* b = t->entry_bufs.Find(0, false, format::kBufferPlain, &off);
    if (b && b->read_errno == 0 && b->full_len >= 8)
      std::memcpy(&flags, t->entry_bufs.bytes(off), 8);
    else
      flags = 0;
  }
  bool thread = event == PTRACE_EVENT_CLONE && (flags & CLONE_THREAD);
  if (event == PTRACE_EVENT_CLONE &&
      !(t->in_syscall && (t->nr == __NR_clone || t->nr == __NR_clone3)))
    thread = TgidOf(child) == t->tgid;
  Tracee* c = Find(child);
  bool already_running = c != nullptr;
  if (!c)
    c = Add(child, thread ? t->tgid : child);
  c->tgid = thread ? t->tgid : child;
  c->recording = t->recording;
  c->seccomp = t->seccomp;
  if (t->recording) {
    FlushHeld();
    fb::ForkKind kind = event == PTRACE_EVENT_FORK    ? fb::ForkKind::Fork
                        : event == PTRACE_EVENT_VFORK ? fb::ForkKind::Vfork
                                                      : fb::ForkKind::Clone;
    writer_->Add(format::SpawnRecord{t->tid, t->tgid, kind, child, c->tgid, flags, Now()});
    WritePidNs(c, t->tid);
  }
  (void)already_running;
  Resume(t);
}

void Recorder::OnExec(Tracee* t) {
  unsigned long msg = 0;
  Pt(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
  pid_t former = static_cast<pid_t>(msg);
  if (former != t->tid) {
    // execve in a non-leader thread: that thread now has the leader's id. The leader's own
    // syscall in progress is superseded (it never returns); the caller's execve goes on here.
    Tracee* f = Find(former);
    if (f) {
      if (held_ == t)
        FlushHeld();
      t->in_syscall = f->in_syscall;
      t->record_this = f->record_this;
      t->entry_written = f->entry_written;
      t->nr = f->nr;
      std::memcpy(t->args, f->args, sizeof t->args);
      t->entry_ns = f->entry_ns;
      t->ip = f->ip;
      std::swap(t->entry_bufs, f->entry_bufs);
      t->want_exit_stop = f->want_exit_stop;
      t->recording = f->recording;
      bool was_held = held_ == f;
      Remove(f);
      if (was_held)
        held_ = t;
    }
  }
  t->tgid = t->tid;
  // The command's exec starts the recording (when a seccomp filter hid its execve entry).
  bool first = t->tid == command_pid_ && !command_snapshot_done_;
  if (t->tid == command_pid_)
    t->recording = true;
  if (t->recording)
    WriteExec(t, former != t->tid ? former : 0);
  if (first) {
    // The fds the command inherited (stdin, stdout, ...), so replay can name them (-y).
    command_snapshot_done_ = true;
    WriteFdSnapshot(t->tid);
  }
  Resume(t);
}

void Recorder::WriteExec(Tracee* t, pid_t former) {
  // Path and argv from the execve entry when it was captured, else from /proc (after exec).
  std::string path;
  std::vector<std::string> argv_storage;
  std::vector<std::string_view> argv;
  uint32_t envc = 0;
  bool from_entry = false;
  if (t->in_syscall && (t->nr == __NR_execve || t->nr == __NR_execveat) && !t->entry_bufs.empty()) {
    uint8_t path_arg = t->nr == __NR_execve ? 0 : 1;
    uint8_t argv_arg = path_arg + 1;
    std::vector<BufferRecord> recs;
    t->entry_bufs.AppendTo(&recs);
    for (const auto& b : recs) {
      if (b.arg == path_arg && b.kind == format::kBufferString)
        path.assign(b.data.begin(), b.data.end());
      if (b.arg == argv_arg && b.kind == format::kBufferString)
        argv_storage.emplace_back(b.data.begin(), b.data.end());
      if (b.arg == argv_arg + 1 && b.kind == format::kBufferStringPtrs)
        envc = static_cast<uint32_t>(b.full_len);
    }
    from_entry = true;
  }
  if (!from_entry) {
    std::string proc = "/proc/" + std::to_string(t->tid);
    path = ReadLink(proc + "/exe");
    if (FILE* f = fopen((proc + "/cmdline").c_str(), "re")) {
      std::string cur;
      int c;
      while ((c = fgetc(f)) != EOF) {
        if (c == 0) {
          argv_storage.push_back(cur);
          cur.clear();
        } else {
          cur += static_cast<char>(c);
        }
      }
      fclose(f);
    }
  }
  for (const auto& a : argv_storage)
    argv.push_back(a);
  FlushHeld();
  writer_->Add(format::ExecRecord{t->tid, t->tgid, former, path, argv, envc, Now()});
}

void Recorder::OnGone(Tracee* t, int status) {
  uint64_t now = Now();
  injector_.Forget(t->tid);
  std::erase_if(delayed_, [&](const Delayed& d) { return d.tid == t->tid; });
  if (t->in_syscall && t->record_this) {
    // It ended inside a syscall (exit_group, or killed): that call never returns.
    if (held_ == t) {
      held_ = nullptr;
      WriteSyscall(t, SyscallPhase::Complete, 0, now, format::kSyscallNoReturn, nullptr);
    } else {
      FlushHeld();
      WriteSyscall(t, SyscallPhase::Exit, 0, now, format::kSyscallNoReturn, nullptr);
    }
  }
  if (t->recording) {
    FlushHeld();
    format::ExitRecord e;
    e.tid = t->tid;
    e.pid = t->tgid;
    SetExitStatus(status, &e);
    e.thread_only = t->tid != t->tgid;
    e.time_ns = now;
    writer_->Add(e);
  }
  if (t->tid == command_pid_) {
    command_done_ = true;
    command_exit_code_ = CommandExitCode(status);
  }
  Remove(t);
}

// Stops tracing every tracee, leaving it running (or stopped, if it was group-stopped). A
// tracee under our seccomp filter cannot be left unharmed (its filtered syscalls would fail
// with ENOSYS without a tracer), so those are traced on until they exit.
void Recorder::DetachAll(int sig) {
  result_.detached_by_signal = sig;
  FlushHeld();
  std::vector<pid_t> pending;
  size_t kept = 0;
  for (auto& [tid, t] : tracees_) {
    if (t->seccomp) {
      kept++;
      continue;
    }
    if (Pt(PTRACE_INTERRUPT, tid, 0, 0) == 0)
      pending.push_back(tid);
  }
  // Wait for each interrupted tracee to stop, then detach it, passing on a signal it was about
  // to receive.
  int rounds = 0;
  while (!pending.empty() && rounds++ < 100000) {
    int status;
    pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    Tracee* t = Find(tid);
    if (!t)
      continue;
    if (t->seccomp) {
      HandleStop(tid, status);
      continue;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      OnGone(t, status);
      pending.erase(std::remove(pending.begin(), pending.end(), tid), pending.end());
      continue;
    }
    int s = WSTOPSIG(status);
    int event = status >> 16;
    int deliver = 0;
    if (event == 0 && s != (SIGTRAP | 0x80))
      deliver = s;  // a signal-delivery-stop
    if (t->recording) {
      if (t->in_syscall && t->record_this)
        FlushHeld();
      writer_->Add(format::DetachRecord{tid, t->tgid,
                                        sig ? std::string_view(strsignal(sig)) : "detach", Now()});
    }
    if (event == PTRACE_EVENT_STOP && !IsStopSignal(s) && t->group_stopped) {
      // It was group-stopped: detaching leaves it stopped, as it would be untraced.
    }
    Pt(PTRACE_DETACH, tid, 0, deliver);
    Remove(t);
    pending.erase(std::remove(pending.begin(), pending.end(), tid), pending.end());
  }
  if (kept) {
    dprintf(2,
            "strec-record: %zu thread(s) run under the recorder's seccomp filter and cannot be "
            "detached unharmed; recording them until they exit (use --no-seccomp to avoid this)\n",
            kept);
    result_.detached_by_signal = 0;
    // Trace the rest to the end.
    while (!tracees_.empty()) {
      int status;
      pid_t tid = waitpid(-1, &status, __WALL);
      if (tid < 0) {
        if (errno == EINTR)
          continue;
        break;
      }
      HandleStop(tid, status);
    }
  }
}

}  // namespace

RecordResult Record(const RecordOptions& options) {
  CatchStopSignals();  // for both backends, whichever runs (RecordMain did already)
  RecordResult r;
  const format::SyscallTable* table = format::SyscallTable::ForArch(format::kArchX86_64);
  std::string error;
  std::optional<format::SyscallSet> set;
  if (options.trace_expr.empty()) {
    set = format::SyscallSet();
  } else {
    set = format::SyscallSet::Parse(*table, options.trace_expr, &error);
  }
  if (!set) {
    r.status = InvalidArgument("-e trace=" + options.trace_expr + ": " + error);
    r.exit_code = 2;
    return r;
  }
  std::vector<InjectRule> rules;
  for (const std::string& spec : options.inject) {
    bool fault = spec.rfind("fault=", 0) == 0;
    auto rule = ParseInjectRule(*table, spec.substr(spec.find('=') + 1), fault);
    if (!rule.ok()) {
      r.status = InvalidArgument("-e " + spec + ": " + rule.status().message());
      r.exit_code = 2;
      return r;
    }
    rules.push_back(std::move(rule).value());
  }
  if (options.command.empty() && options.attach.empty() && !options.Selects()) {
    r.status = InvalidArgument("nothing to trace: give a command, -p PID, or -a");
    r.exit_code = 2;
    return r;
  }
  RecordOptions o = options;
  if (o.comms.size() > RecordOptions::kMaxSelectors ||
      o.cgroups.size() > RecordOptions::kMaxSelectors) {
    r.status = InvalidArgument("at most " + std::to_string(RecordOptions::kMaxSelectors) +
                               " --comm names and as many --cgroup directories");
    r.exit_code = 2;
    return r;
  }
  if (o.Selects()) {
    // Only the kernel sees every process as it starts: no ptrace fallback.
    if (o.backend == RecordOptions::Backend::kPtrace) {
      r.status = InvalidArgument(
          "-a, --cgroup, --comm and -u select processes in the kernel: they need --backend bpf");
      r.exit_code = 2;
      return r;
    }
    o.backend = RecordOptions::Backend::kBpf;
  }
  auto zstd_level = [&](int backend_default) {
    return options.writer.zstd_level ? options.writer.zstd_level : backend_default;
  };
  if (!rules.empty()) {
    // Tampering needs the tracee stopped at the call.
    if (o.backend == RecordOptions::Backend::kBpf) {
      r.status = InvalidArgument("-e inject= and -e fault= need --backend ptrace");
      r.exit_code = 2;
      return r;
    }
    if (o.backend == RecordOptions::Backend::kAuto)
      o.backend_note = "-e inject=/fault= needs ptrace";
    o.backend = RecordOptions::Backend::kPtrace;
  }
  if (o.backend != RecordOptions::Backend::kPtrace) {
    o.writer.zstd_level = zstd_level(1);
    if (o.backend == RecordOptions::Backend::kAuto)
      o.backend_note = "chosen by --backend auto";
    r = RecordWithBpf(o, *table, *set);
    if (!r.backend_unavailable)
      return r;
    if (o.backend == RecordOptions::Backend::kBpf) {
      r.status = Status(r.status.code(),
                        r.status.message() + "; --backend ptrace (or auto) records without it");
      return r;
    }
    // --backend auto, and eBPF cannot load: ptrace, saying why.
    o.backend_note = "--backend auto: " + r.status.message();
    if (!o.quiet)
      dprintf(2, "strec-record: recording with ptrace: %s\n", r.status.message().c_str());
  }
  o.writer.zstd_level = zstd_level(6);
  Recorder rec(o, *table, *set, std::move(rules));
  return rec.Run();
}

}  // namespace strec::record
