// LogHistogram: a mergeable, log-bucketed latency histogram (HdrHistogram's layout).
//
// Values (nanoseconds) below 2^(kSubBits+1) = 256 have a bucket each and are exact. Above, every
// power of two [2^e, 2^(e+1)) is split into 2^kSubBits = 128 equal buckets, so a bucket is at
// most 1/128 of its lower bound wide: a reported percentile is the highest value of its bucket
// (capped at the exact maximum), never below the true value and at most 0.79% (2^-7) above it.
// Values at or above 2^kMaxBits ns (about 4.9 hours) share the last bucket; min, max, count and
// sum are exact. Memory: kBuckets 64-bit counters (38 KiB), allocated on the first Add.
// Merging adds the counters, so merge order never changes a result. Not thread-safe: one owner.
#ifndef STREC_ANALYZE_HISTOGRAM_H_
#define STREC_ANALYZE_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace strec::analyze {

class LogHistogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr int kMaxBits = 44;
  static constexpr size_t kBuckets = static_cast<size_t>(kMaxBits - kSubBits + 1) << kSubBits;

  void Add(uint64_t value_ns);
  void Merge(const LogHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  // The value at or below which `percent` percent of the values lie (nearest rank), as the
  // highest value of that bucket, capped at max(). 0 when empty.
  uint64_t Percentile(double percent) const;

  // Bucket arithmetic, public for tests.
  static size_t BucketOf(uint64_t value_ns);
  static uint64_t BucketHighest(size_t bucket);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_HISTOGRAM_H_
