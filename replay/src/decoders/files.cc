// Files and descriptors: open/openat, fcntl, getdents, sendfile, statx; struct stat, statx,
// statfs, open_how, pipe's fd pair.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

// The access mode, then the other flags with the unknown rest; all 64 bits (open_how's flags).
static std::string OpenFlags64(uint64_t v) {
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(v), [v] { return OpenFlags64(v); });
  std::string s;
  AppendEnum(&s, Table("open_accmode"), v & 3);
  if (v & ~3ull) {
    s += '|';
    AppendFlags(&s, Table("open_flags"), v & ~3ull);
  }
  return s;
}

// open(2)'s flags: an int.
std::string OpenFlags(uint64_t v) {
  return OpenFlags64(v & 0xffffffff);
}

// The sync type first (AT_STATX_SYNC_AS_STAT when 0, both bits as
// "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC"), then the other AT_* flags.
std::string StatxFlags(uint64_t v) {
  v &= 0xffffffff;
  uint64_t sync = v & 0x6000;
  std::string s;
  {
    ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
    AppendFlags(&s, Table("statx_sync"), sync, "AT_STATX_SYNC_AS_STAT");
  }
  // strace 6.1 prints the sync type with -X raw as an empty string when it is 0.
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    s = sync || CurrentXlatStyle() == XlatStyle::kVerbose ? Styled(HexString(sync), s) : "";
  if (v & ~0x6000ull) {
    s += '|';
    AppendFlags(&s, Table("statx_flags"), v & ~0x6000ull);
  }
  return s;
}

