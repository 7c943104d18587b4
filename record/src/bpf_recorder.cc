// The eBPF backend of strec-record (--backend=bpf): the BPF program in record/bpf/strec.bpf.c
// records syscall entries and exits of the traced threads, with their buffers, and their
// forks, execs, signals and exits, into a ring buffer; this file loads it, starts the command
// or adds the attached processes, and turns the ring's records into trace events. The traced
// program never stops: nothing waits for the recorder.
//
// What differs from the ptrace backend (README "Recording with eBPF"): a record the ring has
// no room for is lost (counted in a Loss event, never silently); irregular arguments keep what
// their request, command or length describes; the paths of new fds come from the kernel's
// dentries at the call's exit; signals that a process ignores are recorded when sent (the
// kernel discards them before delivery).
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "process_util.h"
#include "strec/format/fd_detail.h"
#include "strec/record/bpf_recorder.h"
#include "strec/record/capture.h"
#include "strec_bpf.h"
#include "strec_min_btf.h"

// After strec_bpf.h: the skeleton's .rodata holds its struct strec_spec.
#include "strec.skel.h"

namespace strec::record {

using fb::SyscallPhase;
using format::ArgKind;
using format::BufferRecord;

namespace {

constexpr uint32_t kTaskRecording = 2, kTaskWaitExec = 4, kTaskAttached = 8,  // strec.bpf.c
    kTaskSelectAtExec = 16;
struct BpfTask {  // struct task of strec.bpf.c
  uint32_t tgid, flags, retry;
  int32_t nr;
  uint32_t saved;
};

// The capture of the irregular (kSpecial) arguments that a length or a fixed size describes.
bool SpecialCap(int nr, int arg, bool capture_env, strec_arg_cap* c) {
  auto set = [&](uint8_t cap, uint8_t len, uint32_t size) {
    c->cap = cap;
    c->len = len;
    c->elem = 0;
    c->size = size;
    return true;
  };
  switch (nr) {
    case __NR_execve:
    case __NR_execveat:
      if (arg == (nr == __NR_execve ? 2 : 3))
        return set(capture_env ? STREC_CAP_STRARRAY : STREC_CAP_COUNT, STREC_LEN_NONE, 0);
      break;
    case __NR_connect:
    case __NR_bind:
      if (arg == 1)
        return set(STREC_CAP_IN, 2, 128);  // sockaddr, length arg 2, kept whole
      break;
    case __NR_setsockopt:
      if (arg == 3)  // optval, length arg 4, cut to the snap length; a socket filter's program
        return set(STREC_CAP_SOCKOPT_IN, 4, 0);
      break;
    case __NR_futex:
      if (arg == 3)
        return set(STREC_CAP_FUTEX_TIMEOUT, STREC_LEN_NONE, 0);
      break;
    case __NR_fcntl:
      if (arg == 2)
        return set(STREC_CAP_FCNTL, STREC_LEN_NONE, 0);
      break;
    case __NR_sendto:
      if (arg == 4)
        return set(STREC_CAP_IN, 5, 128);
      break;
    case __NR_wait4:
      if (arg == 1)
        return set(STREC_CAP_OUT, STREC_LEN_NONE, 4);
      if (arg == 3)
        return set(STREC_CAP_OUT, STREC_LEN_NONE, 144);
      break;
    case __NR_getdents:
    case __NR_getdents64:
      if (arg == 1)
        return set(STREC_CAP_OUT, STREC_LEN_RET, STREC_READ_MAX);
      break;
    case __NR_clone3:
      if (arg == 0) {
        set(STREC_CAP_EXT, 1, 88);
        c->elem = STREC_EXT_CLONE3;
        return true;
      }
      break;
    case __NR_openat2:
      if (arg == 2)
        return set(STREC_CAP_EXT, 3, 24);  // struct open_how, size arg 3
      break;
    case __NR_sched_setattr:
    case __NR_sched_getattr:
      if (arg == 1) {  // struct sched_attr, its size in itself (set) or arg 2 (get)
        set(STREC_CAP_EXT, 2, 56);
        c->elem = nr == __NR_sched_setattr ? STREC_EXT_SCHED_SET : STREC_EXT_SCHED_GET;
        return true;
      }
      break;
    case __NR_rt_sigtimedwait:
      if (arg == 0)
        return set(STREC_CAP_IN, STREC_LEN_NONE, 8);
      if (arg == 1)
        return set(STREC_CAP_OUT, STREC_LEN_NONE, 128);
      if (arg == 2)
        return set(STREC_CAP_IN, STREC_LEN_NONE, 16);
      break;
    case __NR_sendmsg:
      if (arg == 1)
        return set(STREC_CAP_MSGHDR_IN, STREC_LEN_NONE, 0);
      break;
    case __NR_recvmsg:
      if (arg == 1)
        return set(STREC_CAP_MSGHDR_OUT, STREC_LEN_NONE, 0);
      break;
    case __NR_sendmmsg:
    case __NR_recvmmsg:
      if (arg == 1)
        return set(STREC_CAP_MMSG, STREC_LEN_NONE, 0);
      break;
    case __NR_ioctl:
      if (arg == 2)
        return set(STREC_CAP_IOCTL, STREC_LEN_NONE, 0);
      break;
    case __NR_accept:
    case __NR_accept4:
    case __NR_getsockname:
    case __NR_getpeername:
      if (arg == 1)
        return set(STREC_CAP_ADDR_OUT, 2, 128);  // the sockaddr, as long as *arg 2 says
      if (arg == 2)
        return set(STREC_CAP_INOUT, STREC_LEN_NONE, 4);  // the socklen
      break;
    case __NR_recvfrom:
      if (arg == 4)
        return set(STREC_CAP_ADDR_OUT, 5, 128);
      if (arg == 5)
        return set(STREC_CAP_INOUT, STREC_LEN_NONE, 4);
      break;
    case __NR_getsockopt:
      if (arg == 3)  // the value, cut to the snap length; SO_GET_FILTER's instructions
        return set(STREC_CAP_SOCKOPT_OUT, 4, 0);
      if (arg == 4)
        return set(STREC_CAP_INOUT, STREC_LEN_NONE, 4);
      break;
    case __NR_quotactl:
    case __NR_quotactl_fd:
      if (arg == 3)  // the address, by the command (arg 0 or 1)
        return set(STREC_CAP_QUOTA, nr == __NR_quotactl ? 0 : 1, 0);
      break;
    case __NR_mbind:
      if (arg == 3)
        return set(STREC_CAP_NODEMASK, 4, 0);  // maxnode arg 4, at entry
      break;
    case __NR_set_mempolicy:
      if (arg == 1)
        return set(STREC_CAP_NODEMASK, 2, 0);
      break;
    case __NR_migrate_pages:
      if (arg == 2 || arg == 3)
        return set(STREC_CAP_NODEMASK, 1, 0);
      break;
    case __NR_get_mempolicy:
      if (arg == 1) {
        set(STREC_CAP_NODEMASK, 2, 0);
        c->elem = 1;  // written by the kernel: at exit
        return true;
      }
      break;
    case __NR_semop:
    case __NR_semtimedop:
      if (arg == 1) {  // struct sembuf[arg 2] (its high 32 bits not cut: a count that has them
                       // is too large to be captured)
        set(STREC_CAP_IN, 2, 0);
        c->elem = 6;
        return true;
      }
      break;
    case __NR_msgsnd:
      if (arg == 1)
        return set(STREC_CAP_MSGBUF, 2, 0);  // struct msgbuf with arg 2 bytes of text
      break;
    case __NR_msgrcv:
      if (arg == 1) {
        set(STREC_CAP_MSGBUF, 2, 0);
        c->elem = 1;  // written by the kernel: at exit
        return true;
      }
      break;
    case __NR_mincore:
      if (arg == 2)
        return set(STREC_CAP_PAGES, 1, 0);  // a byte per page of arg 1
      break;
    case __NR_select:
    case __NR_pselect6:
      if (arg >= 1 && arg <= 3)
        return set(STREC_CAP_FDSET, 0, 0);
      if (arg == 4)  // the timeout: select writes back what is left, pselect6 does not
        return set(nr == __NR_select ? STREC_CAP_INOUT : STREC_CAP_IN, STREC_LEN_NONE, 16);
      if (arg == 5 && nr == __NR_pselect6)
        return set(STREC_CAP_SIGSET_ARG, STREC_LEN_NONE, 0);
      break;
    default:
      break;
  }
  return false;
}

strec_spec BpfSpecFor(const format::SyscallInfo* info, bool traced, bool capture_env) {
  strec_spec s = {};
  s.traced = traced;
  if (!info)
    return s;
  if (info->classes & format::kReturnsFd)
    s.flags |= STREC_SPEC_RET_FD;
  if (info->nr == __NR_fcntl)
    s.flags |= STREC_SPEC_FCNTL;
  if (info->classes & format::kChangesCwd)
    s.flags |= STREC_SPEC_CWD;
  if (info->nr == __NR_recvmsg)
    s.flags |= STREC_SPEC_SCM_RIGHTS;
  for (int i = 0; i < info->nargs && i < 6; i++) {
    const format::ArgSpec& a = info->args[i];
    if (a.kind == ArgKind::kOutStruct && a.param && std::strcmp(a.param, "fd_pair") == 0)
      s.flags |= STREC_SPEC_FD_PAIR | (static_cast<uint32_t>(i) << 8);
    if (a.kind == ArgKind::kInt || a.kind == ArgKind::kUInt)  // as format::LengthArg
      s.int_args |= 1u << i;
    strec_arg_cap& c = s.args[i];
    c.len = a.len < 7 ? a.len : STREC_LEN_NONE;
    uint32_t size = format::StructSize(a.param ? a.param : "");
    switch (a.kind) {
      case ArgKind::kPath:
      case ArgKind::kString:
        c.cap = STREC_CAP_STR;
        c.size = size ? size + 1 : 4096;  // room for the NUL; a struct param limits the string
        break;
      case ArgKind::kInData:
        c.cap = STREC_CAP_IN;
        break;
      case ArgKind::kOutData:
        c.cap = STREC_CAP_OUT;
        break;
      case ArgKind::kInStruct:
      case ArgKind::kOutStruct:
      case ArgKind::kInOutStruct:
        if (!size)
          break;
        if (a.kind == ArgKind::kInStruct && std::strcmp(a.param, "sock_fprog") == 0) {
          c.cap = STREC_CAP_FPROG;  // and its program
          c.len = STREC_LEN_NONE;
          c.size = size;
          break;
        }
        c.cap = a.kind == ArgKind::kInStruct    ? STREC_CAP_IN
                : a.kind == ArgKind::kOutStruct ? STREC_CAP_OUT
                                                : STREC_CAP_INOUT;
        c.len = STREC_LEN_NONE;
        c.size = size;
        break;
      case ArgKind::kInArray:
      case ArgKind::kOutArray:
      case ArgKind::kInOutArray:
        if (!size || size > 0xffff)
          break;
        c.cap = a.kind == ArgKind::kInArray    ? STREC_CAP_IN
                : a.kind == ArgKind::kOutArray ? STREC_CAP_OUT
                                               : STREC_CAP_INOUT;
        c.elem = static_cast<uint16_t>(size);
        break;
      case ArgKind::kInIovec:
        c.cap = STREC_CAP_IN_IOV;
        break;
      case ArgKind::kOutIovec:
        c.cap = STREC_CAP_OUT_IOV;
        break;
      case ArgKind::kStrArray:
        c.cap = STREC_CAP_STRARRAY;
        c.len = STREC_LEN_NONE;
        break;
      case ArgKind::kSpecial:
        if (SpecialCap(info->nr, i, capture_env, &c))
          break;
        c = {};
        // Captured by the selector's value (variants.def): looked up in variant_caps.
        if (!format::VariantsOf(info->nr).empty()) {
          c.cap = STREC_CAP_VARIANT;
          c.len = format::VariantsOf(info->nr).front().selector;
        }
        break;
      default:
        break;
    }
    if ((c.cap == STREC_CAP_IN || c.cap == STREC_CAP_OUT || c.cap == STREC_CAP_INOUT ||
         c.cap == STREC_CAP_ADDR_OUT || c.cap == STREC_CAP_FDSET || c.cap == STREC_CAP_IN_IOV ||
         c.cap == STREC_CAP_OUT_IOV) &&
        c.len == STREC_LEN_NONE && c.size == 0)
      c = {};  // nothing says how long it is
    // Which phase reads it (the cases of enter_arg_body and exit_arg_body in strec.bpf.c).
    switch (c.cap) {
      case STREC_CAP_NONE:
        break;
      case STREC_CAP_OUT:
      case STREC_CAP_OUT_IOV:
      case STREC_CAP_ADDR_OUT:
      case STREC_CAP_PAGES:
      case STREC_CAP_SOCKOPT_OUT:
        s.exit_args = static_cast<uint8_t>(i + 1);
        break;
      case STREC_CAP_INOUT:
      case STREC_CAP_IOCTL:
      case STREC_CAP_FDSET:
      case STREC_CAP_MSGHDR_OUT:
      case STREC_CAP_MMSG:
      case STREC_CAP_MSGBUF:
      case STREC_CAP_NODEMASK:
      case STREC_CAP_QUOTA:
      case STREC_CAP_FCNTL:
      case STREC_CAP_VARIANT:
      case STREC_CAP_EXT:
        s.enter_args = s.exit_args = static_cast<uint8_t>(i + 1);
        break;
      default:
        s.enter_args = static_cast<uint8_t>(i + 1);
        break;
    }
  }
  return s;
}

// Whether the command strec-record starts matches the selection once it runs `resolved`: its
// name then (the kernel names a process after the file it execs), this process's user and
// cgroup (which it inherits).
bool CommandSelected(const RecordOptions& o, const std::string& resolved) {
  if (o.all_processes)
    return true;
  if (o.uid >= 0 && getuid() != static_cast<uid_t>(o.uid))
    return false;
  std::string name = resolved.substr(resolved.rfind('/') + 1).substr(0, 15);
  if (!o.comms.empty() && std::find(o.comms.begin(), o.comms.end(), name) == o.comms.end())
    return false;
  if (o.cgroups.empty())
    return true;
  std::string mine = ProcessCgroup(getpid());
  for (const std::string& dir : o.cgroups) {
    std::string path = CgroupPath(dir);
    if (path == "/" || mine == path || mine.rfind(path + "/", 0) == 0)
      return true;
  }
  return false;
}

// One record of the ring, parsed; spans point into the ring (valid during the callback).
struct ParsedSyscall {
  const strec_syscall* sc = nullptr;
  std::vector<BufferRecord> bufs;
};

bool ParseBuffers(const uint8_t* data, size_t size, ParsedSyscall* out) {
  if (size < sizeof(strec_syscall))
    return false;
  out->sc = reinterpret_cast<const strec_syscall*>(data);
  out->bufs.clear();
  size_t off = sizeof(strec_syscall);
  for (uint16_t i = 0; i < out->sc->h.nbufs; i++) {
    if (off + sizeof(strec_buf) > size)
      return false;
    strec_buf b;
    std::memcpy(&b, data + off, sizeof b);
    off += sizeof b;
    if (b.len > size - off)
      return false;
    BufferRecord r;
    r.arg = b.arg;
    r.out = b.out;
    r.kind = b.kind;
    r.index = b.index;
    r.addr = b.addr;
    r.full_len = b.full_len;
    r.read_errno = b.err;
    r.data = {data + off, b.len};
    out->bufs.push_back(r);
    off += (b.len + 7) & ~size_t{7};
  }
  return true;
}

// A syscall entry not yet matched with its exit; its buffers are copied out of the ring.
struct Pending {
  int32_t tid = 0, tgid = 0, nr = 0;
  uint64_t args[6] = {};
  uint64_t ip = 0, entry_ns = 0;
  bool entry_written = false;
  CapturedBuffers bufs;  // copied out of the ring

