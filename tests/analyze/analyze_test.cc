// Tests of strec-analyze over synthetic traces written in code (no ptrace): exact numbers for
// every view and format, filters, merging and parallel decoding.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "strec/analyze/analyze.h"
#include "strec/analyze/histogram.h"
#include "strec/analyze/report.h"
#include "strec/format/trace_reader.h"
#include "strec/format/trace_writer.h"
#include "support/trace_builder.h"

namespace strec::analyze {
namespace {

using fb::SyscallPhase;

constexpr uint64_t kStart = 1'000'000'000'000;              // monotonic ns at the start: 1000 s
constexpr uint64_t kRealStart = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int kRead = 0, kWrite = 1, kClose = 3, kOpenat = 257, kExitGroup = 231;

// Writes a trace event by event; times are ns after kStart.
class TraceFile {
 public:
  explicit TraceFile(const std::string& path, size_t chunk_bytes = 1 << 20) {
    format::HeaderInfo h;
    h.realtime_ns = kRealStart;
    h.monotonic_ns = kStart;
    h.command = {"/usr/bin/prog", "arg"};
    format::WriterOptions o;
    o.chunk_bytes = chunk_bytes;
    auto w = format::TraceWriter::Create(path, h, o);
    EXPECT_TRUE(w.ok()) << w.status().message();
    writer_ = std::move(*w);
  }
  ~TraceFile() { Close(); }
  void Close() {
    if (writer_) {
      EXPECT_TRUE(writer_->Close().ok());
    }
    writer_.reset();
  }

  // A finished call: Complete record (or Entry + Exit when split).
  void Call(int pid, int nr, int64_t ret, uint64_t entry, uint64_t exit, bool split = false) {
    format::SyscallRecord r;
    r.tid = r.pid = pid;
    r.nr = nr;
    r.ret = ret;
    r.entry_ns = kStart + entry;
    if (split) {
      r.phase = SyscallPhase::Entry;
      writer_->Add(r);
      r.phase = SyscallPhase::Exit;
    }
    r.exit_ns = kStart + exit;
    writer_->Add(r);
  }
  void NoReturn(int pid, int nr, uint64_t entry, uint64_t at) {
    format::SyscallRecord r;
    r.tid = r.pid = pid;
    r.nr = nr;
    r.entry_ns = kStart + entry;
    r.exit_ns = kStart + at;
    r.flags = format::kSyscallNoReturn;
    writer_->Add(r);
  }
  void Spawn(int pid, int child, uint64_t at, uint64_t flags = 0x01200011) {
    writer_->Add(format::SpawnRecord{pid, pid, fb::ForkKind::Clone, child,
                                     (flags & 0x10000) ? pid : child, flags, kStart + at});
  }
  void Exec(int pid, std::string_view path, uint64_t at) {
    std::string_view argv[] = {path};
    writer_->Add(format::ExecRecord{pid, pid, 0, path, argv, 0, kStart + at});
  }
  void Exit(int pid, int status, int signal, uint64_t at) {
    writer_->Add(format::ExitRecord{pid, pid, status, signal, false, false, kStart + at});
  }
  format::TraceWriter& writer() { return *writer_; }

