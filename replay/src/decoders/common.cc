// Generic printing driven by the syscall table: each argument by its ArgKind, structs through
// the families' printers, arrays, iovecs, string arrays; and the small helpers all families use.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

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

std::string Flags(const char* table, uint64_t v, const char* zero) {
  std::string s;
  AppendFlags(&s, Table(table), v, zero);
  return s;
}

std::string Enum(const char* table, uint64_t v) {
  std::string s;
  AppendEnum(&s, Table(table), v);
  return s;
}

std::string PidText(int32_t pid,
                    const RenderOptions& opt,
                    const State* state,
                    int32_t observer,
                    int kind) {
  std::string s = Dec(pid);
  // -Y names the process the id stands for, translated too. -1 (every process) and INT_MIN
  // have no translation.
  int32_t outer = 0;
  if ((opt.pidns || opt.decode_pids) && state && observer && pid != -1 && pid != INT32_MIN)
    outer =
        pid < 0 ? state->RecorderPid(observer, -pid, 2) : state->RecorderPid(observer, pid, kind);
  if (opt.decode_pids && state && pid > 0)
    if (const std::string* comm = state->Comm(outer ? outer : pid))
      s += FdPathText(*comm, opt.xflag);
  if (opt.pidns && outer && outer != (pid < 0 ? -pid : pid))
    s += " /* " + Dec(outer) + " in strace's PID NS */";
  return s;
}

std::string FlagsOr(const char* table, uint64_t v) {
  const Xlat& x = Table(table);
  bool named = false;
  for (const XlatEntry& e : x.entries)
    named |= e.value && (v & e.value) == e.value;
  if (v == 0 || named || CurrentXlatStyle() == XlatStyle::kRaw)
    return Flags(table, v, x.Name(0) ? x.Name(0) : "0");
  return HexString(v) + " /* " + UnknownName(x) + " */";
}

std::string ExtensionText(const Ctx& c, int arg, bool out, uint64_t known, uint64_t size) {
  if (size <= known)
    return "";
  const Buffer* b = out ? c.Out(arg, format::kBufferAux, 0) : c.In(arg, format::kBufferAux, 0);
  // strace looks at the first page's worth of the struct: up to byte 4095.
  if (known >= 4096)
    return "";
  uint64_t shown = std::min<uint64_t>(size, 4096) - known;
  if (!b || b->data.size() < shown)
    return "???";
  if (b->data.find_first_not_of('\0') == std::string::npos)
    return "";
  QuoteOptions q = c.q;
  q.force_hex = true;
  std::string s = "/* bytes " + UDec(known) + ".." + UDec(known + shown - 1) + " */ ";
  AppendQuotedBuffer(&s, b->data, shown, q);
  return s;
}

std::string SignalArg(int64_t sig) {
  if (sig <= 0 || sig > 64)
    return Dec(sig);
  return Styled(Dec(sig), SignalName(static_cast<int>(sig)));
}

std::string FlagsDflt(const char* table, uint64_t v, const char* zero) {
  const Xlat& x = Table(table);
  bool named = false;
  for (const XlatEntry& e : x.entries)
    named |= e.value && (v & e.value) == e.value;
  if (v == 0 || named || CurrentXlatStyle() == XlatStyle::kRaw)
    return Flags(table, v, zero);
  return HexString(v) + " /* " + UnknownName(x) + " */";
}

// unsigned int flag sets strace prints with its default: a value with no known bit as
// "0x2 /* FSOPEN_??? */".
static bool U32WithDefault(std::string_view p) {
  static constexpr std::string_view kTables[] = {
      "fsopen_flags",       "fsmount_flags",    "mount_attr_flags",  "fspick_flags",
      "open_tree_flags",    "move_mount_flags", "pidfd_open_flags",  "inotify_init_flags",
      "inotify_mask",       "faccessat_flags",  "close_range_flags", "delete_module_flags",
      "finit_module_flags", "setns_types",      "userfaultfd_flags"};
  return std::find(std::begin(kTables), std::end(kTables), p) != std::end(kTables);
}

