#include "process_util.h"

#include "fd_details.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

namespace strec::record {

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + ts.tv_nsec;
}

format::HeaderInfo RecordHeader(const RecordOptions& options) {
  format::HeaderInfo h = format::HeaderInfo::ForThisHost();
  h.command = options.command;
  h.attached_pids.assign(options.attach.begin(), options.attach.end());
  h.snaplen = options.snaplen;
  h.trace_expr = options.trace_expr;
  h.follow_forks = options.follow;
  h.capture_env = options.capture_env;
  h.backend_note = options.backend_note;
  h.selection = options.SelectionText();
  return h;
}

int CommandExitCode(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

int WaitForCommand(pid_t pid) {
  int status = 0;
  pid_t got;
  while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  return got == pid ? CommandExitCode(status) : -1;
}

void SetExitStatus(int wait_status, format::ExitRecord* e) {
  e->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 0;
  e->signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  e->core_dumped = WIFSIGNALED(wait_status) && WCOREDUMP(wait_status);
}

void FinishRecording(const RecordOptions& options,
                     format::TraceWriter* writer,
                     int command_exit_code,
                     bool started,
                     RecordResult* result) {
  Status closed = writer->Close();
  if (result->status.ok())
    result->status = closed;
  if (!started && !result->path.empty()) {
    unlink(result->path.c_str());  // ours: OpenTrace created it new
    result->path.clear();
  }
  result->files = writer->paths();
  result->flight = options.writer.flight_bytes != 0;
  result->flight_dropped = writer->flight_dropped();
  result->files_deleted = writer->files_deleted();
  result->events_deleted = writer->events_deleted();
  result->events = writer->events();
  result->syscalls = writer->syscalls();
  result->bytes = writer->bytes_written();
  result->unwritten = writer->events_lost();
  if (result->detached_by_signal)
    result->exit_code = 128 + result->detached_by_signal;
  else if (!options.command.empty())
    result->exit_code = command_exit_code;
  else
    result->exit_code = 0;
  if (!result->status.ok() && result->exit_code == 0)
    result->exit_code = 1;
}

namespace {

// Reads each process's fds; the records view the returned storage.
std::vector<format::FdSnapshotRecord> Snapshots(const std::vector<pid_t>& pids,
                                                uint64_t now_ns,
                                                std::vector<ProcessFds>* storage) {
  storage->clear();
  storage->reserve(pids.size());
  std::vector<format::FdSnapshotRecord> out;
  for (pid_t pid : pids) {
    ProcessFds f = ReadProcessFds(pid);
    if (!f.read)
      continue;  // gone already (the eBPF recorder reaches a seam after the fact): an empty
                 // snapshot would tell readers it had no fds
    storage->push_back(std::move(f));
    const ProcessFds& kept = storage->back();
    out.push_back(kept.Record(pid, now_ns));
  }
  return out;
}

}  // namespace

bool NewFileDue(const format::TraceWriter& writer) {
  // The request is taken even when a rotation is due: the flight recorder does not rotate.
  bool asked = TakeDumpRequest();
  return writer.RotationDue() || writer.DumpDue() || asked;
}

Status NewFile(format::TraceWriter* writer, const std::vector<pid_t>& pids, uint64_t now_ns) {
  std::vector<ProcessFds> storage;
  std::vector<format::FdSnapshotRecord> live = Snapshots(pids, now_ns, &storage);
  if (writer->flight_recorder())
    return writer->Dump(live);
  RETURN_IF_ERROR(writer->Rotate());
  for (const format::FdSnapshotRecord& s : live)
    writer->Add(s);
  return OkStatus();
}

std::string ReadLink(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

pid_t TracerOf(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("TracerPid:", 0) == 0)
      return static_cast<pid_t>(std::strtol(line.c_str() + 10, nullptr, 10));
  return 0;
}

std::string ProcessName(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name.empty() ? "?" : name;
}

std::vector<pid_t> ListTasks(pid_t pid) {
  std::vector<pid_t> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d)
    return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9')
      continue;
    out.push_back(static_cast<pid_t>(atoi(e->d_name)));
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string ResolveCommand(const std::string& name, int* exit_code, std::string* error) {
  auto check = [&](const std::string& p) -> int {
    struct stat st;
    if (stat(p.c_str(), &st) != 0)
      return ENOENT;
    if (S_ISDIR(st.st_mode))
      return EISDIR;
    if (access(p.c_str(), X_OK) != 0)
      return EACCES;
    return 0;
  };
  if (name.find('/') != std::string::npos) {
    int err = check(name);
    if (err == 0)
      return name;
    *exit_code = err == ENOENT ? 127 : 126;
    *error = "cannot run '" + name + "': " + strerror(err);
    return "";
  }
  const char* path_env = getenv("PATH");
  std::string paths = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  int last = ENOENT;
  size_t start = 0;
  while (start <= paths.size()) {
    size_t end = paths.find(':', start);
    if (end == std::string::npos)
      end = paths.size();
    std::string dir = paths.substr(start, end - start);
    std::string p = (dir.empty() ? "." : dir) + "/" + name;
    int err = check(p);
    if (err == 0)
      return p;
    if (err != ENOENT)
      last = err;
    start = end + 1;
  }
  *exit_code = last == ENOENT ? 127 : 126;
  *error = last == ENOENT ? "cannot run '" + name + "': command not found"
                          : "cannot run '" + name + "': " + strerror(last);
  return "";
}

std::string DefaultOutputName(const std::vector<std::string>& command,
                              const std::vector<pid_t>& attach) {
  std::string base = "strec";
  if (!command.empty()) {
    std::string c = command[0].substr(command[0].rfind('/') + 1);
    std::string safe;
    for (char ch : c)
      safe += (isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_') ? ch : '_';
    if (!safe.empty())
      base = safe;
  } else if (!attach.empty()) {
    base = "pid" + std::to_string(attach[0]);
  }
  time_t now = time(nullptr);
  tm tm;
  localtime_r(&now, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  return base + "-" + stamp;
}

bool WidenAffinity(cpu_set_t* saved) {
  if (sched_getaffinity(0, sizeof *saved, saved) != 0)
    return false;
  cpu_set_t all;
  CPU_ZERO(&all);
  for (int i = 0; i < CPU_SETSIZE; i++)
    CPU_SET(i, &all);
  return sched_setaffinity(0, sizeof all, &all) == 0;  // the kernel keeps the allowed ones
}

namespace {

// While it lives, the calling thread may run on every CPU allowed to it (the threads it starts
// inherit that); then it gets its own affinity back.
class AnyCpu {
 public:
  explicit AnyCpu(bool on) : widened_(on && WidenAffinity(&saved_)) {}
  ~AnyCpu() {
    if (widened_)
      sched_setaffinity(0, sizeof saved_, &saved_);
  }
  AnyCpu(const AnyCpu&) = delete;
  AnyCpu& operator=(const AnyCpu&) = delete;

 private:
  cpu_set_t saved_;
  bool widened_;
};

}  // namespace

StatusOr<std::unique_ptr<format::TraceWriter>> OpenTrace(const RecordOptions& options,
                                                         const format::HeaderInfo& header,
                                                         std::string* path) {
  // The writer thread (compression, writes) need not share a pinned tracer's CPU: with a command
  // to start, it may run anywhere allowed (--recorder-cpus auto). This thread stays put.
  AnyCpu spread(options.recorder_all_cpus && !options.command.empty());
  format::WriterOptions wo = options.writer;
  if (!options.output.empty()) {
    auto w = format::TraceWriter::Create(options.output, header, wo);
    if (w.ok())
      *path = (*w)->path();  // with rotation, its first part
    return w;
  }
  wo.replace = false;  // a name of its own choosing: the next free one
  std::string base = DefaultOutputName(options.command, options.attach);
  for (int i = 0;; i++) {
    *path = base;
    if (i) {
      path->push_back('-');
      path->append(std::to_string(i));
    }
    path->append(".strec");
    auto w = format::TraceWriter::Create(*path, header, wo);
    std::string made = format::FirstFilePath(*path, wo);
    if (w.ok())
      *path = made;
    if (w.ok() || i > 1000 || access(made.c_str(), F_OK) != 0)
      return w;
  }
}

namespace {

constexpr int kStopSignals[4] = {SIGINT, SIGTERM, SIGHUP, SIGXFSZ};
bool g_inherited_ignored[4];  // SIG_IGN when strec-record started
bool g_catching = false;
volatile sig_atomic_t g_stop_signal = 0;

void OnStopSignal(int sig) {
  g_stop_signal = sig;
}

}  // namespace

void CatchStopSignals() {
  if (g_catching)
    return;
  g_catching = true;
  struct sigaction sa = {}, old = {};
  for (int i = 0; i < 4; i++) {
    sa.sa_handler = kStopSignals[i] == SIGXFSZ ? [](int) {} : OnStopSignal;
    sigaction(kStopSignals[i], &sa, &old);
    g_inherited_ignored[i] = old.sa_handler == SIG_IGN;
  }
}

int StopSignalReceived() {
  return g_stop_signal;
}

namespace {
volatile sig_atomic_t g_dump_requested = 0;
bool g_catching_dump = false, g_dump_inherited_ignored = false;
}  // namespace

void CatchDumpSignal() {
  if (g_catching_dump)
    return;
  g_catching_dump = true;
  struct sigaction sa = {}, old = {};
  sa.sa_handler = [](int) { g_dump_requested = 1; };
  sigaction(SIGUSR1, &sa, &old);
  g_dump_inherited_ignored = old.sa_handler == SIG_IGN;
}

bool TakeDumpRequest() {
  if (!g_dump_requested)
    return false;
  g_dump_requested = 0;
  return true;
}

void RestoreInheritedSignals() {
  if (g_catching_dump)
    signal(SIGUSR1, g_dump_inherited_ignored ? SIG_IGN : SIG_DFL);
  if (!g_catching)
    return;
  for (int i = 0; i < 4; i++)
    signal(kStopSignals[i], g_inherited_ignored[i] ? SIG_IGN : SIG_DFL);
}

Status CheckAttachPid(pid_t pid) {
  if (pid <= 0)
    return InvalidArgument("invalid pid " + std::to_string(pid));
  if (pid == getpid())
    return InvalidArgument("pid " + std::to_string(pid) + " is strec-record itself");
  return OkStatus();
}

StatusOr<ForkedCommand> ForkCommand(const std::string& resolved,
                                    const std::vector<std::string>& command,
                                    int (*before_exec)(void*),
                                    void* arg) {
  std::vector<char*> argv;
  for (const auto& a : command)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0)
    return ErrnoStatus("pipe", errno);
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(go[0]);
    close(go[1]);
    return ErrnoStatus("fork", err);
  }
  if (pid == 0) {
    close(go[1]);
    char c;
    ssize_t n;
    while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1)
      _exit(126);  // the recorder went away without releasing it
    RestoreInheritedSignals();
    if (before_exec && before_exec(arg) != 0)
      _exit(126);
    execv(resolved.c_str(), argv.data());
    int err = errno;
    dprintf(2, "strec-record: cannot run '%s': %s\n", argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
  }
  close(go[0]);
  return ForkedCommand{pid, go[1]};
}

void AbandonCommand(const ForkedCommand& c) {
  kill(c.pid, SIGKILL);
  waitpid(c.pid, nullptr, 0);
  close(c.go_write);
}

Status ReleaseCommand(int go_write) {
  ssize_t n = write(go_write, "g", 1);
  int err = errno;
  close(go_write);
  return n == 1 ? OkStatus() : ErrnoStatus("pipe write", err);
}

namespace {

// The fds of process pid; with inherited (pid being this process), only those a command forked
// from here keeps through its execve: not the close-on-exec ones.
ProcessFds ReadFds(pid_t pid, bool inherited) {
  ProcessFds out;
  std::string proc = "/proc/" + std::to_string(pid), dir = proc + "/fd";
  if (DIR* d = opendir(dir.c_str())) {
    out.read = true;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9')
        continue;
      int fd = atoi(e->d_name);
      if (inherited) {
        int flags = fcntl(fd, F_GETFD);
        if (flags < 0 || (flags & FD_CLOEXEC))
          continue;
      }
      out.fds.emplace_back(fd, ReadLink(dir + "/" + e->d_name));
    }
    closedir(d);
  }
  std::sort(out.fds.begin(), out.fds.end());
  // strace -yy's details: sockets looked up together (a server may hold thousands).
  FdDetailReader reader;
  std::vector<FdDetailReader::Entry> details(out.fds.size());
  for (size_t i = 0; i < out.fds.size(); i++)
    if (auto d = reader.Read(pid, out.fds[i].first, out.fds[i].second, false))
      details[i].bytes = std::move(*d);
  reader.Resolve(details);
  for (FdDetailReader::Entry& d : details)
    out.details.push_back(std::move(d.bytes));
  for (size_t i = 0; i < out.fds.size(); i++)
    out.entries.push_back({out.fds[i].first, out.fds[i].second, out.details[i]});
  out.cwd = ReadLink(proc + "/cwd");
  if (!inherited) {
    std::ifstream cmdline(proc + "/cmdline", std::ios::binary);
    for (std::string arg; std::getline(cmdline, arg, '\0');)
      out.argv.push_back(arg);
    for (const std::string& a : out.argv)
      out.argv_views.push_back(a);
  }
  out.cgroup = ProcessCgroup(pid);
  return out;
}

// Where cgroup v2 is mounted ("/sys/fs/cgroup", or "/sys/fs/cgroup/unified" on a hybrid
// system); "" when it is not.
std::string Cgroup2Mount() {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0)
      continue;
    // id parent major:minor root MOUNTPOINT ...
    size_t at = 0;
    for (int field = 0; field < 4 && at != std::string::npos; field++)
      at = line.find(' ', at + 1);
    if (at == std::string::npos)
      continue;
    size_t end = line.find(' ', at + 1);
    std::string raw = line.substr(at + 1, end - at - 1), out;
    for (size_t i = 0; i < raw.size(); i++) {  // \040 and the like
      if (raw[i] == '\\' && i + 3 < raw.size()) {
        out += static_cast<char>(std::strtol(raw.substr(i + 1, 3).c_str(), nullptr, 8));
        i += 3;
      } else {
        out += raw[i];
      }
    }
    return out;
  }
  return "";
}

}  // namespace