  void Set(const ParsedSyscall& p, uint64_t now) {
    tid = p.sc->h.tid;
    tgid = p.sc->h.tgid;
    nr = p.sc->nr;
    std::memcpy(args, p.sc->args, sizeof args);
    ip = p.sc->ip;
    entry_ns = now;
    entry_written = false;
    bufs.Clear();
    for (const BufferRecord& b : p.bufs)
      bufs.Add(b);
  }
  // Sets the input buffer (arg, kind, index) to `data` when it is missing or its read failed.
  void Fill(uint8_t arg, uint8_t kind, uint32_t index, std::string_view data, uint64_t full_len) {
    BufferRecord r;
    r.arg = arg;
    r.kind = kind;
    r.index = index;
    r.full_len = full_len;
    r.data = {reinterpret_cast<const uint8_t*>(data.data()), data.size()};
    bufs.AddOrRepair(r);
  }
};

// Records taken from the ring at once below which the recorder waits for more (Run).
constexpr int kSmallBatch = 256;

void SleepNs(long ns) {
  timespec ts = {0, ns};
  nanosleep(&ts, nullptr);  // a signal ends it early: the loop then sees it
}

class BpfRecorder {
 public:
  BpfRecorder(const RecordOptions& o, const format::SyscallTable& table, format::SyscallSet set)
      : opt_(o), table_(table), set_(std::move(set)) {}
  ~BpfRecorder() {
    if (rb_)
      ring_buffer__free(rb_);
    if (skel_)
      strec_bpf__destroy(skel_);
  }

