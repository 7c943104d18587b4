// strec-diff (`strec diff`): what differs between two runs. The work is in diff.h; this is its
// command line.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "strec/diff/diff.h"
#include "strec/format/command_line.h"
#include "strec/format/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strec diff: compare two traces, \"it works on my machine\" made visible. Processes are\n"
      "paired by command line and order of creation (threads by order of creation); for each\n"
      "pair, the first point where their syscalls diverge, as a unified diff of strace lines\n"
      "with context, after normalising what always differs between runs (pids and tids as\n"
      "P1, P2, ... by order of appearance, addresses, times, getrandom's bytes). Then what\n"
      "only one run did: processes, files opened or failing to open, errors; the syscalls\n"
      "whose count changed most; exit statuses that differ.\n\n"
      "usage: strec diff [--format text|json] A.strec B.strec",
      "strec diff"};
  app.set_version_flag("--version", std::string("strec diff ") + strec::kStrecVersion);
  std::string a, b, format = "text";
  app.add_option("a", a, "the first trace (A, the - side)")->required();
  app.add_option("b", b, "the second trace (B, the + side)")->required();
  app.add_option("--format", format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.footer(
      "\nExit status: 0 when the runs do not differ, 1 when they do, 2 on trouble (a\n"
      "usage error, a trace that cannot be read).");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  auto run_a = strec::diff::ReadRun({a});
  if (!run_a.ok()) {
    std::cerr << "strec diff: " << run_a.status().message() << "\n";
    return 2;
  }
  auto run_b = strec::diff::ReadRun({b});
  if (!run_b.ok()) {
    std::cerr << "strec diff: " << run_b.status().message() << "\n";
    return 2;
  }
  strec::diff::Report r = strec::diff::Compare(*run_a, *run_b);
  std::cout << (format == "json" ? strec::diff::ReportJson(r, *run_a, *run_b)
                                 : strec::diff::ReportText(r, *run_a, *run_b));
  return r.same() ? 0 : 1;
}
