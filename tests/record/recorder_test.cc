// End-to-end tests of strec-record: run fixture programs (tests/programs) under the recorder
// binary, then decode the trace and check what was recorded. They need ptrace; each skips with
// the reason where it is not permitted.
#include <asm/unistd.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "strec/format/trace_reader.h"
#include "strec/record/bpf_recorder.h"
#include "strec/record/bpf_stack.h"
#include "support/process.h"
#include "support/trace_builder.h"

namespace strec::record {
namespace {

using fb::Body;
using fb::SyscallPhase;

const std::string kPrograms = STREC_PROGRAMS_DIR;
const std::string kRecorder = STREC_RECORD_BIN;

// A copy of one decoded event (the reader's memory does not outlive it).
struct Buf {
  int arg = 0;
  bool out = false;
  int kind = 0;
  uint32_t index = 0;
  uint64_t full_len = 0;
  int read_errno = 0;
  std::string data;
};
struct Ev {
  Body type = Body::NONE;
  int tid = 0, pid = 0;
  // Syscall
  SyscallPhase phase = SyscallPhase::Complete;
  int nr = -1;
  uint64_t args[6] = {};
  int64_t ret = 0;
  uint32_t flags = 0;
  uint64_t entry_ns = 0, exit_ns = 0;
  std::vector<Buf> bufs;
  // Others
  int fork_kind = 0, child_tid = 0, child_pid = 0;
  uint64_t clone_flags = 0;
  std::string path;
  std::vector<std::string> argv;
  int former_tid = 0;
  int status = 0, signal = 0, signo = 0, code = 0;
  bool group_stop = false;
  std::string reason;
  uint64_t lost = 0;  // Loss: the events it stands for
  std::map<int, std::string> fds;
  std::string cwd;

  const Buf* Find(int a, bool o, int k = -1) const {
    for (const auto& b : bufs)
      if (b.arg == a && b.out == o && (k < 0 || b.kind == k))
        return &b;
    return nullptr;
  }
};

struct Trace {
  std::vector<Ev> events;
  std::vector<std::string> warnings;
  std::vector<const Ev*> Syscalls(int nr) const {
    std::vector<const Ev*> out;
    for (const auto& e : events)
      if (e.type == Body::Syscall && e.nr == nr && e.phase != SyscallPhase::Exit)
        out.push_back(&e);
    return out;
  }
  std::vector<const Ev*> Of(Body type) const {
    std::vector<const Ev*> out;
    for (const auto& e : events)
      if (e.type == type)
        out.push_back(&e);
    return out;
  }
};

Trace Load(const std::string& path) {
  Trace t;
  auto r = format::TraceReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok())
    return t;
  t.warnings = (*r)->warnings();
  for (;;) {
    auto n = (*r)->Next();
    EXPECT_TRUE(n.ok()) << n.status().message();
    if (!n.ok() || !*n)
      break;
    const fb::Event* e = *n;
    Ev ev;
    ev.type = e->body_type();
    ev.tid = e->tid();
    ev.pid = e->pid();
    switch (e->body_type()) {
      case Body::Syscall: {
        const auto* s = e->body_as_Syscall();
        ev.phase = s->phase();
        ev.nr = s->nr();
        uint64_t a[6] = {s->a0(), s->a1(), s->a2(), s->a3(), s->a4(), s->a5()};
        std::memcpy(ev.args, a, sizeof a);
        ev.ret = s->ret();
        ev.flags = s->flags();
        ev.entry_ns = s->entry_ns();
        ev.exit_ns = s->exit_ns();
        if (s->buffers())
          for (const auto* b : *s->buffers()) {
            Buf x;
            x.arg = b->arg();
            x.out = b->out();
            x.kind = b->kind();
            x.index = b->index();
            x.full_len = b->full_len();
            x.read_errno = b->read_errno();
            if (b->data())
              x.data.assign(b->data()->begin(), b->data()->end());
            ev.bufs.push_back(x);
          }
        break;
      }
      case Body::Spawn: {
        const auto* s = e->body_as_Spawn();
        ev.fork_kind = static_cast<int>(s->kind());
        ev.child_tid = s->child_tid();
        ev.child_pid = s->child_pid();
        ev.clone_flags = s->clone_flags();
        break;
      }
      case Body::Exec: {
        const auto* x = e->body_as_Exec();
        ev.path = x->path() ? x->path()->str() : "";
        if (x->argv())
          for (const auto* a : *x->argv())
            ev.argv.push_back(a->str());
        ev.former_tid = x->former_tid();
        break;
      }
      case Body::Exit:
        ev.status = e->body_as_Exit()->status();
        ev.signal = e->body_as_Exit()->signal();
        break;
      case Body::Signal:
        ev.signo = e->body_as_Signal()->signo();
        ev.code = e->body_as_Signal()->code();
        ev.group_stop = e->body_as_Signal()->group_stop();
        break;
      case Body::Detach:
        ev.reason = e->body_as_Detach()->reason() ? e->body_as_Detach()->reason()->str() : "";
        break;
      case Body::Loss:
        ev.lost = e->body_as_Loss()->events();
        ev.reason = e->body_as_Loss()->reason() ? e->body_as_Loss()->reason()->str() : "";
        break;
      case Body::FdSnapshot:
        for (const auto* f : *e->body_as_FdSnapshot()->fds())
          ev.fds[f->fd()] = f->path() ? f->path()->str() : "";
        ev.cwd = e->body_as_FdSnapshot()->cwd() ? e->body_as_FdSnapshot()->cwd()->str() : "";
        break;
      default:
        break;
    }
    t.events.push_back(std::move(ev));
  }
  return t;
}

using testing::ReadFile;
using testing::RunResult;

// Runs strec-record with args; captures stdout and stderr through the files "stdout" and
// "stderr" of dir. A non-zero file_size_limit is set as RLIMIT_FSIZE for the recorder (and so
// its command).
RunResult RunRecorder(const std::vector<std::string>& args,
                      const testing::TempDir& dir,
                      rlim_t file_size_limit = 0) {
  std::vector<std::string> argv = {kRecorder};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::RunOptions options;
  options.file_size_limit = file_size_limit;
  return testing::RunCapturing(argv, dir.path(), options);
}

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why = testing::PtraceUnavailable();
    if (!why.empty())
      GTEST_SKIP() << why;
  }
  // Records PROGRAM ARGS... with extra recorder options; returns the run and the trace.
  RunResult Record(const std::vector<std::string>& opts,
                   const std::string& program,
                   const std::vector<std::string>& args = {}) {
    std::vector<std::string> all = backend_;
    all.insert(all.end(), opts.begin(), opts.end());
    all.insert(all.end(), {"-o", trace_path(), "--", Program(program)});
    all.insert(all.end(), args.begin(), args.end());
    return RunRecorder(all, dir_);
  }
  std::string Program(const std::string& name) const { return kPrograms + "/" + name; }
  std::string trace_path() const { return dir_.File("t.strec"); }
  testing::TempDir dir_;
  // Recorder options that choose the backend: ptrace unless a test says otherwise (the
  // recorder's default, auto, would pick eBPF where it loads); --force, since many tests record
  // into the same trace_path() more than once.
  std::vector<std::string> backend_ = {"--backend", "ptrace", "--force"};
  std::error_code ec_;
};

