// Tests of the views built on replay's event stream and fd state (--by file, --slow) and of the
// per-thread view, over synthetic traces written in code. Every expected number below is worked
// out by hand from the events written.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "strec/analyze/analyze.h"
#include "strec/analyze/report.h"
#include "strec/format/trace_writer.h"
#include "support/trace_builder.h"

namespace strec::analyze {
namespace {

using fb::SyscallPhase;

constexpr uint64_t kStart = 1'000'000'000'000;              // monotonic ns at the start: 1000 s
constexpr uint64_t kRealStart = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int kRead = 0, kWrite = 1, kClose = 3, kMmap = 9, kPrctl = 157, kExitGroup = 231,
              kOpenat = 257;
constexpr uint64_t kAtFdcwd = static_cast<uint64_t>(-100);

// Writes a trace event by event, syscalls with their captured buffers; times are ns after kStart.
class Trace {
 public:
  explicit Trace(const std::string& path) {
    format::HeaderInfo h;
    h.realtime_ns = kRealStart;
    h.monotonic_ns = kStart;
    h.command = {"/usr/bin/prog"};
    auto w = format::TraceWriter::Create(path, h, format::WriterOptions{});
    EXPECT_TRUE(w.ok()) << w.status().message();
    writer_ = std::move(*w);
  }
  ~Trace() { EXPECT_TRUE(writer_->Close().ok()); }

  struct Buf {
    uint8_t arg;
    bool out;
    uint8_t kind;
    std::string data;
    uint32_t index = 0;
  };

  // One syscall of thread tid in process pid; split into Entry and Exit records when `split`
  // (then `between` is written between them).
  void Call(int pid,
            int tid,
            int nr,
            std::vector<uint64_t> args,
            int64_t ret,
            uint64_t entry,
            uint64_t exit,
            std::vector<Buf> bufs = {},
            SyscallPhase phase = SyscallPhase::Complete,
            uint32_t flags = 0) {
    format::SyscallRecord r;
    r.tid = tid;
    r.pid = pid;
    r.nr = nr;
    for (size_t i = 0; i < args.size() && i < 6; i++)
      r.args[i] = args[i];
    r.ret = ret;
    r.entry_ns = kStart + entry;
    r.exit_ns = kStart + exit;
    r.phase = phase;
    r.flags = flags;
    std::vector<format::BufferRecord> recs;
    for (const Buf& b : bufs) {
      format::BufferRecord x;
      x.arg = b.arg;
      x.out = b.out;
      x.kind = b.kind;
      x.index = b.index;
      x.full_len = b.data.size();
      x.data = std::span(reinterpret_cast<const uint8_t*>(b.data.data()), b.data.size());
      recs.push_back(x);
    }
    r.buffers = recs;
    writer_->Add(r);
  }
  void Snapshot(int pid, std::vector<std::pair<int, std::string>> fds) {
    std::vector<format::FdEntryRecord> recs;
    for (const auto& [fd, path] : fds)
      recs.push_back({fd, path, {}});
    format::FdSnapshotRecord s;
    s.tid = s.pid = pid;
    s.fds = recs;
    s.time_ns = kStart;
    writer_->Add(s);
  }
  // A process found running (-a, --cgroup): its command line and cgroup.
  void Found(int pid, std::vector<std::string_view> argv, std::string_view cgroup, uint64_t at) {
    format::FdSnapshotRecord s;
    s.tid = s.pid = pid;
    s.time_ns = kStart + at;
    s.argv = argv;
    s.cgroup = cgroup;
    writer_->Add(s);
  }
  void Spawn(int pid, int tid, int child_pid, int child_tid, uint64_t flags, uint64_t at) {
    writer_->Add(format::SpawnRecord{tid, pid, fb::ForkKind::Clone, child_tid, child_pid, flags,
                                     kStart + at});
  }
  void Exec(int pid, std::string_view path, uint64_t at) {
    std::string_view argv[] = {path};
    writer_->Add(format::ExecRecord{pid, pid, 0, path, argv, 0, kStart + at});
  }
  void Exit(int pid, int tid, int status, bool thread_only, uint64_t at) {
    writer_->Add(format::ExitRecord{tid, pid, status, 0, false, thread_only, kStart + at});
  }

