#include "strec/replay/decode.h"

#include "strec/format/redact.h"

#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <unordered_map>

#include "decode_more.h"
#include "strec/format/redact.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

using format::ArgKind;
using format::kLenNone;
using format::kLenRet;

namespace {

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

std::string Dec(int64_t v) {
  return std::to_string(v);
}
std::string UDec(uint64_t v) {
  return std::to_string(v);
}
std::string Octal(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%#03llo", static_cast<unsigned long long>(v));
  return buf;
}

const Xlat& Table(const char* name) {
  static const Xlat kEmpty{"", {}};
  const Xlat* x = FindXlat(name);
  return x ? *x : kEmpty;
}

std::string Flags(const char* table, uint64_t v, const char* zero = "0") {
  std::string s;
  AppendFlags(&s, Table(table), v, zero);
  return s;
}

std::string Enum(const char* table, uint64_t v) {
  std::string s;
  AppendEnum(&s, Table(table), v);
  return s;
}

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

std::string SignalArg(int64_t sig) {
  if (sig <= 0 || sig > 64)
    return Dec(sig);
  return Styled(Dec(sig), SignalName(static_cast<int>(sig)));
}

std::string OpenFlags(uint64_t v) {
  v &= 0xffffffff;
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(v), [v] { return OpenFlags(v); });
  std::string s;
  AppendEnum(&s, Table("open_accmode"), v & 3);
  if (v & ~3ull) {
    s += '|';
    AppendFlags(&s, Table("open_flags"), v & ~3ull);
  }
  return s;
}

std::string MmapFlags(uint64_t v) {
  v &= 0xffffffff;
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(v), [v] { return MmapFlags(v); });
  std::string s;
  uint64_t type = v & 0xf;
  uint64_t rest = v & ~0xfull;
  uint64_t huge = (rest >> 26) & 0x3f;
  rest &= ~(0x3full << 26);
  if (const char* n = Table("mmap_type").Name(type))
    s = n;
  else
    s = HexString(type) + " /* MAP_??? */";
  if (rest) {
    s += '|';
    AppendFlags(&s, Table("mmap_flags"), rest);
  }
  if (huge)
    s += "|" + UDec(huge) + "<<MAP_HUGE_SHIFT";
  return s;
}

std::string CloneFlags(uint64_t v) {
  uint64_t sig = v & 0xff;
  uint64_t rest = v & ~0xffull;
  std::string s;
  if (rest)
    AppendFlags(&s, Table("clone_flags"), rest);
  if (sig) {
    if (!s.empty())
      s += '|';
    s += SignalArg(static_cast<int64_t>(sig));
  }
  return s.empty() ? "0" : s;
}

std::string SocketType(uint64_t v) {
  v &= 0xffffffff;
  std::string s;
  AppendEnum(&s, Table("socket_type"), v & 0xf);
  if (v & ~0xfull) {
    s += '|';
    AppendFlags(&s, Table("socket_type_flags"), v & ~0xfull);
  }
  return s;
}

std::string StatxFlags(uint64_t v) {
  v &= 0xffffffff;
  std::string s;
  if (const char* n = Table("statx_sync").Name(v & 0x6000))
    s = n;
  // strace 6.1 prints the sync type with -X raw as an empty string when it is 0.
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    s = (v & 0x6000) || CurrentXlatStyle() == XlatStyle::kVerbose ? Styled(HexString(v & 0x6000), s)
                                                                  : "";
  if (v & ~0x6000ull) {
    s += '|';
    AppendFlags(&s, Table("statx_flags"), v & ~0x6000ull);
  }
  return s;
}

std::string FutexOp(uint64_t v) {
  v &= 0xffffffff;
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(v), [v] { return FutexOp(v); });
  std::string s;
  uint64_t cmd = v & 127;
  if (const char* n = Table("futex_cmd").Name(cmd)) {
    s = n;
    if (v & 128)
      s += "_PRIVATE";
  } else {
    s = HexString(v);
    return s;
  }
  if (v & 256)
    s += "|FUTEX_CLOCK_REALTIME";
  uint64_t rest = v & ~(127ull | 128 | 256);
  if (rest)
    s += "|" + HexString(rest);
  return s;
}

std::string FlagArg(const char* param, uint64_t v) {
  std::string_view p = param ? param : "";
  if (p == "open_flags")
    return OpenFlags(v);
  if (p == "mmap_flags")
    return MmapFlags(v);
  if (p == "mmap_prot")
    return Flags("mmap_prot", v & 0xffffffff, "PROT_NONE");
  if (p == "clone_flags")
    return CloneFlags(v);
  if (p == "socket_type")
    return SocketType(v);
  if (p == "statx_flags")
    return StatxFlags(v);
  if (p == "access_mode")
    return Flags("access_mode", v & 0xffffffff, "F_OK");
  if (p == "at_flags" || p == "wait_options" || p == "msg_flags" || p == "getrandom_flags" ||
      p == "pipe2_flags" || p == "dup3_flags")
    return Flags(param, v & 0xffffffff);
  if (FindXlat(p))
    return Flags(param, v);
  return HexString(v);
}

std::string EnumArg(const char* param, uint64_t v) {
  std::string_view p = param ? param : "";
  if (p == "futex_op")
    return FutexOp(v);
  if (p == "rlimit_resource" || p == "itimer_which" || p == "whence" || p == "sigprocmask_how" ||
      p == "shutdown_how" || p == "madvise_advice" || p == "socket_family" || p == "fcntl_cmd" ||
      p == "epoll_ctl_op" || p == "priority_which" || p == "sched_policy")
    return Enum(param, v & 0xffffffff);
  if (p == "rusage_who" || p == "waitid_idtype") {
    std::string s;
    AppendEnumDec(&s, Table(param), static_cast<int32_t>(v));
    return s;
  }
  if (FindXlat(p))
    return Enum(param, v);
  return HexString(v);
}

std::string Timespec(const std::string& d, size_t off) {
  return "{tv_sec=" + Dec(At<int64_t>(d, off)) + ", tv_nsec=" + Dec(At<int64_t>(d, off + 8)) + "}";
}
std::string Timeval(const std::string& d, size_t off) {
  return "{tv_sec=" + Dec(At<int64_t>(d, off)) + ", tv_usec=" + Dec(At<int64_t>(d, off + 8)) + "}";
}

std::string Rlim(uint64_t v) {
  if (v == ~0ull)
    return Styled(UDec(v), "RLIM64_INFINITY");
  if (v > 1024 && v % 1024 == 0)
    return Styled(UDec(v), UDec(v / 1024) + "*1024");
  return UDec(v);
}

std::string ModeType(uint32_t mode) {
  switch (mode & 0170000) {
    case 0140000:
      return "S_IFSOCK";
    case 0120000:
      return "S_IFLNK";
    case 0100000:
      return "S_IFREG";
    case 0060000:
      return "S_IFBLK";
    case 0040000:
      return "S_IFDIR";
    case 0020000:
      return "S_IFCHR";
    case 0010000:
      return "S_IFIFO";
    default:
      return "";
  }
}

// st_mode as strace prints it: S_IFREG|0644, with the set-id and sticky bits named.
std::string StatMode(uint32_t mode) {
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(Octal(mode), [mode] { return StatMode(mode); });
  std::string s = ModeType(mode);
  if (s.empty() && (mode & 0170000))
    s = Octal(mode & 0170000);
  auto add = [&](const char* n) {
    if (!s.empty())
      s += '|';
    s += n;
  };
  if (mode & 04000)
    add("S_ISUID");
  if (mode & 02000)
    add("S_ISGID");
  if (mode & 01000)
    add("S_ISVTX");
  char buf[16];
  snprintf(buf, sizeof buf, "%#03o", mode & 0777);
  add(buf);
  return s;
}

std::string Makedev(uint64_t dev) {
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(dev), [dev] { return Makedev(dev); });
  uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull);
  uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~0xffull);
  return "makedev(" + HexString(major) + ", " + HexString(minor) + ")";
}

// " /* 2023-11-14T22:13:20.123456789+0000 */" in local time, as strace -v prints times.
std::string TimeComment(int64_t sec, uint64_t nsec) {
  time_t t = static_cast<time_t>(sec);
  tm tm;
  if (!localtime_r(&t, &tm))
    return "";
  char date[64], zone[16];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  strftime(zone, sizeof zone, "%z", &tm);
  std::string s = std::string(" /* ") + date;
  if (nsec) {
    char frac[32];
    snprintf(frac, sizeof frac, ".%09llu", static_cast<unsigned long long>(nsec % 1000000000));
    s += frac;
  }
  return s + zone + " */";
}

std::string Stat(const std::string& d, bool verbose) {
  uint64_t dev = At<uint64_t>(d, 0), ino = At<uint64_t>(d, 8), nlink = At<uint64_t>(d, 16);
  uint32_t mode = At<uint32_t>(d, 24), uid = At<uint32_t>(d, 28), gid = At<uint32_t>(d, 32);
  uint64_t rdev = At<uint64_t>(d, 40);
  int64_t size = At<int64_t>(d, 48), blksize = At<int64_t>(d, 56), blocks = At<int64_t>(d, 64);
  bool dev_node = (mode & 0170000) == 0020000 || (mode & 0170000) == 0060000;
  std::string s = "{";
  if (!verbose) {
    s += "st_mode=" + StatMode(mode);
    if (dev_node)
      s += ", st_rdev=" + Makedev(rdev);
    else
      s += ", st_size=" + Dec(size);
    return s + ", ...}";
  }
  s += "st_dev=" + Makedev(dev) + ", st_ino=" + UDec(ino) + ", st_mode=" + StatMode(mode) +
       ", st_nlink=" + UDec(nlink) + ", st_uid=" + UDec(uid) + ", st_gid=" + UDec(gid) +
       ", st_blksize=" + Dec(blksize) + ", st_blocks=" + Dec(blocks);
  if (dev_node)
    s += ", st_rdev=" + Makedev(rdev);
  else
    s += ", st_size=" + Dec(size);
  const char* names[] = {"st_atime", "st_mtime", "st_ctime"};
  for (int i = 0; i < 3; i++) {
    int64_t sec = At<int64_t>(d, 72 + 16 * i);
    uint64_t nsec = At<uint64_t>(d, 80 + 16 * i);
    s += std::string(", ") + names[i] + "=" + Dec(sec) + TimeComment(sec, nsec) + ", " + names[i] +
         "_nsec=" + UDec(nsec);
  }
  return s + "}";
}

