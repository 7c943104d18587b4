// The ptrace recorder: starts a command or attaches to processes, follows their forks, clones
// and execs, and hands every syscall, signal and process event to a TraceWriter.
//
// Everything runs on the calling thread (ptrace requires one tracer thread); compression and
// file I/O happen on the writer's own thread. Not reentrant: one Run() per process at a time,
// since it installs handlers for SIGINT, SIGTERM, SIGHUP and SIGALRM while it runs.
#ifndef STREC_RECORD_RECORDER_H_
#define STREC_RECORD_RECORDER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "strec/format/status.h"
#include "strec/format/trace_writer.h"

namespace strec::record {

struct RecordOptions {
  std::string output;        // "" = a new file in the current directory
  uint32_t snaplen = 256;    // bytes kept of each data buffer
  bool capture_env = false;  // keep execve's environment strings (else only their count)
  std::string trace_expr;    // strace's -e trace= syntax; "" = every syscall
  // -e inject=SPEC and -e fault=SPEC, as given (record/inject.h): tampering (ptrace only).
  std::vector<std::string> inject;
  bool follow = true;         // follow forks, vforks and clones
  bool use_seccomp = true;    // a seccomp-bpf filter for a narrowed set (started commands)
  std::vector<pid_t> attach;  // -p
  // The selection (eBPF backend): besides the command and -p, every process that matches all of
  // what is given is recorded from when it is first seen making a syscall, with its children.
  // With a selection, the command sets how long the recording lasts and is recorded only if it
  // matches (from its execve); without one, the recording lasts until SIGINT/SIGTERM.
  bool all_processes = false;                 // -a: every process (no filter)
  std::vector<std::string> cgroups;           // --cgroup: cgroup v2 directories (and descendants)
  std::vector<std::string> comms;             // --comm: command names (as /proc/PID/comm, 15 bytes)
  int64_t uid = -1;                           // -u: the real user id (-1: any)
  static constexpr size_t kMaxSelectors = 8;  // --comm names and --cgroup directories, each
  bool Selects() const { return all_processes || !cgroups.empty() || !comms.empty() || uid >= 0; }
  // The selection as the header records it ("all", "cgroup=/app comm=a,b user=33"; "" = none).
  std::string SelectionText() const;
  std::vector<std::string> command;
  // Poll for the next stop this long before blocking in waitpid: a tracer that sleeps leaves
  // its CPU idle, and waking an idle CPU for every stop is what makes ptrace slow on a
  // multi-CPU (and especially a virtual) machine. kSpinAuto: up to 50 us, adaptive (it backs
  // off while the tracees are quiet) and only when the recorder may run on more than one CPU.
  // 0: never spin.
  static constexpr int kSpinAuto = -1;
  int spin_us = kSpinAuto;
  // How to trace: stop the tracees at every syscall (ptrace: complete buffers, works for any
  // user allowed to ptrace) or record from the kernel without stopping them (eBPF: far less
  // overhead; root or CAP_BPF+CAP_PERFMON; see README "Recording with eBPF"). kAuto: eBPF
  // where it loads, else ptrace; Record says which on stderr (unless quiet) and in the header.
  enum class Backend { kAuto, kPtrace, kBpf };
  Backend backend = Backend::kAuto;
  bool quiet = false;        // no note on stderr when kAuto falls back to ptrace
  std::string backend_note;  // set by Record for kAuto: why this backend (in the header)
  // The eBPF ring buffer's size (a power of two). The recorder maps it whole: its resident
  // memory grows by twice this.
  uint32_t bpf_ring_mib = 8;
  // The eBPF backend's table of followed threads (its hash map's size: a larger one takes
  // longer to create, about 2.5 ms for the default here).
  uint32_t bpf_max_threads = 65536;
  // --recorder-cpus auto: with a command to start, the command keeps the affinity
  // strec-record was started with (taskset) while the writer thread may use every CPU allowed
  // to it, and with the eBPF backend the reading thread too (a ptrace tracer stays beside its
  // tracees: waking another CPU at every stop costs more). false (inherit): all stay.
  bool recorder_all_cpus = true;
  // writer.zstd_level 0: the backend's default, 6 for ptrace and 1 for eBPF (where the
  // recorder's own CPU time is most of the cost and level 1 compresses as well).
  format::WriterOptions writer;
};

struct RecordResult {
  Status status;      // a failure of the recorder itself
  int exit_code = 0;  // what strec-record exits with (the command's status)
  std::string path;
  std::vector<std::string> files;  // with rotation: every file on disk, in order
  uint32_t files_deleted = 0;      // with --max-files: the oldest files deleted
  uint64_t events_deleted = 0;     // and the events they held
  bool flight = false;             // --flight-recorder: files are its dumps
  uint64_t flight_dropped = 0;     // events its ring dropped before the dumps (noted in them)
  uint64_t events = 0, syscalls = 0, bytes = 0;
  uint64_t stops = 0;                       // ptrace stops handled
  uint64_t spin_hits = 0, spin_misses = 0;  // waits a spin ended; spins that timed out
  uint64_t vm_reads = 0, read_failures = 0;
  uint64_t processes_selected = 0;   // processes the selection (-a, --cgroup, ...) took up
  uint64_t lost = 0;                 // stops that could not be decoded (each recorded as a Loss)
  uint64_t unwritten = 0;            // events that never reached the file (a write failed)
  int detached_by_signal = 0;        // the signal that made the recorder detach, if any
  std::string backend;               // the backend that recorded: "ptrace" or "bpf"
  bool backend_unavailable = false;  // the eBPF backend could not load (status says why)
};

// Blocks until every tracee has exited or been detached; the trace is closed on return.
RecordResult Record(const RecordOptions& options);

// The main of strec-record (CLI11 parsing lives in cli.cc).
int RecordMain(int argc, char** argv);

}  // namespace strec::record

#endif  // STREC_RECORD_RECORDER_H_
