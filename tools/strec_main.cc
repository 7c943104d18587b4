// strec COMMAND [ARGS...]: runs strec-COMMAND from the same directory (like git), or prints a
// trace's facts for `strec info FILE`.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "strec/format/trace_info.h"
#include "strec/format/version.h"

namespace {

void Usage(std::ostream& out) {
  out << "usage: strec COMMAND [ARGS...]\n\n"
         "commands:\n"
         "  record   trace a command or processes into a .strec file (strec-record)\n"
         "  replay   render a trace as strace would have printed it (strec-replay)\n"
         "  analyze  statistics over traces (strec-analyze)\n"
         "  info     the facts and chunk statistics of a trace file\n"
         "  redact   a copy of a trace without its secrets, to share it (strec-redact)\n"
         "  slice    a trace cut down to processes, threads, a time window (strec-slice)\n"
         "  cat      traces joined into one: a rotated recording's files, or several hosts' "
         "(strec-cat)\n"
         "  export   traces as a Perfetto timeline or JSON Lines for engines (strec-export)\n"
         "  diff     what differs between two runs (strec-diff)\n"
         "  report   a trace as one self-contained HTML page (strec-report)\n\n"
         "`strec COMMAND --help` shows a command's options, `strec --version` the version.\n";
}

std::string SelfDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return ".";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    Usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  if (cmd == "--version") {
    std::cout << "strec " << strec::kStrecVersion << "\n";
    return 0;
  }
  if (cmd == "info") {
    if (argc != 3) {
      std::cerr << "usage: strec info FILE\n";
      return 2;
    }
    strec::Status st = strec::format::PrintTraceInfo(argv[2], std::cout);
    if (!st.ok()) {
      std::cerr << "strec info: " << st.message() << "\n";
      return 1;
    }
    std::cout.flush();
    if (!std::cout || fflush(stdout) != 0) {
      std::cerr << "strec info: cannot write standard output: " << strerror(errno) << "\n";
      return 1;
    }
    return 0;
  }
  static const char* const kCommands[] = {"record", "replay", "analyze", "redact", "slice",
                                          "cat",    "export", "diff",    "report"};
  if (std::find(std::begin(kCommands), std::end(kCommands), cmd) == std::end(kCommands)) {
    std::cerr << "strec: unknown command '" << cmd << "'\n";
    Usage(std::cerr);
    return 2;
  }
  std::string bin = SelfDir() + "/strec-" + cmd;
  std::vector<char*> args;
  args.push_back(bin.data());
  for (int i = 2; i < argc; i++)
    args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(bin.c_str(), args.data());
  std::cerr << "strec: cannot run " << bin << ": " << strerror(errno) << "\n";
  return 127;
}
