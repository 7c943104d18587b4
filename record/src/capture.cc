#include "strec/record/capture.h"

#include "fd_details.h"
#include "ioctl_sizes.h"
#include "quota_sizes.h"
#include "v4l2_arrays.h"

#include <asm/unistd.h>
#include <linux/sched.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace strec::record {

using format::ArgKind;
using format::BufferRecord;
using format::kLenRet;

namespace {

constexpr uint64_t kPathMax = 4096;
constexpr uint64_t kMaxArrayElems = 1024;  // IOV_MAX; also caps argv pointers read
constexpr uint64_t kSockaddrMax = 128;     // sizeof(struct sockaddr_storage)
constexpr uint64_t kWholeMax = 1 << 20;    // cap for "kept whole" variable objects (dirents)
constexpr uint64_t kControlMax = 4096;     // msghdr control data
constexpr uint64_t kExtensionMax = 4096;   // an extensible struct is read up to its byte 4095
constexpr uint64_t kSetTidMax = 64;        // clone3's set_tid elements kept
constexpr uint64_t kBpfInsnsShown = 4096;  // BPF_MAXINSNS: the instructions strace shows
constexpr uint64_t kSchedAttrVer0 = 48;    // struct sched_attr: SCHED_ATTR_SIZE_VER0
constexpr uint64_t kSchedAttrVer1 = 56;    // SCHED_ATTR_SIZE_VER1

uint64_t U64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

void CapturedBuffers::AppendTo(std::vector<BufferRecord>* out) const {
  for (const Item& it : items_) {
    BufferRecord r = it.rec;
    r.data = {data_.data() + it.off, it.len};
    out->push_back(r);
  }
}

void CapturedBuffers::Add(const BufferRecord& r) {
  Item it;
  it.rec = r;
  it.rec.data = {};
  it.off = data_.size();
  it.len = r.data.size();
  data_.insert(data_.end(), r.data.begin(), r.data.end());
  items_.push_back(it);
}

void CapturedBuffers::AddOrRepair(const BufferRecord& r) {
  for (Item& it : items_) {
    if (it.rec.arg != r.arg || it.rec.out != r.out || it.rec.kind != r.kind ||
        it.rec.index != r.index)
      continue;
    if (!it.rec.read_errno)
      return;
    it.rec = r;
    it.rec.data = {};
    it.off = data_.size();
    it.len = r.data.size();
    data_.insert(data_.end(), r.data.begin(), r.data.end());
    return;
  }
  Add(r);
}

const BufferRecord* CapturedBuffers::Find(uint8_t arg,
                                          bool out,
                                          uint8_t kind,
                                          size_t* offset) const {
  for (const Item& it : items_) {
    if (it.rec.arg == arg && it.rec.out == out && it.rec.kind == kind) {
      *offset = it.off;
      return &it.rec;
    }
  }
  return nullptr;
}

void Capture::Plan(uint8_t arg,
                   bool out,
                   uint64_t addr,
                   uint64_t len,
                   uint64_t full_len,
                   uint8_t kind,
                   uint32_t index) {
  plan_.push_back({arg, out, kind, index, addr, len, full_len});
}

void Capture::Execute(pid_t tid, CapturedBuffers* dst) {
  if (plan_.empty())
    return;
  size_t base = dst->data_.size();
  uint64_t total = 0;
  for (const Req& r : plan_)
    total += r.len;
  dst->data_.resize(base + total);
  reads_.resize(plan_.size());
  size_t off = base;
  for (size_t i = 0; i < plan_.size(); i++) {
    reads_[i] = {plan_[i].addr, plan_[i].len, dst->data_.data() + off, 0, 0};
    off += plan_[i].len;
  }
  stats_.vm_reads += TraceeMemory::ReadBatch(tid, reads_.data(), reads_.size());
  off = base;
  for (size_t i = 0; i < plan_.size(); i++) {
    const Req& p = plan_[i];
    CapturedBuffers::Item it;
    it.rec.arg = p.arg;
    it.rec.out = p.out;
    it.rec.kind = p.kind;
    it.rec.index = p.index;
    it.rec.addr = p.addr;
    it.rec.full_len = p.full_len;
    it.rec.read_errno = reads_[i].error;
    it.off = off;
    it.len = reads_[i].got;
    if (reads_[i].error)
      stats_.read_failures++;
    dst->items_.push_back(it);
    off += p.len;
  }
  plan_.clear();
}

void Capture::String(pid_t tid,
                     uint8_t arg,
                     bool out,
                     uint64_t addr,
                     CapturedBuffers* dst,
                     uint8_t kind,
                     uint32_t index,
                     size_t max) {
  bool terminated = false;
  int err = 0;
  TraceeMemory::ReadString(tid, addr, max, &scratch_, &terminated, &err);
  stats_.vm_reads++;
  CapturedBuffers::Item it;
  it.rec.arg = arg;
  it.rec.out = out;
  it.rec.kind = kind;
  it.rec.index = index;
  it.rec.addr = addr;
  // full_len: the string's length without its NUL; one more than kept when it did not end.
  it.rec.full_len = scratch_.size() + (terminated || err ? 0 : 1);
  it.rec.read_errno = err;
  if (err)
    stats_.read_failures++;
  it.off = dst->data_.size();
  it.len = scratch_.size();
  dst->data_.insert(dst->data_.end(), scratch_.begin(), scratch_.end());
  dst->items_.push_back(it);
}

// struct iovec[count] at addr: the array, then each element's data. For outputs, `total` is
// the return value: the bytes the kernel filled, spread over the elements in order.
void Capture::Iovec(pid_t tid,
                    uint8_t arg,
                    bool out,
                    uint64_t addr,
                    uint64_t count,
                    int64_t total,
                    CapturedBuffers* dst,
                    uint32_t index_base) {
  uint64_t n = std::min<uint64_t>(count, std::min<uint64_t>(kMaxArrayElems, snaplen_));
  Plan(arg, out, addr, n * 16, count * 16, format::kBufferIovecArray, index_base);
  size_t items_before = dst->items_.size();
  Execute(tid, dst);
  if (dst->items_.size() == items_before)
    return;
  const auto& arr = dst->items_.back();
  size_t arr_off = arr.off;
  uint64_t got = arr.len / 16;
  uint64_t left = total < 0 ? ~0ull : static_cast<uint64_t>(total);
  for (uint64_t i = 0; i < got; i++) {
    uint64_t base = U64(dst->data_.data() + arr_off + i * 16);
    uint64_t len = U64(dst->data_.data() + arr_off + i * 16 + 8);
    uint64_t filled = out ? std::min(len, left) : len;
    if (out)
      left -= filled;
    Plan(arg, out, base, Cap(filled), filled, format::kBufferIovecData,
         index_base + static_cast<uint32_t>(i));
  }
  Execute(tid, dst);
}

// A NULL-terminated array of string pointers (argv); with strings=false only its length
// (envp: strace prints the count).
void Capture::StrArray(pid_t tid, uint8_t arg, uint64_t addr, CapturedBuffers* dst, bool strings) {
  if (addr == 0)
    return;
  std::vector<uint64_t> ptrs;
  uint64_t a = addr;
  uint64_t block[64];
  bool done = false;
  int err = 0;
  while (!done && ptrs.size() < (strings ? kMaxArrayElems : 1u << 20)) {
    ReadRequest r{a, sizeof block, reinterpret_cast<uint8_t*>(block), 0, 0};
    stats_.vm_reads += TraceeMemory::ReadBatch(tid, &r, 1);
    size_t n = r.got / 8;
    for (size_t i = 0; i < n; i++) {
      if (block[i] == 0) {
        done = true;
        break;
      }
      ptrs.push_back(block[i]);
    }
    if (r.got < sizeof block) {
      if (!done)
        err = r.error ? r.error : 14;
      break;
    }
    a += sizeof block;
  }
  CapturedBuffers::Item it;
  it.rec.arg = arg;
  it.rec.kind = format::kBufferStringPtrs;
  it.rec.addr = addr;
  it.rec.full_len = ptrs.size() + (done ? 0 : 1);  // the number of entries (more if unfinished)
  it.rec.read_errno = err;
  it.off = dst->data_.size();
  if (strings) {
    it.len = ptrs.size() * 8;
    const auto* p = reinterpret_cast<const uint8_t*>(ptrs.data());
    dst->data_.insert(dst->data_.end(), p, p + it.len);
  }
  dst->items_.push_back(it);
  if (strings)
    for (size_t i = 0; i < ptrs.size(); i++)
      String(tid, arg, false, ptrs[i], dst, format::kBufferString, static_cast<uint32_t>(i),
             kPathMax * 32);
}

void Capture::AtEntry(pid_t tid,
                      const format::SyscallInfo& info,
                      const uint64_t args[6],
                      CapturedBuffers* out) {
  out->Clear();
  bool special = false;
  for (uint8_t i = 0; i < info.nargs && i < 6; i++) {
    const format::ArgSpec& a = info.args[i];
    uint64_t v = args[i];
    switch (a.kind) {
      case ArgKind::kPath:
      case ArgKind::kString:
        if (v) {
          // A string whose param names a struct is read up to that size (a task name).
          uint32_t limit = format::StructSize(a.param ? a.param : "");
          String(tid, i, false, v, out, format::kBufferString, 0, limit ? limit : kPathMax);
        }
        break;
      case ArgKind::kInData:
        if (v && a.len < 6)
          Plan(i, false, v, Cap(format::LengthArg(info, args, a.len)),
               format::LengthArg(info, args, a.len));
        break;
      case ArgKind::kInStruct:
      case ArgKind::kInOutStruct:
        if (v) {
          uint32_t size = format::StructSize(a.param ? a.param : "");
          if (size)
            Plan(i, false, v, size, size);
        }
        break;
      case ArgKind::kInArray:
      case ArgKind::kInOutArray:
        if (v && a.len < 6) {
          uint32_t size = format::StructSize(a.param ? a.param : "");
          uint64_t count = format::LengthArg(info, args, a.len);
          uint64_t n = std::min<uint64_t>(count, std::max<uint64_t>(snaplen_, 1));
          if (size && count < (1ull << 32))
            Plan(i, false, v, n * size, count * size);
        }
        break;
      case ArgKind::kInIovec:
        if (v && a.len < 6) {
          Execute(tid, out);
          Iovec(tid, i, false, v, format::LengthArg(info, args, a.len), -1, out);
        }
        break;
      case ArgKind::kStrArray:
        Execute(tid, out);
        StrArray(tid, i, v, out, true);
        break;
      case ArgKind::kSpecial:
        special = true;
        break;
      default:
        break;
    }
  }
  Execute(tid, out);
  for (uint8_t i = 0; i < info.nargs && i < 6; i++)
    if (info.args[i].kind == ArgKind::kInStruct && info.args[i].param &&
        std::strcmp(info.args[i].param, "sock_fprog") == 0)
      FprogFilter(i, out);
  Execute(tid, out);
  if (special)
    SpecialEntry(tid, info.nr, args, out);
  Execute(tid, out);
  (void)info;
}

void Capture::AtExit(pid_t tid,
                     const format::SyscallInfo& info,
                     const uint64_t args[6],
                     int64_t ret,
                     const CapturedBuffers& entry,
                     CapturedBuffers* out) {
  out->Clear();
  bool failed = ret < 0 && ret >= -4095;
  // An interrupted nanosleep/clock_nanosleep (EINTR, ERESTART_RESTARTBLOCK) wrote its remaining
  // time: strace prints it.
  bool outputs_written =
      !failed || ((info.nr == __NR_nanosleep || info.nr == __NR_clock_nanosleep) &&
                  (ret == -EINTR || ret == -516));
  bool special = false;
  for (uint8_t i = 0; i < info.nargs && i < 6; i++) {
    const format::ArgSpec& a = info.args[i];
    uint64_t v = args[i];
    if (a.kind == ArgKind::kSpecial)
      special = true;
    if (!outputs_written || v == 0)
      continue;
    switch (a.kind) {
      case ArgKind::kOutData: {
        uint64_t len =
            a.len == kLenRet ? static_cast<uint64_t>(ret) : format::LengthArg(info, args, a.len);
        // recvfrom's MSG_TRUNC returns a datagram's whole length: no more than the buffer's size
        // (the next argument) was written, and strace shows no more. (A getxattr given no room
        // returns the value's size too, and strace reads that much: no cap there.)
        if (info.nr == __NR_recvfrom && a.len == kLenRet)
          len = std::min(len, args[i + 1]);
        Plan(i, true, v, Cap(len), len);
        break;
      }
      case ArgKind::kOutStruct:
      case ArgKind::kInOutStruct: {
        uint32_t size = format::StructSize(a.param ? a.param : "");
        if (size)
          Plan(i, true, v, size, size);
        break;
      }
      case ArgKind::kOutArray:
      case ArgKind::kInOutArray: {
        uint32_t size = format::StructSize(a.param ? a.param : "");
        uint64_t count = a.len == kLenRet ? static_cast<uint64_t>(ret)
                         : a.len < 6      ? format::LengthArg(info, args, a.len)
                                          : 0;
        uint64_t n = std::min<uint64_t>(count, std::max<uint64_t>(snaplen_, 1));
        if (size && count < (1ull << 32))
          Plan(i, true, v, n * size, count * size);
        break;
      }
      case ArgKind::kOutIovec:
        if (a.len < 6) {
          Execute(tid, out);
          Iovec(tid, i, true, v, format::LengthArg(info, args, a.len), ret, out);
        }
        break;
      default:
        break;
    }
  }
  Execute(tid, out);
  if (special)
    SpecialExit(tid, info.nr, args, ret, entry, out);
  Execute(tid, out);
  switch (info.nr) {
    case __NR_bind:  // (also when they failed: a connect in progress has its peer)
    case __NR_connect:
    case __NR_listen:
    case __NR_sendto:
    case __NR_sendmsg:
    case __NR_sendmmsg:
      SocketChanged(tid, static_cast<int32_t>(args[0]), out);
      break;
    default:
      break;
  }
  if (!failed) {
    FdPaths(tid, info, args, ret, out);
    if (info.classes & format::kChangesCwd)
      Link(tid, "cwd", format::kBufferCwd, format::kArgReturn, 0, 0, out);
  }
}

Capture::Capture(uint32_t snaplen, bool capture_env)
    : snaplen_(snaplen), capture_env_(capture_env), fd_details_(new FdDetailReader) {}

Capture::~Capture() = default;

void Capture::FdPath(pid_t tid,
                     uint8_t arg,
                     uint32_t index,
                     int64_t fd,
                     CapturedBuffers* dst,
                     bool query) {
  if (fd < 0 || fd > INT32_MAX)
    return;
  char name[32];
  snprintf(name, sizeof name, "fd/%d", static_cast<int>(fd));
  Link(tid, name, format::kBufferFdPath, arg, index, static_cast<uint64_t>(fd), dst);
  const CapturedBuffers::Item& it = dst->items_.back();
  if (it.rec.read_errno)
    return;
  std::string link(reinterpret_cast<const char*>(dst->bytes(it.off)), it.len);
  if (auto detail = fd_details_->Read(tid, static_cast<int>(fd), link, query)) {
    Blob(format::kBufferFdDetail, arg, index, *detail, dst);
    if (auto peer = fd_details_->Peer(*detail))
      Blob(format::kBufferFdDetail, arg, index | format::kFdDetailPeerIndex, *peer, dst);
  }
}

void Capture::SocketChanged(pid_t tid, int64_t fd, CapturedBuffers* dst) {
  if (fd < 0 || fd > INT32_MAX)
    return;
  if (auto detail = fd_details_->Refresh(tid, static_cast<int>(fd)))
    Blob(format::kBufferFdDetail, 0, 0, *detail, dst);
}

void Capture::Blob(uint8_t kind,
                   uint8_t arg,
                   uint32_t index,
                   std::string_view bytes,
                   CapturedBuffers* dst,
                   uint64_t addr,
                   int32_t read_errno) {
  CapturedBuffers::Item it;
  it.rec.arg = arg;
  it.rec.out = true;
  it.rec.kind = kind;
  it.rec.index = index;
  it.rec.addr = addr;
  it.rec.read_errno = read_errno;
  it.off = dst->data_.size();
  it.len = bytes.size();
  it.rec.full_len = it.len;
  dst->data_.insert(dst->data_.end(), bytes.begin(), bytes.end());
  dst->items_.push_back(it);
}

// The paths of the fds a recvmsg received with SCM_RIGHTS (kBufferFdPath of argument 1, index =
// the fd's position among all the SCM_RIGHTS fds of the control data), as strace -y shows them.
void Capture::ReceivedFdPaths(pid_t tid, CapturedBuffers* dst) {
  const CapturedBuffers::Item* c = nullptr;
  for (const auto& it : dst->items_)
    if (it.rec.arg == 1 && it.rec.out && it.rec.kind == format::kBufferAux && it.rec.index == 1)
      c = &it;
  if (!c || c->rec.read_errno)
    return;
  // Copied: FdPath() appends to dst's arena, which may move it.
  std::vector<uint8_t> control(dst->bytes(c->off), dst->bytes(c->off) + c->len);
  uint32_t index = 0;
  for (int32_t fd : ReceivedFds(control))
    FdPath(tid, 1, index++, fd, dst);
}

// The room a receive gave for a message's name: msg_namelen of the struct msghdr at `off` in
// argument 1 as read at entry (all of the name if that was not read). The kernel writes no more
// than that, however long the name it reports.
uint64_t Capture::NamelenGiven(const CapturedBuffers& entry, uint64_t off) {
  for (const auto& it : entry.items_)
    if (it.rec.arg == 1 && !it.rec.out && it.rec.kind == format::kBufferPlain)
      return !it.rec.read_errno && it.len >= off + 12 ? U32(entry.bytes(it.off) + off + 8)
                                                      : UINT64_MAX;
  return UINT64_MAX;
}

// The struct mmsghdr array of a successful sendmmsg/recvmmsg (the `count` messages the call
// processed, at most snaplen of them), and for each message i what recvmsg/sendmsg would keep:
// msg_name (kBufferAux, index i << 16), msg_control (kBufferAux, (i << 16) | 1) and the iovecs
// (index base i << 16), their data cut at the message's msg_len. Read at exit for both calls:
// the data sent is still in place.
void Capture::Mmsgs(pid_t tid,
                    uint64_t addr,
                    int64_t count,
                    const CapturedBuffers& entry,
                    CapturedBuffers* dst) {
  constexpr uint64_t kMmsghdr = 64;  // struct msghdr (56) + msg_len (4) + padding
  uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(count), std::max<uint32_t>(snaplen_, 1));
  n = std::min<uint64_t>(n, 0xffff);
  Plan(1, true, addr, n * kMmsghdr, static_cast<uint64_t>(count) * kMmsghdr);
  size_t items_before = dst->items_.size();
  Execute(tid, dst);
  if (dst->items_.size() == items_before)
    return;
  // Copied: the reads below append to dst's arena.
  const auto& arr = dst->items_.back();
  std::vector<uint8_t> msgs(dst->bytes(arr.off), dst->bytes(arr.off) + arr.len);
  MmsgParts(tid, msgs, true, entry, dst);
}