std::string FlagArg(const char* param, uint64_t v) {
  std::string_view p = param ? param : "";
  if (U32WithDefault(p))
    return FlagsDflt(param, v & 0xffffffff);
  if (p == "memfd_secret_flags" || p == "utimensat_flags")
    return Flags(param, v & 0xffffffff);
  if (p == "dup3_flags")  // strace names every open flag (dup3 refuses all but O_CLOEXEC)
    return FlagsDflt("open_flags", v & 0xffffffff);
  if (p == "unshare_flags" || p == "pkey_access")  // unsigned long, with strace's default
    return FlagsDflt(param, v);
  if (p == "mmap_prot64")  // unsigned long prot (pkey_mprotect, remap_file_pages)
    return FlagsDflt("mmap_prot", v, "PROT_NONE");
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
  if (p == "access_mode") {
    uint32_t m = v & 0xffffffff;
    if (m & 7 || !m || CurrentXlatStyle() == XlatStyle::kRaw)
      return Flags("access_mode", m, "F_OK");
    return HexString(m) + " /* ?_OK */";
  }
  if (p == "at_flags" || p == "wait_options" || p == "msg_flags" || p == "getrandom_flags" ||
      p == "pipe2_flags" || p == "mlock_flags" || p == "sync_file_range_flags")
    return Flags(param, v & 0xffffffff);
  if (p == "perf_event_open_flags")  // unsigned long, with strace's default for unknown bits
    return FlagsDflt(param, v);
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
      p == "epoll_ctl_op" || p == "priority_which" || p == "sched_policy" ||
      p == "fadvise_advice" || p == "waitid_idtype")
    return Enum(param, v & 0xffffffff);
  if (p == "rusage_who") {
    std::string s;
    AppendEnumDec(&s, Table(param), static_cast<int32_t>(v));
    return s;
  }
  if (p == "key_spec") {  // a key serial number: an int, with a name for the special ones
    const char* name =
        Table(param).Name(static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))));
    return name ? Styled(Dec(static_cast<int32_t>(v)), name) : Dec(static_cast<int32_t>(v));
  }
  if (FindXlat(p))
    return Enum(param, v);
  return HexString(v);
}

// A scalar passed by pointer, as "[value]"; "" for any other struct.
static std::string OneValue(std::string_view n, const std::string& d) {
  std::string v;
  if (n == "int" || n == "socklen_t")
    v = Dec(At<int32_t>(d, 0));
  else if (n == "uint" || n == "uid_t" || n == "gid_t")
    v = UDec(At<uint32_t>(d, 0));
  else if (n == "loff_t")
    v = Dec(At<int64_t>(d, 0));
  else if (n == "time_t")
    v = Dec(At<int64_t>(d, 0)) + DateComment(At<int64_t>(d, 0), 0, 9);
  else if (n == "size_t")
    v = UDec(At<uint64_t>(d, 0));
  else if (n == "ptr" || n == "aio_context_t")
    v = PtrString(At<uint64_t>(d, 0));
  else
    return "";
  v.insert(v.begin(), '[');
  v += ']';
  return v;
}

void Ctx::Struct(int i, bool out, const char* name) {
  std::string_view n = name ? name : "";
  // strace's umove_or_printaddr reads nothing for a call not in verbose=; a task's name is a
  // string, printed whatever verbose= says.
  if (!Verbose() && n != "comm") {
    Ptr(A(i));
    return;
  }
  const Buffer* b = out ? RawOut(i) : RawIn(i);
  if (Redacted(b))
    return;
  if (!b || b->data.size() < format::StructSize(n)) {
    Ptr(A(i));
    return;
  }
  std::string s = OneValue(n, b->data);
  if (s.empty())
    if (StructPrinter print = FindStructPrinter(n))
      s = print(*this, i, b->data);
  if (s.empty())
    Ptr(A(i));
  else
    Put(s);
}

// The readable elements of an array whose end could not be read (the capture kept them), as
// strace prints them before "... /* 0xADDR */": nullptr when not even one element was read.
static const Buffer* PartialArray(const Ctx& c, int i, bool out, uint8_t kind, uint32_t size) {
  if (out && !c.ok())
    return nullptr;
  const Buffer* b = c.sc.Find(i, out, kind, 0);
  return b && b->read_errno && !b->redacted && size && b->data.size() >= size ? b : nullptr;
}

void Ctx::Array(int i, bool out, const char* name, uint64_t count) {
  const Buffer* b = out ? Out(i) : In(i);
  std::string_view n = name ? name : "";
  uint32_t size = format::StructSize(n);
  const Buffer* partial = b ? nullptr : PartialArray(*this, i, out, format::kBufferPlain, size);
  if (!b && count == 0 && A(i) && (!out || ok())) {
    Put("[]");
    return;
  }
  if (!Verbose()) {  // print_array's elements are read only for a call in verbose=
    Put(count == 0 && A(i) && (!out || ok()) ? "[]" : PtrString(A(i)));
    return;
  }
  if (partial)
    b = partial;
  if (!b) {
    Ptr(A(i));
    return;
  }
  if (Redacted(b))
    return;
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
      int32_t fd = At<int32_t>(elem, 0);  // a negative one is ignored: strace omits its events
      s += "{fd=" + FdText(fd) +
           (fd < 0 ? "" : ", events=" + Flags("poll_events", At<uint16_t>(elem, 4))) + "}";
    } else if (n == "epoll_event") {
      s += "{events=" + Flags("epoll_events", At<uint32_t>(elem, 0)) +
           ", data=" + FormatEpollData(At<uint64_t>(elem, 4)) + "}";
    } else if (n == "gid_t" || n == "uid_t") {
      uint32_t id = At<uint32_t>(elem, 0);
      s += id == 0xffffffff ? "-1" : UDec(id);
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
  if (partial && have < count && have <= opt.max_strlen)
    s += ", ... /* " + PtrString(A(i) + have * size) + " */";
  else if (count > have && have < opt.max_strlen)
    s += have ? ", ..." : "...";
  Put(s + "]");
}

