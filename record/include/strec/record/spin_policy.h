// When the tracer should poll for the next ptrace stop instead of sleeping in waitpid.
//
// A tracer that sleeps leaves its CPU idle; the tracee's next stop must then wake that CPU, and
// on a virtual machine waking an idle vCPU costs more than the syscall being traced. Polling
// (waitpid WNOHANG) for a few tens of microseconds catches the next stop of a syscall-heavy
// tracee while the tracer's CPU is still awake. Polling burns CPU when the tracees are quiet, so
// after a few polls in a row that found nothing the policy blocks at once for a while, backing
// off exponentially; the first poll that finds a stop resets it.
//
// Pure bookkeeping, no clocks or syscalls: the recorder does the polling.
#ifndef STREC_RECORD_SPIN_POLICY_H_
#define STREC_RECORD_SPIN_POLICY_H_

#include <cstdint>

namespace strec::record {

class SpinPolicy {
 public:
  static constexpr uint32_t kMissesBeforeBackoff = 4;
  static constexpr uint32_t kMaxBackoff = 1024;  // waits without polling, at most

  explicit SpinPolicy(uint32_t budget_us = 0) : budget_us_(budget_us) {}

  // Microseconds to poll before this wait; 0 = block at once. Call once per wait, then report
  // the poll's outcome (Hit or Miss) when it returned non-zero.
  uint32_t BeforeWait() {
    if (budget_us_ == 0)
      return 0;
    if (skip_ > 0) {
      skip_--;
      return 0;
    }
    return budget_us_;
  }
  void Hit() {
    misses_ = 0;
    backoff_ = 1;
  }
  void Miss() {
    if (++misses_ < kMissesBeforeBackoff)
      return;
    misses_ = 0;
    skip_ = backoff_;
    if (backoff_ < kMaxBackoff)
      backoff_ *= 2;
  }

 private:
  uint32_t budget_us_;
  uint32_t misses_ = 0;  // polls in a row that timed out
  uint32_t skip_ = 0;    // waits left that block without polling
  uint32_t backoff_ = 1;
};

}  // namespace strec::record

#endif  // STREC_RECORD_SPIN_POLICY_H_
