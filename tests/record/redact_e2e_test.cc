// Redaction end to end: a command that handles planted secrets (in its argv, its environment
// with --capture-env, a pipe, a file, sockets, a path and its working directory) is recorded
// plain, recorded with `strec-record --redact=all`, and the plain trace is copied with
// `strec redact --all`. Every secret is in the plain trace's bytes and in none of the redacted
// ones (decompressed), and the redacted traces replay and analyze with the same calls.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/trace_builder.h"
#include "support/backend_test.h"
#include "support/process.h"

namespace strec {
namespace {

const std::string kBin = STREC_BIN_DIR;
const std::string kPrograms = STREC_PROGRAMS_DIR;

// The secrets, and where the command puts each.
const std::vector<std::string> kSecrets = {
    "S3cret-argv-9q",  // sh's $0
    "S3cret-env-9q",   // an environment variable (kept with --capture-env)
    "S3cret-pipe-9q",  // written to a pipe (the script spells it apart: not the argv's bytes)
    "S3cret-file-9q",  // a file's contents, read by cat
    "S3cret-path-9q",  // a directory: in paths, fd paths and the working directory
    "tcp-hello",       // socket data (tests/programs/sockets.c): TCP,
    "unix-hello",      // a unix socket pair
    "udp-hello",       // and UDP
};

class RedactE2ETest : public testing::BackendE2ETest {
 protected:
  void SetUp() override {
    BackendE2ETest::SetUp();
    if (IsSkipped() || HasFailure())
      return;
    secret_dir_ = dir_.File("S3cret-path-9q");
    ASSERT_EQ(mkdir(secret_dir_.c_str(), 0700), 0);
    std::ofstream(secret_dir_ + "/notes.txt") << "S3cret-file-9q\n";
  }

  // Records the command into `trace` with the extra recorder options.
  void RecordCommand(const std::string& trace, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {
        kBin + "/strec-record", "--backend", GetParam(), "--capture-env", "-q", "-o", trace};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(),
                {"--", "/bin/sh", "-c",
                 "cat notes.txt > /dev/null; echo S3cret-pi''pe-9q | cat > /dev/null; exec " +
                     kPrograms + "/sockets",
                 "S3cret-argv-9q"});
    testing::RunOptions o;
    o.cwd = secret_dir_;
    o.env = {"PATH=/usr/bin:/bin", "SECRET_TOKEN=S3cret-env-9q"};
    testing::RunResult r = testing::RunCapturing(argv, dir_.path(), o);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  testing::RunResult Tool(const std::vector<std::string>& argv) { return Run(argv); }

  std::string secret_dir_;
};

INSTANTIATE_TEST_SUITE_P(Backends, RedactE2ETest, testing::BackendNames(), testing::BackendName);

TEST_P(RedactE2ETest, PlantedSecretsNeverReachARedactedTrace) {
  std::string plain = dir_.File("plain.strec"), recorded = dir_.File("recorded.strec"),
              copied = dir_.File("copied.strec");
  RecordCommand(plain, {});
  RecordCommand(recorded, {"--redact=all"});
  testing::RunResult cp = Tool({kBin + "/strec", "redact", "--all", plain, "-o", copied});
  ASSERT_EQ(cp.exit_code, 0) << cp.err;

  std::string plain_bytes = testing::AllTraceBytes(plain);
  for (const auto& s : kSecrets)
    EXPECT_NE(plain_bytes.find(s), std::string::npos) << s << " is not even in the plain trace";
  for (const std::string& trace : {recorded, copied}) {
    SCOPED_TRACE(trace);
    std::string bytes = testing::AllTraceBytes(trace);
    ASSERT_FALSE(bytes.empty());
    for (const auto& s : kSecrets)
      EXPECT_EQ(bytes.find(s), std::string::npos) << s;
    testing::RunResult info = Tool({kBin + "/strec", "info", trace});
    EXPECT_NE(info.out.find("redacted:    data,argv,paths,addrs,host (digests keyed: random)"),
              std::string::npos)
        << info.out;
    testing::RunResult replay = Tool({kBin + "/strec-replay", "-f", "-y", trace});
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    EXPECT_NE(replay.out.find("/* redacted data: "), std::string::npos);
    EXPECT_NE(replay.out.find("/* redacted path: /#"), std::string::npos);
    EXPECT_NE(replay.out.find("/* redacted argv: "), std::string::npos);
    EXPECT_NE(replay.out.find("/* redacted address: "), std::string::npos);
    for (const auto& s : kSecrets)
      EXPECT_EQ(replay.out.find(s), std::string::npos) << s;
  }

  // The copy is the plain trace, redacted: the same calls, times and errors.
  testing::RunResult a = Tool({kBin + "/strec-analyze", plain});
  testing::RunResult b = Tool({kBin + "/strec-analyze", copied});
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, b.out);
  testing::RunResult ra = Tool({kBin + "/strec-replay", "-f", plain});
  testing::RunResult rb = Tool({kBin + "/strec-replay", "-f", copied});
  EXPECT_EQ(std::count(ra.out.begin(), ra.out.end(), '\n'),
            std::count(rb.out.begin(), rb.out.end(), '\n'));

  // A second recording of the same command, redacted as it was recorded, made the same calls
  // of the kinds whose secrets it removed.
  std::map<std::string, uint64_t> want =
      testing::CallsBySyscall(kBin + "/strec-analyze", {plain}, dir_.path());
  std::map<std::string, uint64_t> got =
      testing::CallsBySyscall(kBin + "/strec-analyze", {recorded}, dir_.path());
  for (const char* name : {"execve", "openat", "read", "write", "sendto", "recvfrom", "sendmsg",
                           "recvmsg", "connect", "bind"}) {
    EXPECT_GT(want[name], 0u) << name << " is not in the plain trace";
    EXPECT_EQ(want[name], got[name]) << name;
  }
}

}  // namespace
}  // namespace strec
