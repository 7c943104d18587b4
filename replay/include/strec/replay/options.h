// strace's display options, chosen at replay time. Plain data.
#ifndef STREC_REPLAY_OPTIONS_H_
#define STREC_REPLAY_OPTIONS_H_

#include <cstdint>
#include <set>
#include <string>

#include "strec/format/syscall_table.h"

namespace strec::replay {

// -e status= bits.
enum StatusBits : uint32_t {
  kStatusSuccessful = 1,
  kStatusFailed = 2,
  kStatusUnfinished = 4,   // never returned (= ?)
  kStatusUnavailable = 8,  // the exit was not seen (exit seen without entry, or lost)
  kStatusDetached = 16,
  kStatusAll = 31,
};

struct RenderOptions {
  uint32_t max_strlen = 32;      // -s
  int xflag = 0;                 // -x (1), -xx (2)
  bool verbose = false;          // -v: structs unabbreviated
  int timestamps = 0;            // -t (1), -tt (2), -ttt (3)
  bool relative = false;         // -r
  bool syscall_times = false;    // -T
  int decode_fds = 0;            // -y (1)
  format::SyscallSet trace;      // -e trace=
  uint32_t status = kStatusAll;  // -e status=
  std::set<int32_t> pids;        // -p: only these processes (and their descendants)
  int acolumn = 40;              // the column strace aligns " = " to
};

}  // namespace strec::replay

#endif  // STREC_REPLAY_OPTIONS_H_