// The tests that hold for both backends: ptrace and eBPF (--backend bpf). The eBPF instances
// skip only where the build or the machine lacks what it needs (testing::CheckBpf); where
// nothing lacks, a backend that does not load fails them.
class BackendTest : public RecorderTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "ptrace") {
      RecorderTest::SetUp();
      return;
    }
    testing::BpfGate gate = testing::CheckBpf(kRecorder, dir_.File("probe.strec"));
    if (gate.verdict == testing::BpfGate::kFail)
      FAIL() << gate.reason;
    if (gate.verdict == testing::BpfGate::kSkip)
      GTEST_SKIP() << gate.reason;
    backend_ = {"--backend", GetParam(), "--force"};
  }
  // strec-record with this backend's options, then ARGS.
  std::vector<std::string> Recorder(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {kRecorder};
    argv.insert(argv.end(), backend_.begin(), backend_.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  RunResult RunRec(const std::vector<std::string>& args, rlim_t fsize = 0) {
    std::vector<std::string> all = backend_;
    all.insert(all.end(), args.begin(), args.end());
    return RunRecorder(all, dir_, fsize);
  }
  bool bpf() const { return GetParam() == "bpf"; }
};

INSTANTIATE_TEST_SUITE_P(Backends,
                         BackendTest,
                         ::testing::Values("ptrace", "bpf"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// Pinned with taskset, the command keeps its CPU. With --recorder-cpus auto the recorder's
// writer thread spreads over the CPUs allowed to it, and with eBPF its main thread too (a
// ptrace tracer stays beside its tracees); with inherit they all stay.
TEST_P(BackendTest, PinnedCommandKeepsItsCpuWhileTheRecorderSpreads) {
  std::string taskset = testing::Which("taskset");
  if (taskset.empty())
    GTEST_SKIP() << "taskset (util-linux) is not installed";
  cpu_set_t mine;
  if (sched_getaffinity(0, sizeof mine, &mine) != 0 || !CPU_ISSET(0, &mine) || CPU_COUNT(&mine) < 2)
    GTEST_SKIP() << "needs CPU 0 and another one";
  // The command prints its own allowed CPUs, then its parent's (the recorder's) main thread's,
  // then those of the recorder's other threads (whose ids need not sort after the main one's).
  const std::string script =
      "grep Cpus_allowed_list: /proc/self/status /proc/$PPID/task/$PPID/status | cut -d: -f2-; "
      "for t in /proc/$PPID/task/*; do [ \"${t##*/}\" = \"$PPID\" ] || "
      "grep Cpus_allowed_list: \"$t/status\"; done";
  for (std::string mode : {"auto", "inherit"}) {
    std::vector<std::string> argv = {taskset, "-c", "0"};
    for (const std::string& a : Recorder(
             {"-q", "--recorder-cpus", mode, "-o", trace_path(), "--", "/bin/sh", "-c", script}))
      argv.push_back(a);
    RunResult r = testing::RunCapturing(argv, dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lists;
    std::stringstream ss(r.out);
    for (std::string l; std::getline(ss, l);)
      lists.push_back(l.substr(l.find('\t') + 1));
    ASSERT_GE(lists.size(), 3u) << r.out;  // the command, the recorder's main and writer threads
    EXPECT_EQ(lists[0], "0") << mode << ": the command's affinity changed";
    EXPECT_EQ(lists[1] == "0", mode == "inherit" || !bpf()) << mode << ": main thread " << lists[1];
    for (size_t i = 2; i < lists.size(); i++)
      EXPECT_EQ(lists[i] == "0", mode == "inherit") << mode << ": thread " << i << " " << lists[i];
  }
}

TEST_P(BackendTest, FilesSyscallsWithBuffers) {
  RunResult r = Record({}, "files", {dir_.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  EXPECT_TRUE(t.warnings.empty());

  // The command's execve comes first, with its path and argv.
  ASSERT_FALSE(t.events.empty());
  auto execs = t.Of(Body::Exec);
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_EQ(execs[0]->path, Program("files"));
  EXPECT_EQ(execs[0]->argv, (std::vector<std::string>{Program("files"), dir_.path()}));
  // Then the fds the command inherited.
  auto snaps = t.Of(Body::FdSnapshot);
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(snaps[0]->fds.at(1), dir_.File("stdout"));
  // Only what the command has after its execve: none of the recorder's own fds (the trace, BPF
  // maps and links, all close-on-exec), though its fork had them until then.
  for (const auto& [fd, path] : snaps[0]->fds) {
    EXPECT_NE(path, trace_path()) << fd;
    EXPECT_EQ(path.find("anon_inode:"), std::string::npos) << fd << " " << path;
  }

  // Every fd the program opened is named as strace -y would name it.
  bool named = false;
  for (const Ev* e : t.Syscalls(__NR_openat)) {
    if (e->ret < 0)
      continue;
    const Buf* p = e->Find(format::kArgReturn, true, format::kBufferFdPath);
    ASSERT_NE(p, nullptr);
    if (p->data == dir_.path() + "/files.txt")
      named = true;
  }
  EXPECT_TRUE(named);

  // The failed open: ENOENT, with its path kept whole.
  bool saw_enoent = false;
  for (const Ev* e : t.Syscalls(__NR_openat)) {
    const Buf* p = e->Find(1, false, format::kBufferString);
    ASSERT_NE(p, nullptr);
    if (p->data == dir_.path() + "/does-not-exist") {
      EXPECT_EQ(e->ret, -ENOENT);
      saw_enoent = true;
    }
  }
  EXPECT_TRUE(saw_enoent);

  // write(fd, "hello strec\n", 12) = 12 with its input buffer.
  const Ev* write = nullptr;
  for (const Ev* e : t.Syscalls(__NR_write))
    if (e->args[2] == 12)
      write = e;
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->ret, 12);
  const Buf* wb = write->Find(1, false);
  ASSERT_NE(wb, nullptr);
  EXPECT_EQ(wb->data, "hello strec\n");
  EXPECT_EQ(wb->full_len, 12u);

  // read() = 12 with the output buffer, then read() = 0 at EOF with an empty one.
  std::vector<const Ev*> reads;
  for (const Ev* e : t.Syscalls(__NR_read))
    if (e->args[2] == 64)
      reads.push_back(e);
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0]->ret, 12);
  ASSERT_NE(reads[0]->Find(1, true), nullptr);
  EXPECT_EQ(reads[0]->Find(1, true)->data, "hello strec\n");
  EXPECT_EQ(reads[1]->ret, 0);

  // pread64 at offset 6 reads "strec\n"; the raw fstat fills a whole struct stat.
  std::vector<const Ev*> preads;
  for (const Ev* e : t.Syscalls(__NR_pread64))
    if (e->args[3] == 6)
      preads.push_back(e);  // (the dynamic loader's preads read at other offsets)
  ASSERT_EQ(preads.size(), 1u);
  EXPECT_EQ(preads[0]->ret, 6);
  EXPECT_EQ(preads[0]->Find(1, true)->data, "strec\n");
  auto fstats = t.Syscalls(__NR_fstat);
  ASSERT_FALSE(fstats.empty());
  const Buf* st = fstats.back()->Find(1, true);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->data.size(), 144u);

  // The process exited with 0, and the times are ordered.
  auto exits = t.Of(Body::Exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]->status, 0);
  EXPECT_EQ(exits[0]->signal, 0);
  uint64_t prev = 0;
  for (const auto& e : t.events) {
    if (e.type != Body::Syscall)
      continue;
    EXPECT_LE(e.entry_ns, e.exit_ns == 0 ? e.entry_ns : e.exit_ns);
    EXPECT_GE(e.entry_ns, prev);
    prev = e.entry_ns;
  }
  // exit_group never returns.
  auto eg = t.Syscalls(__NR_exit_group);
  ASSERT_EQ(eg.size(), 1u);
  EXPECT_TRUE(eg[0]->flags & format::kSyscallNoReturn);
}

TEST_P(BackendTest, ExitStatusPassesThrough) {
  EXPECT_EQ(Record({}, "exitcode", {"42"}).exit_code, 42);
  EXPECT_EQ(Record({}, "exitcode", {"0"}).exit_code, 0);
}

TEST_P(BackendTest, KilledBySignalGives128PlusN) {
  RunResult r = Record({}, "killed", {"segv"});
  EXPECT_EQ(r.exit_code, 128 + SIGSEGV) << r.err;
  Trace t = Load(trace_path());
  auto sigs = t.Of(Body::Signal);
  ASSERT_FALSE(sigs.empty());
  EXPECT_EQ(sigs[0]->signo, SIGSEGV);
  auto exits = t.Of(Body::Exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]->signal, SIGSEGV);

  r = Record({}, "killed", {"kill"});
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  t = Load(trace_path());
  exits = t.Of(Body::Exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]->signal, SIGKILL);
}