  RecordResult Run();

 private:
  uint64_t Stamp(uint64_t t) {
    // Strictly increasing, in the ring's order (CPUs' clocks agree; their records may not).
    last_ns_ = std::max(t, last_ns_ + 1);
    return last_ns_;
  }
  Status Load();
  Status LoadVariantCaps();
  Status StartCommand(const std::string& resolved);
  Status Attach(pid_t pid);
  int Consume();
  static int OnRecord(void* self, void* data, size_t size) {
    auto* r = static_cast<BpfRecorder*>(self);
    r->Handle(static_cast<const uint8_t*>(data), size);
    // A rotation or a flight recorder's trigger at its own event, not at the end of a batch
    // (which can hold the whole of a short run).
    r->NewFile();
    return 0;
  }
  void Handle(const uint8_t* data, size_t size);
  void Dispatch(const strec_hdr& h, const uint8_t* data, size_t size);
  void OnEnter(const ParsedSyscall& p);
  void OnExit(const ParsedSyscall& p);
  void OnSpawn(const strec_spawn& r);
  void OnExec(const uint8_t* data, size_t size);
  void OnGone(const strec_gone& r);
  void OnSignal(const strec_signal& r);
  void OnNew(const strec_new& r);
  void FlushHeld();
  // Rotation or the flight recorder's dump, when due (or asked for with SIGUSR1): ends the
  // trace file, or dumps the ring, with an fd snapshot of each traced process.
  void NewFile();
  void WriteSyscall(const Pending& e,
                    SyscallPhase phase,
                    int64_t ret,
                    uint64_t exit_ns,
                    uint32_t flags,
                    const std::vector<BufferRecord>& exit_bufs,
                    bool with_entry);
  void CheckDrops();
  void CheckMisses();
  std::vector<std::pair<uint32_t, BpfTask>> TracedTasks();
  bool AnyTraced();
  void Malformed(const char* what, size_t size);