// struct iovec[count]: each element's data, at most `total` bytes in all (outputs).
void Ctx::Iovec(int i,
                bool out,
                uint64_t count,
                int64_t total,
                uint32_t index_base,
                uint64_t addr) {
  uint64_t at = addr != kArgAddress ? addr : index_base ? 0 : A(i);
  const Buffer* arr = out ? Out(i, format::kBufferIovecArray, index_base)
                          : In(i, format::kBufferIovecArray, index_base);
  const Buffer* partial =
      arr || index_base ? nullptr : PartialArray(*this, i, out, format::kBufferIovecArray, 16);
  if (!arr && count == 0 && at && (!out || sc.returned())) {
    Put("[]");  // even for a call that failed: nothing to read
    return;
  }
  if (!Verbose()) {
    Put(count == 0 && at && (!out || ok()) ? "[]" : PtrString(at));
    return;
  }
  if (partial)
    arr = partial;
  if (!arr) {
    Ptr(at);
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
  if (partial && have < count && have <= opt.max_strlen)
    s += ", ... /* " + PtrString(at + have * 16) + " */";
  Put(s + "]");
}

static bool IsOutKind(ArgKind k) {
  return k == ArgKind::kOutData || k == ArgKind::kOutStruct || k == ArgKind::kInOutStruct ||
         k == ArgKind::kOutArray || k == ArgKind::kOutIovec;
}

void Ctx::Arg(int i) {
  const format::ArgSpec& a = info->args[i];
  uint64_t v = A(i);
  switch (a.kind) {
    case ArgKind::kInt:
      Put(Dec(static_cast<int32_t>(v)));
      break;
    case ArgKind::kPid:
      Pid(v);
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
    case ArgKind::kHex:  // param "u32": an unsigned int
      Put(HexString(a.param && std::string_view(a.param) == "u32" ? v & 0xffffffff : v));
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
    case ArgKind::kMode:  // umode_t
      Put(Octal(v & 0xffff));
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
      if (Redacted(RawOut(i))) {
        // nothing more to print
      } else if (a.param && std::string_view(a.param) == "cpu_set" && !Verbose()) {
        Ptr(v);  // strace reads a cpu set only for a call in verbose=
      } else if (a.param && std::string_view(a.param) == "path" && RawOut(i)) {
        const Buffer* b = RawOut(i);
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
    case ArgKind::kSpecial:
      // A struct no printer decodes here (its name is the param): its address, as strace's
      // printaddr (NULL for 0).
      Put(a.param ? PtrString(v) : HexString(v));
      break;
    case ArgKind::kStrArray:
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

// A NULL-terminated string array (argv, or envp with -v): at most -s elements (all of them
// with -v), each quoted.
void Ctx::StrArray(int av) {
  const Buffer* raw = sc.Find(av, false, format::kBufferStringPtrs);
  if (!A(av)) {
    Put("NULL");
    return;
  }
  if (!raw || !Verbose()) {
    Ptr(A(av));
    return;
  }
  uint64_t count = raw->data.size() / 8;
  std::string s = "[";
  for (uint64_t k = 0; k < count; k++) {
    if (k)
      s += ", ";
    if (!opt.verbose && k >= opt.max_strlen) {
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
  if (raw->read_errno && (opt.verbose || count < opt.max_strlen))
    s += count ? ", ..." : "...";
  Put(s + "]");
}

std::string PartialArray(Ctx& c,
                         int arg,
                         bool out,
                         uint64_t count,
                         size_t elem,
                         std::string (*print)(const std::string& d, size_t off)) {
  uint64_t addr = c.A(arg);
  const Buffer* b = out && !c.ok() ? nullptr : c.sc.Find(arg, out, format::kBufferPlain);
  if (!b || elem == 0 || b->data.size() < elem || !c.Verbose())
    return PtrString(addr);
  std::string s;
  if (c.Redacted(b, &s))
    return s;
  uint64_t have = b->data.size() / elem;
  s = "[";
  for (uint64_t i = 0; i < count; i++) {
    if (i)
      s += ", ";
    if (i >= have) {
      s += b->read_errno ? "... /* " + PtrString(addr + i * elem) + " */" : "...";
      break;
    }
    if (i >= c.opt.max_strlen) {
      s += "...";
      break;
    }
    s += print(b->data, i * elem);
  }
  return s + "]";
}

// FAMILY

}  // namespace strec::replay::detail
