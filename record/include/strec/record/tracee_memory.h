// Copies memory out of a stopped tracee with process_vm_readv, batched: one system call for all
// the fixed-length pieces a stop needs. Where a range is unreadable the copy falls back to the
// readable prefix (page by page) and reports the errno; the recorder records the failure and
// goes on. Used only by the tracer thread.
#ifndef STREC_RECORD_TRACEE_MEMORY_H_
#define STREC_RECORD_TRACEE_MEMORY_H_

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace strec::record {

// An address in the traced process (never dereferenced here).
using RemoteAddr = uint64_t;

struct ReadRequest {
  RemoteAddr addr = 0;
  uint64_t len = 0;
  uint8_t* dest = nullptr;
  uint64_t got = 0;  // bytes copied (a prefix of len)
  int error = 0;     // errno when got < len
};

class TraceeMemory {
 public:
  // Reads every request from process `tid`, filling got/error. Returns the number of
  // process_vm_readv calls made (for statistics).
  static int ReadBatch(pid_t tid, ReadRequest* reqs, size_t n);

  // Reads a NUL-terminated string of at most max_len bytes (excluding the NUL) into out.
  // Returns false with *error set if the first byte cannot be read. *terminated says whether a
  // NUL was found within max_len.
  static bool ReadString(pid_t tid,
                         RemoteAddr addr,
                         size_t max_len,
                         std::vector<uint8_t>* out,
                         bool* terminated,
                         int* error);
};

}  // namespace strec::record

#endif  // STREC_RECORD_TRACEE_MEMORY_H_
