// strec-replay's command line (CLI11 stays in this file).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "strec/format/syscall_table.h"
#include "strec/format/version.h"
#include "strec/replay/replay.h"

namespace strec::replay {

int ReplayMain(int argc, char** argv) {
  CLI::App app{
      "strec-replay: render a .strec trace as `strace -f -o FILE [options]` would have written\n"
      "it for the recorded run, or as JSON lines. strace's display options are chosen here, at\n"
      "replay time.\n\n"
      "usage: strec-replay [-o FILE [-ff]] [-s N] [-x|-xx] [-t|-tt|-ttt] [-r] [-T] [-y] [-v]\n"
      "                    [-X raw|abbrev|verbose] [-a N] [-qq] [-e trace=SET]\n"
      "                    [-e status=SET] [-e signal=SET] [-e read=FDS] [-e write=FDS]\n"
      "                    [-e quiet=SET] [-p PID]... [--json] TRACE [MORE PARTS...]",
      "strec-replay"};
  app.set_version_flag("--version", std::string("strec-replay ") + strec::kStrecVersion);
  ReplayConfig config;
  std::vector<std::string> traces;
  std::vector<std::string> exprs;
  std::vector<int> pids;
  int x = 0, t = 0, f = 0, y = 0, q = 0;
  bool r = false, T = false, v = false, json = false;
  uint32_t strsize = 32;
  app.add_option("-o,--output", config.output, "write to FILE instead of standard output");
  app.add_flag("-f", f, "-ff with -o: one file per thread, FILE.TID (-f alone: the default)");
  app.add_option("-s,--string-limit", strsize, "print at most N bytes of each string (32)")
      ->check(CLI::Range(0u, 1u << 30));
  app.add_flag("-x", x, "non-ASCII strings in hex (-xx: all strings in hex)");
  app.add_flag("-t", t,
               "prefix each line with the time of day (-tt: with microseconds, "
               "-ttt: seconds since the epoch)");
  app.add_flag("-r", r, "prefix each line with the time since the previous one");
  app.add_flag("-T", T, "show the time spent in each syscall");
  app.add_flag("-y", y,
               "print the paths of file descriptors (-yy: the same; socket and device details "
               "are not in the trace)");
  app.add_flag("-v", v, "print structures unabbreviated");
  app.add_flag("-q", q, "-qq: no \"+++ exited with N +++\" lines (-q alone changes nothing here)");
  std::string xstyle;
  app.add_option("-X", xstyle,
                 "how named constants print: abbrev (names), raw (numbers), verbose (both)")
      ->check(CLI::IsMember({"raw", "abbrev", "verbose"}));
  app.add_option("-a", config.render.acolumn, "align return values at column N (40)")
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("-e", exprs,
                 "trace=SET (names, %classes, /regex, !negation), status=SET (successful, "
                 "failed, unfinished, unavailable, detached), signal=SET, read=FDS, write=FDS "
                 "(hex dumps of the captured data), quiet=exit,thread-execve");
  app.add_option("-p", pids, "show only these processes and their descendants (repeatable)")
      ->delimiter(',');
  app.add_flag("--json", json, "one JSON object per line instead of strace's text");
  app.add_option("trace", traces,
                 "the .strec file; or the files of one recording rotated with --max-size or "
                 "--max-duration (NAME.*.strec), read as one trace")
      ->required();
  app.footer(
      "\nExit status: 0 on success, 1 if the trace could not be read (or the output not "
      "written), 2 for a usage error.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int st = app.exit(e);
    return st == 0 ? 0 : 2;  // --help is success; anything else a usage error
  }
  const format::SyscallTable* table = format::SyscallTable::ForArch(format::kArchX86_64);
  for (const std::string& e : exprs) {
    size_t eq = e.find('=');
    std::string key = eq == std::string::npos ? "trace" : e.substr(0, eq);
    std::string value = eq == std::string::npos ? e : e.substr(eq + 1);
    std::string error;
    if (key == "trace" || key == "t") {
      auto set = format::SyscallSet::Parse(*table, value, &error);
      if (!set) {
        std::cerr << "strec-replay: -e trace=" << value << ": " << error << "\n";
        return 2;
      }
      config.render.trace = *set;
    } else if (key == "status") {
      if (!ParseStatusSet(value, &config.render.status, &error)) {
        std::cerr << "strec-replay: -e status=" << value << ": " << error << "\n";
        return 2;
      }
    } else if (key == "signal" || key == "signals" || key == "s") {
      if (!ParseSignalSet(value, &config.render.signals, &error)) {
        std::cerr << "strec-replay: -e signal=" << value << ": " << error << "\n";
        return 2;
      }
    } else if (key == "read" || key == "reads" || key == "r" || key == "write" || key == "writes" ||
               key == "w") {
      FdSet* set = key[0] == 'r' ? &config.render.dump_read : &config.render.dump_write;
      if (!ParseFdSet(value, set, &error)) {
        std::cerr << "strec-replay: -e " << key << "=" << value << ": " << error << "\n";
        return 2;
      }
    } else if (key == "quiet" || key == "silent" || key == "silence" || key == "q") {
      if (!ParseQuietSet(value, &config.render, &error)) {
        std::cerr << "strec-replay: -e quiet=" << value << ": " << error << "\n";
        return 2;
      }
    } else {
      std::cerr << "strec-replay: -e " << key << "= is not supported\n";
      return 2;
    }
  }
  if (f >= 2 && config.output.empty()) {
    std::cerr << "strec-replay: -ff needs -o FILE\n";
    return 2;
  }
  config.traces = traces;
  config.per_thread = f >= 2;
  config.json = json;
  config.render.max_strlen = strsize;
  config.render.xflag = x > 2 ? 2 : x;
  config.render.timestamps = t > 3 ? 3 : t;
  config.render.relative = r;
  config.render.syscall_times = T;
  config.render.decode_fds = y;
  config.render.verbose = v;
  if (q >= 2)
    config.render.quiet_exit = true;
  config.render.xlat_style = xstyle == "raw"       ? XlatStyle::kRaw
                             : xstyle == "verbose" ? XlatStyle::kVerbose
                                                   : XlatStyle::kAbbrev;
  config.render.pids.insert(pids.begin(), pids.end());
  std::vector<std::string> warnings;
  Status st = Replay(config, stdout, &warnings);
  for (const auto& w : warnings)
    std::cerr << "strec-replay: warning: " << w << "\n";
  if (!st.ok()) {
    std::cerr << "strec-replay: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace strec::replay
