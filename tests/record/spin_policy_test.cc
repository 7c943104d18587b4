#include "strec/record/spin_policy.h"

#include <gtest/gtest.h>

namespace strec::record {
namespace {

TEST(SpinPolicyTest, ZeroBudgetNeverPolls) {
  SpinPolicy p(0);
  for (int i = 0; i < 10; i++)
    EXPECT_EQ(p.BeforeWait(), 0u);
}

TEST(SpinPolicyTest, PollsWhileStopsKeepComing) {
  SpinPolicy p(50);
  for (int i = 0; i < 100; i++) {
    ASSERT_EQ(p.BeforeWait(), 50u) << "wait " << i;
    p.Hit();
  }
}

// Misses polls until the policy stops polling, then counts the waits it blocks at once; the
// poll it allows after them is reported as `then_hit` says.
uint32_t QuietRound(SpinPolicy* p, bool then_hit) {
  uint32_t polls = 0;
  while (p->BeforeWait() != 0) {
    p->Miss();
    polls++;
    EXPECT_LE(polls, SpinPolicy::kMissesBeforeBackoff);
  }
  uint32_t blocked = 1;  // the BeforeWait() that ended the loop
  while (p->BeforeWait() == 0)
    blocked++;
  then_hit ? p->Hit() : p->Miss();
  return blocked;
}

TEST(SpinPolicyTest, BacksOffExponentiallyWhileQuietAndResetsOnAHit) {
  SpinPolicy p(50);
  // Quiet for long: 4 misses, then 1, 2, 4, ... waits without polling, up to the cap.
  uint32_t want = 1;
  for (int round = 0; round < 20; round++) {
    EXPECT_EQ(QuietRound(&p, false), want) << "round " << round;
    want = std::min(want * 2, SpinPolicy::kMaxBackoff);
  }
  // One stop found by a poll: back to polling at every wait, with a fresh backoff.
  p.Hit();
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(p.BeforeWait(), 50u);
    p.Hit();
  }
  EXPECT_EQ(QuietRound(&p, true), 1u);
  EXPECT_EQ(QuietRound(&p, false), 1u);  // the hit reset the backoff
}

}  // namespace
}  // namespace strec::record
