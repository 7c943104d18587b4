// End-to-end tests: the strec-analyze binary, and fixture programs (tests/programs) recorded
// with strec-record whose calls and errors columns must equal those of the real `strace -c -f`
// on the same program. Both tracers run pinned to CPU 0 (taskset -c 0). The ptrace tests skip
// with the reason when ptrace, strace or taskset is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "strec/format/event.h"
#include "strec/format/trace_writer.h"
#include "support/backend_test.h"
#include "support/process.h"
#include "support/trace_builder.h"

namespace strec::analyze {
namespace {

const std::string kPrograms = STREC_PROGRAMS_DIR;
const std::string kRecorder = STREC_RECORD_BIN;
const std::string kAnalyze = STREC_ANALYZE_BIN;

using testing::ReadFile;
using testing::RunCapturing;
using testing::RunResult;

struct Counts {
  uint64_t calls = 0, errors = 0;
  bool operator==(const Counts&) const = default;
};

// The rows of a `strace -c` table: name -> calls, errors (the total line left out).
std::map<std::string, Counts> ParseTable(const std::string& text) {
  std::map<std::string, Counts> rows;
  std::istringstream in(text);
  std::string line;
  int dividers = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("------")) {
      dividers++;
      continue;
    }
    if (dividers != 1)
      continue;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;)
      f.push_back(w);
    if (f.size() == 6)
      rows[f[5]] = {std::stoull(f[3]), std::stoull(f[4])};
    else if (f.size() == 5)
      rows[f[4]] = {std::stoull(f[3]), 0};
    else
      ADD_FAILURE() << "bad row: " << line;
  }
  return rows;
}

std::string Show(const std::map<std::string, Counts>& rows) {
  std::string s;
  for (const auto& [name, c] : rows)
    s += name + " " + std::to_string(c.calls) + " " + std::to_string(c.errors) + "\n";
  return s;
}

struct Case {
  const char* program;
  std::vector<std::string> args;
  // Syscalls whose counts legitimately differ from run to run, left out of the comparison.
  std::set<std::string> excluded;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.program;
}

// Left out of every comparison:
// - getrandom: glibc 2.36's mkdtemp/mkstemp (tempname.c) draw their first random name from the
//   clock and call getrandom only when that value falls in the "unfair" range and is drawn again,
//   so a program that makes a temporary file or directory calls it in a few percent of runs;
// - restart_syscall: exists only when a signal interrupted a sleeping call, a matter of timing.
const std::set<std::string> kAlwaysExcluded = {"getrandom", "restart_syscall"};
// Left out for stopcont: wait4. When the child's SIGCHLD (stopped, continued) reaches the traced
// parent while it is already blocked in wait4, the call returns ERESTARTSYS and is restarted (one
// more call, one error); when the signal comes first, it is not. Which happens is scheduling.
const std::set<std::string> kStopContRaces = {"wait4"};
// Left out for the threaded programs: futex. glibc waits on a futex (pthread_join, a lock) only
// when the other thread has not got there yet, which depends on how the threads interleave,
// even on one CPU.
const std::set<std::string> kThreadRaces = {"futex"};
// exec_thread: execve from a non-leader thread kills the other thread wherever it is; how many of
// its rt_sigprocmask calls (glibc's thread start and exit block and unblock signals) it finished
// first is a matter of timing. So is the leader's clone3: when the new thread execs before the
// tracer has taken the leader's exit stop of clone3, the leader is gone without it and the call
// is never counted as finished (seen once in 2026-12 on a loaded machine, by strace -c).
const std::set<std::string> kExecThreadRaces = {"futex", "rt_sigprocmask", "clone3"};

class AnalyzeE2ETest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    std::string why = testing::PtraceUnavailable();
    if (!why.empty())
      GTEST_SKIP() << why;
    if (testing::Which("strace").empty())
      GTEST_SKIP() << "strace is not installed: nothing to compare with";
    if (testing::Which("taskset").empty())
      GTEST_SKIP() << "taskset (util-linux) is not installed";
  }
  testing::TempDir dir_;
};

