#include "support/process.h"

#include <gtest/gtest.h>

#include "strec/record/bpf_recorder.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace strec::testing {
namespace {

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// In the child: opens path as fd `fd`.
bool Redirect(const std::string& path, int flags, int fd) {
  int opened = open(path.c_str(), flags, 0600);
  if (opened < 0 || dup2(opened, fd) < 0)
    return false;
  if (opened != fd)
    close(opened);
  return true;
}

}  // namespace

pid_t Start(const std::vector<std::string>& argv, const RunOptions& options) {
  // Made before fork: the child only makes system calls.
  std::vector<char*> args = CStrings(argv);
  std::vector<char*> env = CStrings(options.env);
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  if (!Redirect("/dev/null", O_RDONLY, 0) ||
      !Redirect(options.out, O_WRONLY | O_CREAT | O_TRUNC, 1) ||
      !Redirect(options.err, O_WRONLY | O_CREAT | O_TRUNC, 2) ||
      (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0))
    _exit(127);
  if (options.file_size_limit) {
    rlimit lim = {options.file_size_limit, options.file_size_limit};
    setrlimit(RLIMIT_FSIZE, &lim);
  }
  execvpe(args[0], args.data(), options.env.empty() ? environ : env.data());
  _exit(127);
}

int Run(const std::vector<std::string>& argv, const RunOptions& options) {
  pid_t pid = Start(argv, options);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

RunResult RunCapturing(const std::vector<std::string>& argv,
                       const std::string& dir,
                       RunOptions options) {
  options.out = dir + "/stdout";
  options.err = dir + "/stderr";
  RunResult r;
  r.exit_code = Run(argv, options);
  r.out = ReadFile(options.out);
  r.err = ReadFile(options.err);
  return r;
}

std::map<std::string, uint64_t> CallsBySyscall(const std::string& analyze,
                                               const std::vector<std::string>& traces,
                                               const std::string& dir) {
  std::vector<std::string> argv = {analyze, "--format", "csv"};
  argv.insert(argv.end(), traces.begin(), traces.end());
  RunResult r = RunCapturing(argv, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, uint64_t> calls;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("syscall,calls,", 0), 0u) << "strec-analyze's CSV columns changed: " << line;
  while (std::getline(in, line)) {
    size_t a = line.find(','), b = line.find(',', a + 1);
    if (a != std::string::npos && b != std::string::npos)
      calls[line.substr(0, a)] = std::strtoull(line.c_str() + a + 1, nullptr, 10);
  }
  return calls;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Which(const std::string& name) {
  const char* path = getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/" + name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

std::string PtraceUnavailable() {
  pid_t pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  std::string reason;
  if (ptrace(PTRACE_SEIZE, pid, 0, 0) != 0)
    reason = std::string("PTRACE_SEIZE not permitted: ") + strerror(errno);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return reason;
}

size_t CountEnviron() {
  size_t n = 0;
  while (environ[n])
    n++;
  return n;
}

std::string ReadLink(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

BpfGate CheckBackend(const std::string& backend,
                     const std::string& recorder,
                     const std::string& probe_trace) {
  if (backend == "bpf")
    return CheckBpf(recorder, probe_trace);
  std::string why = PtraceUnavailable();
  return {why.empty() ? BpfGate::kRun : BpfGate::kSkip, why};
}

BpfGate CheckBpf(const std::string& recorder, const std::string& probe_trace) {
  std::string lacks = record::BpfUnavailableReason();
  if (!lacks.empty()) {
    const char* require = getenv("STREC_REQUIRE_BPF");
    if (require && std::strcmp(require, "1") == 0)
      return {BpfGate::kFail, "STREC_REQUIRE_BPF=1 (set by .ci/run), but " + lacks};
    return {BpfGate::kSkip, lacks};
  }
  // The machine has what the backend needs: it must load.
  std::string err = probe_trace + ".err";
  RunOptions o;
  o.err = err;
  int rc = Run({recorder, "-q", "--backend", "bpf", "-o", probe_trace, "--", "/bin/true"}, o);
  std::string text = ReadFile(err);
  unlink(probe_trace.c_str());
  if (rc == 0) {
    unlink(err.c_str());
    return {BpfGate::kRun, ""};
  }
  std::string why = "strec-record --backend bpf fails on a machine that can run it (exit " +
                    std::to_string(rc) + "): " + text.substr(0, text.find('\n'));
  // The verifier's last lines, from a run with its log.
  o.env.assign(environ, environ + CountEnviron());
  o.env.push_back("STREC_BPF_DEBUG=1");
  Run({recorder, "-q", "--backend", "bpf", "-o", probe_trace, "--", "/bin/true"}, o);
  text = ReadFile(err);
  unlink(err.c_str());
  unlink(probe_trace.c_str());
  size_t end = text.rfind("-- END PROG LOAD LOG --");
  if (end != std::string::npos) {
    size_t from = end;
    for (int lines = 0; from > 0 && lines < 8; lines++)
      from = text.rfind('\n', from - 1);
    why += "\nthe verifier's last lines:\n" +
           text.substr(from == std::string::npos ? 0 : from + 1, end - from);
  }
  return {BpfGate::kFail, why};
}

}  // namespace strec::testing