// What each struct mmsghdr of `msgs` points at (see Mmsgs): outputs cut at the message's
// msg_len (a received name at the room given at entry), or inputs whole.
void Capture::MmsgParts(pid_t tid,
                        const std::vector<uint8_t>& msgs,
                        bool out,
                        const CapturedBuffers& entry,
                        CapturedBuffers* dst) {
  constexpr uint64_t kMmsghdr = 64;
  for (uint64_t i = 0; i < msgs.size() / kMmsghdr; i++) {
    const uint8_t* p = msgs.data() + i * kMmsghdr;
    MsghdrParts(tid, p, out, out ? NamelenGiven(entry, i * kMmsghdr) : UINT64_MAX,
                out ? static_cast<int64_t>(U32(p + 56)) : -1, static_cast<uint32_t>(i) << 16, dst);
  }
}

// What a struct msghdr (56 bytes at `msghdr`, read before anything is planned: it may live in
// dst's arena) points at, as argument 1's buffers from index `base`: msg_name (kBufferAux base,
// no more than `room` bytes, the room a receive was given), msg_control (kBufferAux base + 1)
// and the iovecs, their data cut at `total` bytes (-1: whole).
void Capture::MsghdrParts(pid_t tid,
                          const uint8_t* msghdr,
                          bool out,
                          uint64_t room,
                          int64_t total,
                          uint32_t base,
                          CapturedBuffers* dst) {
  uint64_t name = U64(msghdr), namelen = U32(msghdr + 8), iov = U64(msghdr + 16),
           iovlen = U64(msghdr + 24), control = U64(msghdr + 32), controllen = U64(msghdr + 40);
  if (name)
    Plan(1, out, name, std::min({namelen, room, kSockaddrMax}), namelen, format::kBufferAux, base);
  if (control)
    Plan(1, out, control, std::min(controllen, kControlMax), controllen, format::kBufferAux,
         base | 1);
  Execute(tid, dst);
  if (iov)
    Iovec(tid, 1, out, iov, iovlen, total, dst, base);
}

