// strec-export (`strec export`): a trace in a format other tools read. The work is in the
// library (chrome_json.h); this is its command line.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "strec/export/chrome_json.h"
#include "strec/export/jsonl.h"
#include "strec/format/command_line.h"
#include "strec/format/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strec export: write a trace in a format other tools read.\n"
      "  chrome-json: the Trace Event Format (JSON) that Perfetto's UI (ui.perfetto.dev),\n"
      "  chrome://tracing and other timeline viewers open: a track per thread grouped by\n"
      "  process, each syscall a slice with its strace line, signals and exits as instants,\n"
      "  forks and clones as arrows. OUT ending in .gz is gzip-compressed (viewers open it).\n"
      "  jsonl: JSON Lines, one object per syscall (schema version 1: host, trace, command,\n"
      "  pid, tid, time, duration, syscall, class, return, errno, fd path, strace-rendered and\n"
      "  raw arguments) for DuckDB, Spark, ClickHouse, jq; several traces (hosts) in one file.\n"
      "  OUT ending in .zst is zstd-compressed, .gz gzip-compressed.\n\n"
      "usage: strec export --format chrome-json|jsonl [--pid PID]... [--from T] [--to T]\n"
      "                    [-e trace=SET] [-s N] [--force] TRACE... -o OUT",
      "strec export"};
  app.set_version_flag("--version", std::string("strec export ") + strec::kStrecVersion);
  std::vector<std::string> inputs;
  std::string out, format, from, to, expr;
  strec::exporter::ExportOptions o;
  app.add_option("trace", inputs,
                 "chrome-json: the trace, or the files of one rotated recording; jsonl: any "
                 "traces (the files of a rotated one are read together)")
      ->required();
  app.add_option("-o,--output", out,
                 "the file to write (created 0600, never through a symbolic link; an existing "
                 "file is an error unless --force)")
      ->required();
  app.add_option("--format", format, "the output format: chrome-json or jsonl")
      ->required()
      ->check(CLI::IsMember({"chrome-json", "jsonl"}));
  app.add_option("-p,--pid", o.select.pids, "only this process and its descendants (repeatable)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--from", from,
                 "only events at or after T: seconds after the trace's start (1.5, 250ms) or an "
                 "ISO time (2024-05-01T12:00:00Z)")
      ->type_name("T");
  app.add_option("--to", to, "only events at or before T (as --from)")->type_name("T");
  app.add_option("-e", expr, "trace=SET: only these syscalls (strace's syntax)");
  app.add_option("-s", o.max_strlen, "string length shown in the strace lines (strace's -s)")
      ->default_val(32);
  app.add_flag("--force", o.replace, "replace OUT if it is a regular file of yours");
  app.footer(
      "\nExit status: 0 when written, 1 if it could not be (nothing is left), 2 for a\n"
      "usage error.");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  if (auto st = o.select.ParseText(from, to, expr); !st.ok()) {
    std::cerr << "strec export: " << st.message() << "\n";
    return 2;
  }
  auto r = format == "jsonl" ? strec::exporter::ExportJsonl(inputs, out, o)
                             : strec::exporter::ExportChromeJson(inputs, out, o);
  if (!r.ok()) {
    std::cerr << "strec export: " << r.status().message() << "\n";
    return r.status().code() == strec::StatusCode::kInvalidArgument ? 2 : 1;
  }
  for (const auto& w : r->warnings)
    std::cerr << "strec export: warning: " << w << "\n";
  if (format == "jsonl")
    std::cerr << "strec export: " << out << ": " << r->syscalls << " syscalls from " << r->traces
              << " trace(s)\n";
  else
    std::cerr << "strec export: " << out << ": " << r->syscalls << " syscalls, " << r->events
              << " trace events\n";
  return 0;
}