 private:
  std::unique_ptr<format::TraceWriter> writer_;
};

// The trace most tests use: pid 100 does 7 finished calls (3 errors) and an exit_group.
void WriteBasic(const std::string& path) {
  TraceFile t(path);
  t.Exec(100, "/usr/bin/prog", 0);
  t.Call(100, kRead, 5, 1000, 2000);
  t.Call(100, kRead, -11, 3000, 5000);  // EAGAIN
  t.Call(100, kRead, 1, 6000, 9000);
  t.Call(100, kOpenat, -2, 10000, 20000);  // ENOENT
  t.Call(100, kOpenat, 3, 30000, 50000);
  t.Call(100, kWrite, -512, 60000, 64000, /*split=*/true);  // ERESTARTSYS counts as an error
  t.Call(100, kClose, 0, 70000, 70700);
  t.NoReturn(100, kExitGroup, 80000, 80000);
  t.Exit(100, 0, 0, 81000);
}

std::string Report(const std::vector<std::string>& paths,
                   const AnalyzeOptions& ao,
                   ReportOptions ro = {}) {
  auto a = AnalyzeTraces(paths, ao);
  EXPECT_TRUE(a.ok()) << a.status().message();
  if (!a.ok())
    return "";
  std::ostringstream out;
  EXPECT_TRUE(WriteReport(*a, ro, out).ok());
  return out.str();
}

std::string Report(const std::string& path, ReportOptions ro = {}, AnalyzeOptions ao = {}) {
  return Report(std::vector<std::string>{path}, ao, ro);
}

ReportOptions View1(View v, OutputFormat f = OutputFormat::kTable) {
  ReportOptions o;
  o.views = {v};
  o.format = f;
  return o;
}

TEST(SummaryTest, MatchesStraceLayout) {
  testing::TempDir dir;
  WriteBasic(dir.File("t.strec"));
  EXPECT_EQ(Report(dir.File("t.strec")),
            "% time     seconds  usecs/call     calls    errors syscall\n"
            "------ ----------- ----------- --------- --------- ----------------\n"
            " 73.71    0.000030          15         2         1 openat\n"
            " 14.74    0.000006           2         3         1 read\n"
            "  9.83    0.000004           4         1         1 write\n"
            "  1.72    0.000001           0         1           close\n"
            "------ ----------- ----------- --------- --------- ----------------\n"
            "100.00    0.000041           5         7         3 total\n");
}

TEST(SummaryTest, ZeroErrorsTotalIsBlankAndColumnsWiden) {
  testing::TempDir dir;
  {
    TraceFile t(dir.File("t.strec"));
    // 200000 s in one call: seconds needs 13 characters, usecs/call 12.
    t.Call(7, 450 /* set_mempolicy_home_node */, 0, 0, 200'000'000'000'000);
    t.Call(7, kClose, 0, 1000, 1500);
  }
  EXPECT_EQ(Report(dir.File("t.strec")),
            "% time       seconds   usecs/call     calls    errors syscall\n"
            "------ ------------- ------------ --------- --------- ------------------------\n"
            "100.00 200000.000000 200000000000         1           set_mempolicy_home_node\n"
            "  0.00      0.000000            0         1           close\n"
            "------ ------------- ------------ --------- --------- ------------------------\n"
            "100.00 200000.000001 100000000000         2           total\n");
}

TEST(SummaryTest, EmptyPrintsNothingLikeStrace) {
  testing::TempDir dir;
  WriteBasic(dir.File("t.strec"));
  AnalyzeOptions ao;
  ao.trace_expr = "none";
  EXPECT_EQ(Report(dir.File("t.strec"), {}, ao), "");
}

std::vector<std::string> Names(const std::string& table) {
  std::vector<std::string> out;
  std::istringstream in(table);
  std::string line;
  int dividers = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("------"))
      dividers++;
    else if (dividers == 1)
      out.push_back(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

TEST(SummaryTest, SortKeys) {
  testing::TempDir dir;
  WriteBasic(dir.File("t.strec"));
  auto sorted = [&](const char* key) {
    ReportOptions o;
    o.sort = *ParseSortKey(key);
    return Names(Report(dir.File("t.strec"), o));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(sorted("time"), (V{"openat", "read", "write", "close"}));
  EXPECT_EQ(sorted("calls"), (V{"read", "openat", "write", "close"}));  // ties by number
  EXPECT_EQ(sorted("errors"), (V{"read", "write", "openat", "close"}));
  EXPECT_EQ(sorted("name"), (V{"close", "openat", "read", "write"}));
  EXPECT_EQ(sorted("avg-time"), (V{"openat", "write", "read", "close"}));
  EXPECT_EQ(sorted("avgtime"), (V{"openat", "write", "read", "close"}));
  EXPECT_EQ(sorted("min-time"), (V{"openat", "write", "read", "close"}));
  EXPECT_EQ(sorted("max-time"), (V{"openat", "write", "read", "close"}));
  EXPECT_EQ(sorted("nothing"), (V{"read", "write", "close", "openat"}));
  EXPECT_FALSE(ParseSortKey("bogus"));
}

TEST(SummaryTest, TraceSetPidAndWindowFilters) {
  testing::TempDir dir;
  {
    TraceFile t(dir.File("t.strec"));
    t.Call(100, kRead, 1, 1'000'000'000, 1'000'000'100);    // returns at 1 s
    t.Call(200, kRead, 1, 2'000'000'000, 2'000'000'200);    // 2 s
    t.Call(100, kOpenat, 3, 3'000'000'000, 3'000'000'300);  // 3 s
  }
  auto calls = [&](AnalyzeOptions ao) {
    auto a = AnalyzeTraces({dir.File("t.strec")}, ao);
    EXPECT_TRUE(a.ok()) << a.status().message();
    std::string s;
    for (const auto& [key, stats] : a->aggregate.Syscalls())
      if (stats->calls)
        s += SyscallName(key) + "=" + std::to_string(stats->calls) + " ";
    return s;
  };
  AnalyzeOptions ao;
  EXPECT_EQ(calls(ao), "read=2 openat=1 ");
  ao.trace_expr = "%file";
  EXPECT_EQ(calls(ao), "openat=1 ");
  ao.trace_expr = "!openat";
  EXPECT_EQ(calls(ao), "read=2 ");
  ao = {};
  ao.pids = {200};
  EXPECT_EQ(calls(ao), "read=1 ");
  ao = {};
  ao.since = *ParseTimePoint("1.5");
  EXPECT_EQ(calls(ao), "read=1 openat=1 ");
  ao.until = *ParseTimePoint("2500ms");
  EXPECT_EQ(calls(ao), "read=1 ");
  // Absolute: the trace started at 2023-11-14T22:13:20Z.
  ao = {};
  ao.since = *ParseTimePoint("2023-11-14T22:13:22.5Z");
  EXPECT_EQ(calls(ao), "openat=1 ");
  ao.since = *ParseTimePoint("2023-11-15T00:13:21.5+02:00");
  EXPECT_EQ(calls(ao), "read=1 openat=1 ");
  EXPECT_FALSE(ParseTimePoint("yesterday").ok());
  EXPECT_FALSE(ParseTimePoint("2023-11-15T00:13").ok());
  ao = {};
  ao.trace_expr = "nosuchcall";
  EXPECT_FALSE(AnalyzeTraces({dir.File("t.strec")}, ao).ok());
}

TEST(HistogramTest, BucketsBoundRelativeError) {
  uint64_t prev = 0;
  for (uint64_t v = 0; v < (uint64_t{1} << 44); v = v < 1000 ? v + 1 : v + v / 97 + 1) {
    size_t b = LogHistogram::BucketOf(v);
    ASSERT_LT(b, LogHistogram::kBuckets);
    ASSERT_GE(b, prev);
    prev = b;
    uint64_t hi = LogHistogram::BucketHighest(b);
    ASSERT_GE(hi, v);
    ASSERT_LE(static_cast<double>(hi - v), static_cast<double>(v) / 128.0) << v;
    if (v < 256) {
      ASSERT_EQ(hi, v);
    }
  }
}

TEST(HistogramTest, PercentilesAndMerge) {
  LogHistogram a, b;
  for (uint64_t v = 1; v <= 100; v++)
    (v % 2 ? a : b).Add(v);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.Percentile(50), 50u);
  EXPECT_EQ(a.Percentile(90), 90u);
  EXPECT_EQ(a.Percentile(99), 99u);
  EXPECT_EQ(a.Percentile(100), 100u);
  EXPECT_EQ(a.min(), 1u);
  LogHistogram c;
  for (uint64_t i = 1; i <= 1000; i++)
    c.Add(i * 10'000);
  EXPECT_GE(c.Percentile(50), 5'000'000u);
  EXPECT_LE(c.Percentile(50), 5'000'000u + 5'000'000u / 128);
  EXPECT_GE(c.Percentile(99), 9'900'000u);
  EXPECT_LE(c.Percentile(99), 9'900'000u + 9'900'000u / 128);
  EXPECT_EQ(c.max(), 10'000'000u);
  EXPECT_EQ(LogHistogram().Percentile(50), 0u);
}

TEST(PercentilesTest, TableJsonCsv) {
  testing::TempDir dir;
  {
    TraceFile t(dir.File("t.strec"));
    for (int i = 1; i <= 100; i++)
      t.Call(1, kRead, 0, i * 1000, i * 1000 + i);  // latencies 1..100 ns: exact buckets
    t.Call(1, kClose, 0, 200'000, 210'000);
  }
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kPercentiles)),
            "syscall              calls      p50(us)      p90(us)      p99(us)      max(us)\n"
            "---------------- --------- ------------ ------------ ------------ ------------\n"
            "close                    1       10.000       10.000       10.000       10.000\n"
            "read                   100        0.050        0.090        0.099        0.100\n");
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kPercentiles, OutputFormat::kCsv)),
            "syscall,calls,samples,p50_ns,p90_ns,p99_ns,max_ns\n"
            "close,1,1,10000,10000,10000,10000\n"
            "read,100,100,50,90,99,100\n");
  std::string json = Report(dir.File("t.strec"), View1(View::kPercentiles, OutputFormat::kJson));
  EXPECT_NE(
      json.find("\"percentiles\": [\n    {\"name\": \"close\", \"calls\": 1, \"samples\": 1, "
                "\"p50_ns\": 10000, \"p90_ns\": 10000, \"p99_ns\": 10000, \"max_ns\": 10000},"),
      std::string::npos)
      << json;
}