  const RecordOptions& opt_;
  const format::SyscallTable& table_;
  format::SyscallSet set_;
  strec_bpf* skel_ = nullptr;
  ring_buffer* rb_ = nullptr;
  std::unique_ptr<format::TraceWriter> writer_;
  RecordResult result_;
  uint64_t last_ns_ = 0;
  std::unordered_map<int32_t, Pending> pending_;
  Pending* held_ = nullptr;  // an entry written only if something else comes before its exit
  // Threads alive per process, and leaders that ended before their threads: a process's own
  // exit is written after its last thread's, as a tracer's wait reports it.
  std::unordered_map<int32_t, int> threads_;
  std::unordered_map<int32_t, format::ExitRecord> leader_exits_;
  // Ignored signals not yet written, by target thread (see Handle).
  std::unordered_map<int32_t, std::vector<strec_signal>> ignored_;
  uint64_t drops_seen_ = 0, drop_bytes_seen_ = 0, misses_seen_ = 0, unfollowed_seen_ = 0;
  cpu_set_t inherited_cpus_;  // strec-record's affinity at start, the command's
  bool widened_ = false;      // the recorder's own threads left it for every allowed CPU
  pid_t command_pid_ = -1;
  int command_exit_code_ = 0;
  bool command_done_ = false;
  bool command_gone_ = false;   // its last thread's exit was in the ring
  bool command_traced_ = true;  // false: a selection's command, recorded only if it matches
  ParsedSyscall parsed_;
  std::vector<BufferRecord> records_, exit_bufs_;
};

// The kernel types the program's CO-RE reads relocate against. Left to itself, libbpf parses
// all of /sys/kernel/btf/vmlinux for them: 60-70 ms, most of the start-up. The build extracted
// the few the program uses from the build machine's kernel (strec_min_btf.h); they are valid on
// that kernel only, recognised by its /sys/kernel/notes (which hold its build id). Returns a
// memfd with them, or -1 to let libbpf read the running kernel's (another kernel, no notes,
// STREC_BPF_FULL_BTF set).
int MinimalKernelTypes() {
  if (strec_kernel_notes_size == 0 || getenv("STREC_BPF_FULL_BTF"))
    return -1;
  unsigned char notes[4096];
  ssize_t n = -1;
  if (int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC); fd >= 0) {
    n = read(fd, notes, sizeof notes);
    close(fd);
  }
  if (n != static_cast<ssize_t>(strec_kernel_notes_size) ||
      std::memcmp(notes, strec_kernel_notes, strec_kernel_notes_size) != 0)
    return -1;
  int fd = memfd_create("strec-btf", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  if (write(fd, strec_min_btf, strec_min_btf_size) != static_cast<ssize_t>(strec_min_btf_size)) {
    close(fd);
    return -1;
  }
  return fd;
}

// libbpf's warnings since the last Load began: when the kernel refuses a program, they hold its
// verifier's log. Printed as they come too with STREC_BPF_DEBUG set.
std::string g_libbpf_log;

int LibbpfPrint(libbpf_print_level level, const char* fmt, va_list ap) {
  if (level != LIBBPF_WARN)
    return 0;
  va_list again;
  va_copy(again, ap);
  if (getenv("STREC_BPF_DEBUG"))
    vfprintf(stderr, fmt, ap);
  // A load log comes in one message, as long as the verifier made it: the verdict is at its
  // end, so that is what is kept when the log grows long.
  va_list size_pass;
  va_copy(size_pass, again);
  int n = vsnprintf(nullptr, 0, fmt, size_pass);
  va_end(size_pass);
  if (n > 0) {
    std::string message(static_cast<size_t>(n) + 1, '\0');
    vsnprintf(message.data(), message.size(), fmt, again);
    message.pop_back();
    g_libbpf_log += message;
    constexpr size_t kKeep = 1 << 20;
    if (g_libbpf_log.size() > 4 * kKeep)
      g_libbpf_log.erase(0, g_libbpf_log.size() - kKeep);
  }
  va_end(again);
  return 0;
}

// Why loading failed, in one line: what the machine lacks, or the verifier's verdict.
Status LoadFailure(int err) {
  if (std::string lacks = BpfUnavailableReason(); !lacks.empty())
    return Status(StatusCode::kPermissionDenied, "the eBPF backend cannot run here: " + lacks);
  if (std::string verdict = VerifierVerdict(g_libbpf_log); !verdict.empty())
    return Status(StatusCode::kInternal, verdict + " (STREC_BPF_DEBUG=1 prints its log)");
  return Status(StatusCode::kIo, std::string("cannot load the eBPF program: ") + strerror(err) +
                                     " (STREC_BPF_DEBUG=1 prints libbpf's log)");
}

Status BpfRecorder::Load() {
  g_libbpf_log.clear();
  libbpf_set_print(LibbpfPrint);
  // libbpf reads the types file during load; it is closed when Load returns.
  std::unique_ptr<int, void (*)(int*)> types(new int(MinimalKernelTypes()), [](int* fd) {
    if (*fd >= 0)
      close(*fd);
    delete fd;
  });
  std::string types_path = "/proc/self/fd/" + std::to_string(*types);
  LIBBPF_OPTS(bpf_object_open_opts, open_opts,
              .btf_custom_path = *types >= 0 ? types_path.c_str() : nullptr);
  skel_ = strec_bpf__open_opts(&open_opts);
  if (!skel_)
    return LoadFailure(errno);
  skel_->rodata->snaplen = opt_.snaplen;
  skel_->rodata->follow = opt_.follow ? 1 : 0;
  bpf_map__set_max_entries(skel_->maps.events, opt_.bpf_ring_mib << 20);
  bpf_map__set_max_entries(skel_->maps.tasks, opt_.bpf_max_threads);
  if (bpf_map__value_size(skel_->maps.tasks) != sizeof(BpfTask))
    return InternalError("the eBPF program's struct task is " +
                         std::to_string(bpf_map__value_size(skel_->maps.tasks)) +
                         " bytes, BpfTask " + std::to_string(sizeof(BpfTask)));
  skel_->rodata->wake_bytes = (uint64_t{opt_.bpf_ring_mib} << 20) / 8;
  static_assert(RecordOptions::kMaxSelectors == STREC_COMM_MAX &&
                RecordOptions::kMaxSelectors == STREC_CGROUP_MAX);
  if (opt_.Selects()) {  // Record checked the counts
    skel_->rodata->select_mode = 1;
    skel_->rodata->self_tgid = static_cast<uint32_t>(getpid());
    if (opt_.uid >= 0)
      skel_->rodata->sel_uid = static_cast<uint32_t>(opt_.uid);
    skel_->rodata->n_comms = static_cast<uint32_t>(opt_.comms.size());
    for (size_t i = 0; i < opt_.comms.size(); i++) {
      char name[16] = {};
      std::memcpy(name, opt_.comms[i].data(), std::min<size_t>(opt_.comms[i].size(), 15));
      std::memcpy(const_cast<char*>(skel_->rodata->sel_comms[i]), name, sizeof name);
    }
    skel_->rodata->n_cgroups = static_cast<uint32_t>(opt_.cgroups.size());
  }
  for (uint32_t nr = 0; nr < STREC_NR_MAX; nr++) {
    strec_spec s = BpfSpecFor(table_.Find(static_cast<int>(nr)),
                              set_.Contains(static_cast<int>(nr)), opt_.capture_env);
    std::memcpy(const_cast<strec_spec*>(&skel_->rodata->specs[nr]), &s, sizeof s);
  }
  // STREC_BPF_DEBUG=stats: the verifier's statistics per program (what start-up pays for).
  const char* debug = getenv("STREC_BPF_DEBUG");
  bool stats = debug && std::strcmp(debug, "stats") == 0;
  std::vector<std::pair<bpf_program*, std::string>> logs;
  if (stats) {
    bpf_program* prog;
    bpf_object__for_each_program(prog, skel_->obj)
        logs.emplace_back(prog, std::string(1 << 16, '\0'));
    for (auto& [prog, log] : logs) {
      bpf_program__set_log_buf(prog, log.data(), log.size());
      bpf_program__set_log_level(prog, 4);
    }
    fprintf(stderr, "strec-record: kernel types: %s\n",
            *types >= 0 ? "the build's, for this kernel" : "/sys/kernel/btf/vmlinux");
  }
  int load_err = strec_bpf__load(skel_);
  for (auto& [prog, log] : logs)
    fprintf(stderr, "strec-record: %s: %s", bpf_program__name(prog), log.c_str());
  if (load_err)
    return LoadFailure(-load_err);
  for (size_t i = 0; i < opt_.cgroups.size(); i++) {
    int fd = open(opt_.cgroups[i].c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint32_t key = static_cast<uint32_t>(i);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0 && bpf_map_update_elem(bpf_map__fd(skel_->maps.cgroups), &key, &fd, BPF_ANY) != 0)
      err = errno;
    if (fd >= 0)
      close(fd);  // the map holds the cgroup
    if (err)
      return Status(StatusCode::kIo, "--cgroup " + opt_.cgroups[i] + ": " + strerror(err));
  }
  if (Status st = LoadVariantCaps(); !st.ok())
    return st;
  if (int err = strec_bpf__attach(skel_))
    return Status(StatusCode::kIo,
                  std::string("cannot attach the eBPF program: ") + strerror(-err));
  rb_ = ring_buffer__new(bpf_map__fd(skel_->maps.events), OnRecord, this, nullptr);
  if (!rb_)
    return ErrnoStatus("ring_buffer__new", errno);
  return OkStatus();
}

// In the command's fork, before its execve: the affinity strec-record was started with.
int RestoreAffinity(void* cpus) {
  if (sched_setaffinity(0, sizeof(cpu_set_t), static_cast<cpu_set_t*>(cpus)) == 0)
    return 0;
  dprintf(2, "strec-record: cannot give the command its CPU affinity back: %s\n", strerror(errno));
  return -1;
}

// variant_caps: for each traced syscall with variants, each variant's capture of the arguments
// that the syscall's row leaves kSpecial (the ones whose spec says STREC_CAP_VARIANT).
Status BpfRecorder::LoadVariantCaps() {
  int fd = bpf_map__fd(skel_->maps.variant_caps);
  for (const format::SyscallInfo& row : table_.all()) {
    if (!set_.Contains(row.nr) || row.nr < 0 || row.nr >= STREC_NR_MAX)
      continue;
    strec_spec base = BpfSpecFor(&row, true, opt_.capture_env);
    for (const format::SyscallVariant& v : format::VariantsOf(row.nr)) {
      strec_spec vs = BpfSpecFor(&v.info, true, opt_.capture_env);
      for (uint32_t i = 0; i < v.info.nargs && i < 6; i++) {
        if (base.args[i].cap != STREC_CAP_VARIANT || vs.args[i].cap == STREC_CAP_NONE)
          continue;
        strec_variant_key key = {row.nr, v.value, i};
        if (bpf_map_update_elem(fd, &key, &vs.args[i], BPF_ANY) != 0)
          return Status(StatusCode::kIo,
                        std::string("cannot fill the eBPF map variant_caps: ") + strerror(errno));
      }
    }
  }
  return Status();
}

Status BpfRecorder::StartCommand(const std::string& resolved) {
  // The fds the command will keep through its execve, so that replay can name them (-y): its
  // fork inherits them from here. Read before the fork, so the command does not wait for it.
  ProcessFds fds = InheritedFds();
  // Its syscalls are skipped until its execve (T_WAIT_EXEC): the recording starts there.
  auto forked = widened_ ? ForkCommand(resolved, opt_.command, RestoreAffinity, &inherited_cpus_)
                         : ForkCommand(resolved, opt_.command);
  if (!forked.ok())
    return forked.status();
  ForkedCommand c = *forked;
  command_pid_ = c.pid;
  // With a selection, the command is a process like any other: recorded (from its execve) if
  // it matches. If it seems not to, the program decides at its exec, and takes it up then if
  // it does.
  bool select = opt_.Selects() && !CommandSelected(opt_, resolved);
  command_traced_ = !select;
  BpfTask t = {static_cast<uint32_t>(c.pid), select ? kTaskSelectAtExec : kTaskWaitExec, 0, -1,
               0xffffffff};
  uint32_t key = static_cast<uint32_t>(c.pid);
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.tasks), &key, &t, BPF_ANY) != 0) {
    int err = errno;
    AbandonCommand(c);
    command_pid_ = -1;
    return ErrnoStatus("bpf_map_update_elem(tasks)", err);
  }
  Status released = ReleaseCommand(c.go_write);
  if (select)
    return released;
  threads_[c.pid] = 1;
  // Written before any of its records is taken from the ring.
  writer_->Add(fds.Record(c.pid, Stamp(MonotonicNs())));
  return released;
}

