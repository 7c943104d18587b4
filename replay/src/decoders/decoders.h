// The decoders' shared parts, internal to strec_replay: the per-call context (Ctx) through which a
// decoder appends strace's text for one syscall, the small formatting helpers every family uses,
// and the registry through which the families (files.cc, net.cc, process.cc, signals.cc,
// memory.cc, time.cc, events.cc, ioctl.cc, ...) offer their decoders. A family file holds the
// hand-written decoders of one group of syscalls, the printers of the structs they own, and the
// return-value printers that are not a plain number; the generic printing driven by the syscall
// table is in common.cc. See docs/architecture.md, "How to add a decoder".
#ifndef STREC_REPLAY_SRC_DECODERS_DECODERS_H_
#define STREC_REPLAY_SRC_DECODERS_DECODERS_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "strec/format/syscall_table.h"
#include "strec/replay/decode.h"
#include "strec/replay/fd_text.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay::detail {

using format::ArgKind;
using format::kLenNone;
using format::kLenRet;

// ---- Small helpers ----

template <typename T>
bool Get(const std::string& data, size_t off, T* v) {
  if (off + sizeof(T) > data.size())
    return false;
  std::memcpy(v, data.data() + off, sizeof(T));
  return true;
}

template <typename T>
T At(const std::string& data, size_t off) {
  T v{};
  Get(data, off, &v);
  return v;
}

std::string Dec(int64_t v);
std::string UDec(uint64_t v);
std::string Octal(uint64_t v);        // "0644", "000"
const Xlat& Table(const char* name);  // an empty table when there is none of that name
std::string Flags(const char* table, uint64_t v, const char* zero = "0");
std::string Enum(const char* table, uint64_t v);
// As Flags, but a nonzero value with no known bit prints "0x2 /* FSOPEN_??? */" (strace's
// default text for the table) unless -X raw.
std::string FlagsDflt(const char* table, uint64_t v, const char* zero = "0");

// The abbreviated text `make()` gives, styled as one constant of value `number` (-X).
template <typename F>
std::string Whole(const std::string& number, F make) {
  if (CurrentXlatStyle() == XlatStyle::kAbbrev)
    return make();
  std::string names;
  {
    ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
    names = make();
  }
  return Styled(number, names);
}

std::string SignalArg(int64_t sig);
// A pid as -Y prints it: "1234<comm>" when the state knows the process's name, else "1234";
// with --pidns-translation, an id task `observer` sees in its pid namespace is followed by the
// recorder's number for it, "1 /* 1234 in strace's PID NS */" (a negative one, -pgid, too).
// `kind` (State::RecorderPid's): what the id is, when it is not any task's (a process group).
std::string PidText(int32_t pid,
                    const RenderOptions& opt,
                    const State* state,
                    int32_t observer = 0,
                    int kind = -1);
// Flags with strace's default for a value none of whose bits has a name:
// "0xbadc0ded00000000 /* SECBIT_??? */" (the table's XLAT_UNKNOWN text); else as Flags().
std::string FlagsOr(const char* table, uint64_t v);
struct Ctx;
// The bytes past the `known` ones of an extensible struct of `size` bytes, up to its byte 4095
// (kBufferAux 0 of the argument): "" when there are none or all are zero, "???" when they could
// not be read, else "/* bytes 24..31 */ \"\\x80...\"" (in hex, cut as -s says).
std::string ExtensionText(const Ctx& c, int arg, bool out, uint64_t known, uint64_t size);

// Flag sets and constants with a layout of their own (their families define them).
std::string OpenFlags(uint64_t v);   // files.cc
std::string StatxFlags(uint64_t v);  // files.cc
std::string MmapFlags(uint64_t v);   // memory.cc
std::string CloneFlags(uint64_t v);  // process.cc
std::string SocketType(uint64_t v);  // net.cc
std::string FutexOp(uint64_t v);     // events.cc
std::string Makedev(uint64_t dev);   // files.cc: "makedev(0x8, 0x1)"
std::string Ifindex(uint32_t v);     // net.cc: "if_nametoindex(\"lo\")" or the number
// A kFlags / kEnum argument by its table's name (common.cc).
std::string FlagArg(const char* param, uint64_t v);
std::string EnumArg(const char* param, uint64_t v);

