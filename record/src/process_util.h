// What both recorder backends (ptrace: recorder.cc, eBPF: bpf_recorder.cc) need around the
// tracing itself: finding the command, naming and opening the trace, reading /proc.
#ifndef STREC_RECORD_SRC_PROCESS_UTIL_H_
#define STREC_RECORD_SRC_PROCESS_UTIL_H_

#include <sched.h>
#include <signal.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strec/format/event.h"
#include "strec/format/status.h"
#include "strec/format/trace_writer.h"
#include "strec/record/recorder.h"

namespace strec::record {

// CLOCK_MONOTONIC in nanoseconds (the clock of trace event times).
uint64_t MonotonicNs();

// The header of a trace recorded with these options (host facts, command, settings); the
// backend sets what only it knows (backend, seccomp_filter).
format::HeaderInfo RecordHeader(const RecordOptions& options);

// What strec-record exits with for a command that ended with this wait status: its exit
// status, or 128+N if signal N killed it.
int CommandExitCode(int wait_status);

// Waits for the command (retrying on EINTR); CommandExitCode of its status, or -1 when it is
// not ours to wait for.
int WaitForCommand(pid_t pid);

// status, signal and core_dumped of an Exit record, from a wait status.
void SetExitStatus(int wait_status, format::ExitRecord* e);

// Closes the trace and fills *result: the counts, the first error, and the exit code
// (128+N when detached by signal N; else the command's, or 0 for -p alone; 1 rather than 0
// after an error). When the recording never started (an attach or the command's start
// failed), the file is removed, as when the command is not found: it would hold only a header.
void FinishRecording(const RecordOptions& options,
                     format::TraceWriter* writer,
                     int command_exit_code,
                     bool started,
                     RecordResult* result);

// readlink(2) into a string ("" on failure).
std::string ReadLink(const std::string& path);

// The thread ids of a process (/proc/PID/task), sorted.
std::vector<pid_t> ListTasks(pid_t pid);

// The process that ptraces `tid` (TracerPid in /proc/TID/status); 0 if none or unknown.
pid_t TracerOf(pid_t tid);

// A process's command name (/proc/PID/comm), "?" if it cannot be read.
std::string ProcessName(pid_t pid);

// PATH lookup as execvp does it, done before forking so that a missing command gives a clear
// error and exit status 127 (126 when found but not executable). "" on failure.
std::string ResolveCommand(const std::string& name, int* exit_code, std::string* error);

// COMMAND-YYYYmmdd-HHMMSS (or pidN-...), without the .strec.
std::string DefaultOutputName(const std::vector<std::string>& command,
                              const std::vector<pid_t>& attach);

// Lets the calling thread run on every CPU allowed to it (threads it starts inherit that);
// *saved gets the affinity it had. False, with nothing changed, when that cannot be done.
bool WidenAffinity(cpu_set_t* saved);

// Creates options.output, or a new file in the current directory that does not exist yet
// when no output was given; *path is the file's name. The writer's thread may run on every CPU
// allowed to the recorder when options.recorder_all_cpus and there is a command to start.
StatusOr<std::unique_ptr<format::TraceWriter>> OpenTrace(const RecordOptions& options,
                                                         const format::HeaderInfo& header,
                                                         std::string* path);

// The stop signals, caught from the first thing strec-record's main does, whatever
// disposition it inherited (a job started with & inherits SIGINT ignored): one sent while the
// recorder starts up, attaches or loads is never lost. SIGINT, SIGTERM and SIGHUP are recorded
// for StopSignalReceived (without SA_RESTART, so that a blocking wait returns EINTR); SIGXFSZ
// is caught so that a file size limit makes a write fail with EFBIG instead of killing the
// recorder. Stays installed; calling it again does nothing. Main thread, before other threads.
void CatchStopSignals();

// The stop signal received since CatchStopSignals (the last one), 0 if none.
int StopSignalReceived();

// The flight recorder's SIGUSR1: caught (without SA_RESTART) once asked for; TakeDumpRequest()
// says whether one came since it was last asked, and forgets it.
void CatchDumpSignal();
bool TakeDumpRequest();

// In a forked command, before its execve (async-signal-safe): the dispositions strec-record
// inherited for those signals, so that the command starts with what it would have had
// untraced (an ignored SIGINT stays ignored; a handler would only become SIG_DFL).
void RestoreInheritedSignals();

// --cgroup: the cgroup v2 directory named by `given`, a path under the cgroup2 mount or relative
// to it; an error saying why when it is not one.
StatusOr<std::string> CgroupDirectory(const std::string& given);
// The cgroup v2 path of a process ("0::" in /proc/PID/cgroup), "" if unknown.
std::string ProcessCgroup(pid_t pid);
// The cgroup v2 path of such a directory ("/system.slice/x.service"), as /proc/PID/cgroup says.
std::string CgroupPath(const std::string& directory);

// Why pid cannot be attached to (not positive, the recorder itself); OK otherwise.
Status CheckAttachPid(pid_t pid);

// A command forked by ForkCommand: it waits, before its execve, for ReleaseCommand.
struct ForkedCommand {
  pid_t pid = -1;
  int go_write = -1;  // the pipe's write end (close-on-exec)
};

// Forks `command` (argv[0] found at `resolved`). The child waits for a byte on a pipe, then
// calls before_exec(arg) if given (non-zero: it said why on stderr; the child exits 126), then
// execs; a failed exec exits 127 (not found) or 126 after a message. Nothing is allocated in
// the child.
StatusOr<ForkedCommand> ForkCommand(const std::string& resolved,
                                    const std::vector<std::string>& command,
                                    int (*before_exec)(void*) = nullptr,
                                    void* arg = nullptr);

// Lets a forked command go on to its execve; closes go_write.
Status ReleaseCommand(int go_write);

// Kills and reaps a forked command that will not be released; closes go_write.
void AbandonCommand(const ForkedCommand& c);

// The open fds (readlink of /proc/PID/fd/N, by fd), working directory, command line and cgroup
// of a process: what an FdSnapshot records of it.
struct ProcessFds {
  bool read = false;  // /proc/PID/fd could be read (the process exists)
  std::vector<std::pair<int, std::string>> fds;
  std::vector<std::string> details;            // what strace -yy shows of fds[i] (FdDetail)
  std::vector<format::FdEntryRecord> entries;  // views of fds and details
  std::string cwd;
  std::vector<std::string> argv;  // /proc/PID/cmdline (empty for InheritedFds)
  std::vector<std::string_view> argv_views;
  std::string cgroup;  // the cgroup v2 path ("0::" in /proc/PID/cgroup), "" if unknown

  // The snapshot record of process pid (views into this).
  format::FdSnapshotRecord Record(pid_t pid, uint64_t time_ns) const {
    return format::FdSnapshotRecord{pid, pid, entries, time_ns, cwd, argv_views, cgroup};
  }
};
ProcessFds ReadProcessFds(pid_t pid);

// Rotation and the flight recorder, for both backends: the next file with an fd snapshot of
// each of `pids` (the processes traced now) at now_ns, or the flight recorder's dump introduced
// by such snapshots.
// NewFileDue: whether one is due (a size, a duration, a trigger, or a SIGUSR1, which it takes);
// NewFile: the one that is (after the recorder's held record is written).
bool NewFileDue(const format::TraceWriter& writer);
Status NewFile(format::TraceWriter* writer, const std::vector<pid_t>& pids, uint64_t now_ns);
// This process's fds that a command it forks keeps through its execve, and its working
// directory: what that command starts with. The close-on-exec ones (the recorder's trace, BPF
// objects and pipes) are left out.
ProcessFds InheritedFds();

}  // namespace strec::record

#endif  // STREC_RECORD_SRC_PROCESS_UTIL_H_