TEST(ErrorsTest, TableJsonCsv) {
  testing::TempDir dir;
  {
    TraceFile t(dir.File("t.strec"));
    for (int i = 0; i < 4; i++)
      t.Call(1, kOpenat, i < 3 ? -2 : -13, i * 100, i * 100 + 10);  // 3 ENOENT, 1 EACCES
    t.Call(1, kOpenat, 3, 1000, 1010);
    t.Call(1, kRead, -512, 2000, 2010);  // ERESTARTSYS
    t.Call(1, kRead, -4, 3000, 3010);    // EINTR
    t.Call(1, kClose, 0, 4000, 4010);
  }
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kErrors)),
            "syscall          errno                      count     calls  % calls\n"
            "---------------- ---------------------- --------- --------- --------\n"
            "openat           ENOENT                         3         5    60.00\n"
            "openat           EACCES                         1         5    20.00\n"
            "read             EINTR                          1         2    50.00\n"
            "read             ERESTARTSYS                    1         2    50.00\n");
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kErrors, OutputFormat::kCsv)),
            "syscall,errno,errno_value,count,calls\n"
            "openat,ENOENT,2,3,5\n"
            "openat,EACCES,13,1,5\n"
            "read,EINTR,4,1,2\n"
            "read,ERESTARTSYS,512,1,2\n");
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kErrors, OutputFormat::kJson)),
            "{\n  \"traces\": [\"" + dir.File("t.strec") +
                "\"],\n  \"lost_events\": 0,\n  \"errors\": [\n"
                "    {\"name\": \"openat\", \"errno\": \"ENOENT\", \"errno_value\": 2, \"count\": "
                "3, \"calls\": 5},\n"
                "    {\"name\": \"openat\", \"errno\": \"EACCES\", \"errno_value\": 13, \"count\": "
                "1, \"calls\": 5},\n"
                "    {\"name\": \"read\", \"errno\": \"EINTR\", \"errno_value\": 4, \"count\": 1, "
                "\"calls\": 2},\n"
                "    {\"name\": \"read\", \"errno\": \"ERESTARTSYS\", \"errno_value\": 512, "
                "\"count\": 1, \"calls\": 2}\n  ]\n}\n");
}