// time.cc: struct timespec / timeval at d[off].
std::string Timespec(const std::string& d, size_t off);
std::string Timeval(const std::string& d, size_t off);
// time.cc: a time's date as strace prints it, "2017-04-16T15:31:48.567891+0000" (part: usec
// with width 6, nsec with width 9), or "" when strace prints none; DateComment puts it in " /* */".
std::string DateText(int64_t sec, uint64_t part, int width);
std::string DateComment(int64_t sec, uint64_t part, int width);
// time.cc: a clock_t with its seconds, "19 /* 0.19 s */" (no comment for 0 or with -X raw).
std::string ClockT(uint64_t v);
// events.cc: epoll_event's data union as strace prints it: {u32=N, u64=N}.
std::string FormatEpollData(uint64_t data);

// ---- The per-call context ----

// A path prints whole up to PATH_MAX - 1 bytes (the longest a path with its NUL can be);
// a longer one is cut there and marked "...".
constexpr uint32_t kPathShown = 4095;

struct Ctx {
  const Syscall& sc;
  const format::SyscallInfo* info;
  const DecodeEnv& env;
  const RenderOptions& opt;
  QuoteOptions q;
  std::string& entry;
  std::string& exit;
  std::string* cur;

  // Appends the text to out's entry and exit.
  Ctx(const Syscall& s, const format::SyscallInfo* i, const DecodeEnv& e, SyscallText* out)
      : sc(s), info(i), env(e), opt(*e.opt), entry(out->entry), exit(out->exit), cur(&entry) {
    q.max_strlen = opt.max_strlen;
    q.xflag = opt.xflag;
  }

  uint64_t A(int i) const { return sc.args[i]; }
  int32_t I(int i) const { return static_cast<int32_t>(sc.args[i]); }
  void Put(const std::string& s) { *cur += s; }
  void Sep() { *cur += ", "; }
  void ToExit() { cur = &exit; }
  bool ok() const { return sc.returned() && !sc.error(); }
  // Whether the call is in -e verbose= (strace's verbose(tcp)): when it is not, what strace
  // reads with umove_or_printaddr (structs, arrays, iovecs, ints by pointer) prints as its
  // address, and a few decoders print less (each says how).
  bool Verbose() const { return CallVerbose(opt, sc.nr); }

  // An output buffer, only when the call succeeded and it was read. For a call not in
  // -e verbose=, none of the memory strace would read with umove_or_printaddr (the argument's
  // own memory and what is reached through it): the decoders then print the address, as strace
  // does. Strings and data (Data(), a task's comm) are read whatever verbose= says: their
  // printers use RawIn/RawOut.
  const Buffer* Out(int arg, uint8_t kind = format::kBufferPlain, uint32_t index = 0) const {
    return Gated(kind) ? nullptr : RawOut(arg, kind, index);
  }
  const Buffer* In(int arg, uint8_t kind = format::kBufferPlain, uint32_t index = 0) const {
    return Gated(kind) ? nullptr : RawIn(arg, kind, index);
  }
  const Buffer* RawOut(int arg, uint8_t kind = format::kBufferPlain, uint32_t index = 0) const {
    if (!ok())
      return nullptr;
    const Buffer* b = sc.Find(arg, true, kind, index);
    return b && !b->read_errno ? b : nullptr;
  }
  const Buffer* RawIn(int arg, uint8_t kind = format::kBufferPlain, uint32_t index = 0) const {
    const Buffer* b = sc.Find(arg, false, kind, index);
    return b && !b->read_errno ? b : nullptr;
  }
  bool Gated(uint8_t kind) const {
    return (kind == format::kBufferPlain || kind == format::kBufferAux ||
            kind == format::kBufferIovecArray) &&
           !Verbose();
  }