 private:
  std::unique_ptr<format::TraceWriter> writer_;
};

Trace::Buf Str(uint8_t arg, std::string s) {
  return {arg, false, format::kBufferString, std::move(s)};
}
Trace::Buf Out(uint8_t arg, std::string s) {
  return {arg, true, format::kBufferPlain, std::move(s)};
}
Trace::Buf In(uint8_t arg, std::string s) {
  return {arg, false, format::kBufferPlain, std::move(s)};
}
Trace::Buf FdPath(std::string s) {
  return {format::kArgReturn, true, format::kBufferFdPath, std::move(s)};
}

std::string Report(const std::vector<std::string>& paths,
                   const AnalyzeOptions& ao,
                   View view,
                   OutputFormat f = OutputFormat::kTable,
                   SortKey sort = SortKey::kTime) {
  auto a = AnalyzeTraces(paths, ao);
  EXPECT_TRUE(a.ok()) << a.status().message();
  if (!a.ok())
    return "";
  ReportOptions ro;
  ro.views = {view};
  ro.format = f;
  ro.sort = sort;
  std::ostringstream out;
  EXPECT_TRUE(WriteReport(*a, ro, out).ok());
  return out.str();
}

// pid 100: fds 0-2 known from the attach snapshot; opens /etc/passwd as fd 3, reads it twice,
// fails to open /nonexistent, writes to the pipe on fd 1, fails to write to the socket on fd 2,
// closes fd 3, then reads the closed fd 3 (EBADF), maps anonymous memory, exits.
void WriteFiles(const std::string& path) {
  Trace t(path);
  t.Snapshot(100, {{0, "/dev/null"}, {1, "pipe:[77]"}, {2, "socket:[99]"}});
  t.Call(100, 100, kOpenat, {kAtFdcwd, 0x1000, 0}, 3, 1000, 3000,
         {Str(1, "/etc/passwd"), FdPath("/etc/passwd")});
  t.Call(100, 100, kRead, {3, 0x2000, 4096}, 100, 4000, 4500, {Out(1, std::string(100, 'a'))});
  t.Call(100, 100, kRead, {3, 0x2000, 4096}, 0, 5000, 5100, {Out(1, "")});
  t.Call(100, 100, kOpenat, {kAtFdcwd, 0x1100, 0}, -2, 6000, 6300, {Str(1, "/nonexistent")});
  t.Call(100, 100, kWrite, {1, 0x3000, 6}, 6, 7000, 17000, {In(1, "hello\n")});
  t.Call(100, 100, kWrite, {2, 0x3100, 3}, -32, 20000, 20400, {In(1, "err")});
  t.Call(100, 100, kClose, {3}, 0, 21000, 21200);
  t.Call(100, 100, kRead, {3, 0x2000, 4096}, -9, 22000, 22050);
  t.Call(100, 100, kMmap, {0, 4096, 1, 0x22, static_cast<uint64_t>(-1), 0}, 0x7f0000000000, 23000,
         23100);
  t.Call(100, 100, kExitGroup, {0}, 0, 24000, 24000, {}, SyscallPhase::Complete,
         format::kSyscallNoReturn);
  t.Exit(100, 100, 0, false, 25000);
}

AnalyzeOptions FilesOptions() {
  AnalyzeOptions ao;
  ao.files = true;
  return ao;
}

TEST(FilesViewTest, Table) {
  testing::TempDir dir;
  WriteFiles(dir.File("t.strec"));
  // /etc/passwd: openat (2000 ns), two reads (500 + 100 ns, 100 + 0 bytes), close (200 ns).
  EXPECT_EQ(Report({dir.File("t.strec")}, FilesOptions(), View::kFiles),
            "    seconds     calls    errors   opens     reads   read bytes    writes  write bytes"
            " path\n"
            "----------- --------- --------- ------- --------- ------------ --------- ------------"
            " ----------------\n"
            "   0.000010         1         0       0         0            0         1            6"
            " pipe:[77]\n"
            "   0.000003         4         0       1         2          100         0            0"
            " /etc/passwd\n"
            "   0.000000         1         1       0         0            0         0            0"
            " socket:[99]\n"
            "   0.000000         1         1       0         0            0         0            0"
            " /nonexistent\n"
            "   0.000000         1         1       0         0            0         0            0"
            " (unknown fd)\n");
}

TEST(FilesViewTest, CsvJsonAndSortKeys) {
  testing::TempDir dir;
  WriteFiles(dir.File("t.strec"));
  EXPECT_EQ(Report({dir.File("t.strec")}, FilesOptions(), View::kFiles, OutputFormat::kCsv,
                   SortKey::kName),
            "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n"
            "(unknown fd),1,1,50,0,0,0,0,0\n"
            "/etc/passwd,4,0,2800,1,2,100,0,0\n"
            "/nonexistent,1,1,300,0,0,0,0,0\n"
            "pipe:[77],1,0,10000,0,0,0,1,6\n"
            "socket:[99],1,1,400,0,0,0,0,0\n");
  std::string csv = Report({dir.File("t.strec")}, FilesOptions(), View::kFiles, OutputFormat::kCsv,
                           SortKey::kCalls);
  EXPECT_TRUE(
      csv.starts_with("path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,"
                      "write_bytes\n/etc/passwd,4,"))
      << csv;
  EXPECT_EQ(Report({dir.File("t.strec")}, FilesOptions(), View::kFiles, OutputFormat::kJson),
            "{\n  \"traces\": [\"" + dir.File("t.strec") +
                "\"],\n  \"lost_events\": 0,\n  \"files\": {\"limit\": 65536, \"paths\": [\n"
                "    {\"path\": \"pipe:[77]\", \"calls\": 1, \"errors\": 0, \"syscall_ns\": "
                "10000, \"opens\": 0, \"reads\": 0, \"read_bytes\": 0, \"writes\": 1, "
                "\"write_bytes\": 6},\n"
                "    {\"path\": \"/etc/passwd\", \"calls\": 4, \"errors\": 0, \"syscall_ns\": "
                "2800, \"opens\": 1, \"reads\": 2, \"read_bytes\": 100, \"writes\": 0, "
                "\"write_bytes\": 0},\n"
                "    {\"path\": \"socket:[99]\", \"calls\": 1, \"errors\": 1, \"syscall_ns\": "
                "400, \"opens\": 0, \"reads\": 0, \"read_bytes\": 0, \"writes\": 0, "
                "\"write_bytes\": 0},\n"
                "    {\"path\": \"/nonexistent\", \"calls\": 1, \"errors\": 1, \"syscall_ns\": "
                "300, \"opens\": 0, \"reads\": 0, \"read_bytes\": 0, \"writes\": 0, "
                "\"write_bytes\": 0},\n"
                "    {\"path\": \"(unknown fd)\", \"calls\": 1, \"errors\": 1, \"syscall_ns\": "
                "50, \"opens\": 0, \"reads\": 0, \"read_bytes\": 0, \"writes\": 0, "
                "\"write_bytes\": 0}\n  ]}\n}\n");
}

TEST(FilesViewTest, LimitSumsTheRestInOneRow) {
  testing::TempDir dir;
  WriteFiles(dir.File("t.strec"));
  AnalyzeOptions ao = FilesOptions();
  ao.file_limit = 2;
  // In event order /etc/passwd (openat) comes first, then /nonexistent; every later path goes
  // to the overflow row: pipe:[77] (1 call, 10000 ns),
  // socket:[99] (1 call, 1 error, 400 ns), (unknown fd) (1 call, 1 error, 50 ns).
  EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kFiles, OutputFormat::kCsv),
            "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n"
            "/etc/passwd,4,0,2800,1,2,100,0,0\n"
            "/nonexistent,1,1,300,0,0,0,0,0\n"
            "(other paths),3,2,10450,0,0,0,1,6\n");
  std::string json = Report({dir.File("t.strec")}, ao, View::kFiles, OutputFormat::kJson);
  EXPECT_NE(json.find("\"files\": {\"limit\": 2, \"paths\": ["), std::string::npos) << json;
  EXPECT_NE(json.find("{\"path\": null, \"calls\": 3, \"errors\": 2, \"syscall_ns\": 10450, "
                      "\"opens\": 0, \"reads\": 0, \"read_bytes\": 0, \"writes\": 1, "
                      "\"write_bytes\": 6, \"overflow\": true}"),
            std::string::npos)
      << json;
}

