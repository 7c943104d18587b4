// The N slowest syscalls (`--slow N`), each kept with its call rendered as strace prints it.
// Bounded memory: a min-heap of at most N entries; a call is rendered only when it enters the
// heap. The order is total (duration descending, then trace, entry time, tid), so merging the
// heaps of any split of the events keeps the same N calls. Not thread-safe: one owner.
#ifndef STREC_ANALYZE_SLOW_CALLS_H_
#define STREC_ANALYZE_SLOW_CALLS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace strec::analyze {

struct SlowCall {
  int32_t trace = 0;
  int32_t pid = 0;
  int32_t tid = 0;
  uint64_t entry_ns = 0;  // monotonic clock of the trace
  uint64_t exit_ns = 0;
  std::string text;  // `read(3, "abc", 4096) = 3`, as strace prints the call

  uint64_t duration_ns() const { return exit_ns - entry_ns; }
};

class SlowCalls {
 public:
  explicit SlowCalls(size_t n = 0) : n_(n) {}

  // Whether a call with these keys would be kept (so it is worth rendering).
  bool Wants(uint64_t duration_ns, int32_t trace, uint64_t entry_ns, int32_t tid) const;
  void Add(SlowCall call);
  void Merge(const SlowCalls& other);

  // The kept calls, slowest first.
  std::vector<SlowCall> Sorted() const;
  size_t capacity() const { return n_; }

 private:
  size_t n_;
  std::vector<SlowCall> heap_;  // the least slow on top
};

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_SLOW_CALLS_H_
