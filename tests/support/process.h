// What the end-to-end tests share: running a command (strec-record, strace, a fixture program)
// and reading what it wrote, finding a tool, and whether ptrace works here. Linked into the test
// binaries as strec_test_support, which also defines STREC_RECORD_BIN and STREC_PROGRAMS_DIR
// for them (tests/CMakeLists.txt). Called from the test's thread.
#ifndef STREC_TESTS_SUPPORT_PROCESS_H_
#define STREC_TESTS_SUPPORT_PROCESS_H_

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace strec::testing {

// How Start and Run set up the command. Its stdin is always /dev/null.
struct RunOptions {
  std::string out = "/dev/null";  // the file its stdout goes to (truncated)
  std::string err = "/dev/null";  // the file its stderr goes to (truncated)
  std::string cwd;                // its working directory; empty: this process's
  std::vector<std::string> env;   // its whole environment; empty: this process's
  rlim_t file_size_limit = 0;     // its RLIMIT_FSIZE, when not 0
};

// Starts argv (argv[0] is looked up in PATH when it has no '/') and returns its pid, for the
// caller to wait for. A child that cannot be set up or executed exits with 127.
pid_t Start(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs argv to its end; returns its exit status, 128+N if signal N killed it.
int Run(const std::vector<std::string>& argv, const RunOptions& options = {});

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs argv with its stdout and stderr in the files `dir`/stdout and `dir`/stderr (options.out
// and options.err are replaced); returns them with the exit status.
RunResult RunCapturing(const std::vector<std::string>& argv,
                       const std::string& dir,
                       RunOptions options = {});

// The calls of each syscall in `traces` (one trace, or the files of one rotated recording), as
// `analyze` (the strec-analyze binary) counts them in its CSV; empty, and a test failure, if it
// fails.
std::map<std::string, uint64_t> CallsBySyscall(const std::string& analyze,
                                               const std::vector<std::string>& traces,
                                               const std::string& dir);

// The contents of a file; empty if it cannot be read.
std::string ReadFile(const std::string& path);

// The number of entries in this process's environment (what a command it starts inherits).
size_t CountEnviron();

// readlink(2) of path; empty if it cannot be read.
std::string ReadLink(const std::string& path);

// The path of an executable `name` in PATH; empty if there is none.
std::string Which(const std::string& name);

// Why this process may not ptrace a child of its own; empty if it may.
std::string PtraceUnavailable();

// Whether the eBPF backend's tests run here. They are skipped only for what the build or the
// machine truly lacks (record::BpfUnavailableReason: no backend built in, not privileged, no BTF,
// no bpf_loop), and with STREC_REQUIRE_BPF=1 in the environment (.ci/run sets it) even that is
// a failure. Where nothing lacks, strec-record (at `recorder`) must record /bin/true into
// `probe_trace`: if it cannot, that is a failure, with its error and the verifier's last lines.
struct BpfGate {
  enum Verdict { kRun, kSkip, kFail } verdict;
  std::string reason;  // why not kRun
};
BpfGate CheckBpf(const std::string& recorder, const std::string& probe_trace);
// The same for either backend: "bpf" is CheckBpf; "ptrace" runs unless PtraceUnavailable().
BpfGate CheckBackend(const std::string& backend,
                     const std::string& recorder,
                     const std::string& probe_trace);

}  // namespace strec::testing

#endif  // STREC_TESTS_SUPPORT_PROCESS_H_