// Records readlink of /proc/TID/NAME as an out buffer of the given kind.
void Capture::Link(pid_t tid,
                   const char* name,
                   uint8_t kind,
                   uint8_t arg,
                   uint32_t index,
                   uint64_t addr,
                   CapturedBuffers* dst) {
  char link[64];
  snprintf(link, sizeof link, "/proc/%d/%s", tid, name);
  char target[kPathMax];
  ssize_t n = readlink(link, target, sizeof target);
  Blob(kind, arg, index, {target, n < 0 ? 0 : static_cast<size_t>(n)}, dst, addr,
       n < 0 ? errno : 0);
}

void Capture::FdPaths(pid_t tid,
                      const format::SyscallInfo& info,
                      const uint64_t args[6],
                      int64_t ret,
                      CapturedBuffers* dst) {
  uint64_t fcntl_cmd = args[1] & 0xffffffff;
  if ((info.classes & format::kReturnsFd) ||
      (info.nr == __NR_fcntl && (fcntl_cmd == 0 || fcntl_cmd == 1030)))  // F_DUPFD(_CLOEXEC)
    FdPath(tid, format::kArgReturn, 0, ret, dst, info.nr != __NR_socket);
  // Arrays of two new fds (pipe, pipe2, socketpair).
  for (uint8_t i = 0; i < info.nargs && i < 6; i++) {
    const format::ArgSpec& a = info.args[i];
    if (a.kind != ArgKind::kOutStruct || !a.param || std::strcmp(a.param, "fd_pair") != 0)
      continue;
    size_t off;
    const BufferRecord* b = dst->Find(i, true, format::kBufferPlain, &off);
    if (!b || b->read_errno || b->full_len < 8)
      continue;
    int32_t fds[2];
    std::memcpy(fds, dst->bytes(off), 8);
    FdPath(tid, i, 0, fds[0], dst);
    FdPath(tid, i, 1, fds[1], dst);
  }
}

