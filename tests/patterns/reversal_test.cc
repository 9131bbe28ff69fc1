#include <gtest/gtest.h>

#include <utility>

#include "patterns/detector_kernels.h"
#include "patterns/pattern_fixture.h"

namespace ohlcv {
namespace {

using testing::BarsOf;
using testing::FirstOf;
using testing::RunKernel;
using testing::Series;
using V = std::vector<uint32_t>;

// Closes interpolated linearly between (bar, price) points, flat after the
// last one; high = close + 0.5, low = close - 0.5.
Series ZigZag(size_t n, const std::vector<std::pair<size_t, double>>& points) {
  Series s(n);
  for (size_t t = 0; t < n; ++t) {
    double p = points.back().second;
    for (size_t i = 0; i + 1 < points.size(); ++i) {
      const auto [b0, p0] = points[i];
      const auto [b1, p1] = points[i + 1];
      if (t >= b0 && t <= b1) {
        p = p0 + (p1 - p0) * static_cast<double>(t - b0) / static_cast<double>(b1 - b0);
        break;
      }
    }
    s.Flat(t, p);
  }
  return s;
}

PatternOptions K2() {
  PatternOptions opt;
  opt.pivot_bars = 2;
  return opt;
}

// Lower low (100 -> 95) and lower high (106 -> 102): a downtrend. Then a
// higher low at 98 (bar 25, confirmed at 27) and a rally to `top`.
Series Downtrend_ThenHigherLow(double top) {
  return ZigZag(40, {{0, 110}, {5, 100}, {10, 106}, {15, 95}, {20, 102}, {25, 98}, {35, top}});
}

TEST(ReversalTest, BullishAtTheFirstCloseAboveTheLastPivotHigh) {
  const Series s = Downtrend_ThenHigherLow(106);
  const auto ev = RunKernel(DetectReversals, s, K2());
  // Close crosses the bar-20 pivot high (102.5): 102.0 at bar 30, 102.8 at 31.
  ASSERT_EQ(BarsOf(ev, PatternKind::kBullishReversal), V{31});
  const PatternEvent e = FirstOf(ev, PatternKind::kBullishReversal);
  EXPECT_DOUBLE_EQ(e.value, 102.5);
  EXPECT_EQ(e.ref_ts, s.ts[25]);  // the higher low
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBearishReversal).empty());
}

TEST(ReversalTest, RallyShortOfThePivotHighIsANearMiss) {
  EXPECT_TRUE(RunKernel(DetectReversals, Downtrend_ThenHigherLow(102.4), K2()).empty());
}

TEST(ReversalTest, LowerLowInsteadOfHigherLowIsANearMiss) {
  const Series s =
      ZigZag(40, {{0, 110}, {5, 100}, {10, 106}, {15, 95}, {20, 102}, {25, 94}, {35, 106}});
  EXPECT_TRUE(RunKernel(DetectReversals, s, K2()).empty());
}

TEST(ReversalTest, CloseBelowTheHigherLowCallsTheSetupOff) {
  const Series s = ZigZag(
      45, {{0, 110}, {5, 100}, {10, 106}, {15, 95}, {20, 102}, {25, 98}, {28, 99}, {31, 97}, {40, 106}});
  EXPECT_TRUE(BarsOf(RunKernel(DetectReversals, s, K2()), PatternKind::kBullishReversal).empty());
}

TEST(ReversalTest, BearishMirrorsBullish) {
  const Series s = Downtrend_ThenHigherLow(106).Mirror();
  const auto ev = RunKernel(DetectReversals, s, K2());
  ASSERT_EQ(BarsOf(ev, PatternKind::kBearishReversal), V{31});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kBearishReversal).value, 97.5);
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBullishReversal).empty());
}

}  // namespace
}  // namespace ohlcv