std::string Statx(const std::string& d, bool verbose) {
  uint32_t mask = At<uint32_t>(d, 0);
  std::string s = "{stx_mask=" + Flags("statx_mask", mask);
  if (verbose)
    s += ", stx_blksize=" + UDec(At<uint32_t>(d, 4));
  s += ", stx_attributes=" + Flags("statx_attrs", At<uint64_t>(d, 8));
  if (verbose)
    s += ", stx_nlink=" + UDec(At<uint32_t>(d, 16)) + ", stx_uid=" + UDec(At<uint32_t>(d, 20)) +
         ", stx_gid=" + UDec(At<uint32_t>(d, 24));
  s += ", stx_mode=" + StatMode(At<uint16_t>(d, 28));
  if (verbose)
    s += ", stx_ino=" + UDec(At<uint64_t>(d, 32));
  s += ", stx_size=" + UDec(At<uint64_t>(d, 40));
  if (!verbose)
    return s + ", ...}";
  s += ", stx_blocks=" + UDec(At<uint64_t>(d, 48)) +
       ", stx_attributes_mask=" + Flags("statx_attrs", At<uint64_t>(d, 56));
  const char* names[] = {"stx_atime", "stx_btime", "stx_ctime", "stx_mtime"};
  for (int i = 0; i < 4; i++) {
    if (i == 1 && !(mask & 0x800))
      continue;
    int64_t sec = At<int64_t>(d, 64 + 16 * i);
    uint32_t nsec = At<uint32_t>(d, 72 + 16 * i);
    s += std::string(", ") + names[i] + "={tv_sec=" + Dec(sec) + ", tv_nsec=" + UDec(nsec) + "}" +
         TimeComment(sec, nsec);
  }
  s += ", stx_rdev_major=" + UDec(At<uint32_t>(d, 128)) +
       ", stx_rdev_minor=" + UDec(At<uint32_t>(d, 132)) +
       ", stx_dev_major=" + UDec(At<uint32_t>(d, 136)) +
       ", stx_dev_minor=" + UDec(At<uint32_t>(d, 140));
  if (mask & 0x1000)
    s += ", stx_mnt_id=" + HexString(At<uint64_t>(d, 144));
  return s + "}";
}

std::string Sigaction(const std::string& d) {
  uint64_t handler = At<uint64_t>(d, 0), flags = At<uint64_t>(d, 8), restorer = At<uint64_t>(d, 16),
           mask = At<uint64_t>(d, 24);
  std::string s = "{sa_handler=";
  if (handler == 0)
    s += Styled("0", "SIG_DFL");
  else if (handler == 1)
    s += Styled("0x1", "SIG_IGN");
  else
    s += HexString(handler);
  s += ", sa_mask=" + FormatSigset(mask);
  s += ", sa_flags=" + Flags("sa_flags", flags);
  if (flags & 0x04000000)
    s += ", sa_restorer=" + PtrString(restorer);
  return s + "}";
}

std::string Rusage(const std::string& d, bool verbose) {
  std::string s = "{ru_utime=" + Timeval(d, 0) + ", ru_stime=" + Timeval(d, 16);
  if (!verbose)
    return s + ", ...}";
  const char* names[] = {"ru_maxrss", "ru_ixrss",    "ru_idrss",   "ru_isrss",   "ru_minflt",
                         "ru_majflt", "ru_nswap",    "ru_inblock", "ru_oublock", "ru_msgsnd",
                         "ru_msgrcv", "ru_nsignals", "ru_nvcsw",   "ru_nivcsw"};
  for (int i = 0; i < 14; i++)
    s += std::string(", ") + names[i] + "=" + Dec(At<int64_t>(d, 32 + 8 * i));
  return s + "}";
}

std::string Utsname(const std::string& d, bool verbose, const QuoteOptions& q) {
  const char* names[] = {"sysname", "nodename", "release", "version", "machine", "domainname"};
  std::string s = "{";
  for (int i = 0; i < 6; i++) {
    if (!verbose && i == 2) {
      s += ", ...";
      break;
    }
    std::string field =
        d.size() >= static_cast<size_t>(65 * (i + 1)) ? d.substr(65 * i, 65) : std::string();
    field = field.substr(0, field.find('\0'));
    if (i)
      s += ", ";
    s += std::string(names[i]) + "=";
    QuoteOptions qq = q;
    qq.max_strlen = 65;
    AppendQuotedCString(&s, field, false, qq);
  }
  return s + "}";
}

std::string WaitStatus(int32_t st) {
  std::string s = "[{";
  uint32_t u = static_cast<uint32_t>(st);
  if ((u & 0xff) == 0x7f) {
    s += "WIFSTOPPED(s) && WSTOPSIG(s) == " + SignalName((u >> 8) & 0xff);
    if (u >> 16)
      s += " && (s >> 16) == " + UDec(u >> 16);
  } else if (u == 0xffff) {
    s += "WIFCONTINUED(s)";
  } else if ((u & 0x7f) == 0) {
    s += "WIFEXITED(s) && WEXITSTATUS(s) == " + UDec((u >> 8) & 0xff);
  } else {
    s += "WIFSIGNALED(s) && WTERMSIG(s) == " + SignalName(u & 0x7f);
    if (u & 0x80)
      s += " && WCOREDUMP(s)";
  }
  s += "}";
  if (u & ~0xffffu && (u & 0xff) != 0x7f)
    s += " | " + HexString(u & ~0xffffu);
  return s + "]";
}

