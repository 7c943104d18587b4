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

TEST(SpinPolicyTest, BacksOffExponentiallyWhileQuietAndResetsOnAHit) {
  SpinPolicy p(50);
  // Counts the waits that block at once after each round of misses.
  auto blocked_after_misses = [&p] {
    for (uint32_t i = 0; i < SpinPolicy::kMissesBeforeBackoff; i++) {
      EXPECT_EQ(p.BeforeWait(), 50u);
      p.Miss();
    }
    uint32_t blocked = 0;
    while (p.BeforeWait() == 0)
      blocked++;
    return blocked;  // the last BeforeWait() allowed a poll again
  };
  EXPECT_EQ(blocked_after_misses(), 1u);
  p.Miss();  // the poll BeforeWait() just allowed
  for (uint32_t i = 1; i < SpinPolicy::kMissesBeforeBackoff; i++) {
    EXPECT_EQ(p.BeforeWait(), 50u);
    p.Miss();
  }
  uint32_t blocked = 0;
  while (p.BeforeWait() == 0)
    blocked++;
  EXPECT_EQ(blocked, 2u);
  // Quiet for long: the backoff doubles up to its cap.
  p.Miss();
  uint32_t last = 2;
  for (int round = 0; round < 20; round++) {
    for (uint32_t i = 1; i < SpinPolicy::kMissesBeforeBackoff; i++) {
      EXPECT_EQ(p.BeforeWait(), 50u);
      p.Miss();
    }
    uint32_t n = 0;
    while (p.BeforeWait() == 0)
      n++;
    p.Miss();
    EXPECT_EQ(n, std::min(last * 2, SpinPolicy::kMaxBackoff)) << "round " << round;
    last = n;
  }
  // One stop found by a poll: back to polling at every wait, with a fresh backoff.
  p.Hit();
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(p.BeforeWait(), 50u);
    p.Hit();
  }
  EXPECT_EQ(blocked_after_misses(), 1u);
}

}  // namespace
}  // namespace strec::record