  // A redacted buffer's marker, appended to *to (the current part by default): true if b was
  // redacted, and nothing of its (absent) bytes is to be printed.
  bool Redacted(const Buffer* b, std::string* to = nullptr) {
    if (!b || !b->redacted)
      return false;
    *(to ? to : cur) += RedactedText(*b);
    return true;
  }
  std::string FdText(int64_t fd) {
    std::string saved;
    std::swap(saved, *cur);
    Fd(fd);
    std::swap(saved, *cur);
    return saved;
  }
  // A pid, with its command name under -Y ("1234<sleep>").
  void Pid(int64_t pid) { Put(PidText(static_cast<int32_t>(pid), opt, env.state, sc.tid)); }
  void Fd(int64_t fd) {
    Put(Dec(static_cast<int32_t>(fd)));
    Put(replay::FdText(opt, env.state, sc.tid, fd));
  }
  // An fd in the table of process `pid` as the calling thread numbers it (kcmp): its path when
  // that process is in the trace.
  void FdOf(int32_t pid, int64_t fd) {
    Put(Dec(static_cast<int32_t>(fd)));
    if (pid <= 0 || !env.state)
      return;
    int32_t outer = env.state->RecorderPid(sc.tid, pid, 1);  // from another pid namespace
    Put(replay::FdText(opt, env.state, outer ? outer : pid, fd));
  }
  // The text after an fd this call made or received, whose path (and -yy detail) came with the
  // call: kBufferFdPath and kBufferFdDetail of `arg`, `index` ("" when not recorded).
  std::string NewFdText(int arg, uint32_t index) {
    const Buffer* p = opt.decode_fds ? Out(arg, format::kBufferFdPath, index) : nullptr;
    if (!p)
      return "";
    const Buffer* d = Out(arg, format::kBufferFdDetail, index);
    std::string name;
    std::optional<format::FdDetail> detail =
        d ? format::DecodeFdDetail(d->data, &name) : std::nullopt;
    // Not found for itself: perhaps as the peer of another fd of the call (socketpair).
    for (const Buffer& b : sc.buffers) {
      if (!detail || detail->found || b.kind != format::kBufferFdDetail ||
          !(b.index & format::kFdDetailPeerIndex))
        continue;
      std::string peer_name;
      std::optional<format::FdDetail> peer = format::DecodeFdDetail(b.data, &peer_name);
      if (peer && peer->found && peer->inode == detail->inode) {
        detail = peer;
        name = std::move(peer_name);
      }
    }
    return FdTextOf(opt, env.state, p->data, detail ? &*detail : nullptr, name);
  }
  void DirFd(int64_t fd) {
    if (static_cast<int32_t>(fd) == -100) {
      Put(Styled("-100", "AT_FDCWD"));
      if (opt.decode_fds && (opt.fd_kinds == 0 || (opt.fd_kinds & 1)) && env.state)
        if (const std::string* p = env.state->Cwd(sc.tid))
          Put(FdPathText(*p, opt.xflag));
    } else {
      Fd(fd);
    }
  }
  void Ptr(uint64_t v) { Put(PtrString(v)); }
  void StrArray(int i);

