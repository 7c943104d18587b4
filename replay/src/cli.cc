// strec-replay's command line (CLI11 stays in this file).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "strec/format/command_line.h"
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
      "                    [-e quiet=SET] [-e abbrev=SET] [-e raw=SET] [-e verbose=SET]\n"
      "                    [-z|-Z] [-n] [-i] [-p PID]... [--no-follow] [--json]\n"
      "                    TRACE [MORE PARTS...]\n"
      "strace's long options (--absolute-timestamps=, --syscall-times=, --decode-fds=, ...)\n"
      "are taken too; those that mean nothing for a recorded run are refused with the reason.",
      "strec-replay"};
  app.set_version_flag("--version", std::string("strec-replay ") + strec::kStrecVersion);
  ReplayConfig config;
  std::vector<std::string> traces;
  std::vector<std::string> exprs;
  std::vector<int> pids;
  int x = 0, t = 0, f = 0, y = 0, q = 0;
  bool r = false, T = false, v = false, json = false;
  uint32_t strsize = 32;
  app.add_option("-o,--output", config.output,
                 "write to FILE instead of standard output (- : standard output)");
  app.add_flag("-f,--follow-forks", f,
               "-ff with -o: one file per thread, FILE.TID (-f alone: the default)");
  bool separately = false;
  app.add_flag("--output-separately", separately, "as -ff");
  bool no_follow = false;
  app.add_flag("--no-follow", no_follow,
               "as strace without -f: only the first thread of the trace (the command "
               "strec-record started), lines without the pid");
  app.add_option("-s,--string-limit", strsize, "print at most N bytes of each string (32)")
      ->check(CLI::Range(0u, 1u << 30))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("-x", x, "non-ASCII strings in hex (-xx: all strings in hex)");
  app.add_flag("-t", t,
               "prefix each line with the time of day (-tt: with microseconds, "
               "-ttt: seconds since the epoch)");
  app.add_flag("-r", r, "prefix each line with the time since the previous one");
  app.add_flag("-T", T, "show the time spent in each syscall");
  app.add_flag("-y", y,
               "print the paths of file descriptors (-yy: also sockets' protocols and endpoints, "
               "devices' numbers, pidfds' pids, as the recorder found them)");
  app.add_flag("-v,--no-abbrev", v, "print structures unabbreviated");
  app.add_flag("-q", q, "-qq: no \"+++ exited with N +++\" lines (-q alone changes nothing here)");
  std::string xstyle;
  app.add_option("-X,--const-print-style", xstyle,
                 "how named constants print: abbrev (names), raw (numbers), verbose (both)")
      ->check(CLI::IsMember({"raw", "abbrev", "verbose"}));
  app.add_option("-a,--columns", config.render.acolumn, "align return values at column N (40)")
      ->check(CLI::Range(0, 1 << 20))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("-e", exprs,
                 "trace=SET (names, %classes, /regex, !negation), status=SET (successful, "
                 "failed, unfinished, unavailable, detached), signal=SET, read=FDS, write=FDS "
                 "(hex dumps of the captured data), quiet=exit,thread-execve, abbrev=SET (those "
                 "not in it as with -v), raw=SET (undecoded), verbose=SET (those not in it print "
                 "most structures as their addresses, as strace does)");
  // strace's long forms of -e KEY=VALUE: --trace=SET, --status=SET, ...
  for (const char* key :
       {"trace", "status", "signal", "signals", "read", "write", "quiet", "silent", "silence",
        "abbrev", "raw", "verbose", "inject", "fault", "kvm", "secontext"}) {
    std::string k = key;
    app.add_option_function<std::string>(
           "--" + k, [&exprs, k](const std::string& v) { exprs.push_back(k + "=" + v); },
           "-e " + k + "=...")
        ->group("");  // listed under -e
  }
  std::vector<std::string> trace_paths;
  app.add_option("-P,--trace-path", trace_paths,
                 "only calls that name PATH, or use a descriptor open on it (repeatable)");
  int z = 0, Z = 0;
  bool n = false, ip = false;
  app.add_flag("-z,--successful-only", z, "only calls that succeeded (-e status=successful)");
  app.add_flag("-Z,--failed-only,--failing-only", Z, "only calls that failed (-e status=failed)");
  app.add_flag("-n,--syscall-number", n, "print each syscall's number before its name");
  app.add_flag("-i,--instruction-pointer", ip,
               "print the instruction pointer at each syscall (recorded at entry)");
  std::string abs_ts, rel_ts, times, hexstr, decode_fds, decode_pids_what;
  bool decode_pids = false;
  app.add_option("--absolute-timestamps,--timestamps", abs_ts,
                 "[format:]time|unix,[precision:]s|ms|us|ns: -t, -tt and -ttt in full")
      ->expected(0, 1)
      ->default_str("time")
      ->delimiter(',')  // repeated options add up, as strace's do (format:unix, precision:ms)
      ->multi_option_policy(CLI::MultiOptionPolicy::Join);
  app.add_option("--relative-timestamps", rel_ts, "-r with PRECISION s|ms|us|ns (us)")
      ->expected(0, 1)
      ->default_str("us")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--syscall-times", times, "-T with PRECISION s|ms|us|ns (us)")
      ->expected(0, 1)
      ->default_str("us")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--strings-in-hex", hexstr,
                 "none, non-ascii-chars (\\x for those bytes), non-ascii (-x), all (-xx)")
      ->expected(0, 1)
      ->default_str("all")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("-Y", decode_pids, "command names after pids: 1234<comm> (--decode-pids=comm)");
  bool pidns_translation = false;
  app.add_flag("--pidns-translation", pidns_translation,
               "ids seen in other pid namespaces with the recorder's number for them "
               "(--decode-pids=pidns)");
  app.add_option("--decode-pids", decode_pids_what,
                 "comm (-Y), pidns (--pidns-translation), all; the last of these options wins")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--decode-fds", decode_fds,
                 "none, or a set of path (-y), socket, dev, pidfd; all (-yy)")
      ->expected(0, 1)
      ->default_str("path")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  // strace's options that mean nothing for a recorded run, or that strec does elsewhere: each
  // is refused by name with the reason, never ignored.
  struct Refused {
    const char* names;
    const char* why;
    bool takes_value;
  };
  static const Refused kRefused[] = {
      {"-c,--summary-only", "the summary is strec-analyze's: strec-analyze TRACE", false},
      {"-C,--summary", "the summary is strec-analyze's: strec-analyze TRACE", false},
      {"-w,--summary-wall-clock", "the summary is strec-analyze's (it has wall-clock times)",
       false},
      {"-S,--summary-sort-by", "the summary is strec-analyze's: strec-analyze --sort", true},
      {"-U,--summary-columns", "the summary is strec-analyze's", true},
      {"-O,--summary-syscall-overhead", "the summary is strec-analyze's", true},
      {"-k,--stack-traces", "stack traces are not recorded", false},
      {"-A,--output-append-mode", "the output file is always written anew", false},
      {"-b,--detach-on", "what was traced was decided at record time (strec-record)", true},
      {"-D,--daemonize", "this decides how strace runs: it has no meaning for a recorded run",
       false},
      {"-I,--interruptible", "this decides how strace runs: it has no meaning for a recorded run",
       true},
      {"-E,--env", "the environment is the command's, set when it was recorded (strec-record)",
       true},
      {"-u,--user", "the user is chosen when recording (strec-record runs the command)", true},
      {"--seccomp-bpf", "this decides how strace runs (strec-record uses seccomp-bpf itself)",
       false},
      {"-d,--debug", "strec-replay has no debug output", false},
  };
  std::vector<std::string> refused_values(std::size(kRefused));
  std::vector<int> refused_flags(std::size(kRefused));
  std::vector<CLI::Option*> refused_opts;
  auto* refused_group = app.add_option_group(
      "strace options refused", "strace's options that strec-replay refuses, each with why");
  for (size_t i = 0; i < std::size(kRefused); i++) {
    const Refused& rf = kRefused[i];
    refused_opts.push_back(
        rf.takes_value
            ? refused_group->add_option(rf.names, refused_values[i], rf.why)->expected(0, 1)
            : refused_group->add_flag(rf.names, refused_flags[i], rf.why));
  }
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
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  for (size_t i = 0; i < refused_opts.size(); i++) {
    if (refused_opts[i]->count()) {
      std::string names = kRefused[i].names;
      std::replace(names.begin(), names.end(), ',', '/');
      std::cerr << "strec-replay: " << names << ": " << kRefused[i].why << "\n";
      return 2;
    }
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
    } else if (key == "kvm" || key == "secontext") {
      std::cerr << "strec-replay: -e " << key
                << "=: " << (key == "kvm" ? "KVM exits" : "SELinux contexts")
                << " are not recorded\n";
      return 2;
    } else if (key == "quiet" || key == "silent" || key == "silence" || key == "q") {
      if (!ParseQuietSet(value, &config.render, &error)) {
        std::cerr << "strec-replay: -e quiet=" << value << ": " << error << "\n";
        return 2;
      }
    } else if (key == "abbrev" || key == "a" || key == "raw" || key == "x" || key == "verbose" ||
               key == "v") {
      auto set = format::SyscallSet::Parse(*table, value, &error);
      if (!set) {
        std::cerr << "strec-replay: -e " << key << "=" << value << ": " << error << "\n";
        return 2;
      }
      (key[0] == 'a'   ? config.render.abbrev
       : key[0] == 'v' ? config.render.verbose_set
                       : config.render.raw) = *set;
    } else if (key == "decode-fds" || key == "decode-fd") {
      if (!ParseDecodeFds(value, &y, &config.render.fd_kinds)) {
        std::cerr << "strec-replay: -e decode-fds=" << value
                  << ": expected none, path, socket, dev, pidfd or all\n";
        return 2;
      }
    } else if (key == "inject" || key == "fault") {
      std::cerr << "strec-replay: -e " << key
                << "=: tampering happens while the program runs: strec-record -e " << key
                << "=...\n";
      return 2;
    } else {
      std::cerr << "strec-replay: -e " << key << "= is not supported\n";
      return 2;
    }
  }
  if (separately)
    f = std::max(f, 2);
  if (f >= 2 && config.output.empty()) {
    std::cerr << "strec-replay: -ff needs -o FILE\n";
    return 2;
  }
  if (no_follow && (f || json)) {
    std::cerr << "strec-replay: --no-follow shows one thread as text: not with "
              << (f ? "-f" : "--json") << "\n";
    return 2;
  }
  config.render.follow = !no_follow;
  if (config.output == "-")
    config.output.clear();  // strace's -o -: standard output
  config.traces = traces;
  config.per_thread = f >= 2;
  config.json = json;
  config.render.max_strlen = strsize;
  config.render.xflag = x > 2 ? 2 : x;
  config.render.timestamps = t > 3 ? 3 : t;
  config.render.relative = r;
  config.render.syscall_times = T;
  if (app.count("--strings-in-hex")) {
    static const char* kStyles[] = {"none", "non-ascii", "all", "non-ascii-chars"};
    auto it = std::find(std::begin(kStyles), std::end(kStyles), hexstr);
    if (it == std::end(kStyles)) {
      std::cerr << "strec-replay: --strings-in-hex=" << hexstr
                << ": expected none, non-ascii-chars, non-ascii or all\n";
      return 2;
    }
    config.render.xflag = static_cast<int>(it - std::begin(kStyles));
  }
  if (app.count("--absolute-timestamps") &&
      !ParseAbsoluteTimestamps(abs_ts, &config.render.timestamps,
                               &config.render.timestamp_digits)) {
    std::cerr << "strec-replay: --absolute-timestamps=" << abs_ts
              << ": expected [format:]time|unix and/or [precision:]s|ms|us|ns\n";
    return 2;
  }
  if (app.count("--relative-timestamps")) {
    config.render.relative = true;
    if (!ParsePrecision(rel_ts, &config.render.relative_digits)) {
      std::cerr << "strec-replay: --relative-timestamps=" << rel_ts
                << ": expected s, ms, us or ns\n";
      return 2;
    }
  }
  if (app.count("--syscall-times")) {
    config.render.syscall_times = true;
    if (!ParsePrecision(times, &config.render.times_digits)) {
      std::cerr << "strec-replay: --syscall-times=" << times << ": expected s, ms, us or ns\n";
      return 2;
    }
  }
  if (app.count("--decode-fds") && !ParseDecodeFds(decode_fds, &y, &config.render.fd_kinds)) {
    std::cerr << "strec-replay: --decode-fds=" << decode_fds
              << ": expected none, path, socket, dev, pidfd or all\n";
    return 2;
  }
  // -Y, --pidns-translation and --decode-pids each set what is decoded: the last one given wins,
  // as in strace.
  bool pidns = false;
  for (const CLI::Option* o : app.parse_order()) {
    if (o->check_name("-Y")) {
      decode_pids = true;
      pidns = false;
    } else if (o->check_name("--pidns-translation")) {
      decode_pids = false;
      pidns = true;
    } else if (o->check_name("--decode-pids")) {
      decode_pids = pidns = false;
      std::stringstream words(decode_pids_what);
      for (std::string w; std::getline(words, w, ',');) {
        if (w == "comm" || w == "all")
          decode_pids = true;
        if (w == "pidns" || w == "all")
          pidns = true;
        if (w != "comm" && w != "pidns" && w != "all" && w != "none") {
          std::cerr << "strec-replay: --decode-pids=" << decode_pids_what
                    << ": expected comm, pidns, all or none\n";
          return 2;
        }
      }
    }
  }
  config.render.pidns = pidns;
  config.render.decode_pids = decode_pids;
  if (z || Z) {
    // -z and -Z together: strace shows both kinds.
    config.render.status =
        (z ? uint32_t{kStatusSuccessful} : 0u) | (Z ? uint32_t{kStatusFailed} : 0u);
  }
  config.render.paths.insert(trace_paths.begin(), trace_paths.end());
  config.render.syscall_numbers = n;
  config.render.instruction_pointer = ip;
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
