// strec-slice (`strec slice`): a trace cut down to some processes, threads, a time window or a
// syscall set. The work is edit::SliceTrace; this is its command line.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "strec/edit/slice.h"
#include "strec/format/command_line.h"
#include "strec/format/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strec slice: write a valid trace holding only part of another: some processes (with\n"
      "their descendants), threads, a time window, a syscall set. A process whose earlier\n"
      "events are cut away starts with an fd snapshot of what the trace knew of it there, so\n"
      "that strec-replay -y still names the fds it opened before the cut; the header says what\n"
      "the slice was cut from (strec info).\n\n"
      "usage: strec slice [--pid PID]... [--tid TID]... [--from T] [--to T] [-e trace=SET]\n"
      "                   [--force] TRACE [MORE PARTS...] -o OUT",
      "strec slice"};
  app.set_version_flag("--version", std::string("strec slice ") + strec::kStrecVersion);
  std::vector<std::string> inputs;
  std::string out, from, to, expr;
  strec::edit::SliceOptions o;
  app.add_option("trace", inputs, "the trace, or the files of one rotated recording")->required();
  app.add_option("-o,--output", out,
                 "the slice (created 0600, never through a symbolic link; an existing file is an "
                 "error unless --force)")
      ->required();
  app.add_option("-p,--pid", o.select.pids,
                 "keep this process and its descendants (repeatable, or PID,PID)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--tid", o.select.tids, "keep this thread (repeatable, or TID,TID)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--from", from,
                 "keep events at or after T: seconds after the trace's start (1.5, 250ms) or an "
                 "ISO time (2024-05-01T12:00:00Z; local time without a zone)")
      ->type_name("T");
  app.add_option("--to", to, "keep events at or before T (as --from)")->type_name("T");
  app.add_option("-e", expr,
                 "trace=SET: keep only these syscalls (strace's syntax); process events stay");
  app.add_flag("--force", o.replace, "replace OUT if it is a regular file of yours");
  app.footer(
      "\nExit status: 0 when the slice is written, 1 if it could not be (nothing is left),\n"
      "2 for a usage error.");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  if (auto st = o.select.ParseText(from, to, expr); !st.ok()) {
    std::cerr << "strec slice: " << st.message() << "\n";
    return 2;
  }
  auto r = strec::edit::SliceTrace(inputs, out, o);
  if (!r.ok()) {
    std::cerr << "strec slice: " << r.status().message() << "\n";
    return r.status().code() == strec::StatusCode::kInvalidArgument ? 2 : 1;
  }
  for (const auto& w : r->warnings)
    std::cerr << "strec slice: warning: " << w << "\n";
  std::cerr << "strec slice: " << out << ": " << r->events_written << " of " << r->events_read
            << " events";
  if (r->snapshots)
    std::cerr << " (" << r->snapshots << " fd snapshots at the cut)";
  std::cerr << "\n";
  return 0;
}
