// strec-cat (`strec cat`): traces joined into one: the files of one rotated recording (or a flight
// recorder's dumps), or recordings of different hosts. The work is edit::CatTraces; this is its
// command line.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "strec/edit/slice.h"
#include "strec/format/command_line.h"
#include "strec/format/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strec cat: join traces into one, every event once:\n"
      "  the files of one rotated recording (strec-record --max-size, --max-duration) or the\n"
      "  dumps of one flight recorder, in order; or recordings of different hosts (or\n"
      "  recorders), merged by wall-clock time: each event keeps its host, and each recording's\n"
      "  pids are moved above the one's before (recording k: + k * 4194304) so that they stay\n"
      "  apart. strec-replay then prefixes every line with HOST:PID, strec-analyze names\n"
      "  processes so, strec info lists the recordings.\n\n"
      "usage: strec cat [--force] TRACE... -o OUT",
      "strec cat"};
  app.set_version_flag("--version", std::string("strec cat ") + strec::kStrecVersion);
  std::vector<std::string> inputs;
  std::string out;
  bool force = false;
  app.add_option("traces", inputs,
                 "the files, in any order (a rotated recording's files are read together)")
      ->required();
  app.add_option("-o,--output", out,
                 "the joined trace (created 0600, never through a symbolic link; an existing "
                 "file is an error unless --force)")
      ->required();
  app.add_flag("--force", force, "replace OUT if it is a regular file of yours");
  app.footer(
      "\nExit status: 0 when the trace is written, 1 if it could not be (nothing is left),\n"
      "2 for a usage error.");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  auto r = strec::edit::CatTraces(inputs, out, force);
  if (!r.ok()) {
    std::cerr << "strec cat: " << r.status().message() << "\n";
    return r.status().code() == strec::StatusCode::kInvalidArgument ? 2 : 1;
  }
  for (const auto& w : r->warnings)
    std::cerr << "strec cat: warning: " << w << "\n";
  std::cerr << "strec cat: " << out << ": " << r->events_written << " events from " << inputs.size()
            << " files\n";
  return 0;
}