TEST(FilesViewTest, FiltersCountCallsButTheStateSeesEverything) {
  testing::TempDir dir;
  WriteFiles(dir.File("t.strec"));
  // From 4600 ns: the openat before it is not counted, but fd 3 still names /etc/passwd.
  AnalyzeOptions ao = FilesOptions();
  ao.since = *ParseTimePoint("4600ns");
  EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kFiles, OutputFormat::kCsv),
            "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n"
            "pipe:[77],1,0,10000,0,0,0,1,6\n"
            "socket:[99],1,1,400,0,0,0,0,0\n"
            "/etc/passwd,2,0,300,0,1,0,0,0\n"
            "/nonexistent,1,1,300,0,0,0,0,0\n"
            "(unknown fd),1,1,50,0,0,0,0,0\n");
  ao = FilesOptions();
  ao.trace_expr = "read";
  EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kFiles, OutputFormat::kCsv),
            "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n"
            "/etc/passwd,2,0,600,0,2,100,0,0\n"
            "(unknown fd),1,1,50,0,0,0,0,0\n");
}

TEST(FilesViewTest, SocketsAndPipesCreatedInTheTrace) {
  testing::TempDir dir;
  {
    Trace t(dir.File("t.strec"));
    // socket() = 3, then pipe2([4, 5]), a write to the pipe and a read from it, a dup of the
    // socket (not an open), a sendto on the dup'd fd. pipe:[6001]: 300 + 400 + 200 ns;
    // socket:[5001]: 100 + 10 + 500 + 100 ns.
    t.Call(7, 7, 41, {2, 1, 0}, 3, 1000, 1100, {FdPath("socket:[5001]")});
    int32_t pair[2] = {4, 5};
    t.Call(7, 7, 293, {0x4000, 0}, 0, 2000, 2300,
           {Out(0, std::string(reinterpret_cast<const char*>(pair), 8)),
            {0, true, format::kBufferFdPath, "pipe:[6001]", 0},
            {0, true, format::kBufferFdPath, "pipe:[6001]", 1}});
    t.Call(7, 7, kWrite, {5, 0x3000, 4}, 4, 3000, 3400, {In(1, "ping")});
    t.Call(7, 7, kRead, {4, 0x3000, 64}, 4, 4000, 4200, {Out(1, "ping")});
    t.Call(7, 7, 32, {3}, 6, 5000, 5010, {FdPath("socket:[5001]")});
    t.Call(7, 7, 44, {6, 0x3000, 2, 0, 0, 0}, 2, 6000, 6500, {In(1, "hi")});
    // fstat through newfstatat(3, "", buf, AT_EMPTY_PATH): the socket's.
    t.Call(7, 7, 262, {3, 0x5000, 0x6000, 0x1000}, 0, 7000, 7100, {Str(1, "")});
  }
  EXPECT_EQ(Report({dir.File("t.strec")}, FilesOptions(), View::kFiles, OutputFormat::kCsv),
            "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n"
            "pipe:[6001],3,0,900,1,1,4,1,4\n"
            "socket:[5001],4,0,710,1,0,0,1,2\n");
}

