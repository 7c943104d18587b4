// strec-analyze's command line (CLI11 stays in this file).
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>

#include <cerrno>
#include <iostream>
#include <sstream>

#include "strec/analyze/analyze.h"
#include "strec/analyze/cli.h"
#include "strec/analyze/files.h"
#include "strec/analyze/report.h"
#include "strec/format/command_line.h"
#include "strec/format/io.h"
#include "strec/format/syscall_table.h"
#include "strec/format/version.h"

namespace strec::analyze {

int AnalyzeMain(int argc, char** argv) {
  CLI::App app{
      "strec-analyze: statistics over .strec traces. By default, the table `strace -c -w` "
      "prints\n(time from syscall entry to exit), for all the traces given, merged.\n\n"
      "usage: strec-analyze [-S SORTBY] [-e trace=SET] [-p PID]... [--since T] [--until T]\n"
      "                     [--percentiles] [--errors] [--by process|thread|cgroup|file]...\n"
      "                     [--slow N [-y]] [--format table|json|csv] TRACE...",
      "strec-analyze"};
  app.set_version_flag("--version", std::string("strec-analyze ") + strec::kStrecVersion);
  std::vector<std::string> traces;
  std::string sort = "time", expr, format = "table", since, until, output;
  std::vector<std::string> by;
  std::vector<int32_t> pids;
  bool percentiles = false, errors = false, compat_c = false, compat_w = false;
  bool threads = false, fd_paths = false;
  int jobs = 2;
  size_t slow = 0, max_files = FileTable::kDefaultLimit;
  app.add_option("traces", traces, "trace files (several are merged)")->required();
  app.add_option("-S,--sort", sort,
                 "sort the syscall rows by: time (default), calls, errors, name, avg-time, "
                 "min-time, max-time, nothing (strace's -S keys)");
  app.add_option("-e", expr,
                 "count only these syscalls, in strace's syntax: trace=SET with names, "
                 "%classes, /regex, ! to negate");
  app.add_option("-p,--pid", pids, "count only these processes (repeatable, or PID,PID)")
      ->delimiter(',');
  app.add_option("--since", since,
                 "count syscalls that returned at or after T: seconds after the trace's start "
                 "(1.5, 250ms) or an ISO time (2024-05-01T12:00:00Z; local time without zone)");
  app.add_option("--until", until, "count syscalls that returned at or before T (as --since)");
  app.add_flag("--percentiles", percentiles,
               "per syscall latency p50/p90/p99/max (log histogram, within 0.8%)");
  app.add_flag("--errors", errors, "per syscall, the errno names of its failures");
  app.add_option("--by", by,
                 "per-entity view, repeatable: process (pid, command, threads, calls, errors, "
                 "time, lifetime, exit status); thread (pid, tid, command or prctl name, calls, "
                 "errors, time, lifetime); cgroup (per cgroup v2 path the processes were "
                 "recorded in, as strec-record -a or --cgroup records it: processes, calls, "
                 "errors, time); file (per path through the fd state: calls, errors, "
                 "time, opens, reads and writes with bytes; sockets and pipes as socket:[N], "
                 "pipe:[N])")
      ->check(CLI::IsMember({"process", "thread", "cgroup", "file"}))
      ->delimiter(',')
      ->take_all()
      ->allow_extra_args(false);
  app.add_flag("--threads", threads, "with --by process: one row per thread (= --by thread)");
  app.add_option("--slow", slow,
                 "the N slowest calls: duration, pid, tid, start (after the trace's start and "
                 "UTC) and the call as strace prints it");
  app.add_flag("-y", fd_paths, "with --slow: print fd paths in the calls (strace -y)");
  app.add_option("--max-files", max_files,
                 "--by file keeps at most N distinct paths; later ones are summed in one "
                 "'(other paths)' row")
      ->default_val(FileTable::kDefaultLimit)
      ->check(CLI::PositiveNumber);
  app.add_option("--format", format, "table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option("-j,--jobs", jobs,
                 "threads: decoding chunks; with --by file or --slow, one trace each")
      ->default_val(2)
      ->check(CLI::Range(1, 64));
  app.add_option("-o,--output", output, "write the report to FILE instead of stdout");
  app.add_flag("-c", compat_c, "ignored: a summary is what this tool prints (strace habit)");
  app.add_flag("-w", compat_w, "ignored: times are always entry-to-exit (strace habit)");
  app.footer(
      "\nOnly calls that returned are counted, as strace -c does (exit_group is not listed).\n"
      "--by file and --slow read each trace in order through the fd state (one thread per\n"
      "trace); the other views decode chunks in parallel (-j).\n"
      "Exit status: 0 on success, 1 if a trace could not be read, 2 for a usage error.");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;

  AnalyzeOptions ao;
  ao.jobs = jobs;
  ao.pids = pids;
  if (!expr.empty()) {
    auto set = format::TraceSetOption(expr);
    if (!set) {
      std::cerr << "strec-analyze: -e " << expr << ": only trace=SET is supported\n";
      return 2;
    }
    ao.trace_expr = *set;
  }
  if (auto st = format::ParseTimeWindow(since, until, &ao.since, &ao.until); !st.ok()) {
    std::cerr << "strec-analyze: " << st.message() << "\n";
    return 2;
  }
  ReportOptions ro;
  ro.views.clear();
  if (percentiles)
    ro.views.push_back(View::kPercentiles);
  if (errors)
    ro.views.push_back(View::kErrors);
  auto wants = [&](const char* v) { return std::find(by.begin(), by.end(), v) != by.end(); };
  bool by_thread = wants("thread") || (threads && wants("process"));
  if (threads && !wants("process")) {
    std::cerr << "strec-analyze: --threads goes with --by process\n";
    return 2;
  }
  if (fd_paths && slow == 0) {
    std::cerr << "strec-analyze: -y goes with --slow N\n";
    return 2;
  }
  if (wants("process") && !threads)
    ro.views.push_back(View::kProcesses);
  if (by_thread)
    ro.views.push_back(View::kThreads);
  if (wants("cgroup"))
    ro.views.push_back(View::kCgroups);
  if (wants("file"))
    ro.views.push_back(View::kFiles);
  if (slow > 0)
    ro.views.push_back(View::kSlow);
  if (ro.views.empty())
    ro.views.push_back(View::kSummary);
  ao.whole_trace = wants("process") || by_thread || wants("cgroup");
  ao.threads = by_thread;
  ao.processes = wants("process") || by_thread || wants("cgroup");
  ao.files = wants("file");
  ao.file_limit = max_files;
  ao.slow = slow;
  ao.slow_fd_paths = fd_paths;
  auto key = ParseSortKey(sort);
  if (!key) {
    std::cerr << "strec-analyze: invalid sortby: '" << sort << "'\n";
    return 2;
  }
  ro.sort = *key;
  ro.format = *ParseOutputFormat(format);
  if (ro.format == OutputFormat::kCsv && ro.views.size() != 1) {
    std::cerr << "strec-analyze: --format csv prints one view at a time\n";
    return 2;
  }

  auto analysis = AnalyzeTraces(traces, ao);
  if (!analysis.ok()) {
    std::cerr << "strec-analyze: " << analysis.status().message() << "\n";
    return analysis.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  for (const std::string& w : analysis->warnings)
    std::cerr << "strec-analyze: warning: " << w << "\n";
  // A report holds paths and syscall lines from the trace: its file is made as a trace's is
  // (0600, never through a symbolic link nor into another user's file).
  int fd = -1;
  if (!output.empty()) {
    auto created = format::CreateOutputFile(output, /*replace=*/true);
    if (!created.ok()) {
      std::cerr << "strec-analyze: " << created.status().message() << "\n";
      return 1;
    }
    fd = *created;
  }
  std::ostringstream report;
  std::ostream& out = output.empty() ? std::cout : report;
  Status st = WriteReport(*analysis, ro, out);
  out.flush();
  if (fd >= 0) {
    std::string text = report.str();
    Status written = format::WriteAll(fd, text.data(), text.size());
    if (close(fd) != 0 && written.ok())
      written = ErrnoStatus("cannot write " + output, errno);
    if (!written.ok()) {
      std::cerr << "strec-analyze: " << output << ": " << written.message() << "\n";
      return 1;
    }
  }
  if (!st.ok()) {
    std::cerr << "strec-analyze: " << st.message() << "\n";
    return 2;
  }
  if (!out) {
    std::cerr << "strec-analyze: writing the report failed\n";
    return 1;
  }
  if (analysis->damaged_chunks) {
    std::cerr << "strec-analyze: " << analysis->damaged_chunks
              << " damaged chunk(s) left out: the figures lack their events\n";
    return 1;
  }
  return 0;
}

}  // namespace strec::analyze