// ---- Irregular arguments (the table marks them kSpecial) ----

// A struct the kernel reads as `size` bytes of which it knows `known` (openat2's open_how,
// clone3's clone_args): the known part, and the rest up to byte kExtensionMax as kBufferAux 0 (the
// kernel refuses a rest that is not all zero; strace shows it).
void Capture::ExtensibleStruct(uint8_t arg,
                               bool out,
                               uint64_t addr,
                               uint64_t size,
                               uint64_t known) {
  Plan(arg, out, addr, std::min(size, known), size);
  if (size > known && known < kExtensionMax)
    Plan(arg, out, addr + known, std::min(size, kExtensionMax) - known, size - known,
         format::kBufferAux, 0);
}

namespace {

bool IsSpecial(int nr, uint8_t arg) {
  const auto* t = format::SyscallTable::ForArch(format::kArchX86_64);
  const format::SyscallInfo* info = t ? t->Find(nr) : nullptr;
  return info && arg < info->nargs && info->args[arg].kind == ArgKind::kSpecial;
}

}  // namespace

// A struct sock_fprog captured as argument `arg`: its program of `len` instructions of 8 bytes
// (as many as strace shows), as the argument's kBufferAux buffer.
void Capture::FprogFilter(uint8_t arg, CapturedBuffers* dst) {
  size_t off;
  const BufferRecord* f = dst->Find(arg, false, format::kBufferPlain, &off);
  if (!f || f->read_errno || f->full_len < 16)
    return;
  const uint8_t* p = dst->bytes(off);
  uint64_t len = p[0] | (uint64_t{p[1]} << 8), filter = U64(p + 8);
  if (filter && len)
    Plan(arg, false, filter, std::min<uint64_t>(len, kBpfInsnsShown) * 8, len * 8,
         format::kBufferAux, 0);
}

