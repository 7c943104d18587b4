// Rotation and the flight recorder end to end, both backends.
//
// Rotation: a deterministic program recorded once into one file and
// once rotated into several small ones. The parts, read together, hold exactly the calls of the
// single file; each part replays on its own, and names with -y an fd opened in an earlier part
// (the fd snapshot that starts each part).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
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

class RotationE2ETest : public testing::BackendE2ETest {
 protected:
  std::error_code ec_;
  std::map<std::string, uint64_t> Calls(const std::vector<std::string>& traces) {
    return testing::CallsBySyscall(kBin + "/strec-analyze", traces, dir_.path());
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, RotationE2ETest, testing::BackendNames(), testing::BackendName);

TEST_P(RotationE2ETest, PartsAddUpToOneFileAndEachStandsAlone) {
  // One-byte writes to /dev/null on one fd, opened before the loop (its number depends on what
  // the test inherited: ctest keeps one open). With eBPF the recorder reads the ring behind the
  // command, and introduces a process in a new file only while it still runs: more writes, in
  // larger files, keep the command alive past the first seams even when the recorder is slow
  // (a sanitizer build).
  bool bpf = GetParam() == "bpf";
  std::vector<std::string> program = {kPrograms + "/syscall_loop", bpf ? "200000" : "20000",
                                      "write"};
  std::vector<std::string> one = {kBin + "/strec-record", "--backend", GetParam(), "-q", "-o",
                                  dir_.File("one.strec"), "--"};
  one.insert(one.end(), program.begin(), program.end());
  testing::RunResult r1 = Run(one);
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  std::vector<std::string> rot = {
      kBin + "/strec-record", "--backend", GetParam(),           "--max-size",
      bpf ? "64K" : "8K",     "-o",        dir_.File("r.strec"), "--"};
  rot.insert(rot.end(), program.begin(), program.end());
  testing::RunResult r2 = Run(rot);
  ASSERT_EQ(r2.exit_code, 0) << r2.err;

  std::vector<std::string> parts;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path()))
    if (entry.path().filename().string().rfind("r.", 0) == 0)
      parts.push_back(entry.path().string());
  std::sort(parts.begin(), parts.end());
  ASSERT_GE(parts.size(), 3u) << r2.err;
  EXPECT_EQ(parts[0], dir_.File("r.0001.strec"));
  std::string files = std::to_string(parts.size()) + " files)";  // in the summary line
  EXPECT_NE(r2.err.find(files), std::string::npos) << r2.err;

  // Together: exactly the calls of the single file.
  std::map<std::string, uint64_t> want = Calls({dir_.File("one.strec")});
  std::map<std::string, uint64_t> got = Calls(parts);
  EXPECT_EQ(got["write"], bpf ? 200000u : 20000u);
  EXPECT_EQ(want, got);
  std::vector<std::string> replay_all = {kBin + "/strec-replay"};
  replay_all.insert(replay_all.end(), parts.rbegin(), parts.rend());  // any order
  testing::RunResult all = Run(replay_all);
  EXPECT_EQ(all.exit_code, 0) << all.err;
  testing::RunResult single = Run({kBin + "/strec-replay", dir_.File("one.strec")});
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'),
            std::count(single.out.begin(), single.out.end(), '\n'));

  // Each part alone: it replays, and each after the first that holds calls starts by
  // introducing the live process (an fd snapshot).
  uint64_t syscalls = 0;
  for (size_t k = 0; k < parts.size(); k++) {
    auto reader = format::TraceReader::Open(parts[k]);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_TRUE((*reader)->warnings().empty()) << parts[k];
    ASSERT_NE((*reader)->footer(), nullptr);
    syscalls += (*reader)->footer()->syscall_count();
    auto first = (*reader)->Next();
    ASSERT_TRUE(first.ok() && *first);
    if (k > 0 && (*reader)->footer()->syscall_count() > 0) {
      EXPECT_EQ((*first)->body_type(), fb::Body::FdSnapshot) << parts[k];
    }
    testing::RunResult alone = Run({kBin + "/strec-replay", "-y", parts[k]});
    EXPECT_EQ(alone.exit_code, 0) << parts[k] << ": " << alone.err;
  }
  auto whole = format::TraceReader::Open(dir_.File("one.strec"));
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(syscalls, (*whole)->footer()->syscall_count());
  testing::RunResult last = Run({kBin + "/strec-replay", "-y", parts[1]});
  EXPECT_NE(last.out.find("</dev/null>, \"x\", 1)"), std::string::npos) << last.out.substr(0, 2000);
}

}  // namespace
}  // namespace strec