std::string ProcessCgroup(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("0::", 0) == 0)
      return line.substr(3);
  return "";
}

StatusOr<std::string> CgroupDirectory(const std::string& given) {
  std::string mount = Cgroup2Mount();
  if (mount.empty())
    return NotFound("cgroup v2 is not mounted here (no cgroup2 in /proc/self/mountinfo)");
  std::string dir = given;
  if (dir.rfind(mount + "/", 0) != 0 && dir != mount)
    dir = mount + (given.empty() || given[0] != '/' ? "/" : "") + given;
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  struct stat st;
  if (stat((dir + "/cgroup.procs").c_str(), &st) != 0)
    return NotFound(dir + " is not a cgroup v2 directory (" + strerror(errno) + ")");
  return dir;
}

std::string CgroupPath(const std::string& directory) {
  std::string mount = Cgroup2Mount();
  if (!mount.empty() && directory.rfind(mount, 0) == 0) {
    std::string rel = directory.substr(mount.size());
    return rel.empty() ? "/" : rel;
  }
  return directory;
}

std::string RecordOptions::SelectionText() const {
  if (all_processes)
    return "all";
  std::string out;
  auto add = [&out](const char* what, const std::vector<std::string>& values) {
    if (values.empty())
      return;
    if (!out.empty())
      out += ' ';
    out += what;
    out += '=';
    for (size_t i = 0; i < values.size(); i++) {
      if (i)
        out += ',';
      out += values[i];
    }
  };
  std::vector<std::string> paths;
  for (const std::string& dir : cgroups)
    paths.push_back(CgroupPath(dir));
  add("cgroup", paths);
  add("comm", comms);
  if (uid >= 0)
    add("user", {std::to_string(uid)});
  return out;
}

ProcessFds ReadProcessFds(pid_t pid) {
  return ReadFds(pid, false);
}

ProcessFds InheritedFds() {
  return ReadFds(getpid(), true);
}

}  // namespace strec::record
