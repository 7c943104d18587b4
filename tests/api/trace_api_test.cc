// The public C++ API (strec/trace.h) on a recorded trace: each syscall's line equals
// strec-replay's (pid prefix and alignment aside), fds resolve, SeekTime jumps, and bad input
// throws strec::TraceError naming the file. (The Python test covers the same through the module;
// this one also runs under the sanitizers.)
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "strec/trace.h"
#include "support/backend_test.h"
#include "support/process.h"

namespace strec {
namespace {

const std::string kBin = STREC_BIN_DIR;
const std::string kPrograms = STREC_PROGRAMS_DIR;

std::string Normalise(const std::string& line) {
  static const std::regex prefix(R"(^\d+ +)"), pad(R"( +(= [^=]*)$)");
  return std::regex_replace(std::regex_replace(line, prefix, ""), pad, " $1");
}

class TraceApiTest : public testing::PtraceE2ETest {
 protected:
  void SetUp() override {
    PtraceE2ETest::SetUp();
    if (IsSkipped())
      return;
    trace_ = dir_.File("files.strec");
    testing::RunResult r = Run({kBin + "/strec-record", "-q", "--backend", "ptrace", "-o", trace_,
                                "--", kPrograms + "/files"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string trace_;
};

TEST_F(TraceApiTest, LinesAreStrecReplays) {
  testing::RunResult replay = Run({kBin + "/strec-replay", "-y", trace_});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  std::vector<std::string> want, got;
  std::istringstream in(replay.out);
  for (std::string line; std::getline(in, line);)
    want.push_back(Normalise(line));
  Trace t = Trace::Open(trace_);
  uint64_t syscalls = 0;
  bool named_fd = false;
  while (const TraceEvent* e = t.Next()) {
    if (e->kind == EventKind::Syscall)
      syscalls++;
    if (e->kind == EventKind::Syscall && e->name == "read" && e->ret > 0 && !named_fd) {
      auto path = t.FdPath(e->tid, static_cast<int>(e->args[0]));
      ASSERT_TRUE(path.has_value());
      EXPECT_EQ(path->rfind("/", 0), 0u) << *path;  // libc's, the first file read
      named_fd = true;
    }
    // An entry whose exit comes later renders "... <unfinished ...>"; then its Syscall event
    // renders the whole call, which is what strec-replay prints for a single process.
    std::string line = t.Strace(*e);
    if (e->kind == EventKind::SyscallEntry)
      EXPECT_NE(line.find(" <unfinished ...>"), std::string::npos) << line;
    else if (!line.empty())
      got.push_back(Normalise(line));
  }
  EXPECT_TRUE(named_fd);
  EXPECT_EQ(want, got);
  EXPECT_EQ(syscalls, t.info().syscalls);
  EXPECT_TRUE(t.info().complete);
}

TEST_F(TraceApiTest, SeekTime) {
  std::vector<uint64_t> times;
  {
    Trace t = Trace::Open(trace_);
    while (const TraceEvent* e = t.Next())
      times.push_back(e->time_ns);
  }
  ASSERT_GT(times.size(), 10u);
  uint64_t middle = times[times.size() / 2];
  Trace t = Trace::Open(trace_);
  t.SeekTime(middle);
  size_t after = 0;
  while (const TraceEvent* e = t.Next()) {
    EXPECT_GE(e->time_ns, middle);
    after++;
  }
  EXPECT_EQ(after, static_cast<size_t>(std::count_if(times.begin(), times.end(),
                                                     [&](uint64_t x) { return x >= middle; })));
}

TEST_F(TraceApiTest, BadInputThrowsNamingTheFile) {
  std::string bad = dir_.File("bad.strec");
  std::ofstream(bad) << "not a trace";
  try {
    Trace::Open(bad);
    FAIL() << "no exception";
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
  }
  EXPECT_THROW(Trace::Open(dir_.File("missing.strec")), TraceError);
  // Only the current event renders.
  Trace t = Trace::Open(trace_);
  TraceEvent copy = *t.Next();
  EXPECT_THROW(t.Strace(copy), TraceError);
}

}  // namespace
}  // namespace strec