// A node mask of maxnode - 1 bits (mbind(2)): that many unsigned longs, cut to the snap length.
void Capture::NodeMask(uint8_t arg, bool out, uint64_t addr, uint64_t maxnode) {
  if (!addr || maxnode == 0 || maxnode >= (1ull << 40))
    return;
  uint64_t bytes = (maxnode - 1 + 63) / 64 * 8;
  Plan(arg, out, addr, Cap(bytes) & ~uint64_t{7}, bytes);
}

// sched_setattr's struct sched_attr (argument 1): its size field, then as much of the struct as
// that says (0 meaning SCHED_ATTR_SIZE_VER0, 48 bytes), up to the 56 bytes of
// SCHED_ATTR_SIZE_VER1; a size below 48 keeps the size field alone.
void Capture::SchedAttr(pid_t tid, uint64_t addr) {
  uint32_t size = 0;
  ReadRequest r{addr, 4, reinterpret_cast<uint8_t*>(&size), 0, 0};
  stats_.vm_reads += TraceeMemory::ReadBatch(tid, &r, 1);
  uint64_t whole = size ? size : kSchedAttrVer0;
  uint64_t n = r.got < 4 || whole < kSchedAttrVer0 ? 4 : std::min(whole, kSchedAttrVer1);
  Plan(1, false, addr, n, whole);
}

