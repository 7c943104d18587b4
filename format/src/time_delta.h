// Times inside a chunk (format 3): each event's time is stored as the difference from the
// previous event's time in the same chunk (the first event's from the chunk header's first_ns),
// and a syscall's entry time as its distance back from its exit. Absolute nanosecond clocks put
// four or five incompressible bytes in every time field; differences of a few microseconds put
// two. Signed differences are zigzag-coded; 0 stays 0 (no time) and anything else is stored
// plus one. Lossless: the reader restores the absolute times in place before anyone sees them.
#ifndef STREC_FORMAT_SRC_TIME_DELTA_H_
#define STREC_FORMAT_SRC_TIME_DELTA_H_

#include <cstdint>

namespace strec::format {

class TimeDeltaCoder {
 public:
  void StartChunk(uint64_t first_ns) { prev_ = first_ns; }

  // An event's own time (a syscall's time_ns()): relative to the previous event's.
  uint64_t EncodeStop(uint64_t t) {
    if (t == 0)
      return 0;
    uint64_t v = Zigzag(static_cast<int64_t>(t - prev_)) + 1;
    prev_ = t;
    return v;
  }
  uint64_t DecodeStop(uint64_t v) {
    if (v == 0)
      return 0;
    prev_ += static_cast<uint64_t>(Unzigzag(v - 1));
    return prev_;
  }
  // A second time of the same event (a syscall's entry, given its exit): relative to `ref`,
  // the decoded stop time (or, if that is 0, the previous event's time).
  uint64_t EncodeBefore(uint64_t t, uint64_t ref) const {
    return t == 0 ? 0 : Zigzag(static_cast<int64_t>((ref ? ref : prev_) - t)) + 1;
  }
  uint64_t DecodeBefore(uint64_t v, uint64_t ref) const {
    return v == 0 ? 0 : (ref ? ref : prev_) - static_cast<uint64_t>(Unzigzag(v - 1));
  }

 private:
  static uint64_t Zigzag(int64_t d) {
    return (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63);
  }
  static int64_t Unzigzag(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  uint64_t prev_ = 0;
};

}  // namespace strec::format

#endif  // STREC_FORMAT_SRC_TIME_DELTA_H_
