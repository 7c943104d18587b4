#include "strec/analyze/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace strec::analyze {

size_t LogHistogram::BucketOf(uint64_t v) {
  constexpr uint64_t kExact = uint64_t{1} << (kSubBits + 1);
  if (v < kExact)
    return static_cast<size_t>(v);
  v = std::min(v, (uint64_t{1} << kMaxBits) - 1);
  int e = 63 - std::countl_zero(v);  // kSubBits+1 .. kMaxBits-1
  int shift = e - kSubBits;
  uint64_t sub = v >> shift;  // [2^kSubBits, 2^(kSubBits+1))
  return (static_cast<size_t>(shift + 1) << kSubBits) + static_cast<size_t>(sub) -
         (size_t{1} << kSubBits);
}

uint64_t LogHistogram::BucketHighest(size_t b) {
  constexpr size_t kExact = size_t{1} << (kSubBits + 1);
  if (b < kExact)
    return b;
  int shift = static_cast<int>(b >> kSubBits) - 1;
  uint64_t sub = (b & ((size_t{1} << kSubBits) - 1)) + (uint64_t{1} << kSubBits);
  return ((sub + 1) << shift) - 1;
}

void LogHistogram::Add(uint64_t v) {
  if (counts_.empty())
    counts_.assign(kBuckets, 0);
  counts_[BucketOf(v)]++;
  count_++;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void LogHistogram::Merge(const LogHistogram& o) {
  if (o.count_ == 0)
    return;
  if (counts_.empty())
    counts_.assign(kBuckets, 0);
  for (size_t i = 0; i < kBuckets; i++)
    counts_[i] += o.counts_[i];
  count_ += o.count_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

uint64_t LogHistogram::Percentile(double percent) const {
  if (count_ == 0)
    return 0;
  double exact_rank = std::ceil(percent / 100.0 * static_cast<double>(count_));
  uint64_t rank = std::clamp<uint64_t>(static_cast<uint64_t>(exact_rank), 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; i++) {
    seen += counts_[i];
    if (seen >= rank)
      return std::clamp(BucketHighest(i), min_, max_);
  }
  return max_;
}

}  // namespace strec::analyze