TEST_P(AnalyzeE2ETest, CallsAndErrorsMatchStrace) {
  const Case& c = GetParam();
  std::vector<std::string> cmd = {kPrograms + "/" + c.program};
  cmd.insert(cmd.end(), c.args.begin(), c.args.end());

  std::vector<std::string> strace = {"taskset", "-c", "0",  "strace",
                                     "-c",      "-f", "-o", dir_.File("strace.txt")};
  strace.insert(strace.end(), cmd.begin(), cmd.end());
  int strace_status = RunCapturing(strace, dir_.path()).exit_code;

  std::vector<std::string> record = {
      "taskset", "-c", "0", kRecorder, "-q", "--backend", "ptrace", "-o", dir_.File("t.strec"),
      "--"};
  record.insert(record.end(), cmd.begin(), cmd.end());
  RunResult r = RunCapturing(record, dir_.path());
  EXPECT_EQ(r.exit_code, strace_status) << r.err;

  r = RunCapturing({kAnalyze, "-o", dir_.File("analyze.txt"), dir_.File("t.strec")}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string theirs = ReadFile(dir_.File("strace.txt"));
  std::string ours = ReadFile(dir_.File("analyze.txt"));
  // Same header (with -c the columns have the same names as with -c -w).
  ASSERT_EQ(ours.substr(0, ours.find('\n')), theirs.substr(0, theirs.find('\n'))) << ours;

  auto want = ParseTable(theirs), got = ParseTable(ours);
  ASSERT_FALSE(want.empty()) << theirs;
  std::set<std::string> excluded = c.excluded;
  excluded.insert(kAlwaysExcluded.begin(), kAlwaysExcluded.end());
  for (const std::string& name : excluded) {
    want.erase(name);
    got.erase(name);
  }
  EXPECT_EQ(Show(got), Show(want)) << "strec-analyze:\n" << ours << "strace -c:\n" << theirs;
}

INSTANTIATE_TEST_SUITE_P(Programs,
                         AnalyzeE2ETest,
                         ::testing::Values(Case{"files", {}, {}},
                                           Case{"pipes", {}, {}},
                                           Case{"mmap", {}, {}},
                                           Case{"signals", {}, {}},
                                           Case{"forkexec", {}, {}},
                                           Case{"exitcode", {}, {}},
                                           Case{"vfork", {}, {}},
                                           Case{"sockets", {}, {}},
                                           Case{"killed", {}, {}},
                                           Case{"stopcont", {}, kStopContRaces},
                                           Case{"threads", {}, kThreadRaces},
                                           Case{"exec_thread", {}, kExecThreadRaces},
                                           Case{"syscall_loop", {"2000", "mix"}, kThreadRaces}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.program);
                         });

// --by file on a recorded program: the per-path counts of tests/programs/files, worked out from
// its source (the times vary, the rest does not).
class FileViewAnalyzeE2ETest : public testing::PtraceE2ETest {};

TEST_F(FileViewAnalyzeE2ETest, ByFileCountsOfTheFilesProgram) {
  char real[4096];
  ASSERT_NE(realpath(dir_.path().c_str(), real), nullptr);
  std::string d = real;  // the kernel's name of the directory (readlink of the fds)
  RunResult r = RunCapturing({kRecorder, "-q", "--backend", "ptrace", "-o", dir_.File("t.strec"),
                              "--", kPrograms + "/files", d},
                             dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCapturing(
      {kAnalyze, "--by", "file", "--format", "csv", "-o", dir_.File("a.csv"), dir_.File("t.strec")},
      dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // path -> the row without its syscall_ns field.
  std::map<std::string, std::string> rows;
  std::istringstream in(ReadFile(dir_.File("a.csv")));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');)
      f.push_back(x);
    if (f.size() == 9)
      rows[f[0]] =
          f[1] + "," + f[2] + "," + f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8];
  }
  // calls,errors,opens,reads,read_bytes,writes,write_bytes. files.txt: creat, close, openat,
  // write (12 bytes), lseek, read (12), read (0), newfstatat(fd, "", AT_EMPTY_PATH), fstat,
  // pread64 (6), rename (its first path); then the fd names the renamed file, unlink marks it
  // deleted, and the last close is on "... (deleted)", as strace -y shows it.
  EXPECT_EQ(rows[d + "/does-not-exist"], "1,1,0,0,0,0,0");
  EXPECT_EQ(rows[d + "/files.txt"], "11,0,2,3,18,1,12");
  EXPECT_EQ(rows[d + "/files-renamed.txt"], "1,0,0,0,0,0,0");
  EXPECT_EQ(rows[d + "/files-renamed.txt (deleted)"], "1,0,0,0,0,0,0");
}

