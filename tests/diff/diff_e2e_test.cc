// strec diff end to end: tests/programs/diffcase recorded twice (ptrace) with the same command
// line, the second run changed by one thing (a missing file, an extra thread, a failing write):
// each difference is reported where it happens, and two runs of the same program report none.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <string>
#include <vector>

#include "support/trace_builder.h"
#include "strec/diff/diff.h"
#include "support/backend_test.h"
#include "support/process.h"

extern char** environ;

namespace strec {
namespace {

const std::string kBin = STREC_BIN_DIR;
const std::string kPrograms = STREC_PROGRAMS_DIR;

class DiffE2ETest : public testing::PtraceE2ETest {
 protected:
  void SetUp() override {
    PtraceE2ETest::SetUp();
    if (IsSkipped())
      return;
    file_ = dir_.File("input.txt");
    std::ofstream(file_) << "hello";
  }
  // Records diffcase FILE into NAME.strec with the extra environment entries.
  std::string Record(const std::string& name, const std::vector<std::string>& env = {}) {
    testing::RunOptions o;
    for (char** e = environ; *e; e++)
      o.env.push_back(*e);
    o.env.insert(o.env.end(), env.begin(), env.end());
    std::string trace = dir_.File(name + ".strec");
    testing::RunResult r =
        testing::RunCapturing({kBin + "/strec-record", "-q", "--backend", "ptrace", "-o", trace,
                               "--", kPrograms + "/diffcase", file_},
                              dir_.path(), o);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return trace;
  }
  testing::RunResult Diff(const std::string& a, const std::string& b, bool json = false) {
    std::vector<std::string> argv = {kBin + "/strec", "diff", a, b};
    if (json)
      argv.insert(argv.end(), {"--format", "json"});
    return testing::RunCapturing(argv, dir_.path());
  }
  std::string file_;
};

TEST_F(DiffE2ETest, TwoRunsOfTheSameProgramDoNotDiffer) {
  std::string a = Record("a"), b = Record("b");
  testing::RunResult r = Diff(a, b);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 processes paired"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no differences"), std::string::npos) << r.out;
}

TEST_F(DiffE2ETest, AMissingFile) {
  std::string a = Record("a");
  unlink(file_.c_str());
  std::string b = Record("b");
  testing::RunResult r = Diff(a, b);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string open = "openat(AT_FDCWD, \"" + file_ + "\", O_RDONLY) = ";
  // The hunk's first change is the open, at the call where it happened.
  size_t minus = r.out.find("\n-"), plus = r.out.find("\n+", minus);
  ASSERT_NE(minus, std::string::npos) << r.out;
  EXPECT_EQ(r.out.compare(minus + 2, open.size(), open), 0) << r.out;
  EXPECT_TRUE(isdigit(static_cast<unsigned char>(r.out[minus + 2 + open.size()]))) << r.out;
  EXPECT_EQ(r.out.compare(plus + 2, open.size() + 9, open + "-1 ENOENT"), 0) << r.out;
  EXPECT_NE(r.out.find("files opened only in A:\n  " + file_ + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("files failing to open only in B:\n  " + file_ + " (ENOENT)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("errors only in B:\n  openat ENOENT x1\n"), std::string::npos) << r.out;
  // The first difference is numbered as the open's place among the process's calls.
  auto run = diff::ReadRun({a});
  ASSERT_TRUE(run.ok());
  const auto& lines = run->processes.at(0).threads.at(0).lines;
  size_t at = 0;
  while (at < lines.size() && lines[at].rfind(open, 0) != 0)
    at++;
  ASSERT_LT(at, lines.size());
  EXPECT_NE(r.out.find("first difference at call " + std::to_string(at + 1) + " "),
            std::string::npos)
      << r.out;
}

TEST_F(DiffE2ETest, AnExtraThread) {
  std::string a = Record("a", {"DIFFCASE_THREADS=0"}), b = Record("b", {"DIFFCASE_THREADS=1"});
  testing::RunResult r = Diff(a, b);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("thread only in B: P2: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n+clone3("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  clone3                  0 -> 1 "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("only in A"), std::string::npos) << r.out;
}

TEST_F(DiffE2ETest, AFailingWrite) {
  std::string a = Record("a", {"DIFFCASE_FD=1"}), b = Record("b", {"DIFFCASE_FD=9"});
  testing::RunResult r = Diff(a, b);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("\n-write(1, \"done\\n\", 5) = 5\n+write(9, \"done\\n\", 5) = -1 EBADF"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("errors only in B:\n  write EBADF x1\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("files "), std::string::npos) << r.out;

  testing::RunResult j = Diff(a, b, true);
  EXPECT_EQ(j.exit_code, 1);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["same"], false);
  ASSERT_EQ(doc["processes"].size(), 1u);
  const auto& hunk = doc["processes"][0]["threads"][0]["hunk"];
  bool minus = false;
  for (const auto& l : hunk)
    minus = minus || (l[0] == "-" && l[1] == "write(1, \"done\\n\", 5) = 5");
  EXPECT_TRUE(minus) << j.out;
  EXPECT_EQ(doc["errors_only_in_b"][0], "write EBADF x1");
}

TEST(DiffNormaliseTest, WhatDiffersBetweenRuns) {
  std::map<int64_t, std::string> labels = {{4242, "P1"}, {4243, "P2"}};
  EXPECT_EQ(diff::Normalise("clone(child_stack=NULL, flags=SIGCHLD) = 4243", labels),
            "clone(child_stack=NULL, flags=SIGCHLD) = P2");
  EXPECT_EQ(
      diff::Normalise("mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f12a3b4c000", labels),
      "mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x?");
  EXPECT_EQ(diff::Normalise("getrandom(\"\\x12\\x34\", 2, GRND_NONBLOCK) = 2", labels),
            "getrandom(\"...\", 2, GRND_NONBLOCK) = 2");
  EXPECT_EQ(diff::Normalise("clock_gettime(CLOCK_MONOTONIC, {tv_sec=12, tv_nsec=345}) = 0", labels),
            "clock_gettime(CLOCK_MONOTONIC, {tv_sec=?, tv_nsec=?}) = 0");
  // Small numbers, flags and numbers inside names stay.
  EXPECT_EQ(diff::Normalise("read(3, \"x4242y\", 4242) = 0x10", labels),
            "read(3, \"x4242y\", P1) = 0x10");
}

}  // namespace
}  // namespace strec
