// strec export --format chrome-json, end to end: traces recorded with ptrace from the fixture
// programs, exported, and the JSON parsed (nlohmann-json) and checked against the Trace Event
// Format's rules (every event's required fields, X slices in order on each thread, each flow
// end after its start) and against strec-analyze's counts of the same trace.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/trace_builder.h"
#include "strec/format/trace_reader.h"
#include "support/backend_test.h"
#include "support/process.h"

namespace strec {
namespace {

using nlohmann::json;

const std::string kBin = STREC_BIN_DIR;
const std::string kPrograms = STREC_PROGRAMS_DIR;

class ChromeJsonTest : public testing::PtraceE2ETest {
 protected:
  void SetUp() override {
    PtraceE2ETest::SetUp();
    if (IsSkipped())
      return;
    trace_ = dir_.File("t.strec");
    testing::RunResult r =
        Run({kBin + "/strec-record", "-q", "--backend", "ptrace", "-o", trace_, "--", "/bin/sh",
             "-c", kPrograms + "/forkexec; " + kPrograms + "/threads; " + kPrograms + "/signals"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json Export(std::vector<std::string> args, const std::string& out) {
    std::vector<std::string> argv = {kBin + "/strec", "export", "--format", "chrome-json"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {trace_, "-o", out, "--force"});
    testing::RunResult r = Run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(testing::ReadFile(out));
  }
  std::string trace_;
};

// Every event has what the format requires, and the X slices of a thread never overlap.
void CheckWellFormed(const json& doc) {
  ASSERT_TRUE(doc.contains("traceEvents"));
  const json& events = doc["traceEvents"];
  ASSERT_TRUE(events.is_array());
  std::map<int64_t, std::vector<std::pair<double, double>>> slices;
  std::map<int64_t, double> flow_start;
  for (const json& e : events) {
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string()) << e;
    ASSERT_TRUE(e.contains("name") && e["name"].is_string()) << e;
    ASSERT_TRUE(e["pid"].is_number_integer() && e["tid"].is_number_integer()) << e;
    std::string ph = e["ph"];
    if (ph == "M") {
      EXPECT_TRUE(e["args"]["name"].is_string()) << e;
      continue;
    }
    ASSERT_TRUE(e["ts"].is_number() && e["ts"].get<double>() >= 0) << e;
    if (ph == "X") {
      ASSERT_TRUE(e["dur"].is_number() && e["dur"].get<double>() >= 0) << e;
      EXPECT_TRUE(e["args"]["strace"].is_string()) << e;
      slices[e["tid"]].emplace_back(e["ts"], e["dur"]);
    } else if (ph == "s") {
      flow_start[e["id"]] = e["ts"];
    } else if (ph == "f") {
      ASSERT_TRUE(flow_start.count(e["id"])) << "a flow end without its start: " << e;
      EXPECT_GE(e["ts"].get<double>(), flow_start[e["id"]]) << e;
      EXPECT_EQ(e["bp"], "e");
    } else {
      EXPECT_EQ(ph, "i") << e;
      EXPECT_TRUE(e["s"] == "t" || e["s"] == "p" || e["s"] == "g") << e;
    }
  }
  for (auto& [tid, v] : slices) {
    std::sort(v.begin(), v.end());
    for (size_t i = 1; i < v.size(); i++)
      EXPECT_GE(v[i].first + 1e-3, v[i - 1].first + v[i - 1].second)
          << "overlapping slices on thread " << tid << " at " << v[i].first;
  }
}

TEST_F(ChromeJsonTest, WellFormedAndCountsAsAnalyze) {
  json doc = Export({}, dir_.File("t.json"));
  CheckWellFormed(doc);
  // The calls that returned, per syscall, are strec-analyze's counts.
  std::map<std::string, uint64_t> ours;
  std::set<std::string> processes;
  size_t spawns = 0, exits = 0, signals = 0;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && !e["args"]["return"].is_null())
      ours[e["name"]]++;
    if (e["ph"] == "M" && e["name"] == "process_name")
      processes.insert(e["args"]["name"]);
    spawns += e["ph"] == "s";
    exits += e["ph"] == "i" && e["name"] == "exited";
    signals += e["ph"] == "i" && e["s"] == "t";
  }
  std::map<std::string, uint64_t> analyze =
      testing::CallsBySyscall(kBin + "/strec-analyze", {trace_}, dir_.path());
  analyze.erase("total");
  EXPECT_EQ(ours, analyze);
  // sh, and the programs it started, each named by what it exec'd.
  for (const char* p : {"sh", "forkexec", "threads", "signals", "true"})
    EXPECT_TRUE(processes.count(p)) << p;
  EXPECT_GE(spawns, 6u);  // sh's three children, forkexec's, threads' threads
  EXPECT_GE(exits, 4u);
  EXPECT_GE(signals, 3u);
  auto reader = format::TraceReader::Open(trace_);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(doc["otherData"]["start_realtime_ns"].get<uint64_t>(),
            (*reader)->header().realtime_ns());
}

// The selections, and the gzip output (the same JSON once decompressed).
TEST_F(ChromeJsonTest, SelectionsAndGzip) {
  json opens = Export({"-e", "trace=openat"}, dir_.File("o.json"));
  CheckWellFormed(opens);
  size_t n = 0;
  for (const json& e : opens["traceEvents"]) {
    if (e["ph"] == "X") {
      EXPECT_EQ(e["name"], "openat");
      n++;
    }
  }
  EXPECT_GT(n, 3u);

  json late = Export({"--from", "100ms"}, dir_.File("late.json"));
  CheckWellFormed(late);
  for (const json& e : late["traceEvents"]) {
    if (e["ph"] == "X") {
      EXPECT_GE(e["ts"].get<double>() + e["dur"].get<double>(), 100000.0 - 1e-3) << e;
    }
  }

  json plain = Export({}, dir_.File("t.json"));
  testing::RunResult r = Run(
      {kBin + "/strec-export", "--format", "chrome-json", trace_, "-o", dir_.File("t.json.gz")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  testing::RunResult unzip = Run({"gzip", "-dc", dir_.File("t.json.gz")});
  ASSERT_EQ(unzip.exit_code, 0) << unzip.err;
  EXPECT_EQ(json::parse(unzip.out), plain);
}

TEST_F(ChromeJsonTest, BadInputIsOneLineAndNoOutput) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--format", "chrome-json", "--from", "2", "--to", "1", trace_},
        {"--format", "nope", trace_},
        {"--format", "chrome-json", dir_.File("missing.strec")}}) {
    args.insert(args.begin(), kBin + "/strec-export");
    args.insert(args.end(), {"-o", dir_.File("bad.json")});
    testing::RunResult r = Run(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(r.err.empty());
    EXPECT_NE(access(dir_.File("bad.json").c_str(), F_OK), 0) << r.err;
  }
}

}  // namespace
}  // namespace strec