TEST(FilesViewTest, SendfileAndSpliceMoveBytesBetweenTwoFiles) {
  testing::TempDir dir;
  {
    Trace t(dir.File("t.strec"));
    // openat /src = 3, openat /dst = 4; sendfile(4, 3, NULL, 4096) = 1000 (100 ns);
    // copy_file_range(3, NULL, 4, NULL, 500, 0) = 500 (50 ns); a failing splice(3, .., 4, ..)
    // (-EINVAL, 10 ns): a call and an error on each, no bytes.
    t.Call(7, 7, kOpenat, {kAtFdcwd, 0x1000, 0}, 3, 1000, 1100, {Str(1, "/src"), FdPath("/src")});
    t.Call(7, 7, kOpenat, {kAtFdcwd, 0x1100, 0x41}, 4, 2000, 2100,
           {Str(1, "/dst"), FdPath("/dst")});
    t.Call(7, 7, 40, {4, 3, 0, 4096}, 1000, 3000, 3100);
    t.Call(7, 7, 326, {3, 0, 4, 0, 500, 0}, 500, 4000, 4050);
    t.Call(7, 7, 275, {3, 0, 4, 0, 500, 0}, -22, 5000, 5010);
  }
  EXPECT_EQ(Report({dir.File("t.strec")}, FilesOptions(), View::kFiles, OutputFormat::kCsv),
            "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n"
            "/dst,4,1,260,1,0,0,2,1500\n"
            "/src,4,1,260,1,2,1500,0,0\n");
}