void WriteProcesses(const std::string& path) {
  TraceFile t(path);
  t.Exec(100, "/usr/bin/prog", 0);
  t.Call(100, kRead, 1, 100, 1100);
  t.Spawn(100, 101, 2000);            // fork: 101 runs "prog" too
  t.Spawn(100, 102, 2500, 0x3d0f00);  // a thread of 100
  t.Call(101, kOpenat, -2, 3000, 3500);
  t.Exec(101, "/bin/sh", 4000);
  t.Call(101, kWrite, 1, 5000, 5200);
  t.Exit(101, 3, 0, 10'000);
  t.Spawn(100, 103, 11'000);  // never execs, killed
  t.Exit(103, 0, 9, 12'000);
  t.Call(100, kClose, 0, 20'000, 20'300);
  t.NoReturn(100, kExitGroup, 30'000, 30'000);
  t.Exit(100, 0, 0, 2'000'030'000);
}

TEST(ProcessesTest, TableJsonCsv) {
  testing::TempDir dir;
  WriteProcesses(dir.File("t.strec"));
  EXPECT_EQ(
      Report(dir.File("t.strec"), View1(View::kProcesses)),
      "    pid command          threads     calls    errors     seconds    lifetime status\n"
      "------- ---------------- ------- --------- --------- ----------- ----------- "
      "----------------\n"
      "    100 prog                   2         2         0    0.000001    2.000030 exited 0\n"
      "    101 sh                     1         2         1    0.000001    0.000008 exited 3\n"
      "    103 prog                   1         0         0    0.000000    0.000001 killed "
      "by SIGKILL\n");
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kProcesses, OutputFormat::kCsv)),
            "trace,pid,parent_pid,command,threads,calls,errors,syscall_ns,lifetime_ns,status\n"
            "0,100,0,prog,2,2,0,1300,2000030000,exited 0\n"
            "0,101,100,sh,1,2,1,700,8000,exited 3\n"
            "0,103,100,prog,1,0,0,0,1000,killed by SIGKILL\n");
  std::string json = Report(dir.File("t.strec"), View1(View::kProcesses, OutputFormat::kJson));
  EXPECT_NE(json.find("{\"trace\": 0, \"pid\": 103, \"parent_pid\": 100, \"command\": \"prog\", "
                      "\"threads\": 1, \"calls\": 0, \"errors\": 0, \"syscall_ns\": 0, "
                      "\"lifetime_ns\": 1000, \"exit\": {\"signal\": \"SIGKILL\", "
                      "\"core_dumped\": false}}"),
            std::string::npos)
      << json;
}

TEST(SummaryTest, JsonAndCsv) {
  testing::TempDir dir;
  WriteBasic(dir.File("t.strec"));
  EXPECT_EQ(Report(dir.File("t.strec"), View1(View::kSummary, OutputFormat::kCsv)),
            "syscall,calls,errors,total_ns,seconds,usecs_per_call,percent_time,unfinished\n"
            "openat,2,1,30000,0.000030,15,73.71,0\n"
            "read,3,1,6000,0.000006,2,14.74,0\n"
            "write,1,1,4000,0.000004,4,9.83,0\n"
            "close,1,0,700,0.000001,0,1.72,0\n"
            "total,7,3,40700,0.000041,5,100.00,1\n");
  EXPECT_EQ(
      Report(dir.File("t.strec"), View1(View::kSummary, OutputFormat::kJson)),
      "{\n  \"traces\": [\"" + dir.File("t.strec") +
          "\"],\n  \"lost_events\": 0,\n  \"summary\": {\"syscalls\": [\n"
          "    {\"name\": \"openat\", \"calls\": 2, \"errors\": 1, \"total_ns\": 30000, "
          "\"seconds\": 0.000030, \"usecs_per_call\": 15, \"percent_time\": 73.71, "
          "\"unfinished\": 0},\n"
          "    {\"name\": \"read\", \"calls\": 3, \"errors\": 1, \"total_ns\": 6000, \"seconds\": "
          "0.000006, \"usecs_per_call\": 2, \"percent_time\": 14.74, \"unfinished\": 0},\n"
          "    {\"name\": \"write\", \"calls\": 1, \"errors\": 1, \"total_ns\": 4000, \"seconds\": "
          "0.000004, \"usecs_per_call\": 4, \"percent_time\": 9.83, \"unfinished\": 0},\n"
          "    {\"name\": \"close\", \"calls\": 1, \"errors\": 0, \"total_ns\": 700, \"seconds\": "
          "0.000001, \"usecs_per_call\": 0, \"percent_time\": 1.72, \"unfinished\": 0}\n  ],\n"
          "  \"total\": {\"calls\": 7, \"errors\": 3, \"total_ns\": 40700, \"seconds\": 0.000041, "
          "\"usecs_per_call\": 5, \"unfinished\": 1}}\n}\n");
  ReportOptions two;
  two.views = {View::kSummary, View::kErrors};
  two.format = OutputFormat::kCsv;
  auto a = AnalyzeTraces({dir.File("t.strec")}, {});
  std::ostringstream out;
  EXPECT_FALSE(WriteReport(*a, two, out).ok());
}

// Without a view of processes or threads, nothing is kept per process: a trace of a build
// (hundreds of thousands of short processes) costs no more memory than one process.
TEST(AnalyzeTest, NoProcessViewKeepsNothingPerProcess) {
  testing::TempDir dir;
  {
    TraceFile t(dir.File("t.strec"));
    for (int i = 0; i < 1000; i++) {
      int pid = 200 + i;
      t.Spawn(100, pid, 10 * i);
      t.Exec(pid, "/bin/true", 10 * i + 1);
      t.Call(pid, kRead, 0, 10 * i + 2, 10 * i + 3);
      t.Exit(pid, 0, 0, 10 * i + 4);
    }
  }
  AnalyzeOptions quiet;
  quiet.processes = false;
  for (int jobs : {1, 2}) {
    quiet.jobs = jobs;
    for (bool stream : {false, true}) {
      quiet.slow = stream ? 5 : 0;  // --slow takes the stream pass
      auto a = AnalyzeTraces({dir.File("t.strec")}, quiet);
      ASSERT_TRUE(a.ok());
      EXPECT_TRUE(a->aggregate.processes().empty());
      auto rows = a->aggregate.Syscalls();
      ASSERT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0].second->calls, 1000u);
    }
  }
  auto all = AnalyzeTraces({dir.File("t.strec")}, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->aggregate.processes().size(), 1001u);  // the default keeps them, for the views
  EXPECT_EQ(Report(dir.File("t.strec"), {}, quiet), Report(dir.File("t.strec")));
}

