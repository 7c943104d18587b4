// strace's display options, chosen at replay time. Plain data.
#ifndef STREC_REPLAY_OPTIONS_H_
#define STREC_REPLAY_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "strec/format/syscall_table.h"
#include "strec/replay/xlat.h"

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

// A set of file descriptors (-e read=, -e write=): the listed ones, or all but them.
struct FdSet {
  bool negated = false;
  std::set<int> fds;
  bool Contains(int64_t fd) const { return fds.count(static_cast<int>(fd)) != negated; }
  bool Empty() const { return !negated && fds.empty(); }
};

struct RenderOptions {
  uint32_t max_strlen = 32;   // -s
  int xflag = 0;              // -x (1), -xx (2)
  bool verbose = false;       // -v: structs unabbreviated
  bool raw_call = false;      // the call being decoded is in -e raw= (set per call by the renderer)
  int timestamps = 0;         // -t (1), -tt (2), -ttt (3: seconds since the epoch)
  int timestamp_digits = -1;  // --absolute-timestamps=precision: (-1: 0 for -t, 6 for -tt, -ttt)
  bool relative = false;      // -r
  int relative_digits = 6;    // --relative-timestamps=PRECISION
  bool syscall_times = false;        // -T
  int times_digits = 6;              // --syscall-times=PRECISION
  bool syscall_numbers = false;      // -n: "[ NNN] " before each syscall
  bool instruction_pointer = false;  // -i: "[IP] " before each syscall
  // -e abbrev=SET (those not in it print like -v) and -e raw=SET (arguments and return value in
  // hex, undecoded); unset: -v alone decides, and nothing is raw.
  std::optional<format::SyscallSet> abbrev, raw;
  // -e verbose=SET: the calls whose structures are decoded; the others print most of them as
  // their addresses, as strace does for a call not in the set. Unset: every call (strace's
  // default). Not -v, which is abbrev=none.
  std::optional<format::SyscallSet> verbose_set;
  int decode_fds = 0;  // -y (1), -yy (2): what fd_text.h prints after an fd
  // --decode-fds=SET without "all": the kinds of fd whose paths are shown (bits: path 1,
  // socket 2, dev 4, pidfd 8); 0: every fd, as -y and -yy do.
  int fd_kinds = 0;
  bool decode_pids = false;  // -Y, --decode-pids=comm: "1234<comm>"
  // --pidns-translation, --decode-pids=pidns: an id a task in another pid namespace sees is
  // followed by "/* 1234 in strace's PID NS */", the recorder's number for it.
  bool pidns = false;
  format::SyscallSet trace;      // -e trace=
  uint32_t status = kStatusAll;  // -e status=
  std::set<int32_t> pids;        // -p: only these processes (and their descendants)
  std::set<std::string> paths;  // -P: only calls that name one of these paths, or an fd open on one
  bool follow =
      true;          // false (--no-follow): as strace without -f, the first thread only, unprefixed
  int acolumn = 40;  // -a: the column strace aligns " = " to
  XlatStyle xlat_style = XlatStyle::kAbbrev;  // -X
  uint64_t signals = ~0ull;       // -e signal=: bit N-1 shows signal N (and its "killed by")
  FdSet dump_read, dump_write;    // -e read=, -e write=: hex dumps of the data on these fds
  bool quiet_exit = false;        // -qq, -e quiet=exit: no "+++ exited with N +++"
  bool quiet_superseded = false;  // -e quiet=thread-execve: no "+++ superseded by execve +++"

  bool SignalShown(int sig) const { return sig < 1 || sig > 64 || (signals >> (sig - 1)) & 1; }
};

// Whether syscall `nr` is in -e verbose= (strace's verbose(tcp)).
inline bool CallVerbose(const RenderOptions& o, int nr) {
  return !o.verbose_set || o.verbose_set->Contains(nr);
}

}  // namespace strec::replay

#endif  // STREC_REPLAY_OPTIONS_H_