void Capture::SpecialEntry(pid_t tid, int nr, const uint64_t args[6], CapturedBuffers* dst) {
  switch (nr) {
    case __NR_execve:
    case __NR_execveat: {
      uint8_t envp = nr == __NR_execve ? 2 : 3;
      if (IsSpecial(nr, envp))
        StrArray(tid, envp, args[envp], dst, capture_env_);
      break;
    }
    case __NR_connect:
    case __NR_bind:
      if (IsSpecial(nr, 1) && args[1])
        Plan(1, false, args[1], std::min<uint64_t>(args[2] & 0xffffffff, kSockaddrMax),
             args[2] & 0xffffffff);
      break;
    case __NR_sendto:
      if (IsSpecial(nr, 4) && args[4])
        Plan(4, false, args[4], std::min<uint64_t>(args[5] & 0xffffffff, kSockaddrMax),
             args[5] & 0xffffffff);
      break;
    case __NR_accept:
    case __NR_accept4:
    case __NR_getsockname:
    case __NR_getpeername:
      if (args[2])
        Plan(2, false, args[2], 4, 4);  // socklen in
      break;
    case __NR_recvfrom:
      if (args[5])
        Plan(5, false, args[5], 4, 4);
      break;
    case __NR_getsockopt:
      if (args[4])
        Plan(4, false, args[4], 4, 4);
      break;
    case __NR_setsockopt: {
      if (!args[3])
        break;
      uint64_t level = args[1] & 0xffffffff, name = args[2] & 0xffffffff,
               len = args[4] & 0xffffffff;
      Plan(3, false, args[3], Cap(len), len);
      // SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF: a struct sock_fprog and its program.
      if (level == 1 /* SOL_SOCKET */ && (name == 26 || name == 51) && len == 16) {
        Execute(tid, dst);
        FprogFilter(3, dst);
      }
      break;
    }
    case __NR_sendmsg:
    case __NR_recvmsg: {
      if (!args[1])
        break;
      Plan(1, false, args[1], 56, 56);  // struct msghdr
      Execute(tid, dst);
      size_t off;
      const BufferRecord* m = dst->Find(1, false, format::kBufferPlain, &off);
      if (nr != __NR_sendmsg || !m || m->read_errno)
        break;
      MsghdrParts(tid, dst->bytes(off), false, UINT64_MAX, -1, 0, dst);
      break;
    }
    case __NR_sendmmsg:
    case __NR_recvmmsg:
      if (args[1]) {
        uint64_t vlen = args[2] & 0xffffffff;
        uint64_t n = std::min<uint64_t>(vlen, std::max<uint32_t>(snaplen_, 1));
        Plan(1, false, args[1], n * 64, vlen * 64);
      }
      if (nr == __NR_recvmmsg && args[4])
        Plan(4, false, args[4], 16, 16);  // timeout
      break;
    case __NR_select:
    case __NR_pselect6: {
      uint64_t nfds = args[0] & 0xffffffff;
      uint64_t bytes = std::min<uint64_t>(((nfds + 63) / 64) * 8, 1024 * 8);
      for (uint8_t i = 1; i <= 3; i++)
        if (args[i])
          Plan(i, false, args[i], bytes, bytes);
      if (args[4])
        Plan(4, false, args[4], 16, 16);  // timeval / timespec
      if (nr == __NR_pselect6 && args[5]) {
        Plan(5, false, args[5], 16, 16);  // { const sigset_t *ss; size_t ss_len; }
        Execute(tid, dst);
        size_t off;
        const BufferRecord* s = dst->Find(5, false, format::kBufferPlain, &off);
        if (s && !s->read_errno && U64(dst->bytes(off)))
          Plan(5, false, U64(dst->bytes(off)), 8, U64(dst->bytes(off) + 8), format::kBufferAux);
      }
      break;
    }
    case __NR_ioctl: {
      if (!args[2])
        break;
      uint64_t req = args[1] & 0xffffffff;
      int in = 0, out = 0;
      uint32_t size = strec_ioctl_size(req, &in, &out);
      if (in && size)
        Plan(2, false, args[2], size, size);
      if (req == 0x40085203) {  // RNDADDENTROPY: rand_pool_info's buf_size bytes after it
        Execute(tid, dst);
        size_t off;
        const BufferRecord* h = dst->Find(2, false, format::kBufferPlain, &off);
        uint64_t n = h && !h->read_errno ? U32(dst->bytes(off) + 4) : 0;
        if (n)
          Plan(2, false, args[2] + 8, Cap(n), n, format::kBufferAux);
      }
      if (in && size && (strec_v4l2_format_offset(req) >= 0 || strec_v4l2_is_ext_ctrls(req))) {
        Execute(tid, dst);
        V4l2Arrays(tid, req, false, dst);
      }
      break;
    }
    case __NR_fcntl: {
      uint64_t cmd = args[1] & 0xffffffff;
      if (!args[2])
        break;
      if (cmd == 5 || cmd == 6 || cmd == 7 || cmd == 36 || cmd == 37 || cmd == 38)
        Plan(2, false, args[2], 32, 32);  // struct flock
      else if (cmd == 15)
        Plan(2, false, args[2], 8, 8);  // F_SETOWN_EX
      break;
    }
    case __NR_futex: {
      uint64_t op = args[1] & 127;
      if ((op == 0 || op == 9 || op == 6 || op == 11 || op == 13) && args[3])
        Plan(3, false, args[3], 16, 16);  // timeout
      break;
    }
    case __NR_clone3:
      if (args[0]) {
        ExtensibleStruct(0, false, args[0], args[1], 88);
        Execute(tid, dst);
        size_t off;
        const BufferRecord* s = dst->Find(0, false, format::kBufferPlain, &off);
        // set_tid[set_tid_size] (kBufferAux 1), at most kSetTidMax of them.
        if (s && !s->read_errno && args[1] >= 80) {
          uint64_t set_tid = U64(dst->bytes(off) + 64), count = U64(dst->bytes(off) + 72);
          if (set_tid && count)
            Plan(0, false, set_tid, std::min<uint64_t>(count, kSetTidMax) * 4,
                 count < (1ull << 32) ? count * 4 : 0, format::kBufferAux, 1);
        }
      }
      break;
    case __NR_openat2:
      if (IsSpecial(nr, 2) && args[2])
        ExtensibleStruct(2, false, args[2], args[3], 24);
      break;
    case __NR_quotactl:
    case __NR_quotactl_fd: {
      uint32_t cmd = static_cast<uint32_t>(args[nr == __NR_quotactl ? 0 : 1]) >> 8;
      if (!args[3])
        break;
      if (cmd == 0x800002)  // Q_QUOTAON: the quota file
        String(tid, 3, false, args[3], dst, format::kBufferString, 0, kPathMax);
      else if (uint32_t n = strec_quota_size(cmd, 0))
        Plan(3, false, args[3], n, n);
      break;
    }
    case __NR_mbind:
      NodeMask(3, false, args[3], args[4]);
      break;
    case __NR_set_mempolicy:
      NodeMask(1, false, args[1], args[2]);
      break;
    case __NR_migrate_pages:
      NodeMask(2, false, args[2], args[1]);
      NodeMask(3, false, args[3], args[1]);
      break;
    case __NR_semop:
    case __NR_semtimedop:
      if (args[1]) {  // struct sembuf[nsops], nsops an unsigned int
        uint64_t count = args[2] & 0xffffffff;
        Plan(1, false, args[1], std::min<uint64_t>(count, std::max<uint64_t>(snaplen_, 1)) * 6,
             count * 6);
      }
      break;
    case __NR_msgsnd:  // struct msgbuf: long mtype, then arg 2 bytes of text
      if (args[1])
        Plan(1, false, args[1], 8 + Cap(args[2]), 8 + args[2]);
      break;
    case __NR_sched_setattr:
      if (IsSpecial(nr, 1) && args[1])
        SchedAttr(tid, args[1]);
      break;
    case __NR_rt_sigtimedwait:
      if (args[0])
        Plan(0, false, args[0], 8, 8);
      if (args[2])
        Plan(2, false, args[2], 16, 16);
      break;
    default:
      break;
  }
}