std::string Sockaddr(const std::string& d, uint64_t len, const QuoteOptions& q) {
  if (len < 2 || d.size() < 2)
    return "{sa_family=AF_UNSPEC}";
  std::string s = "{sa_family=";
  uint16_t family = At<uint16_t>(d, 0);
  const char* fname = Table("socket_family").Name(family);
  s += fname ? Styled(HexString(family), fname) : Dec(family) + " /* AF_??? */";
  std::string body = d.substr(2, std::min<uint64_t>(len, d.size()) - 2);
  if (CurrentXlatStyle() != XlatStyle::kAbbrev && (family == AF_INET || family == AF_INET6)) {
    // -X raw: the port and the address as the bytes they are; -X verbose adds the usual form
    // in a comment.
    bool verbose = CurrentXlatStyle() == XlatStyle::kVerbose;
    QuoteOptions hex = q;
    hex.force_hex = true;
    auto field = [&](const char* name, size_t off, size_t n, const std::string& comment) {
      s += std::string(", ") + name + "=";
      AppendQuotedBuffer(&s, d.size() >= off + n ? d.substr(off, n) : "", n, hex);
      if (verbose)
        s += " /* " + comment + " */";
    };
    std::string port = "htons(" + UDec(d.size() >= 4 ? ntohs(At<uint16_t>(d, 2)) : 0) + ")";
    if (family == AF_INET) {
      char addr[INET_ADDRSTRLEN] = "";
      if (d.size() >= 8)
        inet_ntop(AF_INET, d.data() + 4, addr, sizeof addr);
      field("sin_port", 2, 2, port);
      field("sin_addr", 4, 4, std::string("inet_addr(\"") + addr + "\")");
    } else {
      char addr[INET6_ADDRSTRLEN] = "";
      if (d.size() >= 24)
        inet_ntop(AF_INET6, d.data() + 8, addr, sizeof addr);
      field("sin6_port", 2, 2, port);
      field("sin6_flowinfo", 4, 4, "htonl(" + UDec(ntohl(At<uint32_t>(d, 4))) + ")");
      field("sin6_addr", 8, 16, std::string("inet_pton(AF_INET6, \"") + addr + "\")");
      s += ", sin6_scope_id=" + UDec(At<uint32_t>(d, 24));
    }
    return s + "}";
  }
  switch (family) {
    case AF_UNIX: {
      if (body.empty())
        break;
      QuoteOptions qq = q;
      qq.max_strlen = 108;
      s += ", sun_path=";
      if (body[0] == '\0') {
        s += "@";
        AppendQuotedBuffer(&s, body.substr(1), body.size() - 1, qq);
      } else {
        AppendQuotedCString(&s, body.substr(0, body.find('\0')), false, qq);
      }
      break;
    }
    case AF_INET: {
      char addr[INET_ADDRSTRLEN] = "";
      if (d.size() >= 8)
        inet_ntop(AF_INET, d.data() + 4, addr, sizeof addr);
      s += ", sin_port=htons(" + UDec(ntohs(At<uint16_t>(d, 2))) + "), sin_addr=inet_addr(\"" +
           addr + "\")";
      break;
    }
    case AF_INET6: {
      char addr[INET6_ADDRSTRLEN] = "";
      if (d.size() >= 24)
        inet_ntop(AF_INET6, d.data() + 8, addr, sizeof addr);
      s += ", sin6_port=htons(" + UDec(ntohs(At<uint16_t>(d, 2))) + "), sin6_flowinfo=htonl(" +
           UDec(ntohl(At<uint32_t>(d, 4))) + "), inet_pton(AF_INET6, \"" + addr +
           "\", &sin6_addr), sin6_scope_id=" + UDec(At<uint32_t>(d, 24));
      break;
    }
    case AF_NETLINK: {
      char groups[16];
      snprintf(groups, sizeof groups, "%08x", At<uint32_t>(d, 8));
      s += ", nl_pid=" + Dec(At<int32_t>(d, 4)) + ", nl_groups=" + groups;
      break;
    }
    default:
      s += ", sa_data=";
      AppendQuotedBuffer(&s, body, body.size(), q);
      break;
  }
  return s + "}";
}

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

  // An output buffer, only when the call succeeded and it was read.
  const Buffer* Out(int arg, uint8_t kind = format::kBufferPlain, uint32_t index = 0) const {
    if (!ok())
      return nullptr;
    const Buffer* b = sc.Find(arg, true, kind, index);
    return b && !b->read_errno ? b : nullptr;
  }
  const Buffer* In(int arg, uint8_t kind = format::kBufferPlain, uint32_t index = 0) const {
    const Buffer* b = sc.Find(arg, false, kind, index);
    return b && !b->read_errno ? b : nullptr;
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
  void Fd(int64_t fd) {
    Put(Dec(static_cast<int32_t>(fd)));
    if (opt.decode_fds && env.state) {
      if (const std::string* p = env.state->FdPath(sc.tid, static_cast<int32_t>(fd)))
        Put(FdPathText(*p, opt.xflag));
    }
  }
  void DirFd(int64_t fd) {
    if (static_cast<int32_t>(fd) == -100) {
      Put(Styled("-100", "AT_FDCWD"));
      if (opt.decode_fds && env.state)
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
    const Buffer* b = out ? Out(i) : In(i);
    if (!b && len == 0 && (!out || ok())) {
      Put("\"\"");  // nothing to read: strace prints the empty string
      return;
    }
    if (!A(i) && !b) {
      Put("NULL");
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
    return len < 6 ? sc.args[len] : 0;
  }

  void Struct(int i, bool out, const char* name);
  void Array(int i, bool out, const char* name, uint64_t count);
  // index_base: where this array's buffers start (sendmmsg/recvmmsg: message << 16).
  void Iovec(int i, bool out, uint64_t count, int64_t total, uint32_t index_base = 0);
  void Arg(int i);
  void Generic();
};

std::string OneValue(const char* name, const std::string& d) {
  std::string_view n = name;
  if (n == "int" || n == "socklen_t")
    return "[" + Dec(At<int32_t>(d, 0)) + "]";
  if (n == "uint" || n == "uid_t" || n == "gid_t")
    return "[" + UDec(At<uint32_t>(d, 0)) + "]";
  if (n == "loff_t" || n == "time_t")
    return "[" + Dec(At<int64_t>(d, 0)) + "]";
  if (n == "size_t")
    return "[" + UDec(At<uint64_t>(d, 0)) + "]";
  if (n == "ptr" || n == "aio_context_t")
    return "[" + PtrString(At<uint64_t>(d, 0)) + "]";
  return "";
}

void Ctx::Struct(int i, bool out, const char* name) {
  const Buffer* b = out ? Out(i) : In(i);
  if (Redacted(b))
    return;
  if (!b || b->data.size() < format::StructSize(name ? name : "")) {
    Ptr(A(i));
    return;
  }
  const std::string& d = b->data;
  std::string_view n = name ? name : "";
  std::string s = OneValue(name, d);
  if (!s.empty()) {
    Put(s);
  } else if (n == "stat") {
    Put(Stat(d, opt.verbose));
  } else if (n == "statx") {
    Put(Statx(d, opt.verbose));
  } else if (n == "timespec") {
    Put(Timespec(d, 0));
  } else if (n == "timeval") {
    Put(Timeval(d, 0));
  } else if (n == "timezone") {
    Put("{tz_minuteswest=" + Dec(At<int32_t>(d, 0)) + ", tz_dsttime=" + Dec(At<int32_t>(d, 4)) +
        "}");
  } else if (n == "itimerval") {
    Put("{it_interval=" + Timeval(d, 0) + ", it_value=" + Timeval(d, 16) + "}");
  } else if (n == "itimerspec") {
    Put("{it_interval=" + Timespec(d, 0) + ", it_value=" + Timespec(d, 16) + "}");
  } else if (n == "timespec_pair") {
    Put("[" + Timespec(d, 0) + ", " + Timespec(d, 16) + "]");
  } else if (n == "timeval_pair") {
    Put("[" + Timeval(d, 0) + ", " + Timeval(d, 16) + "]");
  } else if (n == "rlimit") {
    Put("{rlim_cur=" + Rlim(At<uint64_t>(d, 0)) + ", rlim_max=" + Rlim(At<uint64_t>(d, 8)) + "}");
  } else if (n == "sigaction") {
    Put(Sigaction(d));
  } else if (n == "sigset") {
    Put(FormatSigset(At<uint64_t>(d, 0)));
  } else if (n == "fd_pair") {
    // The new fds' paths come with the call (the state is updated after the line is built).
    Put("[");
    for (uint32_t k = 0; k < 2; k++) {
      if (k)
        Put(", ");
      Put(Dec(At<int32_t>(d, k * 4)));
      const Buffer* p = opt.decode_fds ? Out(i, format::kBufferFdPath, k) : nullptr;
      if (p)
        Put(FdPathText(p->data, opt.xflag));
    }
    Put("]");
  } else if (n == "rusage") {
    Put(Rusage(d, opt.verbose));
  } else if (n == "utsname") {
    Put(Utsname(d, opt.verbose, q));
  } else if (n == "siginfo") {
    Put(FormatSiginfo(d, opt));
  } else if (n == "stack_t") {
    uint32_t flags = At<uint32_t>(d, 8);
    std::vector<std::string> names;
    if (flags & 1)
      names.emplace_back("SS_ONSTACK");
    if (flags & 2)
      names.emplace_back("SS_DISABLE");
    if (flags & 0x80000000u)
      names.emplace_back("SS_AUTODISARM");
    std::string f;
    for (const auto& name : names) {
      if (!f.empty())
        f += '|';
      f += name;
    }
    if (f.empty())
      f.push_back('0');
    Put("{ss_sp=" + PtrString(At<uint64_t>(d, 0)) + ", ss_flags=" + f +
        ", ss_size=" + UDec(At<uint64_t>(d, 16)) + "}");
  } else if (n == "open_how") {
    uint64_t flags = At<uint64_t>(d, 0);
    std::string s2 = "{flags=" + OpenFlags(flags);
    if (flags & 0100 || (flags & 020200000) == 020200000)
      s2 += ", mode=" + Octal(At<uint64_t>(d, 8));
    uint64_t resolve = At<uint64_t>(d, 16);
    s2 += ", resolve=" + (resolve ? HexString(resolve) : std::string("0")) + "}";
    Put(s2);
  } else if (n == "sched_param") {
    Put("[{sched_priority=" + Dec(At<int32_t>(d, 0)) + "}]");
  } else if (n == "epoll_event") {
    Put("{events=" + Flags("epoll_events", At<uint32_t>(d, 0)) +
        ", data=" + FormatEpollData(At<uint64_t>(d, 4)) + "}");
  } else if (n == "sysinfo") {
    Put(FormatSysinfo(d));
  } else if (n == "tms") {
    Put(FormatTms(d));
  } else if (n == "statfs") {
    Put(FormatStatfs(d));
  } else {
    Ptr(A(i));
  }
}

void Ctx::Array(int i, bool out, const char* name, uint64_t count) {
  const Buffer* b = out ? Out(i) : In(i);
  std::string_view n = name ? name : "";
  if (!b) {
    Ptr(A(i));
    return;
  }
  if (Redacted(b))
    return;
  uint32_t size = format::StructSize(name ? name : "");
  if (!size) {
    Ptr(A(i));
    return;
  }
  uint64_t have = b->data.size() / size;
  std::string s = "[";
  for (uint64_t k = 0; k < std::min(count, have); k++) {
    if (k)
      s += ", ";
    if (k >= opt.max_strlen) {
      s += "...";
      break;
    }
    std::string elem = b->data.substr(k * size, size);
    if (n == "pollfd") {
      s += "{fd=" + FdText(At<int32_t>(elem, 0)) +
           ", events=" + Flags("poll_events", At<uint16_t>(elem, 4)) + "}";
    } else if (n == "epoll_event") {
      s += "{events=" + Flags("epoll_events", At<uint32_t>(elem, 0)) +
           ", data=" + FormatEpollData(At<uint64_t>(elem, 4)) + "}";
    } else if (n == "gid_t" || n == "uid_t") {
      s += UDec(At<uint32_t>(elem, 0));
    } else if (n == "int") {
      s += Dec(At<int32_t>(elem, 0));
    } else if (n == "iovec") {
      s += "{iov_base=" + PtrString(At<uint64_t>(elem, 0)) +
           ", iov_len=" + UDec(At<uint64_t>(elem, 8)) + "}";
    } else {
      Ptr(A(i));
      return;
    }
  }
  if (count > have && have < opt.max_strlen)
    s += have ? ", ..." : "...";
  Put(s + "]");
}

// struct iovec[count]: each element's data, at most `total` bytes in all (outputs).
void Ctx::Iovec(int i, bool out, uint64_t count, int64_t total, uint32_t index_base) {
  const Buffer* arr = out ? Out(i, format::kBufferIovecArray, index_base)
                          : In(i, format::kBufferIovecArray, index_base);
  if (!arr) {
    Ptr(index_base ? 0 : A(i));
    return;
  }
  uint64_t left = total < 0 ? ~0ull : static_cast<uint64_t>(total);
  uint64_t have = arr->data.size() / 16;
  std::string s = "[";
  for (uint64_t k = 0; k < std::min(count, have); k++) {
    if (k)
      s += ", ";
    if (k >= opt.max_strlen) {
      s += "...";
      break;
    }
    uint64_t base = At<uint64_t>(arr->data, k * 16), len = At<uint64_t>(arr->data, k * 16 + 8);
    uint64_t shown = out ? std::min(len, left) : len;
    if (out)
      left -= shown;
    s += "{iov_base=";
    const Buffer* d =
        sc.Find(i, out, format::kBufferIovecData, index_base + static_cast<uint32_t>(k));
    if (d && !d->read_errno) {
      if (!Redacted(d, &s))
        AppendQuotedBuffer(&s, d->data, shown, q);
    } else {
      s += PtrString(base);
    }
    s += ", iov_len=" + UDec(len) + "}";
  }
  Put(s + "]");
}

bool IsOutKind(ArgKind k) {
  return k == ArgKind::kOutData || k == ArgKind::kOutStruct || k == ArgKind::kInOutStruct ||
         k == ArgKind::kOutArray || k == ArgKind::kOutIovec;
}

void Ctx::Arg(int i) {
  const format::ArgSpec& a = info->args[i];
  uint64_t v = A(i);
  switch (a.kind) {
    case ArgKind::kInt:
    case ArgKind::kPid:
      Put(Dec(static_cast<int32_t>(v)));
      break;
    case ArgKind::kUInt:
      Put(UDec(static_cast<uint32_t>(v)));
      break;
    case ArgKind::kUid:
    case ArgKind::kGid:
      Put(static_cast<int32_t>(v) == -1 ? "-1" : UDec(static_cast<uint32_t>(v)));
      break;
    case ArgKind::kLong:
    case ArgKind::kOff:
      Put(Dec(static_cast<int64_t>(v)));
      break;
    case ArgKind::kULong:
    case ArgKind::kSize:
      Put(UDec(v));
      break;
    case ArgKind::kHex:
      Put(HexString(v));
      break;
    case ArgKind::kPtr:
      Ptr(v);
      break;
    case ArgKind::kFd:
      Fd(v);
      break;
    case ArgKind::kDirFd:
      DirFd(v);
      break;
    case ArgKind::kFlags:
      Put(FlagArg(a.param, v));
      break;
    case ArgKind::kEnum:
      Put(EnumArg(a.param, v));
      break;
    case ArgKind::kMode:
      Put(Octal(v & 0xffffffff));
      break;
    case ArgKind::kSignal:
      Put(SignalArg(static_cast<int32_t>(v)));
      break;
    case ArgKind::kClockId: {
      std::string s;
      AppendEnum(&s, Table("clockid"), v & 0xffffffff);
      Put(s);
      break;
    }
    case ArgKind::kPath:
      Path(i);
      break;
    case ArgKind::kString:
      String(i);
      break;
    case ArgKind::kInData:
      Data(i, false, Len(a.len));
      break;
    case ArgKind::kOutData:
      if (Redacted(Out(i))) {
        // nothing more to print
      } else if (a.param && std::string_view(a.param) == "path" && Out(i)) {
        const Buffer* b = Out(i);
        QuoteOptions qq = q;
        qq.max_strlen = kPathShown;
        std::string str = b->data.substr(0, std::min<size_t>(b->data.size(), Len(a.len)));
        AppendQuotedCString(cur, str.substr(0, str.find('\0')), false, qq);
      } else if (a.param && std::string_view(a.param) == "cpu_set" && Out(i)) {
        const Buffer* b = Out(i);
        std::string s = "[";
        bool first = true;
        for (size_t byte = 0; byte < b->data.size() && byte < Len(a.len); byte++)
          for (int bit = 0; bit < 8; bit++)
            if (static_cast<unsigned char>(b->data[byte]) & (1 << bit)) {
              s += (first ? "" : " ") + UDec(byte * 8 + bit);
              first = false;
            }
        Put(s + "]");
      } else {
        Data(i, true, Len(a.len));
      }
      break;
    case ArgKind::kInStruct:
      if (!v)
        Put("NULL");
      else
        Struct(i, false, a.param);
      break;
    case ArgKind::kOutStruct:
    case ArgKind::kInOutStruct:
      if (!v)
        Put("NULL");
      else
        Struct(i, true, a.param);
      break;
    case ArgKind::kInArray:
    case ArgKind::kInOutArray:
      if (!v)
        Put("NULL");
      else
        Array(i, false, a.param, Len(a.len));
      break;
    case ArgKind::kOutArray:
      if (!v)
        Put("NULL");
      else
        Array(i, true, a.param, Len(a.len));
      break;
    case ArgKind::kInIovec:
      Iovec(i, false, Len(a.len), -1);
      break;
    case ArgKind::kOutIovec:
      Iovec(i, true, Len(a.len), sc.ret);
      break;
    case ArgKind::kStrArray:
    case ArgKind::kSpecial:
      Put(HexString(v));
      break;
  }
}

// Arguments up to the first output at entry, the rest at exit.
void Ctx::Generic() {
  int n = info->nargs;
  int split = n;
  for (int i = 0; i < n; i++)
    if (IsOutKind(info->args[i].kind)) {
      split = i;
      break;
    }
  // The part the caller does not use is left out.
  int from = env.part == DecodeEnv::Part::kExit ? split : 0;
  int to = env.part == DecodeEnv::Part::kEntry ? split : n;
  for (int i = from; i < to; i++) {
    if (i)
      Sep();
    if (i == split)
      ToExit();
    Arg(i);
  }
  if (to == split && split > 0 && split < n)
    Sep();  // the separator before the first output argument is part of the entry
  ToExit();
  Put(")");
}

// ---- Hand-written decoders ----

using Decoder = void (*)(Ctx&);

void DecodeOpen(Ctx& c) {
  if (c.env.part == DecodeEnv::Part::kExit) {  // every argument shows at entry
    c.ToExit();
    c.Put(")");
    return;
  }
  int p = c.sc.nr == __NR_open ? 0 : 1;  // the path argument
  if (p == 1) {
    c.Arg(0);
    c.Sep();
  }
  c.Arg(p);
  c.Sep();
  uint64_t flags = c.A(p + 1);
  c.Put(OpenFlags(flags));
  if (flags & 0100 || (flags & 020200000) == 020200000) {
    c.Sep();
    c.Arg(p + 2);
  }
  c.ToExit();
  c.Put(")");
}

// A NULL-terminated string array (argv, or envp with -v): at most -s elements, each quoted.
void Ctx::StrArray(int av) {
  const Buffer* raw = sc.Find(av, false, format::kBufferStringPtrs);
  if (!A(av)) {
    Put("NULL");
    return;
  }
  if (!raw) {
    Ptr(A(av));
    return;
  }
  uint64_t count = raw->data.size() / 8;
  std::string s = "[";
  for (uint64_t k = 0; k < count; k++) {
    if (k)
      s += ", ";
    if (k >= opt.max_strlen) {
      s += "...";
      break;
    }
    const Buffer* str = sc.Find(av, false, format::kBufferString, static_cast<uint32_t>(k));
    if (str && !str->read_errno) {
      if (!Redacted(str, &s))
        AppendQuotedCString(&s, str->data, str->full_len > str->data.size(), q);
    } else {
      s += PtrString(At<uint64_t>(raw->data, k * 8));
    }
  }
  if (raw->read_errno && count < opt.max_strlen)
    s += count ? ", ..." : "...";
  Put(s + "]");
}

void DecodeExecve(Ctx& c) {
  bool at = c.sc.nr == __NR_execveat;
  int p = at ? 1 : 0;
  if (at) {
    c.Arg(0);
    c.Sep();
  }
  c.Path(p);
  c.Sep();
  c.StrArray(p + 1);
  c.Sep();
  // envp: with -v the strings when they were recorded (strec-record --capture-env), else the
  // address and the count.
  int ev = p + 2;
  const Buffer* env = c.sc.Find(ev, false, format::kBufferStringPtrs);
  bool have_strings = env && !env->read_errno && env->data.size() / 8 == env->full_len;
  if (c.A(ev) && c.opt.verbose && have_strings) {
    c.StrArray(ev);
  } else if (!c.A(ev)) {
    c.Put("NULL");
  } else {
    c.Ptr(c.A(ev));
    if (env && !env->read_errno)
      c.Put(" /* " + UDec(env->full_len) + (env->full_len == 1 ? " var" : " vars") + " */");
  }
  if (at) {
    c.Sep();
    c.Arg(4);
  }
  c.ToExit();
  c.Put(")");
}

void DecodeClone(Ctx& c) {
  uint64_t flags = c.A(0);
  c.Put("child_stack=" + PtrString(c.A(1)) + ", flags=" + CloneFlags(flags));
  c.ToExit();
  if (flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) {
    c.Put(", parent_tid=");
    const Buffer* b = c.Out(2);
    if (b && b->data.size() >= 4)
      c.Put("[" + Dec(At<int32_t>(b->data, 0)) + "]");
    else
      c.Ptr(c.A(2));
  }
  if (flags & CLONE_SETTLS)
    c.Put(", tls=" + PtrString(c.A(4)));
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
    c.Put(", child_tidptr=" + PtrString(c.A(3)));
  c.Put(")");
}

void DecodeClone3(Ctx& c) {
  const Buffer* b = c.In(0);
  if (!b || b->data.size() < 64) {
    c.Ptr(c.A(0));
  } else {
    const std::string& d = b->data;
    uint64_t flags = At<uint64_t>(d, 0);
    std::string s = "{flags=" + Flags("clone_flags", flags);
    if (flags & CLONE_PIDFD)
      s += ", pidfd=" + PtrString(At<uint64_t>(d, 8));
    if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
      s += ", child_tid=" + PtrString(At<uint64_t>(d, 16));
    if (flags & CLONE_PARENT_SETTID)
      s += ", parent_tid=" + PtrString(At<uint64_t>(d, 24));
    s += ", exit_signal=" + SignalArg(static_cast<int64_t>(At<uint64_t>(d, 32)));
    s += ", stack=" + PtrString(At<uint64_t>(d, 40));
    s += ", stack_size=" + HexString(At<uint64_t>(d, 48));
    if (flags & CLONE_SETTLS)
      s += ", tls=" + PtrString(At<uint64_t>(d, 56));
    if (d.size() >= 80 && At<uint64_t>(d, 72))
      s += ", set_tid=" + PtrString(At<uint64_t>(d, 64)) +
           ", set_tid_size=" + UDec(At<uint64_t>(d, 72));
    if (d.size() >= 88 && (flags & 0x200000000ull))
      s += ", cgroup=" + UDec(At<uint64_t>(d, 80));
    c.Put(s + "}");
    c.ToExit();
    if (c.ok() && (flags & CLONE_PARENT_SETTID))
      c.Put(" => {parent_tid=[" + Dec(c.sc.ret) + "]}");
  }
  c.ToExit();
  c.Put(", " + UDec(c.A(1)) + ")");
}

void DecodeWait4(Ctx& c) {
  c.Put(Dec(c.I(0)));
  c.Sep();
  c.ToExit();
  const Buffer* st = c.Out(1);
  if (!c.A(1))
    c.Put("NULL");
  else if (st && st->data.size() >= 4)
    c.Put(WaitStatus(At<int32_t>(st->data, 0)));
  else
    c.Ptr(c.A(1));
  c.Sep();
  c.Put(Flags("wait_options", c.A(2) & 0xffffffff));
  c.Sep();
  if (!c.A(3)) {
    c.Put("NULL");
  } else {
    const Buffer* ru = c.Out(3);
    if (ru && ru->data.size() >= 144)
      c.Put(Rusage(ru->data, c.opt.verbose));
    else
      c.Ptr(c.A(3));
  }
  c.Put(")");
}

void DecodeArchPrctl(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Put(HexString(c.A(1)));
  c.ToExit();
  c.Put(")");
}

void DecodeGetrandom(Ctx& c) {
  c.ToExit();
  c.Data(0, true, c.Len(kLenRet), true);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.Arg(2);
  c.Put(")");
}

// restart_syscall takes no arguments; strace names the call it resumes.
void DecodeRestartSyscall(Ctx& c) {
  c.Put("<... resuming interrupted " +
        (c.env.interrupted.empty() ? std::string("system call") : c.env.interrupted) + " ...>");
  c.ToExit();
  c.Put(")");
}

void DecodeRtSigreturn(Ctx& c) {
  c.Put("{mask=" + c.env.sigreturn_mask + "}");
  c.ToExit();
  c.Put(")");
}

bool NanosleepRemShown(const Ctx& c) {
  return c.sc.returned() && c.sc.error() == EINTR;
}

void DecodeNanosleep(Ctx& c) {
  bool clock = c.sc.nr == __NR_clock_nanosleep;
  int req = clock ? 2 : 0;
  if (clock) {
    c.Arg(0);
    c.Sep();
    c.Arg(1);
    c.Sep();
  }
  c.Arg(req);
  c.Sep();
  c.ToExit();
  if (!c.A(req + 1)) {
    c.Put("NULL");
  } else if (NanosleepRemShown(c)) {
    const Buffer* b = c.sc.Find(req + 1, true);
    c.Put(b && b->data.size() >= 16 ? Timespec(b->data, 0) : PtrString(c.A(req + 1)));
  } else {
    c.Ptr(c.A(req + 1));
  }
  c.Put(")");
}

void DecodeFutex(Ctx& c) {
  uint64_t op = c.A(1);
  uint64_t cmd = op & 127;
  c.Ptr(c.A(0));
  c.Sep();
  c.Put(FutexOp(op));
  auto timeout = [&]() {
    c.Sep();
    if (!c.A(3)) {
      c.Put("NULL");
      return;
    }
    const Buffer* b = c.In(3);
    c.Put(b && b->data.size() >= 16 ? Timespec(b->data, 0) : PtrString(c.A(3)));
  };
  auto bitset = [&](uint64_t v) {
    v &= 0xffffffff;
    c.Put(v == 0xffffffff ? Styled(HexString(v), "FUTEX_BITSET_MATCH_ANY") : HexString(v));
  };
  switch (cmd) {
    case 0:  // FUTEX_WAIT
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      timeout();
      break;
    case 9:  // FUTEX_WAIT_BITSET
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      timeout();
      c.Sep();
      bitset(c.A(5));
      break;
    case 10:  // FUTEX_WAKE_BITSET
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      c.Sep();
      bitset(c.A(5));
      break;
    case 1:  // FUTEX_WAKE
    case 2:  // FUTEX_FD
      c.Sep();
      c.Put(Dec(c.I(2)));
      break;
    case 3:  // FUTEX_REQUEUE
    case 4:  // FUTEX_CMP_REQUEUE
    case 12:
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(3))));
      c.Sep();
      c.Ptr(c.A(4));
      if (cmd != 3) {
        c.Sep();
        c.Put(UDec(static_cast<uint32_t>(c.A(5))));
      }
      break;
    case 11:  // FUTEX_WAIT_REQUEUE_PI
      c.Sep();
      c.Put(UDec(static_cast<uint32_t>(c.A(2))));
      timeout();
      c.Sep();
      c.Ptr(c.A(4));
      break;
    case 6:
    case 13:  // FUTEX_LOCK_PI(2)
      timeout();
      break;
    case 7:
    case 8:
      break;
    default:
      for (int i = 2; i < 6; i++) {
        c.Sep();
        c.Put(HexString(c.A(i)));
      }
      break;
  }
  c.ToExit();
  c.Put(")");
}

