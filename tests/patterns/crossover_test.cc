#include <gtest/gtest.h>

#include "patterns/detector_kernels.h"
#include "patterns/pattern_fixture.h"

namespace ohlcv {
namespace {

using testing::BarsOf;
using testing::FirstOf;
using testing::RunKernel;
using testing::Series;
using V = std::vector<uint32_t>;

TEST(CrossoverTest, GoldenAndDeathCrossAtExactBars) {
  Series s(10);
  // SMA200 flat at 100; SMA50 below, touches, stays, crosses above at 5,
  // crosses back below at 8. Bars 0-1 are warm-up (NaN).
  const double sma50[] = {kNaN, kNaN, 98, 99, 100, 101, 102, 100.5, 99.5, 99};
  for (size_t i = 0; i < 10; ++i) {
    s.sma50[i] = sma50[i];
    s.sma200[i] = i < 2 ? kNaN : 100;
  }
  s.sma50[4] = 100;  // touching is not crossing
  s.sma50[5] = 101;
  const auto ev = RunKernel(DetectCrossovers, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kGoldenCross), V{5});
  EXPECT_EQ(BarsOf(ev, PatternKind::kDeathCross), V{8});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kGoldenCross).value, 101);
  EXPECT_EQ(FirstOf(ev, PatternKind::kGoldenCross).ts, s.ts[5]);
  EXPECT_EQ(FirstOf(ev, PatternKind::kGoldenCross).ref_ts, s.ts[5]);
}

TEST(CrossoverTest, TouchWithoutCrossIsANearMiss) {
  Series s(6);
  const double sma50[] = {98, 99, 100, 99, 98, 97};  // reaches 100, never above
  for (size_t i = 0; i < 6; ++i) {
    s.sma50[i] = sma50[i];
    s.sma200[i] = 100;
  }
  const auto ev = RunKernel(DetectCrossovers, s);
  EXPECT_TRUE(BarsOf(ev, PatternKind::kGoldenCross).empty());
  // From equal to below counts as crossing down (at bar 3), by the same rule
  // that makes equal-to-above a golden cross.
  EXPECT_EQ(BarsOf(ev, PatternKind::kDeathCross), V{3});
}

TEST(CrossoverTest, NoCrossOutOfWarmUp) {
  Series s(4);
  // The first known bar already has SMA50 above SMA200: no cross is known.
  for (size_t i = 1; i < 4; ++i) {
    s.sma50[i] = 105;
    s.sma200[i] = 100;
  }
  EXPECT_TRUE(RunKernel(DetectCrossovers, s).empty());
}

TEST(CrossoverTest, MacdCrossesSignal) {
  Series s(8);
  const double macd[] = {kNaN, -0.5, -0.2, 0.1, 0.3, 0.2, -0.1, -0.3};
  const double sig[] = {kNaN, 0.0, 0.0, 0.05, 0.1, 0.2, 0.1, 0.0};
  for (size_t i = 0; i < 8; ++i) {
    s.macd[i] = macd[i];
    s.macd_signal[i] = sig[i];
  }
  const auto ev = RunKernel(DetectCrossovers, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kMacdBullishCross), V{3});
  // Bar 5 touches (0.2 == 0.2); the cross below is at 6.
  EXPECT_EQ(BarsOf(ev, PatternKind::kMacdBearishCross), V{6});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kMacdBullishCross).value, 0.1);
  EXPECT_TRUE(BarsOf(ev, PatternKind::kGoldenCross).empty());
}

}  // namespace
}  // namespace ohlcv