// Slow calls: an openat (2000 ns), a read split by pid 200's close(7) (5000 ns), that close
// (2000 ns, a tie with the openat but later), a failing openat (3000 ns), a close (100 ns).
void WriteSlow(const std::string& path) {
  Trace t(path);
  t.Call(100, 100, kOpenat, {kAtFdcwd, 0x1000, 0}, 3, 1000, 3000,
         {Str(1, "/etc/passwd"), FdPath("/etc/passwd")});
  t.Call(100, 100, kRead, {3, 0x2000, 4096}, 0, 4000, 0, {}, SyscallPhase::Entry);
  t.Call(200, 200, kClose, {7}, 0, 4100, 6100);
  t.Call(100, 100, kRead, {3, 0x2000, 4096}, 3, 4000, 9000, {Out(1, "abc")}, SyscallPhase::Exit);
  t.Call(100, 100, kOpenat, {kAtFdcwd, 0x1100, 0}, -2, 10000, 13000, {Str(1, "/nonexistent")});
  t.Call(100, 100, kClose, {3}, 0, 14000, 14100);
}

TEST(SlowViewTest, Table) {
  testing::TempDir dir;
  WriteSlow(dir.File("t.strec"));
  AnalyzeOptions ao;
  ao.slow = 3;
  EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kSlow),
            "    seconds     pid     tid       start start (UTC)                 call\n"
            "----------- ------- ------- ----------- --------------------------- "
            "----------------\n"
            "   0.000005     100     100    0.000004 2023-11-14T22:13:20.000004Z "
            "read(3, \"abc\", 4096) = 3\n"
            "   0.000003     100     100    0.000010 2023-11-14T22:13:20.000010Z "
            "openat(AT_FDCWD, \"/nonexistent\", O_RDONLY) = -1 ENOENT (No such file or "
            "directory)\n"
            "   0.000002     100     100    0.000001 2023-11-14T22:13:20.000001Z "
            "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3\n");
}

TEST(SlowViewTest, FdPathsCsvJsonAndPidFilter) {
  testing::TempDir dir;
  WriteSlow(dir.File("t.strec"));
  AnalyzeOptions ao;
  ao.slow = 2;
  ao.slow_fd_paths = true;
  EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kSlow, OutputFormat::kCsv),
            "trace,pid,tid,duration_ns,start_ns,start_realtime_ns,start,call\n"
            "0,100,100,5000,4000,1700000000000004000,2023-11-14T22:13:20.000004Z,"
            "\"read(3</etc/passwd>, \"\"abc\"\", 4096) = 3\"\n"
            "0,100,100,3000,10000,1700000000000010000,2023-11-14T22:13:20.000010Z,"
            "\"openat(AT_FDCWD, \"\"/nonexistent\"\", O_RDONLY) = -1 ENOENT (No such file or "
            "directory)\"\n");
  ao.slow = 1;
  ao.slow_fd_paths = false;
  ao.pids = {200};
  EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kSlow, OutputFormat::kJson),
            "{\n  \"traces\": [\"" + dir.File("t.strec") +
                "\"],\n  \"lost_events\": 0,\n  \"slowest\": [\n"
                "    {\"trace\": 0, \"pid\": 200, \"tid\": 200, \"duration_ns\": 2000, "
                "\"start_ns\": 4100, \"start_realtime_ns\": 1700000000000004100, \"start\": "
                "\"2023-11-14T22:13:20.000004Z\", \"call\": \"close(7) = 0\"}\n  ]\n}\n");
}

