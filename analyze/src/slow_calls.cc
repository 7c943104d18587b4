#include "strec/analyze/slow_calls.h"

#include <algorithm>
#include <tuple>

namespace strec::analyze {
namespace {

// a before b: a is slower (or as slow and earlier).
bool Slower(uint64_t da,
            int32_t ta,
            uint64_t ea,
            int32_t ia,
            uint64_t db,
            int32_t tb,
            uint64_t eb,
            int32_t ib) {
  if (da != db)
    return da > db;
  return std::tie(ta, ea, ia) < std::tie(tb, eb, ib);
}

bool Slower(const SlowCall& a, const SlowCall& b) {
  return Slower(a.duration_ns(), a.trace, a.entry_ns, a.tid, b.duration_ns(), b.trace, b.entry_ns,
                b.tid);
}

}  // namespace

bool SlowCalls::Wants(uint64_t duration_ns, int32_t trace, uint64_t entry_ns, int32_t tid) const {
  if (n_ == 0)
    return false;
  if (heap_.size() < n_)
    return true;
  const SlowCall& least = heap_.front();
  return Slower(duration_ns, trace, entry_ns, tid, least.duration_ns(), least.trace, least.entry_ns,
                least.tid);
}

void SlowCalls::Add(SlowCall call) {
  if (!Wants(call.duration_ns(), call.trace, call.entry_ns, call.tid))
    return;
  // With Slower as "less", the heap's front is its greatest: the least slow call.
  if (heap_.size() == n_) {
    std::pop_heap(heap_.begin(), heap_.end(),
                  [](const SlowCall& a, const SlowCall& b) { return Slower(a, b); });
    heap_.pop_back();
  }
  heap_.push_back(std::move(call));
  std::push_heap(heap_.begin(), heap_.end(),
                 [](const SlowCall& a, const SlowCall& b) { return Slower(a, b); });
}

void SlowCalls::Merge(const SlowCalls& o) {
  for (const SlowCall& c : o.heap_)
    Add(c);
}

std::vector<SlowCall> SlowCalls::Sorted() const {
  std::vector<SlowCall> out = heap_;
  std::sort(out.begin(), out.end(),
            [](const SlowCall& a, const SlowCall& b) { return Slower(a, b); });
  return out;
}

}  // namespace strec::analyze
