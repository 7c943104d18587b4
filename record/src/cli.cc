// strec-record's command line (CLI11 stays in this file).
#include <pwd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "process_util.h"
#include "strec/format/command_line.h"
#include "strec/format/syscall_table.h"
#include "strec/format/version.h"
#include "strec/record/recorder.h"

namespace strec::record {
namespace {

// "64M", "64MiB", "1G", "4096", "512k": bytes (K, M, G are powers of 1024); 0 if not a size.
uint64_t ParseSize(const std::string& text) {
  char* end = nullptr;
  unsigned long long v = strtoull(text.c_str(), &end, 10);
  std::string unit = end ? end : "";
  for (char& c : unit)
    c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  int shift = unit.empty() || unit == "B"                    ? 0
              : unit == "K" || unit == "KB" || unit == "KIB" ? 10
              : unit == "M" || unit == "MB" || unit == "MIB" ? 20
              : unit == "G" || unit == "GB" || unit == "GIB" ? 30
                                                             : -1;
  if (end == text.c_str() || shift < 0 || v > (~0ull >> shift))
    return 0;
  return static_cast<uint64_t>(v) << shift;
}

// "90", "90s", "500ms", "15m", "2h": nanoseconds; 0 if not a duration.
uint64_t ParseDuration(const std::string& text) {
  char* end = nullptr;
  double v = strtod(text.c_str(), &end);
  std::string unit = end ? end : "";
  double scale = unit.empty() || unit == "s" ? 1e9
                 : unit == "ms"              ? 1e6
                 : unit == "m"               ? 60e9
                 : unit == "h"               ? 3600e9
                                             : 0;
  if (end == text.c_str() || !(v > 0) || scale == 0 || v * scale > 1e18)
    return 0;
  return static_cast<uint64_t>(v * scale);
}

}  // namespace

int RecordMain(int argc, char** argv) {
  // Before anything else: a stop signal sent while the recorder starts must not be lost.
  CatchStopSignals();
  CLI::App app{
      "strec-record: trace a command (or attach to processes) and write every syscall, signal\n"
      "and process event, with the argument buffers, to a compressed .strec file. Render it\n"
      "later with strec-replay (as strace would have printed it) or summarise it with\n"
      "strec-analyze.\n\n"
      "usage: strec-record [-o FILE] [-s SNAPLEN] [-e trace=SET] [--backend auto|ptrace|bpf]\n"
      "                    [-e inject=SET:error=ERRNO|retval=N...] [--no-follow] [-p PID]...\n"
      "                    [--] [COMMAND [ARG...]]\n"
      "       strec-record -a | --cgroup DIR | --comm NAME | -u USER ... [-o FILE]\n"
      "                    [--] [COMMAND [ARG...]]   (eBPF: the whole machine, or a part of it)",
      "strec-record"};
  app.set_version_flag("--version", std::string("strec-record ") + strec::kStrecVersion);
  RecordOptions o;
  std::vector<std::string> attach;
  std::vector<std::string> exprs;
  bool follow_flag = false, no_follow = false, no_seccomp = false, quiet = false;
  size_t chunk_kib = 1024;
  app.add_option("-o,--output", o.output,
                 "trace file to write (default: a new COMMAND-DATE-TIME.strec in the current "
                 "directory). Created with mode 0600; never written through a symbolic link, "
                 "and an existing file is an error unless --force");
  app.add_flag("--force", o.writer.replace,
               "with -o: replace an existing file, if it is a regular file of yours (another "
               "user's file is never reused: its owner could read the trace)");
  app.add_option("-s,--snaplen", o.snaplen,
                 "bytes kept of each data buffer (read/write payloads, iovecs, socket data); "
                 "paths and structs are kept whole; the full length is always recorded")
      ->default_val(256)
      ->check(CLI::Range(0u, 16u << 20));
  app.add_flag("--capture-env", o.capture_env,
               "keep the environment strings of each execve (strace -v shows them); off by "
               "default because environments often hold secrets: only their count is kept");
  std::string max_size, max_duration;
  app.add_option("--max-size", max_size,
                 "rotate: end the trace file when it reaches about SIZE (64M, 1G, 512K) and go "
                 "on in the next: -o NAME.strec writes NAME.0001.strec, NAME.0002.strec, ..., "
                 "each a complete trace that introduces the processes alive at its start; "
                 "strec-replay and strec-analyze read the files together as one trace")
      ->type_name("SIZE");
  app.add_option("--max-duration", max_duration,
                 "rotate when a file spans DURATION of recording (90s, 15m, 1h)")
      ->type_name("DURATION");
  app.add_option("--max-files", o.writer.max_files,
                 "with rotation: keep only the N newest files, deleting the oldest (the summary "
                 "says how many and the events they held)")
      ->check(CLI::Range(1u, 1000000u))
      ->type_name("N");
  std::string flight;
  std::vector<std::string> triggers;
  app.add_option("--flight-recorder", flight,
                 "keep only about the last SIZE (64M, 1G) of the recording, compressed, in "
                 "memory, and write it only on a trigger: SIGUSR1 (write and go on), a "
                 "--trigger, or the end of the recording. Each dump is NAME.0001.strec, "
                 "NAME.0002.strec, ..., a complete trace that starts by noting the events the "
                 "ring dropped and with an fd snapshot of each traced process")
      ->type_name("SIZE");
  app.add_option("--trigger", triggers,
                 "with --flight-recorder, dump when: exit (a traced process exits non-zero or "
                 "is killed by a signal), errno=NAME (a syscall fails with it, e.g. "
                 "errno=ENOSPC), slow=DURATION (a syscall takes at least that long, e.g. "
                 "slow=100ms). Repeatable")
      ->type_name("SPEC");
  std::string redact, redact_key;
  auto* redact_opt =
      app.add_option("--redact", redact,
                     "remove secrets before anything reaches the disk: --redact (the data "
                     "buffers) or --redact=WHAT, a list of data (I/O payloads), argv (execve's "
                     "argv and environment, the command line), paths (tokens instead), addrs "
                     "(socket addresses), host (host name), or all. Each removed buffer keeps "
                     "its length and a keyed digest (equal buffers compare equal); the header "
                     "says what was removed. Give WHAT with '=': the next word is the command")
          ->expected(0, 1)
          ->type_name("[=WHAT]");
  app.add_option("--redact-key", redact_key,
                 "a file of at least 16 secret bytes that keys the digests, so that those of "
                 "two traces redacted with it compare (default: a random key, discarded)")
      ->type_name("FILE");
  app.add_option("-e", exprs,
                 "which syscalls to record, in strace's syntax: trace=SET with names, %classes "
                 "(%file, %network, ...), /regex and a leading ! to negate (default: all). "
                 "Also inject=SET:error=ERRNO|retval=N[:signal=SIG][:syscall=NAME]"
                 "[:delay_enter=T][:delay_exit=T][:when=FIRST[..LAST][+[STEP]]] and "
                 "fault=SET[:error=ERRNO][:when=...] (ptrace): tamper with the calls as strace "
                 "does; the trace marks them and strec-replay prints (INJECTED), (DELAYED). "
                 "Repeatable");
  app.add_flag("-f", follow_flag,
               "follow forks, vforks and clones (the default; for strace habits)");
  app.add_flag("--no-follow", no_follow, "trace only the first process of the command");
  app.add_option("-p,--attach", attach,
                 "attach to a running process and all its threads (repeatable, or PID,PID)")
      ->delimiter(',');
  app.add_flag("-a,--all", o.all_processes,
               "record every process of the machine (eBPF backend), those already running "
               "(introduced by their command line, cwd and open fds when first seen) and those "
               "started later; strec-record's own threads are left out. Until SIGINT/SIGTERM, "
               "or while COMMAND runs when one is given (perf's -a -- sleep 10)");
  std::vector<std::string> cgroups, comms;
  std::string user;
  app.add_option("--cgroup", cgroups,
                 "record the processes in this cgroup v2 directory or below it (a container, a "
                 "systemd unit): a path under the cgroup2 mount or relative to it, e.g. "
                 "/system.slice/nginx.service. Repeatable (any of them); a process moved in is "
                 "recorded from its next syscall")
      ->type_name("DIR");
  app.add_option("--comm", comms,
                 "record the processes with this command name (/proc/PID/comm: the first 15 "
                 "bytes of the program's name), including a program exec'd later. Repeatable "
                 "(any of them)")
      ->type_name("NAME");
  app.add_option("-u,--user", user,
                 "record the processes of this user (a name or a uid; the real uid)")
      ->type_name("USER");
  app.add_flag("--no-seccomp", no_seccomp,
               "do not install a seccomp-bpf filter for a narrowed -e trace= set (slower, but "
               "the command can then be detached unharmed at any time)");
  app.add_option("--chunk-kib", chunk_kib, "size of a chunk before compression, in KiB")
      ->default_val(1024)
      ->check(CLI::Range(size_t{4}, size_t{65536}));
  auto* zstd = app.add_option("--zstd-level", o.writer.zstd_level,
                              "zstd compression level of the trace's chunks (compression runs on "
                              "its own thread; higher levels make smaller files for more CPU "
                              "time); default 6 with ptrace, and 1 with eBPF, where the "
                              "recorder's own CPU time is most of the cost and level 1 "
                              "compresses as well")
                   ->check(CLI::Range(1, 19));
  std::string spin = "auto";
  app.add_option("--spin-us", spin,
                 "poll for the next stop up to this many microseconds before sleeping in "
                 "waitpid, or auto: up to 50, backing off while the tracees are quiet, and "
                 "only when strec-record may use more than one CPU (0: never; polling spends "
                 "CPU time to avoid waking an idle CPU at every stop)")
      ->default_val("auto")
      ->check([](const std::string& v) -> std::string {
        if (v == "auto")
          return "";
        char* end = nullptr;
        unsigned long n = strtoul(v.c_str(), &end, 10);
        if (v.empty() || *end || v[0] == '-' || n > 100000)
          return "expected auto or a number of microseconds from 0 to 100000";
        return "";
      });
  std::string backend = "auto";
  app.add_option("--backend", backend,
                 "how to trace: bpf records from inside the kernel without stopping the traced "
                 "threads, at a small fraction of ptrace's cost (root, or CAP_BPF and "
                 "CAP_PERFMON, and a kernel with BTF and bpf_loop, 5.17 or later; see README "
                 "\"Recording with eBPF\" for what it keeps); ptrace stops them at every "
                 "syscall and copies every buffer the syscall table names (any user allowed to "
                 "ptrace); auto (the default): bpf where it loads, else ptrace, saying why on "
                 "stderr. The summary line and strec info name the backend used")
      ->default_val("auto")
      ->check(CLI::IsMember({"auto", "ptrace", "bpf"}));
  app.add_option("--bpf-ring-mib", o.bpf_ring_mib,
                 "size of the eBPF ring buffer in MiB, a power of two: records that find it full "
                 "are lost, and counted in the trace")
      ->default_val(8)
      ->check([](const std::string& v) -> std::string {
        char* end = nullptr;
        unsigned long n = strtoul(v.c_str(), &end, 10);
        if (v.empty() || *end || n == 0 || n > 4096 || (n & (n - 1)))
          return "expected a power of two from 1 to 4096";
        return "";
      });
  app.add_option("--bpf-max-threads", o.bpf_max_threads,
                 "threads the eBPF backend can follow at once: a thread created beyond that is "
                 "not recorded, and counted as lost in the trace")
      ->default_val(65536)
      ->check(CLI::Range(1u, 1u << 22));
  std::string recorder_cpus = "auto";
  app.add_option("--recorder-cpus", recorder_cpus,
                 "where the recorder's own threads run. auto: when it starts a command, the "
                 "command keeps the CPU affinity strec-record was started with (taskset) while "
                 "the writer thread (compression) may use any CPU allowed to it, and with "
                 "--backend bpf the reading thread too; inherit, or with -p only: all stay where "
                 "strec-record was started")
      ->default_val("auto")
      ->check(CLI::IsMember({"auto", "inherit"}));
  app.add_flag("-q,--quiet", quiet, "do not print the summary line on stderr");
  app.add_option("command", o.command, "the command to run and trace, with its arguments");
  app.prefix_command(false);
  app.positionals_at_end(false);
  app.allow_extras(false);
  app.footer(
      "\nExit status: the command's (128+N if a signal N killed it), 127 if it was not found,\n"
      "126 if it could not be run, 1 if recording failed, 2 for a usage error. On SIGINT,\n"
      "SIGTERM or SIGHUP the recorder detaches, writes the trace's index and exits 128+N.");
  // Everything after the first positional belongs to the command, as with strace.
  std::vector<std::string> args;
  int split = argc;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--") {
      split = i;
      break;
    }
    if (a.empty() || a[0] != '-') {
      // A positional: unless it is the value of the previous option.
      std::string prev = i > 1 ? argv[i - 1] : "";
      bool takes_value =
          prev == "-o" || prev == "--output" || prev == "-s" || prev == "--snaplen" ||
          prev == "-e" || prev == "-p" || prev == "--attach" || prev == "--chunk-kib" ||
          prev == "--spin-us" || prev == "--zstd-level" || prev == "--backend" ||
          prev == "--bpf-ring-mib" || prev == "--bpf-max-threads" || prev == "--recorder-cpus" ||
          prev == "--redact-key" || prev == "--max-size" || prev == "--max-duration" ||
          prev == "--max-files" || prev == "--flight-recorder" || prev == "--trigger" ||
          prev == "--cgroup" || prev == "--comm" || prev == "-u" || prev == "--user";
      if (!takes_value) {
        split = i;
        break;
      }
    }
  }
  std::vector<std::string> own(argv + 1, argv + split);
  std::reverse(own.begin(), own.end());
  if (auto stop = strec::ParseCommandLine(app, [&] { app.parse(own); }))
    return *stop;
  int cmd_start = split < argc && std::string(argv[split]) == "--" ? split + 1 : split;
  o.command.assign(argv + cmd_start, argv + argc);
  o.follow = !no_follow;
  o.spin_us = spin == "auto" ? RecordOptions::kSpinAuto : static_cast<int>(std::stoul(spin));
  o.use_seccomp = !no_seccomp;
  o.backend = backend == "bpf"      ? RecordOptions::Backend::kBpf
              : backend == "ptrace" ? RecordOptions::Backend::kPtrace
                                    : RecordOptions::Backend::kAuto;
  o.quiet = quiet;
  o.recorder_all_cpus = recorder_cpus == "auto";
  if (zstd->count() == 0)
    o.writer.zstd_level = 0;  // the backend's default
  o.writer.chunk_bytes = chunk_kib * 1024;
  // SIZE options: false (said) when TEXT is not a size of at least `min` bytes.
  auto size_option = [](const char* name, const std::string& text, uint64_t min, uint64_t* out) {
    *out = ParseSize(text);
    if (*out >= min)
      return true;
    std::cerr << "strec-record: " << name << " " << text << ": not a size of at least "
              << (min >> 10) << "K (e.g. 64M, 1G)\n";
    return false;
  };
  if (!max_size.empty()) {
    if (!size_option("--max-size", max_size, 4096, &o.writer.rotate_bytes))
      return 2;
    // A file ends at the first chunk past SIZE: chunks no larger than it keep it near SIZE.
    o.writer.chunk_bytes = std::min<size_t>(o.writer.chunk_bytes, o.writer.rotate_bytes);
  }
  if (!max_duration.empty()) {
    o.writer.rotate_ns = ParseDuration(max_duration);
    if (o.writer.rotate_ns < 1'000'000) {
      std::cerr << "strec-record: --max-duration " << max_duration
                << ": not a duration of at least 1ms (e.g. 90s, 15m, 1h)\n";
      return 2;
    }
  }
  if (!flight.empty()) {
    if (!size_option("--flight-recorder", flight, 65536, &o.writer.flight_bytes))
      return 2;
    if (o.writer.rotate_bytes || o.writer.rotate_ns) {
      std::cerr << "strec-record: --flight-recorder writes dumps, not rotated files: it does not "
                   "go with --max-size or --max-duration\n";
      return 2;
    }
    // Chunks small enough that the ring holds many (it drops whole chunks).
    o.writer.chunk_bytes = std::min<size_t>(o.writer.chunk_bytes, o.writer.flight_bytes / 16);
    CatchDumpSignal();  // before anything is traced: a SIGUSR1 must dump, not kill
  }
  for (const std::string& t : triggers) {
    if (flight.empty()) {
      std::cerr << "strec-record: --trigger goes with --flight-recorder\n";
      return 2;
    }
    if (t == "exit") {
      o.writer.trigger_exit = true;
    } else if (t.rfind("errno=", 0) == 0) {
      std::string name = t.substr(6);
      for (int e = 1; e < 4096 && !o.writer.trigger_errno; e++)
        if (const char* n = strerrorname_np(e); n && name == n)
          o.writer.trigger_errno = e;
      if (!o.writer.trigger_errno) {
        std::cerr << "strec-record: --trigger " << t << ": unknown errno name (e.g. ENOSPC)\n";
        return 2;
      }
    } else if (t.rfind("slow=", 0) == 0 && ParseDuration(t.substr(5))) {
      o.writer.trigger_slow_ns = ParseDuration(t.substr(5));
    } else {
      std::cerr << "strec-record: --trigger " << t
                << ": expected exit, errno=NAME or slow=DURATION\n";
      return 2;
    }
  }
  if (o.writer.max_files && !o.writer.rotate_bytes && !o.writer.rotate_ns &&
      !o.writer.flight_bytes) {
    std::cerr << "strec-record: --max-files goes with --max-size, --max-duration or "
                 "--flight-recorder\n";
    return 2;
  }
  if (!redact_key.empty() && !redact_opt->count()) {
    std::cerr << "strec-record: --redact-key keys the digests of --redact: give both\n";
    return 2;
  }
  if (redact_opt->count()) {
    auto what = format::ParseRedactList(redact.empty() ? "data" : redact);
    if (!what.ok()) {
      std::cerr << "strec-record: --redact: " << what.status().message() << "\n";
      return 2;
    }
    auto redactor = format::Redactor::Create(*what, redact_key);
    if (!redactor.ok()) {
      std::cerr << "strec-record: --redact-key: " << redactor.status().message() << "\n";
      return 2;
    }
    o.writer.redactor = std::move(redactor).value();
  }
  for (const std::string& expr : exprs) {
    if (expr.rfind("inject=", 0) == 0 || expr.rfind("fault=", 0) == 0) {
      o.inject.push_back(expr);
    } else if (auto set = format::TraceSetOption(expr)) {
      o.trace_expr = *set;
    } else {
      std::cerr << "strec-record: -e " << expr
                << ": only trace=, inject= and fault= are decided at record time; choose "
                   "status=, signal=, read=, write= and the other display options at replay "
                   "(strec-replay)\n";
      return 2;
    }
  }
  for (const auto& p : attach) {
    char* end = nullptr;
    long v = strtol(p.c_str(), &end, 10);
    if (p.empty() || *end || v <= 0 || v > 0x3fffffff) {
      std::cerr << "strec-record: -p " << p << ": not a process id\n";
      return 2;
    }
    o.attach.push_back(static_cast<pid_t>(v));
  }
  for (const std::string& c : cgroups) {
    auto dir = CgroupDirectory(c);
    if (!dir.ok()) {
      std::cerr << "strec-record: --cgroup " << c << ": " << dir.status().message() << "\n";
      return 2;
    }
    o.cgroups.push_back(*dir);
  }
  for (const std::string& c : comms) {
    if (c.empty()) {
      std::cerr << "strec-record: --comm: an empty name\n";
      return 2;
    }
    o.comms.push_back(c.substr(0, 15));  // what the kernel keeps of a name
  }
  if (!user.empty()) {
    char* end = nullptr;
    unsigned long v = strtoul(user.c_str(), &end, 10);
    if (passwd* pw = getpwnam(user.c_str())) {
      o.uid = pw->pw_uid;
    } else if (*end == '\0' && isdigit(static_cast<unsigned char>(user[0])) && v < 0xffffffffu) {
      o.uid = static_cast<int64_t>(v);
    } else {
      std::cerr << "strec-record: -u " << user << ": no such user\n";
      return 2;
    }
  }
  (void)follow_flag;
  RecordResult r = Record(o);
  if (!r.status.ok())
    std::cerr << "strec-record: " << r.status.message() << "\n";
  if (!r.path.empty() && !quiet) {
    std::string where = r.path;
    const char* what = r.flight ? " dumps)" : " files)";
    if (r.files.size() > 1)
      where =
          r.files.front() + " ... " + r.files.back() + " (" + std::to_string(r.files.size()) + what;
    else if (!r.files.empty())
      where = r.files.front();
    else if (r.flight)
      where = "nothing dumped (the flight recorder held no event)";
    std::cerr << "strec-record: " << where << ": " << r.syscalls << " syscalls, " << r.events
              << " events, " << r.bytes << " bytes";
    if (r.files_deleted)
      std::cerr << ", " << r.files_deleted << " oldest files deleted (--max-files) with their "
                << r.events_deleted << " events";
    if (r.flight_dropped)
      std::cerr << ", " << r.flight_dropped
                << " events dropped by the flight recorder before its dumps (each dump says)";
    if (r.processes_selected)
      std::cerr << ", " << r.processes_selected << " processes selected";
    if (r.backend == "ptrace")  // the eBPF backend never stops them
      std::cerr << ", " << r.stops << " stops";
    if (r.lost)
      std::cerr << ", " << r.lost << " LOST (recorded in the trace)";
    if (r.unwritten)
      std::cerr << ", " << r.unwritten << " events NOT WRITTEN (the file ends early)";
    if (r.read_failures)
      std::cerr << ", " << r.read_failures << " buffers unreadable";
    std::cerr << " (" << (r.backend == "bpf" ? "eBPF" : r.backend);
    if (r.detached_by_signal)
      std::cerr << "; detached on " << strsignal(r.detached_by_signal);
    std::cerr << ")\n";
  }
  return r.exit_code;
}

}  // namespace strec::record