Status BpfRecorder::Attach(pid_t pid) {
  if (Status s = CheckAttachPid(pid); !s.ok())
    return s;
  std::vector<pid_t> tids = ListTasks(pid);
  if (tids.empty())
    return NotFound("cannot attach to pid " + std::to_string(pid) + ": no such process");
  for (pid_t tid : tids) {
    BpfTask t = {static_cast<uint32_t>(pid), kTaskRecording | kTaskAttached, 0, -1, 0xffffffff};
    uint32_t key = static_cast<uint32_t>(tid);
    if (bpf_map_update_elem(bpf_map__fd(skel_->maps.tasks), &key, &t, BPF_ANY) != 0)
      return ErrnoStatus("bpf_map_update_elem(tasks)", errno);
    threads_[pid]++;
  }
  ProcessFds fds = ReadProcessFds(pid);
  writer_->Add(fds.Record(pid, Stamp(MonotonicNs())));
  // The calls the threads are inside now (a sleep, a read): their entries, from
  // /proc/PID/task/TID/syscall, so that their exits have them.
  for (pid_t tid : tids) {
    std::string path = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/syscall";
    FILE* f = fopen(path.c_str(), "re");
    if (!f)
      continue;
    long long nr = -1;
    unsigned long long a[6] = {}, sp = 0, pc = 0;
    int n = fscanf(f, "%lld %llx %llx %llx %llx %llx %llx %llx %llx", &nr, &a[0], &a[1], &a[2],
                   &a[3], &a[4], &a[5], &sp, &pc);
    fclose(f);
    if (n != 9 || nr < 0 || !set_.Contains(static_cast<int>(nr)) || pending_.count(tid))
      continue;
    Pending& e = pending_[tid];
    e.tid = tid;
    e.tgid = pid;
    e.nr = static_cast<int32_t>(nr);
    std::memcpy(e.args, a, sizeof e.args);
    e.ip = pc;
    e.entry_ns = Stamp(MonotonicNs());
    WriteSyscall(e, SyscallPhase::Entry, 0, 0, 0, {}, true);
    e.entry_written = true;
  }
  return OkStatus();
}

std::vector<std::pair<uint32_t, BpfTask>> BpfRecorder::TracedTasks() {
  std::vector<std::pair<uint32_t, BpfTask>> out;
  int fd = bpf_map__fd(skel_->maps.tasks);
  uint32_t key, next;
  uint32_t* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    BpfTask t;
    if (bpf_map_lookup_elem(fd, &next, &t) == 0)
      out.emplace_back(next, t);
    key = next;
    prev = &key;
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

bool BpfRecorder::AnyTraced() {
  uint32_t next;
  return bpf_map_get_next_key(bpf_map__fd(skel_->maps.tasks), nullptr, &next) == 0;
}

void BpfRecorder::CheckDrops() {
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0)
    return;
  std::vector<uint64_t> v(static_cast<size_t>(ncpu));
  uint64_t sum[3] = {};
  for (uint32_t k = 0; k < 3; k++) {
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.drops), &k, v.data()) != 0)
      return;
    for (uint64_t x : v)
      sum[k] += x;
  }
  // A Loss event for what a counter gained since it was last seen.
  auto report = [&](uint64_t total, uint64_t* seen, uint64_t bytes, const char* why) {
    if (total == *seen)
      return;
    FlushHeld();
    writer_->Add(format::LossRecord{0, 0, total - *seen, bytes, why, Stamp(MonotonicNs())});
    result_.lost += total - *seen;
    *seen = total;
  };
  report(sum[0], &drops_seen_, sum[1] - drop_bytes_seen_,
         "the eBPF ring buffer was full (a larger --bpf-ring-mib keeps more)");
  drop_bytes_seen_ = sum[1];
  // Each such thread's spawn, at least, is missing; its syscalls are not recorded.
  report(sum[2], &unfollowed_seen_, 0,
         "new threads could not be followed: as many as --bpf-max-threads were traced already");
}

// The kernel skips a BPF program that is triggered again on a CPU where it is still running
// (preempted inside it): each skip is an event the trace misses, counted per program.
void BpfRecorder::CheckMisses() {
  uint64_t misses = 0;
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel_->obj) {
    bpf_prog_info info = {};
    uint32_t len = sizeof info;
    if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
      misses += info.recursion_misses;
  }
  if (misses <= misses_seen_)
    return;
  FlushHeld();
  writer_->Add(format::LossRecord{0, 0, misses - misses_seen_, 0,
                                  "the kernel skipped the eBPF program (re-entered on a CPU "
                                  "while it ran there)",
                                  Stamp(MonotonicNs())});
  result_.lost += misses - misses_seen_;
  misses_seen_ = misses;
}

void BpfRecorder::Malformed(const char* what, size_t size) {
  FlushHeld();
  std::string why =
      std::string("a malformed eBPF record (") + what + ", " + std::to_string(size) + " bytes)";
  writer_->Add(format::LossRecord{0, 0, 1, size, why, Stamp(last_ns_)});
  result_.lost++;
}

void BpfRecorder::Handle(const uint8_t* data, size_t size) {
  strec_hdr h;
  if (size < sizeof h) {
    Malformed("short header", size);
    return;
  }
  std::memcpy(&h, data, sizeof h);
  if (!ignored_.empty()) {
    // Signals the thread ignored come out where a tracer would have seen them: when it next
    // returns to user space, after the exit of the call it is in (or before its next event).
    auto q = ignored_.find(h.tid);
    if (q != ignored_.end()) {
      if (h.type == STREC_REC_SIGNAL && size >= sizeof(strec_signal) &&
          reinterpret_cast<const strec_signal*>(data)->ignored) {
        q->second.push_back(*reinterpret_cast<const strec_signal*>(data));
        return;
      }
      std::vector<strec_signal> sigs = std::move(q->second);
      ignored_.erase(q);
      if (h.type == STREC_REC_EXIT)
        Dispatch(h, data, size);
      for (const strec_signal& s : sigs)
        OnSignal(s);
      if (h.type != STREC_REC_EXIT)
        Dispatch(h, data, size);
      return;
    }
  }
  Dispatch(h, data, size);
}

