// strec diff: what differs between two runs. Processes of the two traces are paired by command
// line and order of creation, their threads by order of creation; each pair's syscalls are
// compared as strace lines, after normalising what always differs between runs (pids and tids,
// addresses, times, random bytes), and the first point where they diverge is shown as a unified
// diff with context. Then what only one run did: processes, files opened or failing to open,
// errors; the syscalls whose count or time changed most; exit statuses that differ.
#ifndef STREC_DIFF_DIFF_H_
#define STREC_DIFF_DIFF_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "strec/format/status.h"

namespace strec::diff {

// One run's syscalls and outcomes, as read from its trace.
struct Thread {
  std::string label;               // "P3": its order among the run's pids and tids
  std::vector<std::string> lines;  // its syscalls as normalised strace lines
};
struct Process {
  std::string command;  // what pairs it: the argv of its last exec (or of its snapshot)
  std::string label;
  int32_t pid = 0;
  std::vector<Thread> threads;  // in order of creation, the leader first
  std::string exit;             // "exited with 0", "killed by SIGKILL", "" (not seen)
};
struct Run {
  std::string path;
  std::vector<Process> processes;                  // in order of creation
  std::map<std::string, uint64_t> calls, time_ns;  // per syscall name
  std::set<std::string> opened;                    // paths opened (absolute when known)
  std::map<std::string, std::string> open_failed;  // path -> errno name
  std::map<std::string, uint64_t> errors;          // "openat ENOENT" -> count
};

// Reads a trace (or the files of one rotated recording).
StatusOr<Run> ReadRun(const std::vector<std::string>& paths);

// A line of a hunk: ' ' both, '-' only A, '+' only B.
struct HunkLine {
  char op;
  std::string text;
};
struct ThreadDiff {
  std::string a_label, b_label;
  size_t a_calls = 0, b_calls = 0;
  size_t a_at = 0, b_at = 0;   // index of the first call that differs
  std::vector<HunkLine> hunk;  // from a few calls before it
};
struct ProcessDiff {
  std::string command;
  int32_t a_pid = 0, b_pid = 0;
  std::vector<ThreadDiff> threads;          // the paired threads that differ
  std::vector<std::string> a_only_threads;  // "P5: 12 calls" of threads only in A
  std::vector<std::string> b_only_threads;
  std::string a_exit, b_exit;  // set when they differ
};
struct SyscallChange {
  std::string name;
  uint64_t a_calls = 0, b_calls = 0, a_ns = 0, b_ns = 0;
};
struct Report {
  std::vector<ProcessDiff> processes;                           // pairs that differ
  std::vector<std::string> a_only_processes, b_only_processes;  // their commands
  std::vector<std::string> a_only_opened, b_only_opened;
  std::vector<std::string> a_only_failed, b_only_failed;  // "PATH (ENOENT)"
  std::vector<std::string> a_only_errors, b_only_errors;  // "openat ENOENT x2"
  std::vector<SyscallChange> changed;                     // count changed, most first (10)
  size_t paired = 0;
  bool same() const;
};

Report Compare(const Run& a, const Run& b);
std::string ReportText(const Report& r, const Run& a, const Run& b);
std::string ReportJson(const Report& r, const Run& a, const Run& b);

// The normalisation, exposed for tests: pids and tids (`labels`) as their labels, addresses of
// five hex digits or more as 0x?, tv_sec/tv_nsec values as ?, getrandom's bytes as "...".
std::string Normalise(const std::string& line, const std::map<int64_t, std::string>& labels);

}  // namespace strec::diff

#endif  // STREC_DIFF_DIFF_H_