TEST(AnalyzeTest, MergesTraces) {
  testing::TempDir dir;
  WriteBasic(dir.File("a.strec"));
  WriteProcesses(dir.File("b.strec"));
  auto a = AnalyzeTraces({dir.File("a.strec"), dir.File("b.strec")}, {});
  ASSERT_TRUE(a.ok());
  uint64_t calls = 0;
  for (const auto& [key, stats] : a->aggregate.Syscalls())
    calls += stats->calls;
  EXPECT_EQ(calls, 7u + 4u);
  std::string procs =
      Report({dir.File("a.strec"), dir.File("b.strec")}, {}, View1(View::kProcesses));
  EXPECT_NE(procs.find("trace     pid command"), std::string::npos) << procs;
  EXPECT_NE(procs.find("    0     100 prog"), std::string::npos) << procs;
  EXPECT_NE(procs.find("    1     100 prog"), std::string::npos) << procs;
}

TEST(AnalyzeTest, ParallelEqualsSequential) {
  testing::TempDir dir;
  {
    TraceFile t(dir.File("t.strec"), /*chunk_bytes=*/4096);
    uint64_t at = 0;
    for (int i = 0; i < 30000; i++) {
      int pid = 100 + i % 7;
      if (i % 5000 == 0)
        t.Exec(pid, i % 2 ? "/bin/a" : "/bin/b", at);
      int nr = (i * 7919) % 300;
      int64_t ret = i % 11 == 0 ? -(i % 40 + 1) : 0;
      uint64_t lat = (static_cast<uint64_t>(i) * 2654435761u) % 5'000'000;
      t.Call(pid, nr, ret, at, at + lat, i % 13 == 0);
      at += lat + 10;
    }
    t.Exit(100, 1, 0, at + 5);
  }
  auto a = format::TraceReader::Open(dir.File("t.strec"));
  ASSERT_TRUE(a.ok());
  ASSERT_GT((*a)->chunks().size(), 50u);
  ReportOptions all;
  all.views = {View::kSummary, View::kPercentiles, View::kErrors, View::kProcesses};
  all.format = OutputFormat::kJson;
  AnalyzeOptions seq;
  seq.jobs = 1;
  AnalyzeOptions par;
  par.jobs = 2;
  std::string one = Report(dir.File("t.strec"), all, seq);
  EXPECT_EQ(one, Report(dir.File("t.strec"), all, par));
  par.jobs = 5;
  EXPECT_EQ(one, Report(dir.File("t.strec"), all, par));
  EXPECT_NE(one.find("\"calls\": 30000,"), std::string::npos);
}