void BpfRecorder::Dispatch(const strec_hdr& h, const uint8_t* data, size_t size) {
  switch (h.type) {
    case STREC_REC_ENTER:
    case STREC_REC_EXIT:
      if (!ParseBuffers(data, size, &parsed_)) {
        Malformed("syscall", size);
        return;
      }
      // Buffers that did not fit the record are missing from it: counted with the buffers that
      // could not be read (the summary's "buffers unreadable").
      if (parsed_.sc->flags & STREC_SC_TRUNCATED)
        result_.read_failures++;
      if (h.type == STREC_REC_ENTER)
        OnEnter(parsed_);
      else
        OnExit(parsed_);
      return;
    case STREC_REC_SPAWN:
      if (size < sizeof(strec_spawn))
        break;
      OnSpawn(*reinterpret_cast<const strec_spawn*>(data));
      return;
    case STREC_REC_EXEC:
      OnExec(data, size);
      return;
    case STREC_REC_GONE:
      if (size < sizeof(strec_gone))
        break;
      OnGone(*reinterpret_cast<const strec_gone*>(data));
      return;
    case STREC_REC_NEW:
      if (size < sizeof(strec_new))
        break;
      OnNew(*reinterpret_cast<const strec_new*>(data));
      return;
    case STREC_REC_SIGNAL:
      if (size < sizeof(strec_signal))
        break;
      if (reinterpret_cast<const strec_signal*>(data)->ignored)
        ignored_[h.tid].push_back(*reinterpret_cast<const strec_signal*>(data));
      else
        OnSignal(*reinterpret_cast<const strec_signal*>(data));
      return;
    default:
      break;
  }
  Malformed("unknown type", size);
}

void BpfRecorder::NewFile() {
  if (!NewFileDue(*writer_))
    return;
  FlushHeld();  // a call in progress: its entry goes in this file, its exit in the next
  std::vector<pid_t> pids;
  for (const auto& [pid, threads] : threads_)
    if (threads > 0)
      pids.push_back(pid);
  std::sort(pids.begin(), pids.end());
  // Dated at the seam (the newest event written), not when this thread reached it.
  Status st = record::NewFile(writer_.get(), pids, writer_->last_time_ns());
  if (!st.ok() && result_.status.ok())
    result_.status = st;
}

void BpfRecorder::FlushHeld() {
  if (!held_)
    return;
  Pending* e = held_;
  held_ = nullptr;
  WriteSyscall(*e, SyscallPhase::Entry, 0, 0, 0, {}, true);
  e->entry_written = true;
}

void BpfRecorder::WriteSyscall(const Pending& e,
                               SyscallPhase phase,
                               int64_t ret,
                               uint64_t exit_ns,
                               uint32_t flags,
                               const std::vector<BufferRecord>& exit_bufs,
                               bool with_entry) {
  records_.clear();
  std::vector<BufferRecord> entry;
  e.bufs.AppendTo(&entry);
  if (with_entry)
    records_ = entry;
  // Inputs read at exit: one the entry could not read, read again, replaces the failed copy
  // (when the entry goes with this record; else that copy is written already); the others (a
  // failed sendmmsg's messages) are new.
  for (const BufferRecord& b : exit_bufs) {
    if (b.out) {
      records_.push_back(b);
      continue;
    }
    auto same = [&b](const BufferRecord& r) {
      return !r.out && r.arg == b.arg && r.kind == b.kind && r.index == b.index;
    };
    if (std::none_of(entry.begin(), entry.end(), same)) {
      records_.push_back(b);
    } else if (with_entry) {
      for (BufferRecord& r : records_)
        if (same(r) && r.read_errno)
          r = b;
    }
  }
  format::SyscallRecord r;
  r.tid = e.tid;
  r.pid = e.tgid;
  r.phase = phase;
  r.nr = e.nr;
  r.ret = ret;
  r.entry_ns = e.entry_ns;
  r.exit_ns = exit_ns;
  r.flags = flags;
  // The Exit of a call whose Entry record was written has its arguments there already (as the
  // ptrace backend writes it); not for execve, whose entry may be under another thread's id.
  if (phase == SyscallPhase::Exit && !(flags & format::kSyscallNoEntry) && e.nr != __NR_execve &&
      e.nr != __NR_execveat) {
    r.flags |= format::kSyscallArgsInEntry;
  } else {
    std::memcpy(r.args, e.args, sizeof r.args);
    r.instruction_pointer = e.ip;
  }
  r.buffers = records_;
  writer_->Add(r);
}

void BpfRecorder::OnEnter(const ParsedSyscall& p) {
  int32_t tid = p.sc->h.tid;
  uint64_t now = Stamp(p.sc->h.time_ns);
  auto it = pending_.find(tid);
  if (it != pending_.end() && held_ == &it->second)
    FlushHeld();  // its exit was lost: an Entry it stays
  Pending& e = pending_[tid];
  if (held_ && held_ != &e)
    FlushHeld();
  e.Set(p, now);
  held_ = &e;
}

void BpfRecorder::OnExit(const ParsedSyscall& p) {
  int32_t tid = p.sc->h.tid;
  uint64_t now = Stamp(p.sc->h.time_ns);
  exit_bufs_.assign(p.bufs.begin(), p.bufs.end());
  auto it = pending_.find(tid);
  if (it == pending_.end() || it->second.nr != p.sc->nr) {
    // Tracing began inside this call (-p), or its entry was lost.
    Pending e;
    e.Set(p, 0);
    e.bufs.Clear();
    FlushHeld();
    WriteSyscall(e, SyscallPhase::Exit, p.sc->ret, now, format::kSyscallNoEntry, exit_bufs_, false);
    if (it != pending_.end()) {
      if (held_ == &it->second)
        held_ = nullptr;
      pending_.erase(it);
    }
    return;
  }
  Pending& e = it->second;
  if (held_ == &e) {
    held_ = nullptr;
    WriteSyscall(e, SyscallPhase::Complete, p.sc->ret, now, 0, exit_bufs_, true);
  } else {
    FlushHeld();
    WriteSyscall(e, SyscallPhase::Exit, p.sc->ret, now, 0, exit_bufs_, false);
  }
  pending_.erase(it);
}

// The BPF program writes format::FdDetail as struct strec_fd_detail.
static_assert(sizeof(strec_fd_detail) == sizeof(format::FdDetail));
static_assert(offsetof(strec_fd_detail, peer_inode) == offsetof(format::FdDetail, peer_inode));
static_assert(offsetof(strec_fd_detail, proto) == offsetof(format::FdDetail, proto));
static_assert(offsetof(strec_fd_detail, pid) == offsetof(format::FdDetail, pid));

void BpfRecorder::OnSpawn(const strec_spawn& r) {
  FlushHeld();
  fb::ForkKind kind = fb::ForkKind::Clone;
  // As ptrace reports them: a fork is a clone whose child signals SIGCHLD at its exit.
  if (r.clone_flags & CLONE_VFORK || r.syscall_nr == __NR_vfork)
    kind = fb::ForkKind::Vfork;
  else if (r.syscall_nr == __NR_fork || (r.clone_flags & CSIGNAL) == SIGCHLD)
    kind = fb::ForkKind::Fork;
  if (r.child_tid == r.child_tgid)
    threads_[r.child_tgid] = 1;
  else
    threads_[r.child_tgid]++;
  writer_->Add(format::SpawnRecord{r.h.tid, r.h.tgid, kind, r.child_tid, r.child_tgid,
                                   r.clone_flags, Stamp(r.h.time_ns)});
}

