// strec slice and strec cat end to end, on traces recorded with ptrace (deterministic enough
// that replay's output of two readings of the same events compares byte for byte).
//
// The program: `sh -c 'holder FILE 0.3; forkexec'`: holder opens FILE once and reads it every
// 20 ms (so a cut in the middle leaves reads of an fd opened before it); forkexec forks a child
// that execs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/trace_builder.h"
#include "strec/format/trace_reader.h"
#include "support/backend_test.h"
#include "support/process.h"

namespace strec {
namespace {

const std::string kBin = STREC_BIN_DIR;
const std::string kPrograms = STREC_PROGRAMS_DIR;

class SliceE2ETest : public testing::PtraceE2ETest {
 protected:
  void SetUp() override {
    PtraceE2ETest::SetUp();
    if (IsSkipped())
      return;
    file_ = dir_.File("held.txt");
    std::ofstream(file_) << "x";
  }
  // Records the program into `trace` (extra: more strec-record options).
  void Record(const std::string& trace, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {
        kBin + "/strec-record", "-q", "--backend", "ptrace", "-o", trace};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"--", "/bin/sh", "-c",
                             kPrograms + "/holder " + file_ + " 0.3; " + kPrograms + "/forkexec"});
    testing::RunResult r = Run(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Replay(std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/strec-replay");
    testing::RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // The pids of the processes the trace's spawns created, in order.
  std::vector<std::string> Children(const std::string& replay) {
    std::vector<std::string> out;
    std::regex spawn(R"((?:fork|clone|clone3)(?:\(|\s*resumed>).*\) += (\d+)\n)");
    for (std::sregex_iterator i(replay.begin(), replay.end(), spawn), end; i != end; ++i)
      out.push_back((*i)[1]);
    return out;
  }
  std::string file_;
};

// The whole range gives the same replay, byte for byte; a process with its descendants gives
// what strec-replay -p shows of the original.
TEST_F(SliceE2ETest, WholeRangeAndProcessesReplayAsTheOriginal) {
  std::string trace = dir_.File("o.strec");
  Record(trace);
  testing::RunResult whole = Run({kBin + "/strec", "slice", trace, "-o", dir_.File("all.strec")});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  for (std::vector<std::string> opts :
       {std::vector<std::string>{"-f"}, {"-f", "-y", "-tt", "-T"}}) {
    std::vector<std::string> a = opts, b = opts;
    a.push_back(trace);
    b.push_back(dir_.File("all.strec"));
    EXPECT_EQ(Replay(a), Replay(b));
  }

  std::string original = Replay({"-f", trace});
  std::vector<std::string> children = Children(original);
  ASSERT_GE(children.size(), 3u) << original;  // sh's two children, forkexec's child
  for (const std::string& pid : children) {
    std::string slice = dir_.File("p" + pid + ".strec");
    testing::RunResult r =
        Run({kBin + "/strec-slice", "--pid", pid, trace, "-o", slice, "--force"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Replay({"-f", "-y", "-p", pid, trace}), Replay({"-f", "-y", slice})) << pid;
    auto reader = format::TraceReader::Open(slice);
    ASSERT_TRUE(reader.ok());
    EXPECT_NE((*reader)->header().settings()->origin()->str().find("slice of o.strec: pid=" + pid),
              std::string::npos);
  }
}

// A cut in time: every event kept is at or after it, and the reads of the fd holder opened
// before the cut are still named by -y (the snapshot at the cut).
TEST_F(SliceE2ETest, ATimeCutKeepsTheFdsOpenedBeforeIt) {
  std::string trace = dir_.File("o.strec");
  Record(trace);
  // The cut: 60 ms after holder opened its file (it reads it every 20 ms for 300 ms).
  uint64_t start = 0, opened = 0;
  {
    auto reader = format::TraceReader::Open(trace);
    ASSERT_TRUE(reader.ok());
    start = (*reader)->header().monotonic_ns();
    while (!opened) {
      auto e = (*reader)->Next();
      ASSERT_TRUE(e.ok() && *e) << "no open of " << file_;
      const fb::Syscall* sc = (*e)->body_as_Syscall();
      if (sc && sc->nr() == 257 && sc->buffers())
        for (const fb::Buffer* b : *sc->buffers())
          if (b->data() && std::string(b->data()->begin(), b->data()->end()) == file_)
            opened = format::EventTime(**e);
    }
  }
  uint64_t cut_ns = opened - start + 60'000'000;
  testing::RunResult r = Run({kBin + "/strec-slice", "--from", std::to_string(cut_ns) + "ns",
                              "--to", "1000s", trace, "-o", dir_.File("c.strec")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("fd snapshots at the cut"), std::string::npos) << r.err;
  std::string cut = Replay({"-f", "-y", "-r", dir_.File("c.strec")});
  EXPECT_EQ(cut.find("\"" + file_ + "\""), std::string::npos) << "the holder's open is cut away";
  EXPECT_NE(cut.find("<" + file_ + ">, \"x\", 1, 0) = 1"), std::string::npos)
      << cut.substr(0, 2000);
  // Every event from the cut on is there, and the snapshots.
  auto reader = format::TraceReader::Open(trace);
  ASSERT_TRUE(reader.ok());
  uint64_t after = 0;
  while (true) {
    auto e = (*reader)->Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
    if (format::EventTime(**e) >= start + cut_ns && (*e)->body_type() != fb::Body::FdSnapshot)
      after++;
  }
  auto sliced = format::TraceReader::Open(dir_.File("c.strec"));
  ASSERT_TRUE(sliced.ok());
  ASSERT_NE((*sliced)->footer(), nullptr);
  uint64_t snapshots = std::stoull(std::regex_replace(
      r.err, std::regex(R"([\s\S]*\((\d+) fd snapshots at the cut\)[\s\S]*)"), "$1"));
  EXPECT_EQ((*sliced)->footer()->event_count(), after + snapshots);
  EXPECT_GT(after, 10u);
  // holder's exec is cut away too: the snapshot still names it.
  testing::RunResult procs =
      Run({kBin + "/strec-analyze", "--by", "process", "--format", "csv", dir_.File("c.strec")});
  EXPECT_NE(procs.out.find(",holder,"), std::string::npos) << procs.out;
}

// -e trace= keeps only those syscalls, with the process events.
TEST_F(SliceE2ETest, ASyscallSet) {
  std::string trace = dir_.File("o.strec");
  Record(trace);
  ASSERT_EQ(
      Run({kBin + "/strec-slice", "-e", "trace=pread64,execve", trace, "-o", dir_.File("e.strec")})
          .exit_code,
      0);
  std::string s = Replay({"-f", dir_.File("e.strec")});
  std::string full = Replay({"-f", "-e", "trace=pread64,execve", trace});
  EXPECT_EQ(s, full);
  EXPECT_NE(s.find("pread64("), std::string::npos);
  EXPECT_EQ(s.find("clock_nanosleep("), std::string::npos);
}

// cat: the files of a rotated recording make one trace that replays as the files together.
TEST_F(SliceE2ETest, CatJoinsTheFilesOfOneRecording) {
  Record(dir_.File("r.strec"), {"--max-size", "8K"});
  std::vector<std::string> parts;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    if (e.path().filename().string().rfind("r.0", 0) == 0)
      parts.push_back(e.path().string());
  std::sort(parts.begin(), parts.end());
  ASSERT_GE(parts.size(), 2u);
  std::vector<std::string> cat = {kBin + "/strec", "cat"};
  cat.insert(cat.end(), parts.rbegin(), parts.rend());  // any order
  cat.insert(cat.end(), {"-o", dir_.File("joined.strec")});
  testing::RunResult r = Run(cat);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> together = {"-f", "-y"};
  together.insert(together.end(), parts.begin(), parts.end());
  EXPECT_EQ(Replay(together), Replay({"-f", "-y", dir_.File("joined.strec")}));
  testing::RunResult info = Run({kBin + "/strec", "info", dir_.File("joined.strec")});
  EXPECT_NE(info.out.find("made from:   joined from " + std::to_string(parts.size())),
            std::string::npos)
      << info.out;
  EXPECT_EQ(info.out.find("rotation:"), std::string::npos) << info.out;
}

// cat of recordings from different hosts: one trace, each event with its host. Each host's
// events replay (as JSON) exactly as its own trace did, their pids moved above the first's.
TEST_F(SliceE2ETest, CatJoinsRecordingsOfDifferentHosts) {
  std::vector<std::string> hosts = {"web1", "web2"};
  for (const std::string& h : hosts) {
    // Each recorder on a host of its own: a new UTS namespace with that host name.
    testing::RunResult r =
        Run({"unshare", "--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\"", h,
             kBin + "/strec-record", "-q", "--backend", "ptrace", "-o", dir_.File(h + ".strec"),
             "--", "/bin/sh", "-c", kPrograms + "/forkexec"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string joined = dir_.File("joined.strec");
  testing::RunResult r =
      Run({kBin + "/strec", "cat", dir_.File("web1.strec"), dir_.File("web2.strec"), "-o", joined});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  testing::RunResult info = Run({kBin + "/strec", "info", joined});
  EXPECT_NE(info.out.find("recording:   web1, "), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("recording:   web2, "), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("pids + 4194304"), std::string::npos) << info.out;

  // Per host, the joined trace's objects are the original's: "host" added, pids moved.
  std::string all = Replay({"-f", "--json", joined});
  for (size_t k = 0; k < hosts.size(); k++) {
    const int base = static_cast<int>(k) << 22;
    std::string mine;
    std::istringstream lines(all);
    for (std::string line; std::getline(lines, line);) {
      std::string tag = ",\"host\":\"" + hosts[k] + "\"";
      size_t at = line.find(tag);
      if (at == std::string::npos)
        continue;
      line.erase(at, tag.size());
      for (const char* key : {"\"pid\":", "\"tid\":", "\"child_pid\":", "\"child_tid\":"}) {
        size_t p = line.find(key);
        if (p == std::string::npos)
          continue;
        p += std::strlen(key);
        size_t end = line.find_first_not_of("0123456789", p);
        line.replace(p, end - p, std::to_string(std::stoi(line.substr(p, end - p)) - base));
      }
      mine += line + "\n";
    }
    std::string own = Replay({"-f", "--json", dir_.File(hosts[k] + ".strec")});
    EXPECT_EQ(std::count(own.begin(), own.end(), '\n'), std::count(mine.begin(), mine.end(), '\n'));
    auto [a, b] = std::mismatch(own.begin(), own.end(), mine.begin(), mine.end());
    EXPECT_TRUE(a == own.end() && b == mine.end())
        << hosts[k] << ": first difference at\n"
        << own.substr(own.rfind('\n', a - own.begin()) + 1, 300) << "\nvs\n"
        << mine.substr(mine.rfind('\n', b - mine.begin()) + 1, 300);
  }
  // Text: each line says whose it is; web1 began first.
  std::string text = Replay({"-f", joined});
  EXPECT_EQ(text.rfind("web1:", 0), 0u) << text.substr(0, 200);
  EXPECT_NE(text.find("\nweb2:"), std::string::npos);
  // strec-analyze: the processes of both hosts, by host:pid; the calls of both.
  testing::RunResult procs = Run({kBin + "/strec-analyze", "--by", "process", joined});
  EXPECT_NE(procs.out.find("web1:"), std::string::npos) << procs.out;
  EXPECT_NE(procs.out.find("web2:"), std::string::npos) << procs.out;
  const std::string analyze = kBin + "/strec-analyze";
  auto both = testing::CallsBySyscall(analyze, {dir_.File("web1.strec"), dir_.File("web2.strec")},
                                      dir_.path());
  EXPECT_FALSE(both.empty());
  EXPECT_EQ(testing::CallsBySyscall(analyze, {joined}, dir_.path()), both);

  // Redaction removes every recording's host name and file name.
  ASSERT_EQ(Run({kBin + "/strec", "redact", "--all", joined, "-o", dir_.File("r.strec")}).exit_code,
            0);
  testing::RunResult redacted = Run({kBin + "/strec", "info", dir_.File("r.strec")});
  EXPECT_EQ(redacted.out.find("web"), std::string::npos) << redacted.out;
  EXPECT_NE(redacted.out.find("recording:   #"), std::string::npos) << redacted.out;

  // The same recording twice, or a joined trace again: refused, nothing written.
  for (std::vector<std::string> bad :
       {std::vector<std::string>{dir_.File("web1.strec"), dir_.File("web1.strec")},
        {joined, dir_.File("web2.strec")}}) {
    std::vector<std::string> argv = {kBin + "/strec-cat"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    argv.insert(argv.end(), {"-o", dir_.File("bad.strec")});
    testing::RunResult b = Run(argv);
    EXPECT_EQ(b.exit_code, 2) << b.err;
    EXPECT_NE(b.err.find(bad[0] == joined ? "joined from several recordings already"
                                          : "the same recording as"),
              std::string::npos)
        << b.err;
    EXPECT_NE(access(dir_.File("bad.strec").c_str(), F_OK), 0);
  }
}

// Bad input: one line naming the problem, no output left.
TEST_F(SliceE2ETest, BadInputIsOneLineAndNoOutput) {
  std::string trace = dir_.File("o.strec");
  Record(trace);
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string says;
  } cases[] = {
      {{"--from", "2s", "--to", "1s", trace}, 2, "2s is later than 1s"},
      {{"--from", "soon", trace}, 2, "bad time 'soon'"},
      {{"-e", "trace=nosuchcall", trace}, 2, "nosuchcall"},
      {{dir_.File("missing.strec")}, 1, "missing.strec"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {kBin + "/strec-slice"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    argv.insert(argv.end(), {"-o", dir_.File("out.strec")});
    testing::RunResult r = Run(argv);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.says << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(access(dir_.File("out.strec").c_str(), F_OK), 0);
  }
}

}  // namespace
}  // namespace strec