TEST_P(BackendTest, CommandNotFoundOrNotExecutable) {
  RunResult r = RunRec({"-o", trace_path(), "--", "/nonexistent/strec-no-such-command"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("strec-no-such-command"), std::string::npos) << r.err;
  r = RunRec({"-o", trace_path(), "strec-no-such-command-in-path"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("command not found"), std::string::npos) << r.err;
  std::string noexec = dir_.File("noexec");
  testing::WriteFileBytes(noexec, {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'});
  chmod(noexec.c_str(), 0644);
  r = RunRec({"-o", trace_path(), noexec});
  EXPECT_EQ(r.exit_code, 126);
}

TEST_P(BackendTest, ForkExecWait) {
  RunResult r = Record({}, "forkexec");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  auto spawns = t.Of(Body::Spawn);
  ASSERT_EQ(spawns.size(), 2u);
  std::set<int> children;
  for (const Ev* s : spawns) {
    EXPECT_EQ(s->child_tid, s->child_pid);  // processes, not threads
    children.insert(s->child_tid);
  }
  auto execs = t.Of(Body::Exec);
  ASSERT_EQ(execs.size(), 2u);  // the program itself, then /bin/true in the first child
  EXPECT_EQ(execs[1]->path, "/bin/true");
  EXPECT_TRUE(children.count(execs[1]->tid));
  // Every process's exit is recorded: the child that exits 3, /bin/true, and the parent.
  std::map<int, int> status;
  for (const Ev* e : t.Of(Body::Exit))
    status[e->tid] = e->status;
  EXPECT_EQ(status.size(), 3u);
  int threes = 0;
  for (auto [tid, s] : status)
    threes += s == 3;
  EXPECT_EQ(threes, 1);
}

// A call split by another process's stops (forkexec's parent waits in wait4 while its children
// run) is an Entry with the arguments and an Exit without them (kSyscallArgsInEntry), whose
// number, entry time and thread match its Entry's; every Exit has its Entry before it. The
// execve whose exec event came in between keeps its arguments.
TEST_P(BackendTest, SplitCallsKeepTheirArgumentsInTheEntry) {
  RunResult r = Record({}, "forkexec");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  std::map<int, const Ev*> open;  // tid -> its Entry
  int exits = 0, waits = 0;
  for (const Ev* e : t.Of(Body::Syscall)) {
    if (e->phase == SyscallPhase::Entry) {
      EXPECT_FALSE(open.count(e->tid)) << "two entries in a row on " << e->tid;
      open[e->tid] = e;
    } else if (e->phase == SyscallPhase::Exit) {
      exits++;
      ASSERT_TRUE(open.count(e->tid)) << "an exit without its entry, nr " << e->nr;
      const Ev* entry = open[e->tid];
      open.erase(e->tid);
      EXPECT_EQ(entry->nr, e->nr);
      EXPECT_EQ(entry->entry_ns, e->entry_ns);
      if (e->nr == __NR_execve) {
        // Kept whole: an execve's entry may have been written under another thread's id.
        EXPECT_FALSE(e->flags & format::kSyscallArgsInEntry);
        EXPECT_EQ(e->args[0], entry->args[0]);
        continue;
      }
      EXPECT_TRUE(e->flags & format::kSyscallArgsInEntry) << "nr " << e->nr;
      for (uint64_t a : e->args)
        EXPECT_EQ(a, 0u) << "nr " << e->nr;
      if (e->nr == __NR_wait4) {
        waits++;
        EXPECT_GT(entry->args[0] + entry->args[1], 0u);  // wait4(-1 or pid, &status, ...)
      }
    }
  }
  EXPECT_GT(exits, 0);
  EXPECT_GT(waits, 0);
}

// The working directory is recorded at start and after each chdir, so replay can show
// AT_FDCWD</path> as strace -y does; environment strings only with --capture-env.
TEST_P(BackendTest, WorkingDirectoryAndEnvironment) {
  for (bool env : {false, true}) {
    SCOPED_TRACE(env ? "--capture-env" : "default");
    std::vector<std::string> args = {"-o", trace_path()};
    if (env)
      args.push_back("--capture-env");
    args.insert(args.end(), {"--", "/bin/sh", "-c", "cd /tmp && exec /bin/true"});
    std::remove(trace_path().c_str());
    RunResult r = RunRec(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Trace t = Load(trace_path());
    auto snaps = t.Of(Body::FdSnapshot);
    ASSERT_EQ(snaps.size(), 1u);
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    EXPECT_EQ(snaps[0]->cwd, cwd);
    auto chdirs = t.Syscalls(__NR_chdir);
    ASSERT_EQ(chdirs.size(), 1u);
    const Buf* now = chdirs[0]->Find(format::kArgReturn, true, format::kBufferCwd);
    ASSERT_NE(now, nullptr);
    EXPECT_EQ(std::string(now->data.begin(), now->data.end()), "/tmp");

    // The second execve (/bin/true) inherits sh's environment: at least PATH-like entries.
    auto execs = t.Syscalls(__NR_execve);
    ASSERT_EQ(execs.size(), 2u);
    const Buf* ptrs = execs[1]->Find(2, false, format::kBufferStringPtrs);
    ASSERT_NE(ptrs, nullptr);
    EXPECT_EQ(ptrs->full_len, static_cast<uint64_t>(testing::CountEnviron()));
    size_t strings = 0;
    for (const auto& b : execs[1]->bufs)
      strings += b.arg == 2 && b.kind == format::kBufferString;
    EXPECT_EQ(strings, env ? ptrs->full_len : 0u);
  }
}

TEST_P(BackendTest, NoFollowTracesOnlyTheFirstProcess) {
  RunResult r = Record({"--no-follow"}, "forkexec");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  EXPECT_TRUE(t.Of(Body::Spawn).empty());
  EXPECT_EQ(t.Of(Body::Exec).size(), 1u);
  std::set<int> tids;
  for (const auto& e : t.events)
    tids.insert(e.tid);
  EXPECT_EQ(tids.size(), 1u);
  // The untraced children still ran: the parent's wait4 saw one exit with status 3.
  bool saw_three = false;
  for (const Ev* e : t.Syscalls(__NR_wait4)) {
    const Buf* st = e->Find(1, true);
    if (st && st->data.size() == 4 && (static_cast<uint8_t>(st->data[1]) == 3))
      saw_three = true;
  }
  EXPECT_TRUE(saw_three);
}

TEST_P(BackendTest, ThreadsShareTheProcessId) {
  RunResult r = Record({}, "threads");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  auto spawns = t.Of(Body::Spawn);
  ASSERT_EQ(spawns.size(), 3u);
  int leader = spawns[0]->pid;
  std::set<int> tids;
  for (const Ev* s : spawns) {
    EXPECT_EQ(s->child_pid, leader);
    EXPECT_NE(s->child_tid, leader);
    EXPECT_TRUE(s->clone_flags & CLONE_THREAD);
    tids.insert(s->child_tid);
  }
  std::set<int> writers;
  for (const Ev* e : t.Syscalls(__NR_write)) {
    EXPECT_EQ(e->pid, leader);
    writers.insert(e->tid);
  }
  for (int tid : tids)
    EXPECT_TRUE(writers.count(tid)) << "no write from thread " << tid;
  // Entries and exits pair up per thread whatever the interleaving.
  std::map<int, int> open;
  for (const auto& e : t.events) {
    if (e.type != Body::Syscall)
      continue;
    if (e.phase == SyscallPhase::Entry) {
      EXPECT_EQ(open[e.tid]++, 0) << "tid " << e.tid;
    } else if (e.phase == SyscallPhase::Exit) {
      EXPECT_EQ(open[e.tid]--, 1) << "tid " << e.tid;
    } else {
      EXPECT_EQ(open[e.tid], 0) << "tid " << e.tid;
    }
  }
}

TEST_P(BackendTest, Vfork) {
  RunResult r = Record({}, "vfork");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  auto spawns = t.Of(Body::Spawn);
  ASSERT_EQ(spawns.size(), 1u);
  EXPECT_EQ(spawns[0]->fork_kind, static_cast<int>(fb::ForkKind::Vfork));
  auto execs = t.Of(Body::Exec);
  ASSERT_EQ(execs.size(), 2u);
  EXPECT_EQ(execs[1]->tid, spawns[0]->child_tid);
}

TEST_P(BackendTest, ExecFromANonLeaderThread) {
  RunResult r = Record({}, "exec_thread");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "exec-from-thread\n");
  Trace t = Load(trace_path());
  auto execs = t.Of(Body::Exec);
  ASSERT_EQ(execs.size(), 2u);
  const Ev* e = execs[1];
  EXPECT_EQ(e->tid, e->pid);  // it took the leader's id
  EXPECT_NE(e->former_tid, 0);
  EXPECT_NE(e->former_tid, e->tid);
  EXPECT_EQ(e->path, "/bin/echo");
  // The execve's exit is recorded under the leader's id and returns 0.
  bool exit_seen = false;
  for (const auto& ev : t.events)
    if (ev.type == Body::Syscall && ev.nr == __NR_execve && ev.phase != SyscallPhase::Entry &&
        ev.tid == e->tid && ev.ret == 0)
      exit_seen = true;
  EXPECT_TRUE(exit_seen);
}

TEST_P(BackendTest, SignalsAreDeliveredAndRecorded) {
  RunResult r = Record({}, "signals");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("handled"), std::string::npos) << r.out;
  Trace t = Load(trace_path());
  std::set<int> signos;
  for (const Ev* s : t.Of(Body::Signal))
    signos.insert(s->signo);
  EXPECT_TRUE(signos.count(SIGUSR1));
  EXPECT_TRUE(signos.count(SIGUSR2));
  EXPECT_TRUE(signos.count(SIGPIPE));
}

TEST_P(BackendTest, StopAndContinue) {
  RunResult r = Record({}, "stopcont");
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "resumed\n");
  Trace t = Load(trace_path());
  bool group_stop = false;
  for (const Ev* s : t.Of(Body::Signal))
    group_stop |= s->group_stop && s->signo == SIGSTOP;
  EXPECT_TRUE(group_stop);
}

TEST_P(BackendTest, SnapLengthCutsDataButKeepsTheFullLength) {
  RunResult r = Record({"-s", "16"}, "bigio");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  const Ev* big = nullptr;
  for (const Ev* e : t.Syscalls(__NR_write))
    if (e->args[2] == 1 << 20)
      big = e;
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->ret, 1 << 20);
  const Buf* b = big->Find(1, false);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->data.size(), 16u);
  EXPECT_EQ(b->full_len, 1u << 20);
  for (int i = 0; i < 16; i++)
    EXPECT_EQ(static_cast<uint8_t>(b->data[i]), i & 0xff);
}