void BpfRecorder::OnExec(const uint8_t* data, size_t size) {
  if (size < sizeof(strec_exec) + 4096) {
    Malformed("exec", size);
    return;
  }
  strec_exec r;
  std::memcpy(&r, data, sizeof r);
  if (r.filename_len > 4096 || r.args_len > size - sizeof r - 4096) {
    Malformed("exec", size);
    return;
  }
  const char* fname = reinterpret_cast<const char*>(data + sizeof r);
  const char* args = fname + 4096;
  std::vector<std::string_view> argv;
  for (size_t at = 0; at < r.args_len && argv.size() < r.argc;) {
    size_t n = strnlen(args + at, r.args_len - at);
    argv.emplace_back(args + at, n);
    at += n + 1;
  }
  uint32_t envc = 0;
  int32_t former = r.former_tid != r.h.tid ? r.former_tid : 0;
  if (former) {
    // A non-leader thread exec'd: its syscall goes on under the leader's id; the leader's own
    // call in progress never returns.
    auto l = pending_.find(r.h.tid);
    if (l != pending_.end()) {
      if (held_ == &l->second)
        held_ = nullptr;
      pending_.erase(l);
    }
    auto f = pending_.find(former);
    if (f != pending_.end()) {
      bool was_held = held_ == &f->second;
      Pending moved = std::move(f->second);
      pending_.erase(f);
      moved.tid = r.h.tid;
      Pending& now = pending_[r.h.tid] = std::move(moved);
      if (was_held)
        held_ = &now;
    }
    threads_[r.h.tgid] = 1;
  }
  auto e = pending_.find(r.h.tid);
  if (e != pending_.end() && (e->second.nr == __NR_execve || e->second.nr == __NR_execveat)) {
    // What the entry could not read (its pages not yet in memory: after a fork, a child's
    // file-backed pages are mapped only when touched), the new image has: the kernel's copy of
    // the filename and of argv.
    Pending& x = e->second;
    uint8_t path_arg = x.nr == __NR_execve ? 0 : 1;
    std::string_view file(fname, r.filename_len);
    x.Fill(path_arg, format::kBufferString, 0, file, file.size());
    if (x.args[path_arg + 1]) {  // a pointer array that is missing or unread: argc zeros
      std::string zeros(argv.size() * 8, '\0');
      x.Fill(path_arg + 1, format::kBufferStringPtrs, 0, zeros, argv.size());
    }
    for (size_t i = 0; i < argv.size(); i++)
      x.Fill(path_arg + 1, format::kBufferString, static_cast<uint32_t>(i), argv[i],
             argv[i].size());
  }
  if (e != pending_.end()) {
    e->second.tgid = r.h.tgid;
    size_t off;
    uint8_t envp_arg = e->second.nr == __NR_execve ? 2 : 3;
    if (const BufferRecord* b =
            e->second.bufs.Find(envp_arg, false, format::kBufferStringPtrs, &off))
      envc = static_cast<uint32_t>(b->full_len);
  }
  FlushHeld();
  writer_->Add(format::ExecRecord{r.h.tid, r.h.tgid, former,
                                  std::string_view(fname, r.filename_len), argv, envc,
                                  Stamp(r.h.time_ns)});
}

void BpfRecorder::OnGone(const strec_gone& r) {
  uint64_t now = Stamp(r.h.time_ns);
  auto it = pending_.find(r.h.tid);
  if (it != pending_.end()) {
    // It ended inside a syscall (exit_group, or killed): that call never returns.
    Pending& e = it->second;
    if (held_ == &e) {
      held_ = nullptr;
      WriteSyscall(e, SyscallPhase::Complete, 0, now, format::kSyscallNoReturn, {}, true);
    } else {
      FlushHeld();
      WriteSyscall(e, SyscallPhase::Exit, 0, now, format::kSyscallNoReturn, {}, false);
    }
    pending_.erase(it);
  }
  FlushHeld();
  format::ExitRecord x;
  x.tid = r.h.tid;
  x.pid = r.h.tgid;
  SetExitStatus(r.exit_code, &x);
  x.thread_only = r.h.tid != r.h.tgid;
  x.time_ns = now;
  int& live = threads_[r.h.tgid];
  live = std::max(0, live - 1);
  if (!x.thread_only && live > 0) {
    leader_exits_[r.h.tgid] = x;  // written when the last thread has gone
  } else {
    writer_->Add(x);
  }
  if (live == 0 && r.h.tgid == command_pid_)
    command_gone_ = true;  // its wait status is due: the loop waits for it, not for a timeout
  if (live == 0) {
    auto l = leader_exits_.find(r.h.tgid);
    if (l != leader_exits_.end()) {
      l->second.time_ns = now;
      writer_->Add(l->second);
      leader_exits_.erase(l);
    }
    threads_.erase(r.h.tgid);
  }
}

void BpfRecorder::OnNew(const strec_new& r) {
  int& live = threads_[r.h.tgid];
  if (live++ > 0)
    return;  // a thread of a process taken up already
  // A process the selection took up: what it is, read now (the ring is read a little after the
  // fact: a process gone meanwhile is named by its comm, with no fds).
  FlushHeld();
  ProcessFds p = ReadProcessFds(r.h.tgid);
  std::string comm(r.comm, strnlen(r.comm, sizeof r.comm));
  if (ProcessName(r.h.tgid) != comm)
    p = ProcessFds{};  // gone, and its pid perhaps another's already
  if (p.argv_views.empty()) {
    p.argv.assign(1, comm);
    p.argv_views.assign(p.argv.begin(), p.argv.end());
  }
  writer_->Add(p.Record(r.h.tgid, Stamp(r.h.time_ns)));
  result_.processes_selected++;
}

void BpfRecorder::OnSignal(const strec_signal& r) {
  FlushHeld();
  uint8_t si[128] = {};
  std::memcpy(si, r.siginfo, sizeof r.siginfo);
  uint64_t now = Stamp(r.h.time_ns);
  writer_->Add(
      format::SignalRecord{r.h.tid, r.h.tgid, r.signo, r.code, {si, sizeof si}, false, now});
  bool stop = r.signo == SIGSTOP || r.signo == SIGTSTP || r.signo == SIGTTIN || r.signo == SIGTTOU;
  if (stop && r.handler == 0)  // SIG_DFL: the group stops
    writer_->Add(format::SignalRecord{
        r.h.tid, r.h.tgid, r.signo, r.code, {si, sizeof si}, true, Stamp(now)});
}

int BpfRecorder::Consume() {
  int n = ring_buffer__consume(rb_);
  CheckDrops();
  return n;
}