TEST(SlowViewTest, TiesKeepTheEarlierCallAndMergeAcrossTraces) {
  testing::TempDir dir;
  WriteSlow(dir.File("a.strec"));
  WriteSlow(dir.File("b.strec"));
  AnalyzeOptions ao;
  ao.slow = 4;
  ao.jobs = 2;
  // Per trace: 5000, 3000, 2000 (openat at 1000), 2000 (close at 4100). Across two equal
  // traces the four slowest are both reads and both failing openats, trace 0 first.
  std::string csv =
      Report({dir.File("a.strec"), dir.File("b.strec")}, ao, View::kSlow, OutputFormat::kCsv);
  std::vector<std::string> lines;
  std::istringstream in(csv);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l.substr(0, l.find(",20")));
  EXPECT_EQ(
      lines,
      (std::vector<std::string>{
          "trace,pid,tid,duration_ns,start_ns,start_realtime_ns,start,call",
          "0,100,100,5000,4000,1700000000000004000", "1,100,100,5000,4000,1700000000000004000",
          "0,100,100,3000,10000,1700000000000010000", "1,100,100,3000,10000,1700000000000010000"}));
  ao.slow = 3;
  ao.pids = {};
  ao.jobs = 1;
  std::string one = Report({dir.File("a.strec")}, ao, View::kSlow, OutputFormat::kCsv);
  EXPECT_NE(one.find("0,100,100,2000,1000,"), std::string::npos) << one;  // not close(7)
  EXPECT_EQ(one.find("close(7)"), std::string::npos) << one;
}

// Threads: pid 100 ("prog") starts thread 101, which names itself "worker"; pid 102 is forked
// and execs /bin/sh.
void WriteThreads(const std::string& path) {
  Trace t(path);
  t.Call(100, 100, kRead, {0, 0x1000, 1}, 1, 100, 600, {Out(1, "x")});
  t.Spawn(100, 100, 100, 101, 0x3d0f00, 1000);
  t.Call(100, 101, kPrctl, {15, 0x2000}, 0, 2000, 2100, {Str(1, "worker")});
  t.Call(100, 101, kRead, {0, 0x1000, 1}, -11, 3000, 3400);
  t.Call(100, 101, kRead, {0, 0x1000, 1}, -11, 4000, 4600);
  t.Exit(100, 101, 0, true, 5000);
  t.Spawn(100, 100, 102, 102, 0x1200011, 6000);
  t.Exec(102, "/bin/sh", 7000);
  t.Call(102, 102, kWrite, {1, 0x3000, 2}, 2, 8000, 9000, {In(1, "hi")});
  t.Exit(102, 102, 0, false, 10000);
  t.Call(100, 100, kClose, {3}, -9, 11000, 11050);
  t.Exit(100, 100, 0, false, 12000);
}

TEST(ThreadsViewTest, TableCsvJson) {
  testing::TempDir dir;
  WriteThreads(dir.File("t.strec"));
  for (bool state : {false, true}) {
    AnalyzeOptions ao;
    ao.threads = true;
    ao.whole_trace = true;
    ao.files = state;  // the stream pass gives the same numbers
    // 100: read (500 ns) and close (50 ns, EBADF), from 100 to 12000;
    // 101: prctl (100 ns) and two EAGAIN reads (400 + 600 ns), from its spawn at 1000 to 5000;
    // 102: write (1000 ns), from 6000 to 10000.
    EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kThreads),
              "    pid     tid command              calls    errors     seconds    lifetime\n"
              "------- ------- ---------------- --------- --------- ----------- -----------\n"
              "    100     100 prog                     2         1    0.000001    0.000012\n"
              "    100     101 worker                   3         2    0.000001    0.000004\n"
              "    102     102 sh                       1         0    0.000001    0.000004\n")
        << state;
    EXPECT_EQ(Report({dir.File("t.strec")}, ao, View::kThreads, OutputFormat::kCsv),
              "trace,pid,tid,command,calls,errors,syscall_ns,lifetime_ns,exited\n"
              "0,100,100,prog,2,1,550,11900,1\n"
              "0,100,101,worker,3,2,1100,4000,1\n"
              "0,102,102,sh,1,0,1000,4000,1\n");
  }
  AnalyzeOptions ao;
  ao.threads = true;
  std::string json = Report({dir.File("t.strec")}, ao, View::kThreads, OutputFormat::kJson);
  EXPECT_NE(json.find("{\"trace\": 0, \"pid\": 100, \"tid\": 101, \"command\": \"worker\", "
                      "\"calls\": 3, \"errors\": 2, \"syscall_ns\": 1100, \"lifetime_ns\": 4000, "
                      "\"exited\": true}"),
            std::string::npos)
      << json;
}