void DecodeFcntl(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  uint32_t cmd = static_cast<uint32_t>(c.A(1));
  c.Put(Enum("fcntl_cmd", cmd));
  switch (cmd) {
    case 1:   // F_GETFD
    case 3:   // F_GETFL
    case 9:   // F_GETOWN
    case 11:  // F_GETSIG
    case 1025:
    case 1032:
    case 1034:
      break;
    case 2:  // F_SETFD
      c.Sep();
      c.Put(Flags("fd_flags", c.A(2)));
      break;
    case 4:  // F_SETFL
      c.Sep();
      c.Put(OpenFlags(c.A(2)));
      break;
    case 5:
    case 6:
    case 7:
    case 36:
    case 37:
    case 38: {  // struct flock
      c.Sep();
      bool get = cmd == 5 || cmd == 36;
      if (get)
        c.ToExit();
      const Buffer* b = get ? c.Out(2) : c.In(2);
      if (!b || b->data.size() < 32) {
        c.Ptr(c.A(2));
        break;
      }
      const std::string& d = b->data;
      int16_t type = At<int16_t>(d, 0);
      const char* types[] = {"F_RDLCK", "F_WRLCK", "F_UNLCK"};
      std::string s = "{l_type=";
      s += type >= 0 && type <= 2 ? types[type] : Dec(type);
      s += ", l_whence=" + Enum("whence", static_cast<uint16_t>(At<int16_t>(d, 2)));
      s += ", l_start=" + Dec(At<int64_t>(d, 8)) + ", l_len=" + Dec(At<int64_t>(d, 16));
      if (get)
        s += ", l_pid=" + Dec(At<int32_t>(d, 24));
      c.Put(s + "}");
      break;
    }
    default:
      c.Sep();
      c.Put(Dec(c.I(2)));
      break;
  }
  c.ToExit();
  c.Put(")");
}