RecordResult BpfRecorder::Run() {
  result_.exit_code = 1;
  std::string resolved;
  if (!opt_.command.empty()) {
    std::string error;
    resolved = ResolveCommand(opt_.command[0], &result_.exit_code, &error);
    if (resolved.empty()) {
      result_.status = NotFound(error);
      return result_;
    }
  }
  // Stop signals are caught since Record began (since RecordMain began, from the command
  // line): loading takes a while, and a SIGINT meanwhile stops the recording.
  if (Status s = Load(); !s.ok()) {
    result_.status = s;
    result_.backend_unavailable = true;  // nothing started, nothing written
    return result_;
  }
  // Placement: the recorder's decoding and compression need not take the CPU of a command
  // pinned with it. With a command to start, this thread, and the writer it is about to start,
  // may run on every CPU allowed to them; the command gets back the inherited affinity before
  // its execve (RestoreAffinity). Attached processes run where they were.
  if (opt_.recorder_all_cpus && !opt_.command.empty())
    widened_ = WidenAffinity(&inherited_cpus_);
  format::HeaderInfo h = RecordHeader(opt_);
  h.backend = result_.backend = "bpf";
  last_ns_ = h.monotonic_ns;
  std::string path;
  auto w = OpenTrace(opt_, h, &path);
  if (!w.ok()) {
    result_.status = w.status();
    return result_;
  }
  writer_ = std::move(w).value();
  result_.path = path;

  Status started;
  for (pid_t pid : opt_.attach) {
    started = Attach(pid);
    if (!started.ok())
      break;
  }
  if (started.ok() && !opt_.command.empty() && !StopSignalReceived())  // not once told to stop
    started = StartCommand(resolved);
  if (!started.ok()) {
    result_.status = started;
  } else {
    // Poll the ring; the loop ends when the command has been reaped and no traced thread is
    // left, or on a signal (then the traced processes simply go on, untraced).
    uint64_t last_flush = MonotonicNs(), last_check = 0;
    for (;;) {
      // Woken when an eighth of the ring is full or a thread ends; else every 50 ms, or 10 ms
      // while a command that is not traced (with a selection) sets the recording's end.
      int n = ring_buffer__poll(rb_, command_pid_ > 0 && !command_traced_ ? 10 : 50);
      if (n == 0)  // no wakeup: records below the wakeup threshold are taken every 50 ms
        n = ring_buffer__consume(rb_);
      if (n < 0 && n != -EINTR) {
        result_.status =
            Status(StatusCode::kIo, std::string("reading the eBPF ring buffer: ") + strerror(-n));
        break;
      }
      if (int sig = StopSignalReceived()) {
        result_.detached_by_signal = sig;
        break;
      }
      if (writer_->failed())
        break;
      NewFile();  // a few loads unless due: for every batch
      // The checks below cost syscalls. While records keep coming, the poll returns for every
      // few of them: then they run every 100 ms, else (the ring was empty, or the command's
      // last thread is gone) at once.
      uint64_t now = MonotonicNs();
      if (n > 0 && !command_gone_ && now - last_check < 100'000'000) {
        // A poll returns at once while the ring holds anything, so a recorder that keeps up
        // takes the records a few at a time, paying a poll for each few, on a CPU the traced
        // threads may need (the same one, pinned). After a small batch it waits a millisecond
        // for more: at 1M records/s, 1 ms fills an eighth of the default ring.
        if (n < kSmallBatch)
          SleepNs(1'000'000);
        continue;
      }
      last_check = now;
      CheckDrops();
      if (command_pid_ > 0 && !command_done_) {
        int st;
        if (waitpid(command_pid_, &st, command_gone_ ? 0 : WNOHANG) == command_pid_) {
          command_done_ = true;
          command_exit_code_ = CommandExitCode(st);
        }
      }
      if (opt_.Selects() ? command_done_ : (command_pid_ <= 0 || command_done_) && !AnyTraced())
        break;  // with a selection: when the command is done (without one, on a signal)
      if (now - last_flush > 1'000'000'000) {
        CheckMisses();
        FlushHeld();
        writer_->MaybeFlush(Stamp(now));
        last_flush = now;
      }
    }
  }
  // Stop tracing, then take what the ring still holds.
  std::vector<std::pair<uint32_t, BpfTask>> live = TracedTasks();
  strec_bpf__detach(skel_);
  Consume();
  CheckMisses();
  if (writer_->failed())  // seen in the loop, or only now that the ring is drained
    dprintf(2, "strec-record: %s; detaching from the traced processes, which keep running\n",
            writer_->status().message().c_str());
  FlushHeld();
  for (auto& [tid, sigs] : ignored_)
    for (const strec_signal& s : sigs)
      OnSignal(s);
  ignored_.clear();
  // A process whose leader ended while threads were still counted (a thread's exit record was
  // lost): its exit is still written.
  for (auto& [tgid, x] : leader_exits_) {
    x.time_ns = Stamp(MonotonicNs());
    writer_->Add(x);
  }
  leader_exits_.clear();
  if (result_.detached_by_signal || writer_->failed() || opt_.Selects()) {
    // The threads still running go on untraced, each with its Detach record, as from ptrace
    // (the replay shows a call still in progress as "<detached ...>").
    std::string why = result_.detached_by_signal ? strsignal(result_.detached_by_signal)
                      : writer_->failed()        ? "the trace could not be written"
                                                 : "the recording ended with its command";
    for (const auto& [tid, t] : live)
      if (t.flags & kTaskRecording)
        writer_->Add(format::DetachRecord{static_cast<int32_t>(tid), static_cast<int32_t>(t.tgid),
                                          why, Stamp(MonotonicNs())});
  }
  pending_.clear();
  if (command_pid_ > 0 && !command_done_ && !result_.detached_by_signal) {
    if (int code = WaitForCommand(command_pid_); code >= 0)
      command_exit_code_ = code;
  }
  FinishRecording(opt_, writer_.get(), command_exit_code_, started.ok(), &result_);
  return result_;
}

}  // namespace

std::string VerifierVerdict(const std::string& log) {
  const std::string begin_mark = "-- BEGIN PROG LOAD LOG --", end_mark = "-- END PROG LOAD LOG --";
  size_t begin = log.rfind(begin_mark);
  if (begin == std::string::npos)
    return "";
  std::string program = "?";
  if (size_t q = log.rfind("prog '", begin); q != std::string::npos) {
    size_t e = log.find('\'', q + 6);
    if (e != std::string::npos && e < begin)
      program = log.substr(q + 6, e - q - 6);
  }
  size_t end = log.find(end_mark, begin);
  std::string body =
      log.substr(begin + begin_mark.size(),
                 end == std::string::npos ? std::string::npos : end - begin - begin_mark.size());
  // The last line that says something: the verifier ends with its statistics.
  std::string verdict;
  size_t pos = body.size();
  while (pos > 0 && verdict.empty()) {
    size_t start = body.rfind('\n', pos - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = body.substr(start, pos - start);
    pos = start > 0 ? start - 1 : 0;
    while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
      line.pop_back();
    if (!line.empty() && line.rfind("processed ", 0) != 0 &&
        line.rfind("verification time", 0) != 0 && line.rfind("stack depth", 0) != 0)
      verdict = line;
  }
  if (verdict.empty())
    verdict = "(its log is empty)";
  return "the kernel's verifier rejected program " + program + ": " + verdict;
}

bool HaveBpfBackend() {
  return true;
}

std::string BpfUnavailableReason() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct caps[2] = {};
  if (syscall(SYS_capget, &header, caps) == 0) {
    auto has = [&](int cap) { return (caps[cap / 32].effective >> (cap % 32)) & 1; };
    if (!has(CAP_SYS_ADMIN) && !(has(CAP_BPF) && has(CAP_PERFMON)))
      return "not privileged (it needs root, or the capabilities CAP_BPF and CAP_PERFMON)";
  }
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    return std::string("the kernel has no BTF (/sys/kernel/btf/vmlinux: ") + strerror(errno) +
           "; kernels built with CONFIG_DEBUG_INFO_BTF have it)";
  // bpf_loop came with Linux 5.17; a kernel that has it from a backport is as good.
  int r = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, nullptr);
  if (r == 0) {
    utsname u{};
    uname(&u);
    return std::string(
               "the kernel is too old: it has no bpf_loop (Linux 5.17 and later have "
               "it; this is ") +
           u.release + ")";
  }
  if (r < 0)
    return std::string("the kernel does not let this process load BPF programs (") + strerror(-r) +
           ")";
  return "";
}

RecordResult RecordWithBpf(const RecordOptions& options,
                           const format::SyscallTable& table,
                           const format::SyscallSet& set) {
  BpfRecorder rec(options, table, set);
  return rec.Run();
}

}  // namespace strec::record
