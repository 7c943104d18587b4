// Fixtures for end-to-end tests. BackendE2ETest: tests that run once per recorder backend
// ("ptrace", "bpf"): each instance skips only where its backend cannot run (testing::CheckBackend),
// and commands run with their output captured in a temporary directory. Instantiate with
// BackendNames().
#ifndef STREC_TESTS_SUPPORT_BACKEND_TEST_H_
#define STREC_TESTS_SUPPORT_BACKEND_TEST_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/trace_builder.h"
#include "support/process.h"

namespace strec::testing {

class BackendE2ETest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    BpfGate gate = CheckBackend(GetParam(), STREC_RECORD_BIN, dir_.File("probe.strec"));
    if (gate.verdict == BpfGate::kFail)
      FAIL() << gate.reason;
    if (gate.verdict == BpfGate::kSkip)
      GTEST_SKIP() << gate.reason;
  }
  RunResult Run(const std::vector<std::string>& argv) { return RunCapturing(argv, dir_.path()); }
  TempDir dir_;
};

// A fixture for end-to-end tests that record with ptrace: each test skips, with the reason,
// where ptrace is not permitted; commands run with their output captured in a temporary
// directory. A subclass's SetUp calls this one first and returns if IsSkipped().
class PtraceE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why = PtraceUnavailable();
    if (!why.empty())
      GTEST_SKIP() << why;
  }
  RunResult Run(const std::vector<std::string>& argv) { return RunCapturing(argv, dir_.path()); }
  TempDir dir_;
};

inline auto BackendNames() {
  return ::testing::Values("ptrace", "bpf");
}
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& p) {
  return p.param;
}

}  // namespace strec::testing

#endif  // STREC_TESTS_SUPPORT_BACKEND_TEST_H_