// Cgroups: pid 200 (nginx, found in /web) forks 201, which stays in its parent's cgroup; pid
// 300 (found in /db, a snapshot again later in another file's start, with the same cgroup);
// pid 400 has no snapshot (not placed: "?").
void WriteCgroups(const std::string& path) {
  Trace t(path);
  t.Found(200, {"/usr/sbin/nginx", "-g", "daemon off;"}, "/web", 10);
  t.Found(300, {"postgres: writer"}, "/db", 20);
  t.Call(200, 200, kRead, {0, 0x1000, 1}, 1, 100, 600, {Out(1, "x")});
  t.Spawn(200, 200, 201, 201, 0x1200011, 1000);
  t.Call(201, 201, kWrite, {1, 0x3000, 2}, -32, 2000, 2300, {In(1, "hi")});
  t.Call(300, 300, kRead, {0, 0x1000, 1}, 1, 3000, 7000, {Out(1, "y")});
  t.Found(300, {"postgres: writer"}, "/db", 8000);
  t.Call(400, 400, kClose, {3}, -9, 9000, 9050);
}

TEST(CgroupsViewTest, ProcessesGroupedByTheirCgroup) {
  testing::TempDir dir;
  WriteCgroups(dir.File("c.strec"));
  for (bool state : {false, true}) {
    AnalyzeOptions ao;
    ao.whole_trace = true;
    ao.files = state;  // the stream pass gives the same numbers
    // /db: 300's read, 4000 ns; /web: 200's read (500 ns) and 201's failed write (300 ns);
    // ?: 400's failed close (50 ns).
    EXPECT_EQ(Report({dir.File("c.strec")}, ao, View::kCgroups),
              "cgroup processes     calls    errors     seconds\n"
              "------ --------- --------- --------- -----------\n"
              "/db            1         1         0    0.000004\n"
              "/web           2         2         1    0.000001\n"
              "?              1         1         1    0.000000\n")
        << state;
    EXPECT_EQ(Report({dir.File("c.strec")}, ao, View::kCgroups, OutputFormat::kCsv),
              "cgroup,processes,calls,errors,syscall_ns\n"
              "/db,1,1,0,4000\n"
              "/web,2,2,1,800\n"
              "?,1,1,1,50\n");
  }
  // A process found running is named by its argv[0], its child after it.
  AnalyzeOptions ao;
  std::string procs = Report({dir.File("c.strec")}, ao, View::kProcesses, OutputFormat::kCsv);
  EXPECT_NE(procs.find("0,200,0,nginx,"), std::string::npos) << procs;
  EXPECT_NE(procs.find("0,201,200,nginx,"), std::string::npos) << procs;
  EXPECT_NE(procs.find("0,300,0,postgres: writer,"), std::string::npos) << procs;
  EXPECT_NE(procs.find("0,400,0,prog,"), std::string::npos) << procs;  // the trace's command
  std::string json = Report({dir.File("c.strec")}, ao, View::kCgroups, OutputFormat::kJson);
  EXPECT_NE(json.find("{\"cgroup\": \"/web\", \"processes\": 2, \"calls\": 2, \"errors\": 1, "
                      "\"syscall_ns\": 800}"),
            std::string::npos)
      << json;
}

TEST(StreamPassTest, SameAggregateAsChunkPass) {
  testing::TempDir dir;
  WriteFiles(dir.File("a.strec"));
  WriteSlow(dir.File("b.strec"));
  WriteThreads(dir.File("c.strec"));
  std::vector<std::string> all = {dir.File("a.strec"), dir.File("b.strec"), dir.File("c.strec")};
  for (View v : {View::kSummary, View::kPercentiles, View::kErrors, View::kProcesses}) {
    AnalyzeOptions chunks;
    AnalyzeOptions stream;
    stream.files = true;
    stream.slow = 2;
    EXPECT_EQ(Report(all, chunks, v, OutputFormat::kJson),
              Report(all, stream, v, OutputFormat::kJson));
  }
}

}  // namespace
}  // namespace strec::analyze