  void Path(int i) {
    if (!A(i)) {
      Put("NULL");
      return;
    }
    const Buffer* b = In(i, format::kBufferString);
    if (!b) {
      Ptr(A(i));
      return;
    }
    if (Redacted(b))
      return;
    QuoteOptions qq = q;
    qq.max_strlen = kPathShown;
    AppendQuotedCString(cur, b->data, b->full_len > b->data.size(), qq);
  }
  void String(int i) {
    if (!A(i)) {
      Put("NULL");
      return;
    }
    const Buffer* b = In(i, format::kBufferString);
    // Unreadable past more bytes than -s shows: strace read what it prints and stopped there.
    if (const Buffer* part = sc.Find(i, false, format::kBufferString);
        !b && part && part->data.size() > q.max_strlen && !part->redacted) {
      AppendQuotedCString(cur, part->data, true, q);
      return;
    }
    if (!b) {
      Ptr(A(i));
      return;
    }
    if (Redacted(b))
      return;
    AppendQuotedCString(cur, b->data, b->full_len > b->data.size(), q);
  }
  // A data buffer of `len` bytes: input (entry) or output (exit).
  void Data(int i, bool out, uint64_t len, bool force_hex = false) {
    const Buffer* b = out ? RawOut(i) : RawIn(i);
    if (!b && (!out || ok())) {
      // A read that failed past the part strace prints (it reads no more than -s bytes).
      const Buffer* part = sc.Find(i, out, format::kBufferPlain, 0);
      if (part && part->read_errno && part->data.size() >= std::min<uint64_t>(len, q.max_strlen))
        b = part;
    }
    if (!A(i) && !b) {
      Put("NULL");
      return;
    }
    if (!b && len == 0 && (!out || ok())) {
      Put("\"\"");  // nothing to read: strace prints the empty string
      return;
    }
    if (!b) {
      Ptr(A(i));
      return;
    }
    if (Redacted(b))
      return;
    QuoteOptions qq = q;
    qq.force_hex = force_hex;
    AppendQuotedBuffer(cur, b->data, len, qq);
  }
  uint64_t Len(uint8_t len) const {
    if (len == kLenRet)
      return sc.ret > 0 ? static_cast<uint64_t>(sc.ret) : 0;
    return info ? format::LengthArg(*info, sc.args, len) : len < 6 ? sc.args[len] : 0;
  }

  void Struct(int i, bool out, const char* name);
  void Array(int i, bool out, const char* name, uint64_t count);
  // index_base: where this array's buffers start (sendmmsg/recvmmsg: message << 16); addr:
  // where the array is when it is not argument i itself (a msghdr's msg_iov).
  static constexpr uint64_t kArgAddress = ~0ull;
  void Iovec(int i,
             bool out,
             uint64_t count,
             int64_t total,
             uint32_t index_base = 0,
             uint64_t addr = kArgAddress);
  void Arg(int i);
  void Generic();
};

// ---- The registry ----

// Appends a syscall's text through the context (both parts, or the one env.part asks for).
using Decoder = void (*)(Ctx&);
// A successful call's return value when it is not a plain number ("0x1 (flags FD_CLOEXEC)",
// "1 ([{fd=3, revents=POLLIN}])"), or "" to print it by the table's return style.
using ReturnDecoder = std::string (*)(const Syscall& sc, const DecodeEnv& env);
// A struct (named in format/syscalls/structs.def) from its captured bytes `d`, at least
// StructSize(name) of them, of argument `arg`; "" to print the address instead.
using StructPrinter = std::string (*)(Ctx& c, int arg, const std::string& d);

struct DecoderEntry {
  int nr;
  Decoder decode;
  ReturnDecoder ret = nullptr;
};
struct StructEntry {
  std::string_view name;
  StructPrinter print;
};
struct Family {
  std::string_view name;
  std::span<const DecoderEntry> decoders;
  std::span<const StructEntry> structs;
};

Family FilesFamily();
Family NetFamily();
Family ProcessFamily();
Family PrctlFamily();
Family SignalsFamily();
Family MemoryFamily();
Family TimeFamily();
Family EventsFamily();
Family IoctlFamily();
Family MiscFamily();       // misc.cc: mount, ioprio_get/ioprio_set, personality
Family IpcFamily();        // ipc.cc: System V IPC (msg*, sem*, shm*)
Family MempolicyFamily();  // mempolicy.cc: mbind, *_mempolicy, migrate_pages, memfd_create
Family QuotaFamily();      // quota.cc: quotactl, quotactl_fd
Family KernelFamily();     // kernel.cc: kcmp, syslog, kexec_load, kexec_file_load
Family FanotifyFamily();   // fanotify.cc: fanotify_init, fanotify_mark
Family LandlockFamily();   // landlock.cc: landlock_create_ruleset, landlock_add_rule
Family SchedFamily();      // sched.cc: sched_setattr/getattr, sched_getscheduler, sched_setaffinity
Family IoUringFamily();    // io_uring.cc: io_uring_setup, io_uring_enter
Family PtraceFamily();     // ptrace.cc: ptrace's requests and their arguments
Family MqFamily();         // mq.cc: mq_open, mq_timedsend, struct mq_attr and sigevent
Family SysadminFamily();   // sysadmin.cc: reboot, swapon, ustat, sethostname, preadv2