// A damaged chunk is left out, not the analysis: its loss is a warning naming the file and the
// offset, and damaged_chunks tells the CLI to exit 1; a file that is missing is still an error.
TEST(AnalyzeTest, ADamagedChunkIsLeftOutAndSaid) {
  testing::TempDir dir;
  WriteBasic(dir.File("t.strec"));
  auto bytes = testing::ReadFileBytes(dir.File("t.strec"));
  auto r = format::TraceReader::Open(dir.File("t.strec"));
  ASSERT_TRUE(r.ok());
  size_t at = (*r)->chunks()[0].offset + 40;
  r = Status();
  bytes[at] ^= 0xff;
  testing::WriteFileBytes(dir.File("t.strec"), bytes);
  for (bool stream : {false, true}) {  // the chunk pass and the stream pass (--by file)
    AnalyzeOptions o;
    o.files = stream;
    auto a = AnalyzeTraces({dir.File("t.strec")}, o);
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ(a->damaged_chunks, 1u);
    bool said = false;
    for (const std::string& w : a->warnings)
      said |= w.find("t.strec") != std::string::npos &&
              w.find("offset " + std::to_string(at - 40)) != std::string::npos;
    EXPECT_TRUE(said) << ::testing::PrintToString(a->warnings);
  }
  EXPECT_FALSE(AnalyzeTraces({dir.File("missing.strec")}, {}).ok());
}

}  // namespace
}  // namespace strec::analyze