TEST_F(RecorderTest, SocketsCaptureAddressesAndIovecs) {
  RunResult r = Record({}, "sockets");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  // bind() on 127.0.0.1 keeps the sockaddr_in.
  bool bound = false;
  for (const Ev* e : t.Syscalls(__NR_bind)) {
    const Buf* a = e->Find(1, false);
    if (a && a->data.size() >= 8 && a->data[0] == AF_INET) {
      EXPECT_EQ(static_cast<uint8_t>(a->data[4]), 127);
      bound = true;
    }
  }
  EXPECT_TRUE(bound);
  // recvmsg's data arrives in the iovec elements.
  auto recvmsgs = t.Syscalls(__NR_recvmsg);
  ASSERT_FALSE(recvmsgs.empty());
  std::string got;
  for (const auto& b : recvmsgs[0]->bufs)
    if (b.out && b.kind == format::kBufferIovecData)
      got += b.data;
  EXPECT_EQ(static_cast<int64_t>(got.size()), recvmsgs[0]->ret);
  // socketpair's two new fds are named.
  auto pairs = t.Syscalls(__NR_socketpair);
  ASSERT_FALSE(pairs.empty());
  int names = 0;
  for (const auto& b : pairs[0]->bufs)
    if (b.kind == format::kBufferFdPath) {
      EXPECT_EQ(b.data.rfind("socket:[", 0), 0u) << b.data;
      names++;
    }
  EXPECT_EQ(names, 2);
}

