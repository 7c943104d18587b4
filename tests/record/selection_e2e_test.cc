// Recording the whole machine or a part of it (-a, --cgroup, --comm, -u; eBPF backend only),
// end to end. The processes are tests/programs/holder: each keeps a file open and reads it every
// 20 ms, so that a trace shows whether it was recorded, and whether its fd was named (-y) when
// it was already running before the recorder (introduced by a snapshot of /proc).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "strec/format/trace_reader.h"
#include "support/backend_test.h"
#include "support/process.h"

namespace strec {
namespace {

const std::string kBin = STREC_BIN_DIR;
const std::string kPrograms = STREC_PROGRAMS_DIR;

class SelectionE2ETest : public testing::BackendE2ETest {
 protected:
  // A file holder opens (its path is what -y must show).
  std::string HeldFile(const std::string& name) {
    std::string path = dir_.File(name);
    std::ofstream(path) << "x";
    return path;
  }
  // Starts strec-record with `args` and returns when it records (its trace file exists: it is
  // created once the program is loaded and attached).
  pid_t StartRecorder(const std::vector<std::string>& args, const std::string& trace) {
    std::vector<std::string> argv = {kBin + "/strec-record", "-o", trace};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::RunOptions o;
    o.err = dir_.File("recorder.err");
    pid_t pid = testing::Start(argv, o);
    for (int i = 0; i < 1000 && access(trace.c_str(), F_OK) != 0; i++)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return pid;
  }
  static int Wait(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // The processes with at least one event in the trace.
  std::set<int32_t> Pids(const std::string& trace) {
    std::set<int32_t> pids;
    auto reader = format::TraceReader::Open(trace);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    if (!reader.ok())
      return pids;
    while (true) {
      auto e = (*reader)->Next();
      if (!e.ok() || !*e)
        break;
      if ((*e)->pid() > 0)
        pids.insert((*e)->pid());
    }
    return pids;
  }
  std::string Replay(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kBin + "/strec-replay"};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::RunResult r = Run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends,
                         SelectionE2ETest,
                         ::testing::Values("bpf"),
                         testing::BackendName);

// -a: a process running before the recorder is introduced (its fd named), one started after it
// is recorded from its start, and the recorder's own threads are not in the trace.
TEST_P(SelectionE2ETest, AllRecordsProcessesStartedBeforeAndAfter) {
  std::string before_file = HeldFile("before.txt"), after_file = HeldFile("after.txt");
  pid_t before = testing::Start({kPrograms + "/holder", before_file, "3"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // it has opened its file
  std::string trace = dir_.File("all.strec");
  pid_t rec = StartRecorder({"-a", "--", kPrograms + "/sleeper", "0.8"}, trace);
  pid_t after = testing::Start({kPrograms + "/holder", after_file, "0.2"});
  EXPECT_EQ(Wait(after), 0);
  ASSERT_EQ(Wait(rec), 0) << testing::ReadFile(dir_.File("recorder.err"));
  kill(before, SIGTERM);
  Wait(before);

  std::string err = testing::ReadFile(dir_.File("recorder.err"));
  EXPECT_NE(err.find("processes selected"), std::string::npos) << err;
  std::set<int32_t> pids = Pids(trace);
  EXPECT_TRUE(pids.count(before));
  EXPECT_TRUE(pids.count(after));
  EXPECT_FALSE(pids.count(rec)) << "the recorder recorded itself";

  // Started before: its reads name the file it opened before the recording began.
  std::string b = Replay({"-y", "-p", std::to_string(before), trace});
  EXPECT_NE(b.find("<" + before_file + ">, \"x\", 1, 0) = 1"), std::string::npos)
      << b.substr(0, 2000);
  // Started after: from its execve, with its open.
  std::string a = Replay({"-y", "-p", std::to_string(after), trace});
  EXPECT_NE(a.find("execve(\"" + kPrograms + "/holder\""), std::string::npos) << a.substr(0, 2000);
  EXPECT_NE(a.find("openat(AT_FDCWD"), std::string::npos);
  EXPECT_NE(a.find("<" + after_file + ">, \"x\", 1, 0) = 1"), std::string::npos);
  EXPECT_NE(a.find("+++ exited with 0 +++"), std::string::npos);

  // The snapshot that introduced the first holder has its command line and cgroup.
  auto reader = format::TraceReader::Open(trace);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->header().settings()->selection()->str(), "all");
  bool introduced = false;
  while (true) {
    auto e = (*reader)->Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
    if ((*e)->pid() == before && (*e)->body_type() == fb::Body::FdSnapshot) {
      const fb::FdSnapshot* s = (*e)->body_as_FdSnapshot();
      ASSERT_TRUE(s->argv() && s->argv()->size() == 3);
      EXPECT_EQ(s->argv()->Get(1)->str(), before_file);
      ASSERT_TRUE(s->cgroup());
      EXPECT_EQ(s->cgroup()->str()[0], '/');
      introduced = true;
    }
  }
  EXPECT_TRUE(introduced);
  // strec-analyze names it by its command line, not by the recorder's command.
  testing::RunResult procs = Run({kBin + "/strec-analyze", "--by", "process", "--format", "csv",
                                  "-p", std::to_string(before), trace});
  EXPECT_NE(procs.out.find("," + std::to_string(before) + ",0,holder,"), std::string::npos)
      << procs.out << procs.err;
}

// --cgroup: a process moved into the cgroup while the recorder runs is recorded from then on;
// nothing outside the cgroup is (not even the recorder's command).
TEST_P(SelectionE2ETest, CgroupRecordsOnlyWhatIsInside) {
  std::string mount;
  {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);)
      if (line.find(" - cgroup2 ") != std::string::npos) {
        std::istringstream fields(line);
        std::string f;
        for (int i = 0; i < 5; i++)
          fields >> f;
        mount = f;
      }
  }
  if (mount.empty())
    GTEST_SKIP() << "cgroup v2 is not mounted here (no cgroup2 in /proc/self/mountinfo)";
  std::string name = "/strec-test-" + std::to_string(getpid());
  std::string cgroup = mount + name;
  ASSERT_EQ(mkdir(cgroup.c_str(), 0755), 0) << cgroup << ": " << strerror(errno);