// --slow and --by thread on recorded programs: the sleeper's three 50 ms sleeps are its three
// slowest calls; the threads program has its main thread and 3 workers.
TEST_F(FileViewAnalyzeE2ETest, SlowAndThreadsOfRecordedPrograms) {
  RunResult r = RunCapturing({kRecorder, "-q", "--backend", "ptrace", "-o", dir_.File("s.strec"),
                              "--", kPrograms + "/sleeper", "0.15"},
                             dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The 10 slowest calls, slowest first: the three 50 ms sleeps among them (on a loaded machine
  // another call, the execve, can take longer than a sleep: so not necessarily first).
  r = RunCapturing({kAnalyze, "--slow", "10", "--format", "csv", "-o", dir_.File("slow.csv"),
                    dir_.File("s.strec")},
                   dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream slow(ReadFile(dir_.File("slow.csv")));
  std::string line;
  std::getline(slow, line);
  EXPECT_EQ(line, "trace,pid,tid,duration_ns,start_ns,start_realtime_ns,start,call");
  int rows = 0, sleeps = 0;
  uint64_t previous = UINT64_MAX;
  while (std::getline(slow, line)) {
    rows++;
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');)
      f.push_back(x);
    ASSERT_GE(f.size(), 8u) << line;
    uint64_t duration = std::stoull(f[3]);
    EXPECT_LE(duration, previous) << line;
    previous = duration;
    if (line.find(",\"clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=50000000}, ") !=
        std::string::npos) {
      sleeps++;
      EXPECT_GE(duration, 50'000'000u) << line;
    }
  }
  EXPECT_EQ(rows, 10);
  EXPECT_EQ(sleeps, 3);

  r = RunCapturing({kRecorder, "-q", "--backend", "ptrace", "-o", dir_.File("t.strec"), "--",
                    kPrograms + "/threads"},
                   dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCapturing({kAnalyze, "--by", "thread", "--format", "csv", "-o", dir_.File("threads.csv"),
                    dir_.File("t.strec")},
                   dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream threads(ReadFile(dir_.File("threads.csv")));
  std::getline(threads, line);
  std::set<std::string> pids, tids;
  rows = 0;
  while (std::getline(threads, line)) {
    rows++;
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');)
      f.push_back(x);
    ASSERT_EQ(f.size(), 9u) << line;
    pids.insert(f[1]);
    tids.insert(f[2]);
    EXPECT_EQ(f[3], "threads") << line;
    EXPECT_GT(std::stoull(f[4]), 0u) << line;
  }
  EXPECT_EQ(rows, 4);
  EXPECT_EQ(pids.size(), 1u);
  EXPECT_EQ(tids.size(), 4u);
}

// The binary itself (no ptrace): options, formats, exit statuses.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    format::HeaderInfo h;
    h.monotonic_ns = 1'000'000'000;
    h.command = {"/bin/demo"};
    auto w = format::TraceWriter::Create(dir_.File("t.strec"), h);
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < 4; i++) {
      format::SyscallRecord r;
      r.tid = r.pid = 10 + i % 2;
      r.nr = i % 2 ? 2 : 0;  // open, read
      r.ret = i == 1 ? -2 : 0;
      r.entry_ns = h.monotonic_ns + i * 1000;
      r.exit_ns = r.entry_ns + 100 * (i + 1);
      (*w)->Add(r);
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  int Analyze(const std::vector<std::string>& args) {
    std::vector<std::string> all = {kAnalyze};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = RunCapturing(all, dir_.path());
    out_ = r.out;
    err_ = r.err;
    return r.exit_code;
  }
  testing::TempDir dir_;
  std::string out_, err_;
};

TEST_F(CliTest, FormatsAndFilters) {
  ASSERT_EQ(Analyze({"--errors", "--format", "csv", dir_.File("t.strec")}), 0) << err_;
  EXPECT_EQ(out_, "syscall,errno,errno_value,count,calls\nopen,ENOENT,2,1,2\n");
  ASSERT_EQ(Analyze({"--format=csv", "-S", "name", "-p", "10", dir_.File("t.strec")}), 0);
  EXPECT_EQ(out_,
            "syscall,calls,errors,total_ns,seconds,usecs_per_call,percent_time,unfinished\n"
            "read,2,0,400,0.000000,0,100.00,0\n"
            "total,2,0,400,0.000000,0,100.00,0\n");
  ASSERT_EQ(
      Analyze({"-e", "trace=open", "--format", "json", dir_.File("t.strec"), dir_.File("t.strec")}),
      0);
  EXPECT_NE(out_.find("\"total\": {\"calls\": 4, \"errors\": 2,"), std::string::npos) << out_;
  ASSERT_EQ(Analyze({"--by", "process", dir_.File("t.strec")}), 0);
  EXPECT_NE(out_.find("     10 demo"), std::string::npos) << out_;
}

TEST_F(CliTest, NewViews) {
  // pid 10: read (100 ns), read (300 ns); pid 11: open (200 ns, ENOENT), open (400 ns).
  ASSERT_EQ(Analyze({"--by", "thread", "--format", "csv", dir_.File("t.strec")}), 0) << err_;
  EXPECT_EQ(out_,
            "trace,pid,tid,command,calls,errors,syscall_ns,lifetime_ns,exited\n"
            "0,10,10,demo,2,0,400,2300,0\n"
            "0,11,11,demo,2,1,600,2400,0\n");
  std::string threads = out_;
  ASSERT_EQ(Analyze({"--by", "process", "--threads", "--format", "csv", dir_.File("t.strec")}), 0);
  EXPECT_EQ(out_, threads);
  ASSERT_EQ(Analyze({"--slow", "1", "--format", "csv", dir_.File("t.strec")}), 0) << err_;
  EXPECT_TRUE(
      out_.starts_with("trace,pid,tid,duration_ns,start_ns,start_realtime_ns,start,call\n"
                       "0,11,11,400,3000,"))
      << out_;
  EXPECT_NE(out_.find(",\"open("), std::string::npos) << out_;
  // Several views at once, as tables and as one JSON object.
  ASSERT_EQ(Analyze({"--by", "process,file", "--slow", "2", "--percentiles", dir_.File("t.strec")}),
            0)
      << err_;
  EXPECT_NE(out_.find("read bytes"), std::string::npos) << out_;
  ASSERT_EQ(Analyze({"--by", "file", "--by", "thread", "--slow", "2", "--format", "json",
                     dir_.File("t.strec")}),
            0);
  for (const char* key : {"\"threads\": [", "\"files\": {", "\"slowest\": ["})
    EXPECT_NE(out_.find(key), std::string::npos) << key << "\n" << out_;
}

// A call recorded more than 2^63 ns after the start (a crafted or damaged time): its start is
// shown after the trace's, not in 1970, and computing it overflows nothing (UBSan found a signed
// overflow here).
TEST_F(CliTest, SlowCallsOfACraftedTimeAreNotInTheEpoch) {
  format::HeaderInfo h;
  h.realtime_ns = 1'700'000'000'000'000'000;  // 2023-11-14
  h.monotonic_ns = 1000;
  std::string path = dir_.File("crafted.strec");
  auto w = format::TraceWriter::Create(path, h);
  ASSERT_TRUE(w.ok());
  format::SyscallRecord r;
  r.tid = r.pid = 10;
  r.nr = 0;
  r.entry_ns = 0x8000000000000010ull;
  r.exit_ns = r.entry_ns + 5;
  (*w)->Add(r);
  ASSERT_TRUE((*w)->Close().ok());
  ASSERT_EQ(Analyze({"--slow", "1", "--format", "csv", path}), 0) << err_;
  EXPECT_EQ(out_.find("1970"), std::string::npos) << out_;
  // 1.7e18 + 2^63 - 990 ns: 2316, still within the unsigned range.
  EXPECT_NE(out_.find(",5,9223372036854774824,10923372036854774824,2316-02-24T"), std::string::npos)
      << out_;
}

TEST(WallClockTest, SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(format::WallClockNs(5000, 100, 150), 5050u);
  EXPECT_EQ(format::WallClockNs(5000, 100, 40), 4940u);
  EXPECT_EQ(format::WallClockNs(50, 100, 10), 0u);
  EXPECT_EQ(format::WallClockNs(UINT64_MAX - 5, 0, 10), UINT64_MAX);
}

TEST_F(CliTest, UsageErrors) {
  EXPECT_EQ(Analyze({}), 2);
  EXPECT_EQ(Analyze({"-S", "bogus", dir_.File("t.strec")}), 2);
  EXPECT_NE(err_.find("invalid sortby"), std::string::npos) << err_;
  EXPECT_EQ(Analyze({"--since", "soon", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({"-e", "trace=nosuch", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({"--errors", "--percentiles", "--format", "csv", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({"--by", "socket", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({"--threads", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({"-y", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({"--by", "file", "--slow", "1", "--format", "csv", dir_.File("t.strec")}), 2);
  EXPECT_EQ(Analyze({dir_.File("missing.strec")}), 1);
  EXPECT_NE(err_.find("missing.strec"), std::string::npos) << err_;
}

}  // namespace
}  // namespace strec::analyze