std::string Termios(const std::string& d) {
  uint32_t oflag = At<uint32_t>(d, 4), cflag = At<uint32_t>(d, 8), lflag = At<uint32_t>(d, 12);
  static const char* kBauds[] = {"B0",    "B50",   "B75",    "B110",  "B134",  "B150",
                                 "B200",  "B300",  "B600",   "B1200", "B1800", "B2400",
                                 "B4800", "B9600", "B19200", "B38400"};
  static const char* kHigh[] = {"B57600",   "B115200",  "B230400",  "B460800",  "B500000",
                                "B576000",  "B921600",  "B1000000", "B1152000", "B1500000",
                                "B2000000", "B2500000", "B3000000", "B3500000", "B4000000"};
  uint32_t baud = cflag & 010017;
  std::string b = baud < 16 ? kBauds[baud]
                  : (baud & 010000) && (baud & 017) >= 1 && (baud & 017) <= 15
                      ? kHigh[(baud & 017) - 1]
                      : HexString(baud);
  std::string s = "{" + b + " " + ((oflag & 1) ? "opost" : "-opost") + " " +
                  ((lflag & 1) ? "isig" : "-isig") + " " + ((lflag & 2) ? "icanon" : "-icanon") +
                  " " + ((lflag & 010) ? "echo" : "-echo") + " ...}";
  return s;
}

void DecodeIoctl(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  uint32_t req = static_cast<uint32_t>(c.A(1));
  if (req == 0x40049409) {  // FICLONE = _IOW(0x94, 9, int), shared with BTRFS_IOC_CLONE
    c.Put(Styled(HexString(req), "BTRFS_IOC_CLONE or FICLONE"));
    c.Sep();
    c.Put(Dec(c.I(2)));  // the source fd, printed bare even with -y
    c.ToExit();
    c.Put(")");
    return;
  }
  const char* name = Table("ioctl_cmd").Name(req);
  if (name) {
    c.Put(Styled(HexString(req), name));
  } else if (CurrentXlatStyle() == XlatStyle::kRaw) {
    c.Put(HexString(req));
  } else {
    uint32_t dir = (req >> 30) & 3, type = (req >> 8) & 0xff, nr = req & 0xff,
             size = (req >> 16) & 0x3fff;
    if (dir == 0 && size == 0) {
      c.Put(HexString(req));
    } else {
      const char* dirs[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};
      c.Put(std::string("_IOC(") + dirs[dir] + ", " + HexString(type) + ", " + HexString(nr) +
            ", " + HexString(size) + ")");
    }
  }
  bool out = req == 0x5401 || req == 0x5413 || req == 0x541B || req == 0x540F || req == 0x5429 ||
             req == 0x5411 || req == 0x5415;
  if (req == 0x5450 || req == 0x5451) {  // FIONCLEX / FIOCLEX take no argument
    c.ToExit();
    c.Put(")");
    return;
  }
  c.Sep();
  if (out)
    c.ToExit();
  const Buffer* b = out ? c.Out(2) : c.In(2);
  if (c.Redacted(b)) {
    // its marker is out
  } else if (b && req == 0x5401 && b->data.size() >= 36) {
    c.Put(Termios(b->data));
  } else if (b && (req == 0x5413 || req == 0x5414) && b->data.size() >= 8) {
    c.Put("{ws_row=" + UDec(At<uint16_t>(b->data, 0)) + ", ws_col=" +
          UDec(At<uint16_t>(b->data, 2)) + ", ws_xpixel=" + UDec(At<uint16_t>(b->data, 4)) +
          ", ws_ypixel=" + UDec(At<uint16_t>(b->data, 6)) + "}");
  } else if (b &&
             (req == 0x541B || req == 0x5421 || req == 0x540F || req == 0x5410 || req == 0x5429 ||
              req == 0x5452 || req == 0x5411) &&
             b->data.size() >= 4) {
    c.Put("[" + Dec(At<int32_t>(b->data, 0)) + "]");
  } else {
    c.Put(HexString(c.A(2)));
  }
  c.ToExit();
  c.Put(")");
}

std::string SocketProtocol(uint64_t family, uint64_t proto) {
  if (family == AF_INET || family == AF_INET6)
    return Enum("inet_protocol", proto & 0xffffffff);
  if (family == AF_NETLINK)
    return Enum("netlink_protocol", proto & 0xffffffff);
  return Dec(static_cast<int32_t>(proto));
}

void DecodeSocket(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Put(SocketType(c.A(1)));
  c.Sep();
  c.Put(SocketProtocol(c.A(0) & 0xffffffff, c.A(2)));
  if (c.sc.nr == __NR_socketpair) {
    c.Sep();
    c.ToExit();
    c.Arg(3);
  }
  c.ToExit();
  c.Put(")");
}

// A sockaddr argument with its length from `len`.
void SockaddrArg(Ctx& c, int i, bool out, uint64_t len) {
  if (!c.A(i)) {
    c.Put("NULL");
    return;
  }
  const Buffer* b = out ? c.Out(i) : c.In(i);
  if (!b) {
    c.Ptr(c.A(i));
    return;
  }
  if (c.Redacted(b))
    return;
  c.Put(Sockaddr(b->data, std::min<uint64_t>(len, b->data.size()), c.q));
}

// A socklen_t in/out argument: [16] or [128 => 16].
void SocklenArg(Ctx& c, int i) {
  if (!c.A(i)) {
    c.Put("NULL");
    return;
  }
  const Buffer* in = c.In(i);
  const Buffer* out = c.Out(i);
  if (!in && !out) {
    c.Ptr(c.A(i));
    return;
  }
  int32_t vin = in ? At<int32_t>(in->data, 0) : 0, vout = out ? At<int32_t>(out->data, 0) : 0;
  if (in && out && vin != vout)
    c.Put("[" + Dec(vin) + " => " + Dec(vout) + "]");
  else
    c.Put("[" + Dec(out ? vout : vin) + "]");
}

uint32_t SocklenOut(const Ctx& c, int i) {
  const Buffer* out = c.Out(i);
  return out ? At<uint32_t>(out->data, 0) : 0;
}