  std::string in_file = HeldFile("in.txt"), out_file = HeldFile("out.txt");
  pid_t inside = testing::Start({kPrograms + "/holder", in_file, "3"});
  pid_t outside = testing::Start({kPrograms + "/holder", out_file, "3"});
  std::string trace = dir_.File("cg.strec");
  pid_t rec = StartRecorder({"--cgroup", name, "--", kPrograms + "/sleeper", "0.6"}, trace);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::ofstream(cgroup + "/cgroup.procs") << inside << "\n";  // moved in while recording
  int rec_status = Wait(rec);
  kill(inside, SIGTERM);
  kill(outside, SIGTERM);
  Wait(inside);
  Wait(outside);
  rmdir(cgroup.c_str());
  ASSERT_EQ(rec_status, 0) << testing::ReadFile(dir_.File("recorder.err"));

  std::set<int32_t> pids = Pids(trace);
  EXPECT_EQ(pids, std::set<int32_t>{inside});
  std::string out = Replay({"-y", trace});
  EXPECT_NE(out.find("<" + in_file + ">, \"x\", 1, 0) = 1"), std::string::npos)
      << out.substr(0, 2000);
  EXPECT_EQ(out.find(out_file), std::string::npos);
  testing::RunResult info = Run({kBin + "/strec", "info", trace});
  EXPECT_NE(info.out.find("selection:   cgroup=" + name), std::string::npos) << info.out;

  // strec-analyze --by cgroup groups the process under the cgroup it was in when introduced.
  testing::RunResult by = Run({kBin + "/strec-analyze", "--by", "cgroup", trace});
  ASSERT_EQ(by.exit_code, 0) << by.err;
  EXPECT_NE(by.out.find(name), std::string::npos) << by.out;
}

// --comm and -u together: only a process with that name run by that user.
TEST_P(SelectionE2ETest, CommAndUserSelectTogether) {
  std::string file = HeldFile("held.txt");
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);  // nobody opens it too
  ASSERT_EQ(chmod(file.c_str(), 0644), 0);
  pid_t mine = testing::Start({kPrograms + "/holder", file, "3"});  // root's: not selected
  pid_t nobody = testing::Start({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                 kPrograms + "/holder", file, "3"});
  pid_t other = testing::Start(  // nobody's, another name: not selected
      {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", kPrograms + "/sleeper", "3"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string trace = dir_.File("comm.strec");
  pid_t rec = StartRecorder(
      {"--comm", "holder", "-u", "nobody", "--", kPrograms + "/sleeper", "0.5"}, trace);
  int rec_status = Wait(rec);
  for (pid_t p : {mine, nobody, other})
    kill(p, SIGTERM);
  for (pid_t p : {mine, nobody, other})
    Wait(p);
  ASSERT_EQ(rec_status, 0) << testing::ReadFile(dir_.File("recorder.err"));
  EXPECT_EQ(Pids(trace), std::set<int32_t>{nobody});
  auto reader = format::TraceReader::Open(trace);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->header().settings()->selection()->str(), "comm=holder user=65534");
}

// Selecting is the kernel's work: ptrace refuses it by name rather than record something else.
TEST(SelectionRefusalTest, PtraceRefusesASelection) {
  testing::TempDir dir;
  testing::RunResult r = testing::RunCapturing({kBin + "/strec-record", "--backend", "ptrace", "-a",
                                                "-o", dir.File("t.strec"), "--", "true"},
                                               dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("need --backend bpf"), std::string::npos) << r.err;
  EXPECT_NE(access(dir.File("t.strec").c_str(), F_OK), 0);
}

// A selection that names nothing real is a usage error, said in one line, before anything runs.
TEST(SelectionRefusalTest, BadSelectionsAreUsageErrors) {
  testing::TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--cgroup", "/no-such-strec-cgroup"}, "--cgroup /no-such-strec-cgroup: "},
      {{"-u", "no-such-strec-user"}, "-u no-such-strec-user: no such user"},
      {{"--comm", ""}, "--comm: an empty name"},
      {{"--comm", "a", "--comm", "b", "--comm", "c", "--comm", "d", "--comm", "e", "--comm", "f",
        "--comm", "g", "--comm", "h", "--comm", "i"},
       "at most 8 --comm names"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {kBin + "/strec-record", "-o", dir.File("t.strec")};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    argv.insert(argv.end(), {"--", "true"});
    testing::RunResult r = testing::RunCapturing(argv, dir.path());
    EXPECT_EQ(r.exit_code, 2) << c.says;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(access(dir.File("t.strec").c_str(), F_OK), 0);
  }
}

}  // namespace
}  // namespace strec
