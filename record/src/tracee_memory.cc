#include "strec/record/tracee_memory.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace strec::record {
namespace {

constexpr uint64_t kPage = 4096;
constexpr size_t kMaxIov = 1024;  // IOV_MAX

ssize_t ReadOne(pid_t tid, RemoteAddr addr, void* dest, size_t len) {
  iovec local{dest, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0);
}

// The slow path for one request: read up to each page boundary until a page fails.
void ReadByPages(pid_t tid, ReadRequest& r) {
  while (r.got < r.len) {
    uint64_t a = r.addr + r.got;
    uint64_t n = std::min(r.len - r.got, kPage - (a % kPage));
    ssize_t got = ReadOne(tid, a, r.dest + r.got, n);
    if (got <= 0) {
      r.error = got < 0 ? errno : EIO;
      return;
    }
    r.got += static_cast<uint64_t>(got);
  }
}

}  // namespace

int TraceeMemory::ReadBatch(pid_t tid, ReadRequest* reqs, size_t n) {
  int calls = 0;
  iovec local[64], remote[64];
  size_t i = 0;
  while (i < n) {
    size_t k = 0;
    size_t first = i;
    for (; i < n && k < std::size(local); i++) {
      reqs[i].got = 0;
      reqs[i].error = 0;
      if (reqs[i].len == 0)
        continue;
      if (reqs[i].addr == 0) {
        reqs[i].error = EFAULT;
        continue;
      }
      local[k] = {reqs[i].dest, reqs[i].len};
      remote[k] = {reinterpret_cast<void*>(reqs[i].addr), reqs[i].len};
      k++;
    }
    if (k == 0)
      continue;
    ssize_t got = process_vm_readv(tid, local, k, remote, k, 0);
    calls++;
    int err = got < 0 ? errno : 0;
    uint64_t left = got < 0 ? 0 : static_cast<uint64_t>(got);
    // Distribute the bytes read over the requests in order; the first short one and all after
    // it go the slow way.
    for (size_t j = first; j < i; j++) {
      ReadRequest& r = reqs[j];
      if (r.len == 0 || r.error)
        continue;
      if (left >= r.len) {
        r.got = r.len;
        left -= r.len;
        continue;
      }
      r.got = left;
      left = 0;
      if (err == ESRCH) {
        r.error = ESRCH;
        continue;
      }
      ReadByPages(tid, r);
      calls++;
    }
  }
  (void)kMaxIov;
  return calls;
}

bool TraceeMemory::ReadString(pid_t tid,
                              RemoteAddr addr,
                              size_t max_len,
                              std::vector<uint8_t>* out,
                              bool* terminated,
                              int* error) {
  out->clear();
  *terminated = false;
  *error = 0;
  if (addr == 0) {
    *error = EFAULT;
    return false;
  }
  size_t limit = max_len + 1;  // room for the NUL
  uint64_t a = addr;
  while (out->size() < limit) {
    // Read to the end of the page (at least 256 bytes at a time where the page allows).
    size_t want = std::min<uint64_t>(limit - out->size(), kPage - (a % kPage));
    size_t old = out->size();
    out->resize(old + want);
    ssize_t got = ReadOne(tid, a, out->data() + old, want);
    if (got <= 0) {
      out->resize(old);
      if (old >= max_len) {  // unmapped just past the bytes asked for: the string goes on
        out->resize(max_len);
        return true;
      }
      *error = got < 0 ? errno : EIO;
      return old > 0;
    }
    out->resize(old + static_cast<size_t>(got));
    auto* nul = static_cast<uint8_t*>(std::memchr(out->data() + old, 0, static_cast<size_t>(got)));
    if (nul) {
      out->resize(static_cast<size_t>(nul - out->data()));
      *terminated = true;
      return true;
    }
    a += static_cast<uint64_t>(got);
  }
  out->resize(max_len);
  return true;
}

}  // namespace strec::record
