// What to copy out of the tracee at a syscall's entry and exit: driven by the argument kinds of
// the one syscall table (format/syscall_table.h), plus hand-written code for the irregular
// arguments (kSpecial: sockaddr with a length, msghdr, ioctl, fcntl locks, select sets, ...).
// Used only by the tracer thread.
#ifndef STREC_RECORD_CAPTURE_H_
#define STREC_RECORD_CAPTURE_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "strec/format/event.h"
#include "strec/format/syscall_table.h"
#include "strec/record/tracee_memory.h"

namespace strec::record {

class FdDetailReader;  // fd_details.h

// Buffers captured at one stop: their bytes in one arena, records pointing into it by offset
// (so the arena can grow) until Materialize() makes spans.
class CapturedBuffers {
 public:
  void Clear() {
    data_.clear();
    items_.clear();
  }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // Appends r and a copy of its bytes.
  void Add(const format::BufferRecord& r);
  // Adds r unless a buffer for the same argument, direction, kind and index was read whole;
  // one whose read failed is replaced by r.
  void AddOrRepair(const format::BufferRecord& r);
  // Appends BufferRecords with spans into this arena to *out.
  void AppendTo(std::vector<format::BufferRecord>* out) const;
  // The captured bytes of the first buffer for (arg, out, kind), or nullptr.
  const format::BufferRecord* Find(uint8_t arg, bool out, uint8_t kind, size_t* offset) const;
  const uint8_t* bytes(size_t offset) const { return data_.data() + offset; }

 private:
  friend class Capture;
  struct Item {
    format::BufferRecord rec;  // rec.data is empty here; see off/len
    size_t off = 0;
    size_t len = 0;
  };
  std::vector<uint8_t> data_;
  std::vector<Item> items_;
};

struct CaptureStats {
  uint64_t vm_reads = 0;       // process_vm_readv calls
  uint64_t read_failures = 0;  // buffers that could not be read whole
};

class Capture {
 public:
  // capture_env: keep execve's environment strings (they often hold secrets), not only their
  // count.
  Capture(uint32_t snaplen, bool capture_env);
  ~Capture();

  void AtEntry(pid_t tid,
               const format::SyscallInfo& info,
               const uint64_t args[6],
               CapturedBuffers* out);
  void AtExit(pid_t tid,
              const format::SyscallInfo& info,
              const uint64_t args[6],
              int64_t ret,
              const CapturedBuffers& entry,
              CapturedBuffers* out);

  const CaptureStats& stats() const { return stats_; }

 private:
  struct Req {
    uint8_t arg;
    bool out;
    uint8_t kind;
    uint32_t index;
    uint64_t addr;
    uint64_t len;       // bytes to read
    uint64_t full_len;  // the object's full length
  };
  void Plan(uint8_t arg,
            bool out,
            uint64_t addr,
            uint64_t len,
            uint64_t full_len,
            uint8_t kind = format::kBufferPlain,
            uint32_t index = 0);
  void ExtensibleStruct(uint8_t arg, bool out, uint64_t addr, uint64_t size, uint64_t known);
  // Reads everything planned into *dst and clears the plan.
  void Execute(pid_t tid, CapturedBuffers* dst);
  void String(pid_t tid,
              uint8_t arg,
              bool out,
              uint64_t addr,
              CapturedBuffers* dst,
              uint8_t kind = format::kBufferString,
              uint32_t index = 0,
              size_t max = 4096);
  // An iovec array (kind kBufferIovecArray, index `index_base`) and its elements' data
  // (kBufferIovecData, index index_base + element); at most `total` bytes (-1: each whole).
  void Iovec(pid_t tid,
             uint8_t arg,
             bool out,
             uint64_t addr,
             uint64_t count,
             int64_t total,
             CapturedBuffers* dst,
             uint32_t index_base = 0);
  // The messages of sendmmsg/recvmmsg (see the function).
  void Mmsgs(pid_t tid,
             uint64_t addr,
             int64_t count,
             const CapturedBuffers& entry,
             CapturedBuffers* dst);
  void MmsgParts(pid_t tid,
                 const std::vector<uint8_t>& msgs,
                 bool out,
                 const CapturedBuffers& entry,
                 CapturedBuffers* dst);
  void MsghdrParts(pid_t tid,
                   const uint8_t* msghdr,
                   bool out,
                   uint64_t room,
                   int64_t total,
                   uint32_t base,
                   CapturedBuffers* dst);
  static uint64_t NamelenGiven(const CapturedBuffers& entry, uint64_t off);
  void StrArray(pid_t tid, uint8_t arg, uint64_t addr, CapturedBuffers* dst, bool strings);
  void ReceivedFdPaths(pid_t tid, CapturedBuffers* dst);
  // Records the paths of the fds a successful call created (strace -y shows them).
  void FdPaths(pid_t tid,
               const format::SyscallInfo& info,
               const uint64_t args[6],
               int64_t ret,
               CapturedBuffers* dst);
  // Also what strace -yy shows of it (kBufferFdDetail, same arg and index); `query`: ask for a
  // socket's endpoints.
  void FdPath(pid_t tid,
              uint8_t arg,
              uint32_t index,
              int64_t fd,
              CapturedBuffers* dst,
              bool query = true);
  // After a call that may have bound or connected the socket in argument 0.
  void SocketChanged(pid_t tid, int64_t fd, CapturedBuffers* dst);
  // Appends `bytes` as an out buffer (a readlink's answer, a detail read here).
  void Blob(uint8_t kind,
            uint8_t arg,
            uint32_t index,
            std::string_view bytes,
            CapturedBuffers* dst,
            uint64_t addr = 0,
            int32_t read_errno = 0);
  void Link(pid_t tid,
            const char* name,
            uint8_t kind,
            uint8_t arg,
            uint32_t index,
            uint64_t addr,
            CapturedBuffers* dst);
  void FprogFilter(uint8_t arg, CapturedBuffers* dst);
  void SchedAttr(pid_t tid, uint64_t addr);
  // A Video4Linux2 request's arrays behind the struct already read in dst (capture_v4l2.cc).
  void V4l2Arrays(pid_t tid, uint64_t req, bool out, CapturedBuffers* dst);
  void SpecialEntry(pid_t tid, int nr, const uint64_t args[6], CapturedBuffers* dst);
  void SpecialExit(pid_t tid,
                   int nr,
                   const uint64_t args[6],
                   int64_t ret,
                   const CapturedBuffers& entry,
                   CapturedBuffers* dst);
  void NodeMask(uint8_t arg, bool out, uint64_t addr, uint64_t maxnode);
  uint64_t Cap(uint64_t len) const { return len < snaplen_ ? len : snaplen_; }

  uint32_t snaplen_;
  bool capture_env_;
  std::vector<Req> plan_;
  std::vector<ReadRequest> reads_;
  std::vector<uint8_t> scratch_;
  CaptureStats stats_;
  std::unique_ptr<FdDetailReader> fd_details_;
};

}  // namespace strec::record

#endif  // STREC_RECORD_CAPTURE_H_