namespace strec {
namespace {

// A failing exit fires the dump: it holds that exit and the newest events before it, starting
// with a note of what the ring dropped; the end of the recording dumps the rest.
TEST_P(RotationE2ETest, FlightRecorderDumpsOnAFailingExit) {
  std::string script = kPrograms + "/syscall_loop 100000; " + kPrograms + "/exitcode 3; " +
                       kPrograms + "/syscall_loop 100";
  testing::RunResult r =
      Run({kBin + "/strec-record", "--backend", GetParam(), "--flight-recorder", "64K", "--trigger",
           "exit", "-o", dir_.File("f.strec"), "--", "/bin/sh", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("(2 dumps)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("events dropped by the flight recorder"), std::string::npos) << r.err;

  auto first = format::TraceReader::Open(dir_.File("f.0001.strec"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  uint64_t dropped = 0, calls = 0;
  bool failing_exit_last = false, loss_first = false;
  size_t n = 0;
  while (true) {
    auto e = (*first)->Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
    if (n++ == 0 && (*e)->body_type() == fb::Body::Loss) {
      loss_first = true;
      dropped = (*e)->body_as_Loss()->events();
    }
    calls += (*e)->body_type() == fb::Body::Syscall;
    failing_exit_last = (*e)->body_type() == fb::Body::Exit &&
                        (*e)->body_as_Exit()->status() == 3 && !(*e)->body_as_Exit()->thread_only();
  }
  EXPECT_TRUE(loss_first) << "the dump starts by saying what the ring dropped";
  EXPECT_GT(dropped, 0u);
  EXPECT_GT(calls, 1000u);
  EXPECT_TRUE(failing_exit_last) << "the trigger's event ends the dump";
  EXPECT_EQ((*first)->footer()->lost_events(), dropped);
  // The rest, at the end: the last loop.
  std::map<std::string, uint64_t> rest = Calls({dir_.File("f.0002.strec")});
  EXPECT_GE(rest["getppid"], 100u);
  testing::RunResult replay = Run({kBin + "/strec-replay", "-y", dir_.File("f.0001.strec")});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("/* strec: " + std::to_string(dropped) + " events lost here"),
            std::string::npos);
}

// SIGUSR1 dumps and recording goes on; the dump's fd snapshot names with -y an fd opened
// before the events the ring kept.
TEST_P(RotationE2ETest, FlightRecorderDumpsOnSigusr1AndGoesOn) {
  testing::RunOptions o;
  o.err = dir_.File("record.err");
  // About 2 s of writes with ptrace, 0.6 s with eBPF (which does not stop them).
  std::string writes = GetParam() == "ptrace" ? "60000" : "400000";
  pid_t rec = testing::Start(
      {kBin + "/strec-record", "--backend", GetParam(), "--flight-recorder", "64K", "-o",
       dir_.File("u.strec"), "--", kPrograms + "/syscall_loop", writes, "write"},
      o);
  ASSERT_GT(rec, 0);
  std::string dump = dir_.File("u.0001.strec");
  // Once the loop runs (its writes fill the ring), ask for a dump: when the command (the
  // recorder's child) has made a few thousand writes, however slow this machine is.
  uint64_t writes_seen = 0;
  for (int i = 0; i < 1000 && writes_seen < 5000; i++) {
    usleep(10'000);
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(rec) + "/task", ec_)) {
      std::istringstream children(testing::ReadFile(task.path().string() + "/children"));
      for (pid_t child; children >> child;) {
        std::istringstream io(testing::ReadFile("/proc/" + std::to_string(child) + "/io"));
        for (std::string key; io >> key;) {
          uint64_t v = 0;
          io >> v;
          if (key == "syscw:")
            writes_seen = std::max(writes_seen, v);
        }
      }
    }
  }
  ASSERT_GE(writes_seen, 5000u) << testing::ReadFile(o.err);
  ASSERT_EQ(kill(rec, SIGUSR1), 0);
  bool dumped_while_recording = false;
  for (int i = 0; i < 200 && !dumped_while_recording; i++) {
    int st;
    if (access(dump.c_str(), F_OK) == 0)
      dumped_while_recording = waitpid(rec, &st, WNOHANG) == 0;
    else
      usleep(20'000);
  }
  int status = 0;
  ASSERT_EQ(waitpid(rec, &status, 0), rec);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(o.err);
  EXPECT_TRUE(dumped_while_recording) << testing::ReadFile(o.err);
  testing::RunResult replay = Run({kBin + "/strec-replay", "-y", dump});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("</dev/null>, \"x\", 1)"), std::string::npos)
      << replay.out.substr(0, 1500);
  // The end of the recording dumped the rest.
  EXPECT_EQ(access(dir_.File("u.0002.strec").c_str(), F_OK), 0) << testing::ReadFile(o.err);
}

}  // namespace
}  // namespace strec

namespace strec {
namespace {

// Without -o, a rotated recording or a flight recorder's dumps take a new name each time, as a
// plain recording does (NAME.0001.strec exists: the next is NAME-1.0001.strec), never failing.
TEST_P(RotationE2ETest, DefaultNamesOfPartsNeverCollide) {
  for (const char* mode : {"--max-size", "--flight-recorder"}) {
    SCOPED_TRACE(mode);
    testing::RunOptions o;
    o.cwd = dir_.File(mode + 2);
    ASSERT_EQ(mkdir(o.cwd.c_str(), 0700), 0);
    for (int i = 0; i < 2; i++) {
      testing::RunResult r = testing::RunCapturing(
          {kBin + "/strec-record", "--backend", GetParam(), "-q", mode, "64K", "--", "/bin/true"},
          dir_.path(), o);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(o.cwd)) {
      EXPECT_NE(entry.path().string().find(".0001.strec"), std::string::npos) << entry.path();
      files++;
    }
    EXPECT_EQ(files, 2u);
  }
}

}  // namespace
}  // namespace strec