void Capture::SpecialExit(pid_t tid,
                          int nr,
                          const uint64_t args[6],
                          int64_t ret,
                          const CapturedBuffers& entry,
                          CapturedBuffers* dst) {
  bool failed = ret < 0 && ret >= -4095;
  switch (nr) {
    case __NR_mincore:  // a byte per page of arg 1 (strace reads them whatever the result)
      if (args[2] && IsSpecial(nr, 2)) {
        uint64_t pages = args[1] / 4096 + (args[1] % 4096 ? 1 : 0);
        Plan(2, true, args[2], std::min<uint64_t>(pages, std::max<uint64_t>(snaplen_, 1)), pages);
      }
      break;
    case __NR_sched_setattr:  // E2BIG: the kernel wrote its struct's size in the size field
      if (ret == -E2BIG && IsSpecial(nr, 1) && args[1])
        Plan(1, true, args[1], 4, 4);
      break;
    case __NR_sched_getattr:  // min(size, 56) bytes written
      if (!failed && IsSpecial(nr, 1) && args[1]) {
        uint64_t n = std::min<uint64_t>(args[2] & 0xffffffff, kSchedAttrVer1);
        Plan(1, true, args[1], n, n);
      }
      break;
    case __NR_accept:
    case __NR_accept4:
    case __NR_getsockname:
    case __NR_getpeername:
    case __NR_recvfrom:
    case __NR_getsockopt: {
      uint8_t obj = nr == __NR_recvfrom ? 4 : nr == __NR_getsockopt ? 3 : 1;
      uint8_t len = nr == __NR_recvfrom ? 5 : nr == __NR_getsockopt ? 4 : 2;
      if (failed || !args[len])
        break;
      Plan(len, true, args[len], 4, 4);
      Execute(tid, dst);
      size_t off;
      const BufferRecord* l = dst->Find(len, true, format::kBufferPlain, &off);
      if (!l || l->read_errno || !args[obj])
        break;
      uint64_t n = U32(dst->bytes(off));
      uint64_t cap = nr == __NR_getsockopt ? Cap(n) : std::min(n, kSockaddrMax);
      // A sockaddr longer than the buffer was cut by the kernel to the buffer's length (the
      // length at entry): only that much is there to read.
      size_t in_off;
      const BufferRecord* in = entry.Find(len, false, format::kBufferPlain, &in_off);
      if (nr != __NR_getsockopt && in && !in->read_errno)
        cap = std::min<uint64_t>(cap, U32(entry.bytes(in_off)));
      if (nr == __NR_getsockopt) {
        if (n > 0x7fffffff)
          break;  // a negative length: nothing to show
        // SO_GET_FILTER counts instructions of 8 bytes, of which strace shows 4096.
        if ((args[1] & 0xffffffff) == 1 && (args[2] & 0xffffffff) == 26)
          cap = std::min<uint64_t>(n, kBpfInsnsShown) * 8;
      }
      Plan(obj, true, args[obj], cap, n);
      break;
    }
    case __NR_recvmsg: {
      if (failed || !args[1])
        break;
      Plan(1, true, args[1], 56, 56);
      Execute(tid, dst);
      size_t off;
      const BufferRecord* m = dst->Find(1, true, format::kBufferPlain, &off);
      if (!m || m->read_errno)
        break;
      bool control = U64(dst->bytes(off) + 32) != 0;
      MsghdrParts(tid, dst->bytes(off), true, NamelenGiven(entry, 0), ret, 0, dst);
      if (control)
        ReceivedFdPaths(tid, dst);
      break;
    }
    case __NR_sendmmsg:
    case __NR_recvmmsg:
      if (!failed && args[1] && ret > 0) {
        Mmsgs(tid, args[1], ret, entry, dst);
      } else if (failed && nr == __NR_sendmmsg && args[1]) {
        // strace shows a failed sendmmsg's messages as given: their parts are read now (at
        // entry, a successful call's would be read twice), from the array read at entry.
        for (const auto& it : entry.items_)
          if (it.rec.arg == 1 && !it.rec.out && it.rec.kind == format::kBufferPlain) {
            std::vector<uint8_t> msgs(entry.bytes(it.off), entry.bytes(it.off) + it.len);
            MmsgParts(tid, msgs, false, entry, dst);
            break;
          }
      }
      break;
    case __NR_select:
    case __NR_pselect6: {
      if (failed)
        break;
      uint64_t nfds = args[0] & 0xffffffff;
      uint64_t bytes = std::min<uint64_t>(((nfds + 63) / 64) * 8, 1024 * 8);
      for (uint8_t i = 1; i <= 3; i++)
        if (args[i])
          Plan(i, true, args[i], bytes, bytes);
      if (nr == __NR_select && args[4])
        Plan(4, true, args[4], 16, 16);
      break;
    }
    case __NR_ioctl: {
      if (args[2] && strec_v4l2_is_ext_ctrls(args[1])) {  // shown after a failure too
        Plan(2, true, args[2], STREC_V4L2_EXT_CONTROLS, STREC_V4L2_EXT_CONTROLS);
        Execute(tid, dst);
        V4l2Arrays(tid, args[1], true, dst);
        break;
      }
      if (failed || !args[2])
        break;
      uint64_t req = args[1] & 0xffffffff;
      int in = 0, out = 0;
      uint32_t size = strec_ioctl_size(req, &in, &out);
      if (out && size)
        Plan(2, true, args[2], size, size);
      if (req == 0x031f) {  // HDIO_DRIVE_CMD: sector_count * 512 bytes after the header
        Execute(tid, dst);
        size_t off;
        const BufferRecord* h = dst->Find(2, true, format::kBufferPlain, &off);
        uint64_t n = h && !h->read_errno ? uint64_t{dst->bytes(off)[3]} * 512 : 0;
        if (n)
          Plan(2, true, args[2] + 4, Cap(n), n, format::kBufferAux);
      }
      if (out && size && strec_v4l2_format_offset(req) >= 0) {
        Execute(tid, dst);
        V4l2Arrays(tid, req, true, dst);
      }
      if (req == STREC_FS_IOC_FIEMAP) {
        Execute(tid, dst);
        size_t off;
        const BufferRecord* f = dst->Find(2, true, format::kBufferPlain, &off);
        uint64_t n = f && !f->read_errno ? U32(dst->bytes(off) + 20) : 0;  // fm_mapped_extents
        if (n)
          Plan(2, true, args[2] + 32, std::min<uint64_t>(n, STREC_FIEMAP_EXTENTS_MAX) * 56, n * 56,
               format::kBufferAux);
      }
      break;
    }
    case __NR_fcntl: {
      uint64_t cmd = args[1] & 0xffffffff;
      if (failed || !args[2])
        break;
      if (cmd == 5 || cmd == 36)
        Plan(2, true, args[2], 32, 32);  // F_GETLK, F_OFD_GETLK
      else if (cmd == 16)
        Plan(2, true, args[2], 8, 8);  // F_GETOWN_EX
      break;
    }
    case __NR_clone:
      if (!failed && (args[0] & CLONE_PARENT_SETTID) && args[2])
        Plan(2, true, args[2], 4, 4);
      break;
    case __NR_clone3:
      if (!failed && args[0]) {
        // The struct again, and the pidfd and parent tid the kernel wrote (kBufferAux 2, 3).
        ExtensibleStruct(0, true, args[0], args[1], 88);
        Execute(tid, dst);
        size_t off;
        const BufferRecord* s = dst->Find(0, true, format::kBufferPlain, &off);
        if (s && !s->read_errno && args[1] >= 32) {
          uint64_t flags = U64(dst->bytes(off)), pidfd = U64(dst->bytes(off) + 8),
                   parent_tid = U64(dst->bytes(off) + 24);
          if ((flags & CLONE_PIDFD) && pidfd)
            Plan(0, true, pidfd, 4, 4, format::kBufferAux, 2);
          if ((flags & CLONE_PARENT_SETTID) && parent_tid)
            Plan(0, true, parent_tid, 4, 4, format::kBufferAux, 3);
        }
      }
      break;
    case __NR_getdents:
    case __NR_getdents64:
      if (!failed && args[1] && ret > 0)
        Plan(1, true, args[1], std::min<uint64_t>(ret, kWholeMax), static_cast<uint64_t>(ret));
      break;
    case __NR_wait4:
      if (!failed && ret > 0) {
        if (args[1] && IsSpecial(nr, 1))
          Plan(1, true, args[1], 4, 4);
        if (args[3] && IsSpecial(nr, 3))
          Plan(3, true, args[3], 144, 144);
      }
      break;
    case __NR_quotactl:
    case __NR_quotactl_fd: {
      uint32_t cmd = static_cast<uint32_t>(args[nr == __NR_quotactl ? 0 : 1]) >> 8;
      if (uint32_t n = strec_quota_size(cmd, 1); n && !failed && args[3])
        Plan(3, true, args[3], n, n);
      break;
    }
    case __NR_get_mempolicy:
      if (!failed)
        NodeMask(1, true, args[1], args[2]);
      break;
    case __NR_msgrcv:  // struct msgbuf with arg 2 bytes of text (strace shows them all)
      if (!failed && args[1])
        Plan(1, true, args[1], 8 + Cap(args[2]), 8 + args[2]);
      break;
    case __NR_rt_sigtimedwait:
      if (!failed && args[1])
        Plan(1, true, args[1], 128, 128);
      break;
    default:
      break;
  }
}

}  // namespace strec::record
