// strec-report (`strec report`): a trace as one self-contained HTML page. The work is in the
// library (html_report.h); this is its command line.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "strec/format/command_line.h"
#include "strec/format/version.h"
#include "strec/report/html_report.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strec report: a trace as one HTML page to attach to a bug report or open in a browser:\n"
      "the trace's facts, strace -c's table, latency percentiles, errors by syscall and by path,\n"
      "the slowest calls, files by bytes and time, processes, and a zoomable timeline (a lane\n"
      "per thread, syscalls as bars coloured by class, errors marked, the strace line on\n"
      "hover). The page needs no network and no other file. Its figures are strec-analyze's.\n\n"
      "usage: strec report [--max-calls N] [--slow N] [-s N] [--force] TRACE [MORE PARTS...]\n"
      "                    -o OUT.html",
      "strec report"};
  app.set_version_flag("--version", std::string("strec report ") + strec::kStrecVersion);
  std::vector<std::string> inputs;
  std::string out;
  strec::report::HtmlReportOptions o;
  app.add_option("trace", inputs, "the trace, or the files of one rotated recording")->required();
  app.add_option("-o,--output", out,
                 "the page to write (created 0600, never through a symbolic link; an existing "
                 "file is an error unless --force)")
      ->required();
  app.add_option("--max-calls", o.max_calls,
                 "timeline bars drawn one by one: the N longest calls; when the trace has more, "
                 "every call is also drawn as busy time per thread and time bin")
      ->default_val(o.max_calls);
  app.add_option("--slow", o.slow, "rows of the slowest calls")->default_val(o.slow);
  app.add_option("-s", o.max_strlen, "string length shown in the strace lines (strace's -s)")
      ->default_val(o.max_strlen);
  app.add_option("-j,--jobs", o.jobs, "threads decoding chunks for the figures")
      ->default_val(o.jobs)
      ->check(CLI::Range(1, 64));
  app.add_flag("--force", o.replace, "replace OUT if it is a regular file of yours");
  app.footer(
      "\nThe page holds paths and strace lines of the trace: share it as you would the trace\n"
      "(strec redact first). Exit status: 0 when written, 1 if it could not be (nothing is\n"
      "left), 2 for a usage error.");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  auto r = strec::report::WriteHtmlReport(inputs, out, o);
  if (!r.ok()) {
    std::cerr << "strec report: " << r.status().message() << "\n";
    return r.status().code() == strec::StatusCode::kInvalidArgument ? 2 : 1;
  }
  for (const auto& w : r->warnings)
    std::cerr << "strec report: warning: " << w << "\n";
  std::cerr << "strec report: " << out << ": " << r->calls << " calls (" << r->drawn
            << " drawn one by one), " << r->bytes << " bytes\n";
  return 0;
}