TEST_F(RecorderTest, TraceSetWithSeccompStopsOnlyForChosenSyscalls) {
  RunResult r = Record({"-e", "trace=openat"}, "syscall_loop", {"20000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  int openats = 0;
  for (const auto& e : t.events) {
    if (e.type != Body::Syscall)
      continue;
    EXPECT_EQ(e.nr, __NR_openat);
    openats++;
  }
  EXPECT_GT(openats, 0);  // the dynamic loader opens libc
  EXPECT_EQ(t.Of(Body::Exec).size(), 1u);
  // 20000 getppid calls ran without stopping: the recorder saw only a few hundred stops.
  auto pos = r.err.find(" stops");
  ASSERT_NE(pos, std::string::npos) << r.err;
  size_t start = r.err.rfind(' ', pos - 1) + 1;
  long stops = std::stol(r.err.substr(start, pos - start));
  EXPECT_LT(stops, 500) << r.err;

  // Without the filter the same set records the same syscalls, with a stop for every call.
  RunResult r2 = Record({"-e", "trace=openat", "--no-seccomp"}, "syscall_loop", {"20000"});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  Trace t2 = Load(trace_path());
  int openats2 = 0;
  for (const auto& e : t2.events)
    openats2 += e.type == Body::Syscall && e.nr == __NR_openat;
  EXPECT_EQ(openats2, openats);
}

TEST_P(BackendTest, AttachAndDetachLeaveTheProcessUnharmed) {
  pid_t sleeper = testing::Start({Program("sleeper"), "30"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pid_t rec = testing::Start(Recorder({"-o", trace_path(), "-p", std::to_string(sleeper)}));
  // Once the trace exists the recorder is ready (the eBPF backend loads its program first,
  // slowly under sanitizers); then it attaches.
  for (int i = 0; i < 1000 && std::filesystem::file_size(trace_path(), ec_) == 0; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(rec, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(rec, &status, 0), rec);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
  // The sleeper is alive, not traced, and exits with its own status on SIGTERM.
  EXPECT_EQ(kill(sleeper, 0), 0);
  std::string st = ReadFile("/proc/" + std::to_string(sleeper) + "/status");
  EXPECT_NE(st.find("TracerPid:\t0\n"), std::string::npos) << st;
  kill(sleeper, SIGTERM);
  ASSERT_EQ(waitpid(sleeper, &status, 0), sleeper);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5);

  Trace t = Load(trace_path());
  EXPECT_TRUE(t.warnings.empty());  // the footer was written
  auto snaps = t.Of(Body::FdSnapshot);
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_TRUE(snaps[0]->fds.count(0));
  EXPECT_EQ(t.Of(Body::Detach).size(), 1u);
  EXPECT_FALSE(t.Syscalls(__NR_clock_nanosleep).empty() && t.Syscalls(__NR_nanosleep).empty());
}

TEST_P(BackendTest, SigtermDetachesFromAStartedCommand) {
  pid_t rec = testing::Start(Recorder({"-o", trace_path(), "--", Program("sleeper"), "30"}));
  // Stopped once the command runs the sleeper (the recorder may take a while to start).
  for (int i = 0; i < 1000; i++) {
    std::string kids =
        ReadFile("/proc/" + std::to_string(rec) + "/task/" + std::to_string(rec) + "/children");
    std::string exe =
        kids.empty() ? "" : testing::ReadLink("/proc/" + kids.substr(0, kids.find(' ')) + "/exe");
    if (exe == Program("sleeper"))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(rec, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(rec, &status, 0), rec);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  Trace t = Load(trace_path());
  auto execs = t.Of(Body::Exec);
  ASSERT_EQ(execs.size(), 1u);
  pid_t sleeper = execs[0]->pid;
  // The command runs on, untraced; it still answers SIGTERM its own way (it was reparented, so
  // only its disappearance can be observed here).
  ASSERT_EQ(kill(sleeper, 0), 0);
  std::string st = ReadFile("/proc/" + std::to_string(sleeper) + "/status");
  EXPECT_NE(st.find("TracerPid:\t0\n"), std::string::npos) << st;
  EXPECT_EQ(st.find("State:\tT"), std::string::npos) << "left stopped: " << st;
  kill(sleeper, SIGTERM);
  for (int i = 0; i < 100 && kill(sleeper, 0) == 0; i++) {
    std::string s = ReadFile("/proc/" + std::to_string(sleeper) + "/status");
    if (s.find("State:\tZ") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(t.Of(Body::Detach).size(), 1u);
}

// Started as a background job of a script is (SIGINT and SIGHUP ignored, here by `trap ""`),
// the command inherits those dispositions through the recorder as it would without it.
TEST_P(BackendTest, TheCommandInheritsTheIgnoredSignalsTheRecorderGot) {
  auto sig_ign = [](const std::string& out) {
    size_t at = out.find("SigIgn:");
    return at == std::string::npos ? std::string("(none)")
                                   : out.substr(at, out.find('\n', at) - at);
  };
  std::vector<std::string> probe = {"/bin/grep", "SigIgn", "/proc/self/status"};
  std::string wrap = "trap '' INT HUP; exec \"$@\"";
  std::vector<std::string> untraced = {"/bin/sh", "-c", wrap, "sh"};
  untraced.insert(untraced.end(), probe.begin(), probe.end());
  RunResult plain = testing::RunCapturing(untraced, dir_.path());
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  std::vector<std::string> traced = {"/bin/sh", "-c", wrap, "sh"};
  for (const std::string& a : Recorder({"-q", "-o", trace_path(), "--"}))
    traced.push_back(a);
  traced.insert(traced.end(), probe.begin(), probe.end());
  RunResult rec = testing::RunCapturing(traced, dir_.path());
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_NE(sig_ign(plain.out), "SigIgn:\t0000000000000000") << plain.out;
  EXPECT_EQ(sig_ign(rec.out), sig_ign(plain.out));
}

// A stop signal is caught from the start of the recorder's main, even when it was started with
// SIGINT ignored: one sent as soon as the recorder catches it (before it has attached or loaded
// anything) stops the recording, every time, and the attached process lives on.
TEST_P(BackendTest, AStopSignalAtStartUpIsNeverLost) {
  // It sleeps far longer than the test waits: a recorder that lost the signal would otherwise
  // end when its tracee does.
  pid_t sleeper = testing::Start({Program("sleeper"), "3600"});
  struct Reaper {  // also when an assertion ends the test early
    pid_t pid;
    ~Reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reaper{sleeper};
  for (int round = 0; round < 5; round++) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh"};
    for (const std::string& a : Recorder({"-q", "-o", dir_.File("early" + std::to_string(round)),
                                          "-p", std::to_string(sleeper)}))
      argv.push_back(a);
    testing::RunOptions o;
    o.err = dir_.File("early.err");
    pid_t rec = testing::Start(argv, o);
    // Once the shell has become the recorder (the shell itself catches SIGINT for a moment),
    // SigCgt: the signals it catches; SIGINT is bit 1.
    bool caught = false;
    // The executable first: the shell catches SIGINT too until its trap, so a status read
    // before the exec could show the shell's handler (the test then sent SIGINT while the
    // recorder still ignored it, as inherited, and the recorder rightly went on).
    for (int i = 0; i < 20000 && !caught; i++) {
      if (testing::ReadLink("/proc/" + std::to_string(rec) + "/exe") != kRecorder) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        continue;
      }
      std::string st = ReadFile("/proc/" + std::to_string(rec) + "/status");
      size_t at = st.find("SigCgt:\t");
      caught = at != std::string::npos && (std::stoull(st.substr(at + 8, 16), nullptr, 16) & 2);
      if (!caught)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    ASSERT_TRUE(caught) << "the recorder never caught SIGINT";
    kill(rec, SIGINT);
    int status = 0;
    bool ended = false;
    // A lost signal leaves the recorder waiting for ever; a minute is only a bound for a slow
    // (sanitized, loaded) machine, not a speed requirement.
    for (int i = 0; i < 3000 && !ended; i++) {
      ended = waitpid(rec, &status, WNOHANG) == rec;
      if (!ended)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string where;  // what each of its threads was doing, to tell where it hung
    if (!ended) {
      std::error_code ec;
      for (const auto& e :
           std::filesystem::directory_iterator("/proc/" + std::to_string(rec) + "/task", ec)) {
        std::string t = e.path().string();
        where += " thread " + e.path().filename().string() + ": " +
                 ReadFile(t + "/stat").substr(0, 60) + " wchan " + ReadFile(t + "/wchan") +
                 " stack " + ReadFile(t + "/stack") + ";";
      }
      kill(rec, SIGKILL);
      waitpid(rec, &status, 0);
    }
    ASSERT_TRUE(ended) << "round " << round << ": the recorder went on after SIGINT:" << where
                       << " stderr: " << ReadFile(dir_.File("early.err"));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT)
        << "round " << round << ": status " << status << ": " << ReadFile(dir_.File("early.err"));
    EXPECT_EQ(kill(sleeper, 0), 0);
  }
  std::string st = ReadFile("/proc/" + std::to_string(sleeper) + "/status");
  EXPECT_NE(st.find("TracerPid:\t0\n"), std::string::npos) << st;
}

TEST_P(BackendTest, SigkillInsideABlockingSyscall) {
  pid_t rec = testing::Start(Recorder({"-o", trace_path(), "--", Program("sleeper"), "30"}));
  // The command is the recorder's only child.
  pid_t child = 0;
  for (int i = 0; i < 100 && child == 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::string kids =
        ReadFile("/proc/" + std::to_string(rec) + "/task/" + std::to_string(rec) + "/children");
    if (!kids.empty())
      child = std::stoi(kids);
  }
  ASSERT_NE(child, 0);
  // Wait until it sleeps inside its nanosleep (not in a ptrace stop, not still starting up): a
  // fixed delay is not enough on a loaded machine.
  bool sleeping = false;
  for (int i = 0; i < 500 && !sleeping; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::string sc = ReadFile("/proc/" + std::to_string(child) + "/syscall");
    std::string stat = ReadFile("/proc/" + std::to_string(child) + "/stat");
    size_t paren = stat.rfind(')');
    char state = paren != std::string::npos && paren + 2 < stat.size() ? stat[paren + 2] : '?';
    int nr = sc.empty() ? -1 : atoi(sc.c_str());
    sleeping = state == 'S' && (nr == __NR_clock_nanosleep || nr == __NR_nanosleep);
  }
  ASSERT_TRUE(sleeping) << "the command never reached its sleep";
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(rec, &status, 0), rec);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGKILL);
  Trace t = Load(trace_path());
  auto exits = t.Of(Body::Exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]->signal, SIGKILL);
  // The last syscall (the sleep it was in) never returned.
  const Ev* last = nullptr;
  for (const auto& e : t.events)
    if (e.type == Body::Syscall)
      last = &e;
  ASSERT_NE(last, nullptr);
  EXPECT_TRUE(last->flags & format::kSyscallNoReturn);
  EXPECT_TRUE(last->nr == __NR_clock_nanosleep || last->nr == __NR_nanosleep) << last->nr;
}

// An attach that fails leaves no file behind (it would hold only a header), as a command that
// does not exist does.
TEST_P(BackendTest, AttachToMissingPidFails) {
  RunResult r = RunRec({"-o", trace_path(), "-p", "999999999"});
  EXPECT_NE(r.exit_code, 0);
  RunResult r2 = RunRec({"-o", trace_path(), "-p", "4194303"});
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_NE(r2.err.find("4194303"), std::string::npos) << r2.err;
  EXPECT_NE(access(trace_path().c_str(), F_OK), 0) << "a failed attach left " << trace_path();
  // With a good pid first: the recording still never started.
  pid_t sleeper = testing::Start({Program("sleeper"), "30"});
  RunResult r3 = RunRec({"-o", trace_path(), "-p", std::to_string(sleeper), "-p", "4194303"});
  EXPECT_EQ(r3.exit_code, 1) << r3.err;
  EXPECT_NE(access(trace_path().c_str(), F_OK), 0) << "a failed attach left " << trace_path();
  EXPECT_EQ(kill(sleeper, 0), 0) << "the attached process must survive the failed start";
  kill(sleeper, SIGKILL);
  waitpid(sleeper, nullptr, 0);
}

// A process that another tracer (a debugger, strace) already traces cannot be attached with
// ptrace: the error says who traces it.
TEST_F(RecorderTest, AttachToATracedProcessNamesItsTracer) {
  pid_t sleeper = testing::Start({Program("sleeper"), "30"});
  ASSERT_EQ(ptrace(PTRACE_SEIZE, sleeper, 0, 0), 0) << strerror(errno);
  RunResult r =
      RunRecorder({"--backend", "ptrace", "-o", trace_path(), "-p", std::to_string(sleeper)}, dir_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already traced by pid " + std::to_string(getpid())), std::string::npos)
      << r.err;
  EXPECT_NE(access(trace_path().c_str(), F_OK), 0);
  kill(sleeper, SIGKILL);
  waitpid(sleeper, nullptr, 0);
}

// A full disk (here: a file size limit) stops the recording, never the command: the recorder
// says so, detaches, passes on the command's exit status, and the file keeps what was written.
TEST_P(BackendTest, WriteFailureDetachesAndKeepsTheCommandRunning) {
  RunResult r = RunRec(
      {"-o", trace_path(), "--chunk-kib", "16", "--", Program("syscall_loop"), "200000", "getppid"},
      32 << 10);
  // The command exited 0; the recording failed, so strec-record exits 1.
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("detaching"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NOT WRITTEN"), std::string::npos) << r.err;
  // What reached the file is readable: a prefix of the run, without an index.
  auto reader = format::TraceReader::Open(trace_path());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_FALSE((*reader)->warnings().empty());
  uint64_t events = 0;
  for (;;) {
    auto e = (*reader)->Next();
    ASSERT_TRUE(e.ok()) << e.status().message();
    if (!*e)
      break;
    events++;
  }
  EXPECT_GT(events, 100u);
  EXPECT_LT(events, 200000u);
}

// The command's exit status survives a failed recording too, with children still running.
TEST_P(BackendTest, WriteFailureKeepsTheCommandsExitStatus) {
  RunResult r = RunRec({"-o", trace_path(), "--chunk-kib", "16", "--", "/bin/sh", "-c",
                        "for i in $(seq 200); do /bin/true; done; exit 7"},
                       16 << 10);
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.err.find("detaching"), std::string::npos) << r.err;
}

TEST_P(BackendTest, DefaultOutputNeverOverwrites) {
  testing::RunOptions in_dir;
  in_dir.cwd = dir_.path();
  ASSERT_EQ(testing::Run(Recorder({Program("exitcode"), "0"}), in_dir), 0);
  ASSERT_EQ(testing::Run(Recorder({Program("exitcode"), "0"}), in_dir), 0);
  int traces = 0;
  for (const auto& entry : std::filesystem::directory_iterator(in_dir.cwd))
    if (entry.path().extension() == ".strec") {
      traces++;
      EXPECT_EQ(entry.path().filename().string().rfind("exitcode-", 0), 0u);
    }
  EXPECT_EQ(traces, 2);
}

// ---- The eBPF backend only ----

class BpfBackendTest : public BackendTest {};
INSTANTIATE_TEST_SUITE_P(Bpf,
                         BpfBackendTest,
                         ::testing::Values("bpf"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The ring buffer overflows while the recorder is stopped and the command runs on: every record
// that found no room is counted in a Loss event and in the summary, none is dropped silently.
TEST_P(BpfBackendTest, RingOverflowIsCountedInTheTrace) {
  testing::RunOptions o;
  o.err = dir_.File("err");
  constexpr int kCalls = 2000000;  // about a second: it is still running when stopped
  pid_t rec = testing::Start(Recorder({"--bpf-ring-mib", "1", "-o", trace_path(), "--",
                                       Program("syscall_loop"), std::to_string(kCalls)}),
                             o);
  pid_t child = 0;
  for (int i = 0; i < 500 && child == 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::string kids =
        ReadFile("/proc/" + std::to_string(rec) + "/task/" + std::to_string(rec) + "/children");
    if (!kids.empty())
      child = std::stoi(kids);
  }
  ASSERT_NE(child, 0);
  // Stopped only once the command runs (before its exec it waits for the recorder).
  for (int i = 0; i < 500; i++) {
    std::string exe = testing::ReadLink("/proc/" + std::to_string(child) + "/exe");
    if (exe.size() >= 12 && exe.compare(exe.size() - 12, 12, "syscall_loop") == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(rec, SIGSTOP);
  // The command runs to its end (a zombie: its parent, the recorder, is stopped).
  bool done = false;
  for (int i = 0; i < 6000 && !done; i++) {  // up to 30 s on a loaded machine
    std::string stat = ReadFile("/proc/" + std::to_string(child) + "/stat");
    size_t paren = stat.rfind(')');
    done = paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
    if (!done)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(rec, SIGCONT);
  int status = 0;
  ASSERT_EQ(waitpid(rec, &status, 0), rec);
  ASSERT_TRUE(done) << "the command did not finish while the recorder was stopped";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string err = ReadFile(dir_.File("err"));
  EXPECT_NE(err.find("LOST"), std::string::npos) << err;

  Trace t = Load(trace_path());
  uint64_t lost = 0;
  for (const Ev* e : t.Of(Body::Loss)) {
    lost += e->lost;
    EXPECT_NE(e->reason.find("ring buffer"), std::string::npos) << e->reason;
  }
  // Each getppid is two ring records (entry, exit): what arrived plus what was lost covers them.
  uint64_t records = 0;
  for (const auto& e : t.events)
    if (e.type == Body::Syscall && e.nr == __NR_getppid)
      records += e.phase == SyscallPhase::Complete ? 2 : 1;
  EXPECT_GT(lost, 0u);
  EXPECT_LT(records, 2u * kCalls);
  EXPECT_GE(records + lost, 2u * kCalls);
  auto reader = format::TraceReader::Open(trace_path());
  ASSERT_TRUE(reader.ok());
  ASSERT_NE((*reader)->footer(), nullptr);
  EXPECT_EQ((*reader)->footer()->lost_events(), lost);
  const auto* settings = (*reader)->header().settings();
  ASSERT_NE(settings, nullptr);
  ASSERT_NE(settings->backend(), nullptr);
  EXPECT_EQ(settings->backend()->str(), "bpf");
}

// A narrowed set is filtered in the kernel: only those calls reach the trace.
// With room for one thread (--bpf-max-threads 1), the command's three threads cannot be
// followed: each is counted in a Loss event and in the summary, and the command runs as ever.
TEST_P(BpfBackendTest, ThreadsBeyondTheMaximumAreCountedAsLost) {
  RunResult r = Record({"--bpf-max-threads", "1"}, "threads");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("LOST"), std::string::npos) << r.err;
  Trace t = Load(trace_path());
  uint64_t lost = 0;
  for (const Ev* e : t.Of(Body::Loss))
    lost += e->lost;
  EXPECT_EQ(lost, 3u);
  // The command's own syscalls are there; none of the threads'.
  ASSERT_EQ(t.Of(Body::Exec).size(), 1u);
  int pid = t.Of(Body::Exec)[0]->tid;
  for (const auto& e : t.events) {
    if (e.type == Body::Syscall) {
      EXPECT_EQ(e.tid, pid);
    }
  }
}

TEST_P(BpfBackendTest, TraceSetRecordsOnlyTheChosenSyscalls) {
  RunResult r = Record({"-e", "trace=openat"}, "syscall_loop", {"20000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Trace t = Load(trace_path());
  int openats = 0;
  for (const auto& e : t.events) {
    if (e.type != Body::Syscall)
      continue;
    EXPECT_EQ(e.nr, __NR_openat);
    openats++;
  }
  EXPECT_GT(openats, 0);
  EXPECT_EQ(t.Of(Body::Exec).size(), 1u);
  EXPECT_EQ(t.Of(Body::Exit).size(), 1u);
}

// The build keeps only the kernel types the eBPF program reads, taken from the build machine's
// kernel, and uses them when it runs on that kernel (else libbpf reads all of the running
// kernel's BTF; STREC_BPF_FULL_BTF=1 forces that). Both must place every field the same: the
// same calls, results and fd paths (the dentry walk is where most of the types are used), the
// same exec and exit.
TEST_P(BpfBackendTest, BuildKernelTypesReadWhatTheFullKernelTypesRead) {
  std::string used;  // which types the first run used (STREC_BPF_DEBUG=stats says)
  auto summary = [&](bool full) {
    setenv(full ? "STREC_BPF_FULL_BTF" : "STREC_BPF_DEBUG", full ? "1" : "stats", 1);
    RunResult r = Record({}, "files", {dir_.path()});
    unsetenv("STREC_BPF_FULL_BTF");
    unsetenv("STREC_BPF_DEBUG");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (!full)
      used = r.err;
    Trace t = Load(trace_path());
    std::vector<std::string> out;
    for (const auto& e : t.events) {
      if (e.type == Body::Syscall) {
        // (results that are addresses or ids differ from run to run: only those of the calls
        // with paths are kept)
        std::string line = std::to_string(static_cast<int>(e.phase)) + " " + std::to_string(e.nr);
        for (const Buf& b : e.bufs)
          if (b.kind == format::kBufferFdPath || b.kind == format::kBufferString)
            line += " " + b.data;
        if (line.find('/') != std::string::npos)
          line += " = " + std::to_string(e.ret);
        out.push_back(line);
      } else if (e.type == Body::Exec) {
        out.push_back("exec " + e.path);
      } else if (e.type == Body::Exit) {
        out.push_back("exit " + std::to_string(e.status) + " " + std::to_string(e.signal));
      }
    }
    return out;
  };
  std::vector<std::string> build = summary(false);
  if (used.find("kernel types: the build's") == std::string::npos)
    GTEST_SKIP() << "not the kernel strec was built on: " << used.substr(0, 400);
  std::vector<std::string> full = summary(true);
  EXPECT_GT(build.size(), 20u);
  EXPECT_EQ(build, full);
}

// The default backend, auto, records with eBPF where it loads, and says so in the summary line
// and in the header.
TEST_P(BpfBackendTest, AutoRecordsWithEbpfWhereItLoads) {
  RunResult r = RunRecorder({"-o", trace_path(), "--", Program("exitcode"), "3"}, dir_);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("(eBPF)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("recording with ptrace"), std::string::npos) << r.err;
  auto reader = format::TraceReader::Open(trace_path());
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const auto* settings = (*reader)->header().settings();
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ(settings->backend()->str(), "bpf");
  ASSERT_NE(settings->backend_note(), nullptr);
  EXPECT_EQ(settings->backend_note()->str(), "chosen by --backend auto");
}

// What the build made is what the kernel checks: for every program, the stack depth of each
// function as strec-bpf-stack reads it from the object bounds the depth the verifier found for
// it (its statistics list one per function of the loaded program, in another order: sorted,
// each of the verifier's is at most the one in the same place of ours).
TEST_P(BpfBackendTest, TheStaticStackMeasureBoundsTheVerifiers) {
#ifndef STREC_BPF_OBJECT
  GTEST_SKIP() << "built without the eBPF backend";
#else
  auto functions = record::bpfstack::ReadObject(STREC_BPF_OBJECT);
  ASSERT_TRUE(functions.ok()) << functions.status().message();
  // With -a: the selection's code is live (without a selection, the verifier skips it as dead).
  setenv("STREC_BPF_DEBUG", "stats", 1);
  RunResult r = Record({"-a"}, "exitcode", {"0"});
  unsetenv("STREC_BPF_DEBUG");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int programs = 0;
  for (size_t p = 0; p < functions->size(); p++) {
    const auto& prog = (*functions)[p];
    if (!prog.entry)
      continue;
    // The verifier's depths: "strec-record: NAME: ...\nstack depth A+B+C".
    size_t at = r.err.find("strec-record: " + prog.name + ": ");
    ASSERT_NE(at, std::string::npos) << prog.name << "\n" << r.err;
    size_t line = r.err.find("stack depth ", at);
    ASSERT_NE(line, std::string::npos) << prog.name;
    std::vector<uint32_t> theirs;
    std::istringstream in(r.err.substr(line + 12, r.err.find('\n', line) - line - 12));
    for (std::string d; std::getline(in, d, '+');)
      theirs.push_back(static_cast<uint32_t>(std::stoul(d)));
    // Ours: the functions the program reaches.
    std::vector<uint32_t> ours;
    std::vector<bool> seen(functions->size());
    std::vector<size_t> todo = {p};
    while (!todo.empty()) {
      size_t f = todo.back();
      todo.pop_back();
      if (seen[f])
        continue;
      seen[f] = true;
      ours.push_back((*functions)[f].depth);
      for (size_t c : (*functions)[f].callees)
        todo.push_back(c);
    }
    ASSERT_EQ(ours.size(), theirs.size()) << prog.name;
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    for (size_t i = 0; i < ours.size(); i++)
      EXPECT_LE(theirs[i], ours[i]) << prog.name << ": function " << i << " of the sorted depths";
    programs++;
  }
  EXPECT_EQ(programs, 7);
#endif
}

// libbpf's log of a program the kernel refused, as the eBPF backend printed it when the stack
// was too deep: the one-line error names the program and the verifier's last word.
TEST(BpfLoadErrorTest, TheVerifiersVerdictInOneLine) {
#ifndef STREC_BPF_OBJECT
  GTEST_SKIP() << "built without the eBPF backend";
#else
  const std::string log =
      "prog 'on_exit': BPF program load failed: Permission denied\n"
      "prog 'on_exit': -- BEGIN PROG LOAD LOG --\n"
      "Func#13 ('scm_step_body') is safe for any args that match its prototype\n"
      "combined stack size of 5 calls is 544. Too large\n"
      "processed 4515 insns (limit 1000000) max_states_per_insn 5 total_states 296\n"
      "-- END PROG LOAD LOG --\n"
      "prog 'on_exit': failed to load: -13\n"
      "failed to load object 'strec_bpf'\n";
  EXPECT_EQ(VerifierVerdict(log),
            "the kernel's verifier rejected program on_exit: combined stack size of 5 calls is "
            "544. Too large");
  EXPECT_EQ(VerifierVerdict("failed to create map 'events': Operation not permitted\n"), "");
  EXPECT_EQ(VerifierVerdict("prog 'on_enter': -- BEGIN PROG LOAD LOG --\n"
                            "-- END PROG LOAD LOG --\n"),
            "the kernel's verifier rejected program on_enter: (its log is empty)");
#endif
}

// Without privilege, auto records with ptrace and says why, on stderr and in the header; an
// explicit --backend bpf fails with that reason in one line. (The recorder runs as nobody.)
TEST_F(RecorderTest, AutoFallsBackToPtraceAndSaysWhy) {
  std::string setpriv = testing::Which("setpriv");
  if (getuid() != 0)
    GTEST_SKIP() << "needs root to run the recorder as another user";
  if (setpriv.empty())
    GTEST_SKIP() << "setpriv (util-linux) is not installed";
  std::string out = dir_.File("nobody");
  mkdir(out.c_str(), 0777);
  chmod(out.c_str(), 0777);
  chmod(dir_.path().c_str(), 0755);
  // Copies of the recorder and the program where nobody can run them (the build tree may lie
  // under a directory only root may enter).
  std::string recorder = dir_.File("strec-record"), program = dir_.File("exitcode");
  for (const auto& [from, to] : {std::pair{kRecorder, recorder}, {Program("exitcode"), program}}) {
    std::error_code ec;
    ASSERT_TRUE(std::filesystem::copy_file(from, to, ec)) << from << ": " << ec.message();
    chmod(to.c_str(), 0755);
  }
  std::vector<std::string> as_nobody = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                                        recorder};
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = as_nobody;
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCapturing(argv, out);
  };
  RunResult r = run({"-o", out + "/t.strec", "--", program, "4"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("strec-record: recording with ptrace: the eBPF backend cannot run here: "
                       "not privileged"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(ptrace)"), std::string::npos) << r.err;
  auto reader = format::TraceReader::Open(out + "/t.strec");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const auto* settings = (*reader)->header().settings();
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ(settings->backend()->str(), "ptrace");
  ASSERT_NE(settings->backend_note(), nullptr);
  EXPECT_EQ(settings->backend_note()->str().rfind("--backend auto: the eBPF backend cannot run "
                                                  "here: not privileged",
                                                  0),
            0u)
      << settings->backend_note()->str();

  r = run({"-q", "-o", out + "/u.strec", "--", program, "0"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");  // -q: not even the note

  r = run({"--backend", "bpf", "-o", out + "/v.strec", "--", program, "0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("not privileged (it needs root, or the capabilities CAP_BPF and "
                       "CAP_PERFMON)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(access((out + "/v.strec").c_str(), F_OK), 0) << "no file when nothing was recorded";
}

// The gate of the eBPF tests (testing::CheckBpf). On a machine that has what the backend needs,
// a recorder that cannot load is a failure that shows its error and the verifier's last lines;
// on one that lacks it (here: a process without privilege), a skip with the reason, or a
// failure when STREC_REQUIRE_BPF=1 says this machine must run them.
TEST(BpfGateTest, SkipsOnlyForWhatTheMachineLacks) {
  if (!record::HaveBpfBackend())
    GTEST_SKIP() << record::BpfUnavailableReason();
  testing::TempDir dir;
  std::string fake = dir.File("strec-record");
  {
    std::ofstream f(fake);
    f << "#!/bin/sh\n"
         "echo \"strec-record: the kernel's verifier rejected program on_exit: too deep\" >&2\n"
         "[ -n \"$STREC_BPF_DEBUG\" ] && printf 'libbpf: -- BEGIN PROG LOAD LOG --\\n"
         "Func#13 is safe\\ncombined stack size of 5 calls is 544. Too large\\n"
         "-- END PROG LOAD LOG --\\n' >&2\n"
         "exit 1\n";
  }
  chmod(fake.c_str(), 0755);
  chmod(dir.path().c_str(), 0755);
  std::string lacks = record::BpfUnavailableReason();
  if (lacks.empty()) {
    testing::BpfGate gate = testing::CheckBpf(fake, dir.File("probe.strec"));
    EXPECT_EQ(gate.verdict, testing::BpfGate::kFail);
    EXPECT_NE(gate.reason.find("fails on a machine that can run it"), std::string::npos)
        << gate.reason;
    EXPECT_NE(gate.reason.find("verifier rejected program on_exit"), std::string::npos)
        << gate.reason;
    EXPECT_NE(gate.reason.find("combined stack size of 5 calls is 544"), std::string::npos)
        << gate.reason;
  }
  if (getuid() != 0)
    return;  // the rest drops root's privilege
  // In a child without privilege: a skip, or with STREC_REQUIRE_BPF=1 a failure.
  for (bool require : {false, true}) {
    pid_t pid = fork();
    if (pid == 0) {
      if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
        _exit(10);
      if (require)
        setenv("STREC_REQUIRE_BPF", "1", 1);
      else
        unsetenv("STREC_REQUIRE_BPF");
      testing::BpfGate gate = testing::CheckBpf(fake, dir.File("probe.strec"));
      if (gate.reason.find("not privileged") == std::string::npos)
        _exit(11);
      if (require)
        _exit(gate.verdict == testing::BpfGate::kFail &&
                      gate.reason.find("STREC_REQUIRE_BPF=1") != std::string::npos
                  ? 0
                  : 12);
      _exit(gate.verdict == testing::BpfGate::kSkip ? 0 : 13);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << (require ? "with" : "without") << " STREC_REQUIRE_BPF: exit " << WEXITSTATUS(status);
  }
}

// -o never replaces an existing file unless --force, and never another user's nor through a
// symbolic link; the trace is 0600.
TEST_F(RecorderTest, OutputIsNeverAnotherFileUnlessForced) {
  std::string path = dir_.File("mine.strec");
  testing::WriteFileBytes(path, {'o', 'l', 'd'});
  RunResult r =
      RunRecorder({"--backend", "ptrace", "-o", path, "--", Program("exitcode"), "0"}, dir_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ": it exists (--force replaces a file of yours)"), std::string::npos)
      << r.err;
  EXPECT_EQ(ReadFile(path), "old");
  r = RunRecorder({"--backend", "ptrace", "--force", "-o", path, "--", Program("exitcode"), "0"},
                  dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(format::TraceReader::Open(path).ok());
  std::string link = dir_.File("link.strec");
  ASSERT_EQ(symlink(dir_.File("elsewhere").c_str(), link.c_str()), 0);
  r = RunRecorder({"--backend", "ptrace", "--force", "-o", link, "--", Program("exitcode"), "0"},
                  dir_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << r.err;
  EXPECT_NE(access(dir_.File("elsewhere").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace strec::record