// An array of `count` elements of `elem` bytes at argument `arg` (its kBufferPlain buffer, as
// captured: at exit when `out`, of a successful call), each printed by `print(data, offset)`:
// at most -s elements then "...", and where the array could be read only in part,
// "... /* 0xADDR */" at the first element that could not; its address when none could (common.cc).
std::string PartialArray(Ctx& c,
                         int arg,
                         bool out,
                         uint64_t count,
                         size_t elem,
                         std::string (*print)(const std::string& d, size_t off));

// ---- ioctl groups ----

// The requests of one driver or subsystem (listed in ioctl.cc's kIoctlGroups): their names and
// their argument. decode_arg is called with "fd, REQUEST, " in the entry part; it prints the
// argument and returns true (what the caller passes in the entry part; what the kernel wrote
// after c.ToExit(), as " => {...}" when both are printed), or returns false having printed
// nothing for a request it does not know (ioctl.cc then prints the argument's address).
struct IoctlGroup {
  const char* names;  // the xlat table of its requests' names, or nullptr
  bool (*decode_arg)(Ctx& c, uint32_t req);
  // A successful call's return value when it is not a plain number, or "" (see ReturnDecoder).
  std::string (*ret)(const Syscall& sc, const DecodeEnv& env) = nullptr;
};
// The groups' decode_arg functions, each in its own file (ioctl_tty.cc, ...).
bool DecodeTtyIoctl(Ctx& c, uint32_t req);
bool DecodeHdioIoctl(Ctx& c, uint32_t req);      // ioctl_hdio.cc
bool DecodeRandomIoctl(Ctx& c, uint32_t req);    // ioctl_random.cc
bool DecodeWatchdogIoctl(Ctx& c, uint32_t req);  // ioctl_watchdog.cc
bool DecodeLircIoctl(Ctx& c, uint32_t req);      // ioctl_lirc.cc
bool DecodeRtcIoctl(Ctx& c, uint32_t req);       // ioctl_rtc.cc
bool DecodeV4l2Ioctl(Ctx& c, uint32_t req);      // ioctl_v4l2.cc
std::string V4l2IoctlReturn(const Syscall& sc, const DecodeEnv& env);
bool DecodeGpioIoctl(Ctx& c, uint32_t req);     // ioctl_gpio.cc
bool DecodeFsIoctl(Ctx& c, uint32_t req);       // ioctl_fs.cc
bool DecodeCounterIoctl(Ctx& c, uint32_t req);  // ioctl_counter.cc
bool DecodeNsfsIoctl(Ctx& c, uint32_t req);     // ioctl_nsfs.cc: nsfs and inotify
std::string NsfsIoctlReturn(const Syscall& sc, const DecodeEnv& env);  // NS_GET_NSTYPE
bool DecodeLoopIoctl(Ctx& c, uint32_t req);                            // ioctl_loop.cc
std::string Makedev(uint64_t dev);          // files.cc: "makedev(0x8, 0x1)", as -X says
bool DecodeNbdIoctl(Ctx& c, uint32_t req);  // ioctl_nbd.cc

// Lookups over all families (registry.cc); nullptr when there is none.
Decoder FindDecoder(int nr);
ReturnDecoder FindReturnDecoder(int nr);
StructPrinter FindStructPrinter(std::string_view name);

}  // namespace strec::replay::detail

#endif  // STREC_REPLAY_SRC_DECODERS_DECODERS_H_