static std::string ModeType(uint32_t mode) {
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
static std::string StatMode(uint32_t mode) {
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
  // glibc's major() and minor(): unsigned int.
  uint32_t major = static_cast<uint32_t>(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
  uint32_t minor = static_cast<uint32_t>((dev & 0xff) | ((dev >> 12) & ~0xffull));
  return "makedev(" + HexString(major) + ", " + HexString(minor) + ")";
}

// " /* 2023-11-14T22:13:20.123456789+0000 */" in local time, as strace -v prints times.
static std::string TimeComment(int64_t sec, uint64_t nsec) {
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

static std::string Stat(const std::string& d, bool verbose) {
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

// A field the kernel filled only when stx_mask has its bit: strace prints it only then.
static std::string Statx(const std::string& d, bool verbose) {
  uint32_t mask = At<uint32_t>(d, 0);
  auto id = [](uint32_t v) { return v == 0xffffffff ? std::string("-1") : UDec(v); };
  std::string s = "{stx_mask=" + Flags("statx_mask", mask);
  if (verbose)
    s += ", stx_blksize=" + UDec(At<uint32_t>(d, 4));
  s += ", stx_attributes=" + Flags("statx_attrs", At<uint64_t>(d, 8));
  if (verbose) {
    if (mask & STATX_NLINK)
      s += ", stx_nlink=" + UDec(At<uint32_t>(d, 16));
    if (mask & STATX_UID)
      s += ", stx_uid=" + id(At<uint32_t>(d, 20));
    if (mask & STATX_GID)
      s += ", stx_gid=" + id(At<uint32_t>(d, 24));
  }
  if (mask & (STATX_TYPE | STATX_MODE))
    s += ", stx_mode=" + StatMode(At<uint16_t>(d, 28));
  if (verbose && (mask & STATX_INO))
    s += ", stx_ino=" + UDec(At<uint64_t>(d, 32));
  if (mask & STATX_SIZE)
    s += ", stx_size=" + UDec(At<uint64_t>(d, 40));
  if (!verbose)
    return s + ", ...}";
  if (mask & STATX_BLOCKS)
    s += ", stx_blocks=" + UDec(At<uint64_t>(d, 48));
  s += ", stx_attributes_mask=" + Flags("statx_attrs", At<uint64_t>(d, 56));
  const char* names[] = {"stx_atime", "stx_btime", "stx_ctime", "stx_mtime"};
  const uint32_t bits[] = {STATX_ATIME, STATX_BTIME, STATX_CTIME, STATX_MTIME};
  for (int i = 0; i < 4; i++) {
    if (!(mask & bits[i]))
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
  if (mask & STATX_MNT_ID)
    s += ", stx_mnt_id=" + HexString(At<uint64_t>(d, 144));
  return s + "}";
}

static void DecodeOpen(Ctx& c) {
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
  if (flags & (0100 | 020000000)) {  // O_CREAT, __O_TMPFILE
    c.Sep();
    c.Arg(p + 2);
  }
  c.ToExit();
  c.Put(")");
}

static void DecodeFcntl(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  uint32_t cmd = static_cast<uint32_t>(c.A(1));
  c.Put(Enum("fcntl_cmd", cmd));
  switch (cmd) {
    case 8:  // F_SETOWN: a pid, or a process group as -pgid
      c.Sep();
      c.Pid(c.I(2));
      break;
    case 15:    // F_SETOWN_EX
    case 16: {  // F_GETOWN_EX
      c.Sep();
      if (cmd == 16)
        c.ToExit();
      const Buffer* b = cmd == 16 ? c.Out(2) : c.In(2);
      if (!b || b->data.size() < 8) {
        c.Ptr(c.A(2));
        break;
      }
      uint32_t type = At<uint32_t>(b->data, 0);
      int32_t pid = At<int32_t>(b->data, 4);
      c.Put("{type=" + Enum("f_owner_type", type) + ", pid=");
      c.Put(type <= 2 ? PidText(pid, c.opt, c.env.state, c.sc.tid, type == 2 ? 2 : -1)
                      : Dec(pid));  // no owner: no id
      c.Put("}");
      break;
    }
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
    case 10:  // F_SETSIG
      c.Sep();
      c.Put(SignalName(c.I(2)));
      break;
    case 1024:  // F_SETLEASE
      c.Sep();
      c.Put(Enum("lease_type", c.A(2) & 0xffffffff));
      break;
    case 1026:  // F_NOTIFY
      c.Sep();
      c.Put(Flags("dnotify_flags", c.A(2) & 0xffffffff));
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

static void DecodeGetdents(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  const Buffer* b = c.Out(1);
  if (!c.Verbose()) {
    c.Ptr(c.A(1));  // not in -e verbose=: no entries, not even their number
  } else if (c.Redacted(b)) {
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
      std::string type_text =
          ", d_type=" +
          std::string(type < 16 && kTypes[type][0] != '?' ? kTypes[type] : UDec(type));
      std::string item = "{d_ino=" + UDec(ino) + ", d_off=" + Dec(doff) +
                         ", d_reclen=" + UDec(reclen) + (is64 ? type_text : "") + ", d_name=";
      QuoteOptions qq = c.q;
      qq.max_strlen = 4096;
      AppendQuotedCString(&item, name, false, qq);
      // struct linux_dirent keeps d_type after the name: strace prints it last.
      items.push_back(item + (is64 ? "" : type_text) + "}");
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

// sendfile: the offset as it was, then " => " the offset after a transfer.
static void DecodeSendfile(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.Fd(c.A(1));
  c.Sep();
  const Buffer* in = c.In(2);
  if (!c.A(2))
    c.Put("NULL");
  else if (in && in->data.size() >= 8)
    c.Put("[" + UDec(At<uint64_t>(in->data, 0)) + "]");
  else
    c.Ptr(c.A(2));
  c.ToExit();
  const Buffer* out = c.A(2) && c.sc.ret ? c.Out(2) : nullptr;
  if (out && out->data.size() >= 8)
    c.Put(" => [" + UDec(At<uint64_t>(out->data, 0)) + "]");
  c.Put(", " + UDec(c.A(3)) + ")");
}

// mknod(path, mode, dev), mknodat(dirfd, path, mode, dev): the device only for a character or
// block special file; a mode of no known file type prints in octal.
static void DecodeMknod(Ctx& c) {
  int p = c.sc.nr == __NR_mknod ? 0 : 1;
  if (p) {
    c.DirFd(c.A(0));
    c.Sep();
  }
  c.Path(p);
  c.Sep();
  uint32_t mode = c.A(p + 1) & 0xffff;  // umode_t
  uint32_t type = mode & 0170000;
  if (type && ModeType(mode).empty())
    c.Put(Octal(mode));
  else if (!mode && CurrentXlatStyle() == XlatStyle::kVerbose)
    c.Put("000 /* 000 */");  // as strace 6.1 prints it
  else
    c.Put(StatMode(mode));
  if (type == 0020000 || type == 0060000)  // S_IFCHR, S_IFBLK
    c.Put(", " + Makedev(static_cast<uint32_t>(c.A(p + 2))));
  c.ToExit();
  c.Put(")");
}

static void DecodeStatx(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.Put(StatxFlags(c.A(2)));
  c.Sep();
  c.Put(FlagsDflt("statx_mask", c.A(3) & 0xffffffff));
  c.Sep();
  c.ToExit();
  c.Arg(4);
  c.Put(")");
}

static std::string FormatStatfs(const std::string& d) {
  uint64_t type = At<uint64_t>(d, 0);
  std::string s = "{f_type=";
  const Xlat* magic = FindXlat("fs_magic");
  const char* name = magic ? magic->Name(type) : nullptr;
  s += name ? Styled(HexString(type), name) : HexString(type);
  const char* names[] = {"f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree"};
  for (int i = 0; i < 6; i++)
    s += std::string(", ") + names[i] + "=" + UDec(At<uint64_t>(d, 8 + 8 * i));
  char fsid[64];
  snprintf(fsid, sizeof fsid, "{val=[%#x, %#x]}", At<uint32_t>(d, 56), At<uint32_t>(d, 60));
  s += std::string(", f_fsid=") + fsid + ", f_namelen=" + UDec(At<uint64_t>(d, 64)) +
       ", f_frsize=" + UDec(At<uint64_t>(d, 72));
  s += ", f_flags=" + Flags("statfs_flags", At<uint64_t>(d, 80));
  return s + "}";
}

static std::string StatStruct(Ctx& c, int, const std::string& d) {
  return Stat(d, c.opt.verbose);
}

static std::string StatxStruct(Ctx& c, int, const std::string& d) {
  return Statx(d, c.opt.verbose);
}

static std::string StatfsStruct(Ctx&, int, const std::string& d) {
  return FormatStatfs(d);
}

// openat2(dirfd, path, how, size): struct open_how (linux/openat2.h) is read as `size` bytes, at
// least OPEN_HOW_SIZE_VER0 (24); the bytes past the known ones are shown when not all zero.
static void DecodeOpenat2(Ctx& c) {
  c.DirFd(c.A(0));
  c.Sep();
  c.Path(1);
  c.Sep();
  uint64_t size = c.A(3);
  const Buffer* b = c.A(2) ? c.In(2) : nullptr;
  if (!c.A(2)) {
    c.Put("NULL");
  } else if (size < 24 || !b || b->data.size() < 24) {
    c.Ptr(c.A(2));
  } else if (!c.Redacted(b)) {
    const std::string& d = b->data;
    uint64_t flags = At<uint64_t>(d, 0), mode = At<uint64_t>(d, 8);
    std::string s = "{flags=" + OpenFlags64(flags);
    if (mode || (flags & (O_CREAT | 020000000)))  // O_CREAT, the kernel's __O_TMPFILE
      s += ", mode=" + Octal(mode);
    s += ", resolve=" + FlagsOr("resolve_flags", At<uint64_t>(d, 16));
    std::string ext = ExtensionText(c, 2, false, 24, size);
    if (!ext.empty())
      s += ", " + ext;
    c.Put(s + "}");
  }
  c.Put(", " + UDec(size) + ")");
}

// pipe's, pipe2's and socketpair's two new fds; their paths come with the call (the state is
// updated after the line is built).
static std::string FdPair(Ctx& c, int arg, const std::string& d) {
  std::string s = "[";
  for (uint32_t k = 0; k < 2; k++) {
    if (k)
      s += ", ";
    s += Dec(At<int32_t>(d, k * 4));
    s += c.NewFdText(arg, k);
  }
  return s + "]";
}

static std::string FcntlReturn(const Syscall& sc, const DecodeEnv& env) {
  int64_t r = sc.ret;
  uint32_t cmd = static_cast<uint32_t>(sc.args[1]);
  if (cmd == 1 && r)  // F_GETFD
    return HexString(static_cast<uint64_t>(r)) + " (flags " + Flags("fd_flags", r) + ")";
  if (cmd == 3)  // F_GETFL
    return HexString(static_cast<uint64_t>(r)) + " (flags " + OpenFlags(r) + ")";
  if (cmd == 0 || cmd == 1030) {  // F_DUPFD, F_DUPFD_CLOEXEC: a new fd
    return Dec(r) + FdText(*env.opt, env.state, sc.tid, r);
  }
  if (cmd == 9)  // F_GETOWN: the owner's pid, or -pgid
    return PidText(static_cast<int32_t>(r), *env.opt, env.state, sc.tid);
  if (cmd == 1025)  // F_GETLEASE
    return HexString(static_cast<uint64_t>(r)) + " (" + Enum("lease_type", r) + ")";
  if (cmd == 11 && r > 0)  // F_GETSIG
    return Dec(r) + " (" + SignalName(static_cast<int>(r)) + ")";
  return "";
}

// An extended attribute's value of `len` bytes: its address when longer than XATTR_SIZE_MAX (the
// kernel refuses it unread). strace reads as much of it as -s shows; when the last byte of that
// is a NUL, it shows the bytes before it and nothing more (no "...", however long the value).
static void XattrValue(Ctx& c, int i, bool out, uint64_t len) {
  if (c.A(i) && len > XATTR_SIZE_MAX) {
    c.Ptr(c.A(i));
    return;
  }
  uint64_t n = std::min<uint64_t>(len, c.q.max_strlen);
  const Buffer* b = out && !c.ok() ? nullptr : c.sc.Find(i, out, format::kBufferPlain, 0);
  if (b && !b->redacted && n && b->data.size() >= n && b->data[n - 1] == '\0') {
    AppendQuotedBuffer(c.cur, std::string_view(b->data).substr(0, n - 1), n - 1, c.q);
    return;
  }
  c.Data(i, out, len);
}

// setxattr, lsetxattr, fsetxattr.
static void DecodeSetxattr(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  XattrValue(c, 2, false, c.A(3));
  c.Sep();
  c.Arg(3);
  c.Sep();
  c.Arg(4);
  c.ToExit();
  c.Put(")");
}

// getxattr, lgetxattr, fgetxattr: the value as long as the call says it is (even when the size
// given was 0 and nothing was written), or the address of the buffer when the call failed.
static void DecodeGetxattr(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Arg(1);
  c.Sep();
  c.ToExit();
  XattrValue(c, 2, true, c.Len(kLenRet));
  c.Sep();
  c.Arg(3);
  c.Put(")");
}

// listxattr, llistxattr, flistxattr: with size 0 the kernel writes nothing and the list is its
// address.
static void DecodeListxattr(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.ToExit();
  if (!c.A(2))
    c.Ptr(c.A(1));
  else
    c.Data(1, true, c.Len(kLenRet));
  c.Sep();
  c.Arg(2);
  c.Put(")");
}

Family FilesFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_open, DecodeOpen},
      {__NR_openat, DecodeOpen},
      {__NR_openat2, DecodeOpenat2},
      {__NR_fcntl, DecodeFcntl, FcntlReturn},
      {__NR_getdents, DecodeGetdents},
      {__NR_getdents64, DecodeGetdents},
      {__NR_sendfile, DecodeSendfile},
      {__NR_statx, DecodeStatx},
      {__NR_mknod, DecodeMknod},
      {__NR_mknodat, DecodeMknod},
      {__NR_setxattr, DecodeSetxattr},
      {__NR_lsetxattr, DecodeSetxattr},
      {__NR_fsetxattr, DecodeSetxattr},
      {__NR_getxattr, DecodeGetxattr},
      {__NR_lgetxattr, DecodeGetxattr},
      {__NR_fgetxattr, DecodeGetxattr},
      {__NR_listxattr, DecodeListxattr},
      {__NR_llistxattr, DecodeListxattr},
      {__NR_flistxattr, DecodeListxattr},
  };
  static const StructEntry kStructs[] = {
      {"stat", StatStruct},
      {"statx", StatxStruct},
      {"statfs", StatfsStruct},
      {"fd_pair", FdPair},
  };
  return {"files", kDecoders, kStructs};
}

}  // namespace strec::replay::detail