void DecodeConnect(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  SockaddrArg(c, 1, false, c.A(2) & 0xffffffff);
  c.Sep();
  c.Put(UDec(c.A(2) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

void DecodeAccept(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  SockaddrArg(c, 1, true, SocklenOut(c, 2));
  c.Sep();
  SocklenArg(c, 2);
  if (c.sc.nr == __NR_accept4) {
    c.Sep();
    c.Put(Flags("accept4_flags", c.A(3) & 0xffffffff));
  }
  c.Put(")");
}

void DecodeSendto(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.Data(1, false, c.A(2));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  c.Sep();
  SockaddrArg(c, 4, false, c.A(5) & 0xffffffff);
  c.Sep();
  c.Put(UDec(c.A(5) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

void DecodeRecvfrom(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  c.Data(1, true, c.Len(kLenRet));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  c.Sep();
  SockaddrArg(c, 4, true, SocklenOut(c, 5));
  c.Sep();
  SocklenArg(c, 5);
  c.Put(")");
}

// A struct msghdr (56 bytes at d[off]) of argument 1, with its buffers: msg_name (aux index
// base), msg_control (aux index base + 1), the iovecs (index base); iovec data shown up to
// `total` bytes (-1: all).
void MsghdrAt(Ctx& c,
              bool out,
              const std::string& msghdr,
              size_t off,
              uint32_t base,
              int64_t total) {
  const std::string d = msghdr.substr(off, 56);
  uint64_t name = At<uint64_t>(d, 0), iovlen = At<uint64_t>(d, 24), control = At<uint64_t>(d, 32),
           controllen = At<uint64_t>(d, 40);
  uint32_t namelen = At<uint32_t>(d, 8), flags = At<uint32_t>(d, 48);
  std::string s = "{msg_name=";
  const Buffer* nb = c.sc.Find(1, out, format::kBufferAux, base);
  if (!name)
    s += "NULL";
  else if (nb && !nb->read_errno && nb->redacted)
    s += RedactedText(*nb);
  else if (nb && !nb->read_errno)
    s += Sockaddr(nb->data, std::min<uint64_t>(namelen, nb->data.size()), c.q);
  else
    s += PtrString(name);
  s += ", msg_namelen=" + UDec(namelen) + ", msg_iov=";
  c.Put(s);
  c.Iovec(1, out, iovlen, total, base);
  s = ", msg_iovlen=" + UDec(iovlen);
  if (controllen) {
    const Buffer* cb = c.sc.Find(1, out, format::kBufferAux, base + 1);
    std::string cm;
    if (cb && !cb->read_errno) {
      // A received message's control length is what the kernel filled in.
      // Received fds are new: their paths come with the call (kBufferFdPath, arg 1, index =
      // the fd's position among the SCM_RIGHTS fds), not from the state.
      uint32_t k = 0;
      cm = FormatCmsgs(
          cb->data, std::min<uint64_t>(controllen, cb->data.size()), [&c, out, &k, base](int fd) {
            if (!out)
              return c.FdText(fd);
            const Buffer* p =
                c.opt.decode_fds && !base ? c.Out(1, format::kBufferFdPath, k) : nullptr;
            k++;
            return std::to_string(fd) + (p ? FdPathText(p->data, c.opt.xflag) : "");
          });
    }
    s += ", msg_control=" + (cm.empty() ? PtrString(control) : cm);
  }
  s += ", msg_controllen=" + UDec(controllen) + ", msg_flags=" + Flags("msg_flags", flags) + "}";
  c.Put(s);
}

void Msghdr(Ctx& c, bool out) {
  const Buffer* m = out ? c.Out(1) : c.In(1);
  if (!m || m->data.size() < 56) {
    c.Ptr(c.A(1));
    return;
  }
  MsghdrAt(c, out, m->data, 0, 0, out ? c.sc.ret : -1);
}

// sendmmsg/recvmmsg: the messages the call processed, each with its msg_len, all read at exit.
void DecodeMmsg(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  const Buffer* m = c.Out(1);
  if (!m || c.sc.error() || !c.sc.returned()) {
    c.Ptr(c.A(1));
  } else {
    uint64_t have = m->data.size() / 64;
    c.Put("[");
    for (uint64_t i = 0; i < have; i++) {
      if (i)
        c.Put(", ");
      if (i >= c.opt.max_strlen) {
        c.Put("...");
        break;
      }
      c.Put("{msg_hdr=");
      uint32_t len = At<uint32_t>(m->data, i * 64 + 56);
      MsghdrAt(c, true, m->data, i * 64, static_cast<uint32_t>(i) << 16, len);
      c.Put(", msg_len=" + UDec(len) + "}");
    }
    c.Put(have < m->full_len / 64 && have < c.opt.max_strlen ? ", ...]" : "]");
  }
  c.Sep();
  c.Put(UDec(c.A(2) & 0xffffffff));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  if (c.sc.nr == __NR_recvmmsg) {
    c.Sep();
    c.Arg(4);
  }
  c.Put(")");
}

void DecodeSendmsg(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  bool recv = c.sc.nr == __NR_recvmsg;
  if (recv)
    c.ToExit();
  Msghdr(c, recv);
  c.Sep();
  c.Put(Flags("msg_flags", c.A(2) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

std::string SockoptName(uint64_t level, uint64_t name) {
  level &= 0xffffffff;
  name &= 0xffffffff;
  if (level == 1)
    return Enum("sol_socket_option", name);
  if (level == 6)
    return Enum("sol_tcp_option", name);
  return UDec(name);
}

void DecodeSockopt(Ctx& c) {
  bool get = c.sc.nr == __NR_getsockopt;
  c.Fd(c.A(0));
  c.Sep();
  c.Put(Enum("socket_level", c.A(1) & 0xffffffff));
  c.Sep();
  c.Put(SockoptName(c.A(1), c.A(2)));
  c.Sep();
  if (get)
    c.ToExit();
  const Buffer* b = get ? c.Out(3) : c.In(3);
  uint64_t len = get ? SocklenOut(c, 4) : (c.A(4) & 0xffffffff);
  if (!c.A(3)) {
    c.Put("NULL");
  } else if (c.Redacted(b)) {
    // its marker is out
  } else if (b && len == 4 && b->data.size() >= 4) {
    int32_t v = At<int32_t>(b->data, 0);
    const char* e =
        (c.A(1) & 0xffffffff) == 1 && (c.A(2) & 0xffffffff) == 4 && v > 0 ? ErrnoName(v) : nullptr;
    c.Put("[" + (e ? std::string(e) : Dec(v)) + "]");
  } else if (b) {
    AppendQuotedBuffer(c.cur, b->data, len, c.q);
  } else {
    c.Ptr(c.A(3));
  }
  c.Sep();
  if (get)
    SocklenArg(c, 4);
  else
    c.Put(UDec(c.A(4) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

void DecodeGetdents(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  const Buffer* b = c.Out(1);
  if (c.Redacted(b)) {
    // its marker is out
  } else if (!b && c.ok() && c.sc.ret == 0) {
    c.Put(c.opt.verbose ? std::string("[]") : PtrString(c.A(1)) + " /* 0 entries */");
  } else if (!b) {
    c.Ptr(c.A(1));
  } else {
    bool is64 = c.sc.nr == __NR_getdents64;
    const std::string& d = b->data;
    std::vector<std::string> items;
    size_t count = 0;
    size_t off = 0;
    while (off + (is64 ? 19 : 18) <= d.size()) {
      if (!c.opt.verbose) {
        // Without -v only the number of entries shows.
        uint16_t reclen = At<uint16_t>(d, off + 16);
        if (reclen == 0 || off + reclen > d.size())
          break;
        count++;
        off += reclen;
        continue;
      }
      uint64_t ino = At<uint64_t>(d, off);
      int64_t doff = At<int64_t>(d, off + 8);
      uint16_t reclen = At<uint16_t>(d, off + 16);
      if (reclen == 0 || off + reclen > d.size())
        break;
      std::string name;
      uint8_t type;
      if (is64) {
        type = static_cast<uint8_t>(d[off + 18]);
        name = d.substr(off + 19, reclen - 19);
      } else {
        type = static_cast<uint8_t>(d[off + reclen - 1]);
        name = d.substr(off + 18, reclen - 19);
      }
      name = name.substr(0, name.find('\0'));
      // <dirent.h>: DT_FIFO 1, DT_CHR 2, DT_DIR 4, DT_BLK 6, DT_REG 8, DT_LNK 10, DT_SOCK 12,
      // DT_WHT 14.
      static const char* kTypes[] = {"DT_UNKNOWN", "DT_FIFO", "DT_CHR", "?", "DT_DIR", "?",
                                     "DT_BLK",     "?",       "DT_REG", "?", "DT_LNK", "?",
                                     "DT_SOCK",    "?",       "DT_WHT", "?"};
      std::string item =
          "{d_ino=" + UDec(ino) + ", d_off=" + Dec(doff) + ", d_reclen=" + UDec(reclen) +
          ", d_type=" + (type < 16 && kTypes[type][0] != '?' ? kTypes[type] : UDec(type)) +
          ", d_name=";
      QuoteOptions qq = c.q;
      qq.max_strlen = 4096;
      AppendQuotedCString(&item, name, false, qq);
      items.push_back(item + "}");
      off += reclen;
    }
    // Recorded only in part (the eBPF backend keeps 8 KiB of a buffer): what is known is a
    // lower bound, and says so ("N+ entries", "..." after the last one shown).
    bool cut = b->full_len > d.size();
    if (c.opt.verbose) {
      std::string s = "[";
      for (size_t k = 0; k < items.size(); k++)
        s += (k ? ", " : "") + items[k];
      if (cut)
        s += items.empty() ? "..." : ", ...";
      c.Put(s + "]");
    } else {
      c.Put(PtrString(c.A(1)) + " /* " + UDec(count) + (cut ? "+" : "") +
            (count == 1 && !cut ? " entry" : " entries") + " */");
    }
  }
  c.Sep();
  c.Put(UDec(c.A(2) & 0xffffffff));
  c.Put(")");
}

// select and pselect6: the fd sets as they were at entry; the ready sets go to the return value.
void DecodeSelect(Ctx& c) {
  bool p6 = c.sc.nr == __NR_pselect6;
  int32_t nfds = c.I(0);
  c.Put(Dec(nfds));
  for (int i = 1; i <= 3; i++) {
    c.Sep();
    const Buffer* b = c.In(i);
    if (!c.A(i))
      c.Put("NULL");
    else if (b && nfds >= 0)
      c.Put(
          FormatFdSet(b->data, static_cast<uint64_t>(nfds), [&c](int fd) { return c.FdText(fd); }));
    else
      c.Ptr(c.A(i));
  }
  c.Sep();
  const Buffer* t = c.In(4);
  if (!c.A(4))
    c.Put("NULL");
  else if (t && t->data.size() >= 16)
    c.Put(p6 ? Timespec(t->data, 0) : Timeval(t->data, 0));
  else
    c.Ptr(c.A(4));
  if (p6) {
    c.Sep();
    const Buffer* pack = c.In(5);
    if (!c.A(5)) {
      c.Put("NULL");
    } else if (pack && pack->data.size() >= 16) {
      uint64_t set = At<uint64_t>(pack->data, 0), size = At<uint64_t>(pack->data, 8);
      const Buffer* mask = c.In(5, format::kBufferAux);
      std::string m = !set                             ? "NULL"
                      : mask && mask->data.size() >= 8 ? FormatSigset(At<uint64_t>(mask->data, 0))
                                                       : PtrString(set);
      c.Put("{sigmask=" + m + ", sigsetsize=" + UDec(size) + "}");
    } else {
      c.Ptr(c.A(5));
    }
  }
  c.ToExit();
  c.Put(")");
}

// sendfile: the offset as it was, then " => " the offset after a transfer.
void DecodeSendfile(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.Fd(c.A(1));
  c.Sep();
  const Buffer* in = c.In(2);
  if (!c.A(2))
    c.Put("NULL");
  else if (in && in->data.size() >= 8)
    c.Put("[" + Dec(At<int64_t>(in->data, 0)) + "]");
  else
    c.Ptr(c.A(2));
  c.ToExit();
  const Buffer* out = c.A(2) && c.sc.ret ? c.Out(2) : nullptr;
  if (out && out->data.size() >= 8)
    c.Put(" => [" + Dec(At<int64_t>(out->data, 0)) + "]");
  c.Put(", " + UDec(c.A(3)) + ")");
}

void DecodePoll(Ctx& c) {
  bool ppoll = c.sc.nr == __NR_ppoll;
  c.Arg(0);
  c.Sep();
  c.Put(UDec(c.A(1) & 0xffffffff));
  c.Sep();
  if (ppoll) {
    c.Arg(2);
    c.Sep();
    c.Arg(3);
    c.Sep();
    c.Arg(4);
  } else {
    c.Put(Dec(c.I(2)));
  }
  c.ToExit();
  c.Put(")");
}

void DecodeStatx(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.Put(StatxFlags(c.A(2)));
  c.Sep();
  c.Put(Flags("statx_mask", c.A(3) & 0xffffffff));
  c.Sep();
  c.ToExit();
  c.Arg(4);
  c.Put(")");
}

void DecodeRtSigaction(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.ToExit();
  c.Arg(2);
  c.Sep();
  c.Arg(3);
  c.Put(")");
}

void DecodePrctl(Ctx& c) {
  uint64_t op = c.A(0) & 0xffffffff;
  c.Put(Enum("prctl_option", op));
  if (op == 15) {  // PR_SET_NAME
    c.Sep();
    c.String(1);
  } else if (op == 16) {  // PR_GET_NAME
    c.Sep();
    c.ToExit();
    const Buffer* b = c.Out(1);
    if (b) {
      std::string name = b->data.substr(0, b->data.find('\0'));
      AppendQuotedCString(c.cur, name, false, c.q);
    } else {
      c.Ptr(c.A(1));
    }
  } else if (op == 3 || op == 21 || op == 39 || op == 37 || op == 8 || op == 2) {
    // no arguments printed
  } else {
    for (int i = 1; i < 5; i++) {
      c.Sep();
      c.Put(HexString(c.A(i)));
    }
  }
  c.ToExit();
  c.Put(")");
}

void DecodeKill(Ctx& c) {
  c.Put(Dec(c.I(0)));
  c.Sep();
  if (c.sc.nr == __NR_tgkill) {
    c.Put(Dec(c.I(1)));
    c.Sep();
    c.Put(SignalArg(c.I(2)));
  } else {
    c.Put(SignalArg(c.I(1)));
  }
  c.ToExit();
  c.Put(")");
}

void DecodeMremap(Ctx& c) {
  c.Ptr(c.A(0));
  c.Sep();
  c.Put(UDec(c.A(1)));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("mremap_flags", c.A(3) & 0xffffffff));
  if (c.A(3) & 2) {  // MREMAP_FIXED
    c.Sep();
    c.Ptr(c.A(4));
  }
  c.ToExit();
  c.Put(")");
}

const std::unordered_map<int, Decoder>& Decoders() {
  static const std::unordered_map<int, Decoder> k = {
      {__NR_open, DecodeOpen},           {__NR_openat, DecodeOpen},
      {__NR_execve, DecodeExecve},       {__NR_execveat, DecodeExecve},
      {__NR_clone, DecodeClone},         {__NR_clone3, DecodeClone3},
      {__NR_wait4, DecodeWait4},         {__NR_arch_prctl, DecodeArchPrctl},
      {__NR_getrandom, DecodeGetrandom}, {__NR_rt_sigreturn, DecodeRtSigreturn},
      {__NR_nanosleep, DecodeNanosleep}, {__NR_clock_nanosleep, DecodeNanosleep},
      {__NR_futex, DecodeFutex},         {__NR_fcntl, DecodeFcntl},
      {__NR_ioctl, DecodeIoctl},         {__NR_socket, DecodeSocket},
      {__NR_socketpair, DecodeSocket},   {__NR_connect, DecodeConnect},
      {__NR_bind, DecodeConnect},        {__NR_accept, DecodeAccept},
      {__NR_accept4, DecodeAccept},      {__NR_getsockname, DecodeAccept},
      {__NR_getpeername, DecodeAccept},  {__NR_sendto, DecodeSendto},
      {__NR_recvfrom, DecodeRecvfrom},   {__NR_sendmsg, DecodeSendmsg},
      {__NR_recvmsg, DecodeSendmsg},     {__NR_setsockopt, DecodeSockopt},
      {__NR_sendmmsg, DecodeMmsg},       {__NR_recvmmsg, DecodeMmsg},
      {__NR_getsockopt, DecodeSockopt},  {__NR_getdents, DecodeGetdents},
      {__NR_getdents64, DecodeGetdents}, {__NR_poll, DecodePoll},
      {__NR_sendfile, DecodeSendfile},   {__NR_select, DecodeSelect},
      {__NR_pselect6, DecodeSelect},     {__NR_ppoll, DecodePoll},
      {__NR_statx, DecodeStatx},         {__NR_rt_sigaction, DecodeRtSigaction},
      {__NR_prctl, DecodePrctl},         {__NR_kill, DecodeKill},
      {__NR_tkill, DecodeKill},          {__NR_tgkill, DecodeKill},
      {__NR_mremap, DecodeMremap},       {__NR_restart_syscall, DecodeRestartSyscall},
  };
  return k;
}

enum class RetStyle { kDec, kHex, kOct, kFd, kUDec };

RetStyle ReturnStyle(int nr) {
  switch (nr) {
    case __NR_mmap:
    case __NR_mremap:
    case __NR_brk:
    case __NR_shmat:
      return RetStyle::kHex;
    case __NR_umask:
      return RetStyle::kOct;
    case __NR_open:
    case __NR_openat:
    case __NR_openat2:
    case __NR_creat:
    case __NR_dup:
    case __NR_dup2:
    case __NR_dup3:
    case __NR_socket:
    case __NR_accept:
    case __NR_accept4:
    case __NR_epoll_create:
    case __NR_epoll_create1:
    case __NR_eventfd:
    case __NR_eventfd2:
    case __NR_signalfd:
    case __NR_signalfd4:
    case __NR_timerfd_create:
    case __NR_inotify_init:
    case __NR_inotify_init1:
    case __NR_memfd_create:
    case __NR_pidfd_open:
    case __NR_pidfd_getfd:
    case __NR_perf_event_open:
    case __NR_userfaultfd:
    case __NR_fanotify_init:
    case __NR_open_by_handle_at:
    case __NR_io_uring_setup:
    case __NR_fsopen:
    case __NR_fsmount:
    case __NR_fspick:
    case __NR_open_tree:
    case __NR_memfd_secret:
      return RetStyle::kFd;
    default:
      return RetStyle::kDec;
  }
}

}  // namespace

std::string RedactedText(const Buffer& b) {
  static constexpr const char* kWhat[] = {"bytes", "data", "argv", "path", "address", "host"};
  std::string s = "/* redacted ";
  s += b.redacted < std::size(kWhat) ? kWhat[b.redacted] : "bytes";
  // A path's token holds "/", ".", "#" and hex digits only (a crafted file could hold more:
  // then it is not shown, so that the comment cannot be closed early).
  bool token = b.redacted == static_cast<uint8_t>(format::RedactCategory::kPaths) &&
               !b.data.empty() &&
               b.data.find_first_not_of("/.#0123456789abcdef") == std::string::npos;
  if (token) {
    s += ": ";
    s += b.data;
  } else {
    s += ": " + std::to_string(b.full_len) + " bytes #";
    static const char kHex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4)
      s += kHex[(b.digest >> shift) & 15];
  }
  return s + " */";
}

std::string FormatSigset(uint64_t mask) {
  std::string s;
  if (std::popcount(mask) * 2 > 64) {
    s = "~";
    mask = ~mask;
  }
  s += "[";
  bool first = true;
  for (int sig = 1; sig <= 64; sig++) {
    if (!(mask & (1ull << (sig - 1))))
      continue;
    if (!first)
      s += " ";
    first = false;
    s += Styled(Dec(sig), SigsetMemberName(sig));
  }
  return s + "]";
}

std::string FormatSiginfo(const std::string& d, const RenderOptions& opt) {
  int32_t signo = At<int32_t>(d, 0), err = At<int32_t>(d, 4), code = At<int32_t>(d, 8);
  ScopedXlatStyle style(opt.xlat_style);
  std::string s = "{si_signo=" + Styled(Dec(signo), SignalName(signo));
  std::string cname;
  if (code <= 0 || code == 0x80) {
    if (const char* n =
            Table("si_code_user").Name(static_cast<uint64_t>(static_cast<int64_t>(code))))
      cname = n;
  } else {
    const char* table = signo == SIGCHLD   ? "si_code_chld"
                        : signo == SIGSEGV ? "si_code_segv"
                        : signo == SIGBUS  ? "si_code_bus"
                        : signo == SIGILL  ? "si_code_ill"
                        : signo == SIGFPE  ? "si_code_fpe"
                        : signo == SIGTRAP ? "si_code_trap"
                        : signo == SIGPOLL ? "si_code_poll"
                        : signo == SIGSYS  ? "si_code_sys"
                                           : nullptr;
    if (table)
      if (const char* n = Table(table).Name(static_cast<uint64_t>(code)))
        cname = n;
  }
  s += ", si_code=" +
       (cname.empty() ? Dec(code) : Styled(HexString(static_cast<uint32_t>(code)), cname));
  if (err)
    s += ", si_errno=" + std::string(ErrnoName(err) ? ErrnoName(err) : Dec(err).c_str());
  auto pid_uid = [&]() {
    s += ", si_pid=" + Dec(At<int32_t>(d, 16)) + ", si_uid=" + UDec(At<uint32_t>(d, 20));
  };
  auto value = [&]() {
    s += ", si_int=" + Dec(At<int32_t>(d, 24)) + ", si_ptr=" + PtrString(At<uint64_t>(d, 24));
  };
  if (code == 0 || code == -6 || code == -7 || code == -60) {  // SI_USER, SI_TKILL, ...
    pid_uid();
  } else if (code == -1 || code == -3) {  // SI_QUEUE, SI_MESGQ
    pid_uid();
    value();
  } else if (code == -2) {  // SI_TIMER
    s += ", si_timerid=" + HexString(At<uint32_t>(d, 16)) +
         ", si_overrun=" + Dec(At<int32_t>(d, 20));
    value();
  } else if (code == 0x80) {
    if (signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE)
      s += ", si_addr=" + PtrString(At<uint64_t>(d, 16));
  } else if (code > 0) {
    switch (signo) {
      case SIGCHLD: {
        pid_uid();
        int32_t status = At<int32_t>(d, 24);
        s += ", si_status=" + (code == 1 ? Dec(status) : SignalName(status));
        s += ", si_utime=" + Dec(At<int64_t>(d, 32)) + ", si_stime=" + Dec(At<int64_t>(d, 40));
        break;
      }
      case SIGSEGV:
      case SIGBUS:
      case SIGILL:
      case SIGFPE:
      case SIGTRAP:
        s += ", si_addr=" + PtrString(At<uint64_t>(d, 16));
        break;
      case SIGPOLL:
        s += ", si_band=" + Dec(At<int64_t>(d, 16)) + ", si_fd=" + Dec(At<int32_t>(d, 24));
        break;
      case SIGSYS:
        s += ", si_call_addr=" + PtrString(At<uint64_t>(d, 16)) +
             ", si_syscall=" + Dec(At<int32_t>(d, 24)) +
             ", si_arch=" + HexString(At<uint32_t>(d, 28));
        break;
      default:
        break;
    }
  }
  return s + "}";
}

namespace {

Decoder FindDecoder(int nr) {
  // A flat table in front of the map: the lookup is on every syscall rendered.
  static constexpr int kFlat = 1024;
  static const std::vector<Decoder> flat = [] {
    std::vector<Decoder> v(kFlat, nullptr);
    for (const auto& [n, d] : Decoders())
      if (n >= 0 && n < kFlat)
        v[n] = d;
    return v;
  }();
  if (nr >= 0 && nr < kFlat)
    return flat[nr];
  auto it = Decoders().find(nr);
  return it == Decoders().end() ? nullptr : it->second;
}

}  // namespace

void DecodeSyscall(const Syscall& sc,
                   const format::SyscallInfo* info,
                   const DecodeEnv& env,
                   SyscallText* t) {
  ScopedXlatStyle style(env.opt->xlat_style);
  t->entry.clear();
  t->exit.clear();
  if (!info || env.opt->raw_call) {
    // A number without a table entry (its six arguments), or -e raw= (its own): as numbers,
    // all at entry.
    t->name = info ? info->name : UnknownSyscallName(sc.nr);
    int n = info ? info->nargs : 6;
    for (int i = 0; i < n; i++) {
      if (i)
        t->entry += ", ";
      t->entry += HexString(sc.args[i]);
    }
    t->exit = ")";
    return;
  }
  t->name = info->name;
  Ctx c(sc, info, env, t);
  if (Decoder d = FindDecoder(sc.nr))
    d(c);
  else
    c.Generic();
}

namespace {

bool TouchesPath(const Syscall& sc,
                 const format::SyscallInfo* info,
                 const State& state,
                 const std::set<std::string>& paths) {
  if (!info)
    return false;
  for (int i = 0; i < info->nargs; i++) {
    switch (info->args[i].kind) {
      case ArgKind::kPath: {
        const Buffer* b = sc.Find(i, false, format::kBufferString);
        if (b && !b->read_errno && !b->redacted && paths.count(b->data))
          return true;
        break;
      }
      case ArgKind::kFd:
      case ArgKind::kDirFd: {
        const std::string* p = state.FdPath(sc.tid, static_cast<int32_t>(sc.args[i]));
        if (p && paths.count(*p))
          return true;
        break;
      }
      default:
        break;
    }
  }
  return false;
}

}  // namespace

bool CallSelected(const Syscall& sc,
                  const format::SyscallInfo* info,
                  const State& state,
                  const RenderOptions& opt) {
  return opt.trace.Contains(sc.nr) &&
         (opt.paths.empty() || TouchesPath(sc, info, state, opt.paths));
}

SyscallText DecodeSyscall(const Syscall& sc,
                          const format::SyscallInfo* info,
                          const DecodeEnv& env) {
  SyscallText t;
  DecodeSyscall(sc, info, env, &t);
  return t;
}

std::string DecodeReturn(const Syscall& sc, const format::SyscallInfo* info, const DecodeEnv& env) {
  ScopedXlatStyle style(env.opt->xlat_style);
  if (!sc.returned())
    return "?";
  int err = sc.error();
  if (env.opt->raw_call && !err)
    return HexString(static_cast<uint64_t>(sc.ret));
  if (err) {
    const char* name = ErrnoName(err);
    std::string s = err >= 512 && err <= 516 ? "? " : "-1 ";
    s += name ? name : "E??? /* " + Dec(err) + " */";
    s += " (" + ErrnoMessage(err) + ")";
    return s;
  }
  int64_t r = sc.ret;
  int nr = info ? info->nr : sc.nr;
  if (nr == __NR_fcntl) {
    uint32_t cmd = static_cast<uint32_t>(sc.args[1]);
    if (cmd == 1 && r)  // F_GETFD
      return HexString(static_cast<uint64_t>(r)) + " (flags " + Flags("fd_flags", r) + ")";
    if (cmd == 3)  // F_GETFL
      return HexString(static_cast<uint64_t>(r)) + " (flags " + OpenFlags(r) + ")";
    if (cmd == 0 || cmd == 1030) {
      std::string s = Dec(r);
      if (env.opt->decode_fds && env.state)
        if (const std::string* p = env.state->FdPath(sc.tid, r))
          s += FdPathText(*p, env.opt->xflag);
      return s;
    }
  }
  if (nr == __NR_poll || nr == __NR_ppoll) {
    if (r == 0)
      return "0 (Timeout)";
    const Buffer* b = sc.Find(0, true);
    if (b && b->data.size() >= 8) {
      std::string s = Dec(r) + " ([";
      bool first = true;
      for (size_t off = 0; off + 8 <= b->data.size(); off += 8) {
        uint16_t rev = At<uint16_t>(b->data, off + 6);
        if (!rev)
          continue;
        s += (first ? "" : ", ") + std::string("{fd=") + Dec(At<int32_t>(b->data, off)) +
             ", revents=" + Flags("poll_events", rev) + "}";
        first = false;
      }
      s += "]";
      const Buffer* left = nr == __NR_ppoll && sc.args[2] ? sc.Find(2, true) : nullptr;
      if (left && left->data.size() >= 16)
        s += ", left " + Timespec(left->data, 0);
      return s + ")";
    }
  }
  if (nr == __NR_select || nr == __NR_pselect6) {
    if (r == 0)
      return "0 (Timeout)";
    int32_t nfds = static_cast<int32_t>(sc.args[0]);
    std::string parts;
    const char* names[] = {"in", "out", "except"};
    for (int i = 1; i <= 3 && nfds >= 0; i++) {
      const Buffer* b = sc.args[i] ? sc.Find(i, true) : nullptr;
      if (!b || b->read_errno)
        continue;
      std::string set = FormatFdSet(b->data, static_cast<uint64_t>(nfds),
                                    [](int fd) { return std::to_string(fd); });
      if (set != "[]")
        parts += (parts.empty() ? "" : ", ") + std::string(names[i - 1]) + " " + set;
    }
    const Buffer* left = sc.args[4] ? sc.Find(4, true) : nullptr;
    if (left && left->data.size() >= 16)
      parts += (parts.empty() ? "" : ", ") + std::string("left ") +
               (nr == __NR_pselect6 ? Timespec(left->data, 0) : Timeval(left->data, 0));
    return parts.empty() ? Dec(r) : Dec(r) + " (" + parts + ")";
  }
  switch (ReturnStyle(nr)) {
    case RetStyle::kHex:
      return HexString(static_cast<uint64_t>(r));
    case RetStyle::kOct:
      return Octal(static_cast<uint64_t>(r));
    case RetStyle::kFd: {
      std::string s = Dec(r);
      if (env.opt->decode_fds && env.state)
        if (const std::string* p = env.state->FdPath(sc.tid, r))
          s += FdPathText(*p, env.opt->xflag);
      return s;
    }
    case RetStyle::kUDec:
      return UDec(static_cast<uint64_t>(r));
    case RetStyle::kDec:
    default:
      return Dec(r);
  }
}

std::string UnknownSyscallName(int nr) {
  char buf[32];
  snprintf(buf, sizeof buf, "syscall_%#x", static_cast<unsigned>(nr));
  return buf;
}

std::string SignalLine(const Event& e, const RenderOptions& opt) {
  if (e.group_stop)
    return "--- stopped by " + SignalName(e.signo) + " ---";
  return "--- " + SignalName(e.signo) + " " + FormatSiginfo(e.siginfo, opt) + " ---";
}

std::string ExitLine(const Event& e) {
  if (e.signal)
    return "+++ killed by " + SignalName(e.signal) + (e.core_dumped ? " (core dumped)" : "") +
           " +++";
  return "+++ exited with " + std::to_string(e.status) + " +++";
}

std::string ArgumentsText(const SyscallText& text) {
  std::string all = text.entry;
  all += text.exit;
  if (!all.empty() && all.back() == ')')
    all.pop_back();
  return all;
}

std::string SyscallLine(const SyscallText& text, std::string_view ret) {
  std::string line = text.name;
  line += '(';
  line += text.entry;
  line += text.exit;
  line += " = ";
  line += ret;
  return line;
}

}  // namespace strec::replay
