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

// Flat at 100 (high 100.5, low 99.5, volume 1000) with one breakout candle.
Series FlatWithBar(size_t n, size_t t, double close, double volume) {
  Series s(n);
  s.Candle(t, 100, close + 0.5, 99.9, close);
  s.volume[t] = volume;
  return s;
}

TEST(BreakoutTest, TwentyBarHighWithVolumeFiresAtTheBar) {
  const auto s = FlatWithBar(40, 30, 101, 1600);
  const auto ev = RunKernel(DetectBreakouts, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kBreakout20High), V{30});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kBreakout20High).value, 100.5);  // prior high
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBreakout52wHigh).empty());  // < 252 bars of history
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBreakdown20Low).empty());
}

TEST(BreakoutTest, VolumeNotAboveOneAndAHalfIsANearMiss) {
  EXPECT_TRUE(BarsOf(RunKernel(DetectBreakouts, FlatWithBar(40, 30, 101, 1500)),
                     PatternKind::kBreakout20High).empty());
}

TEST(BreakoutTest, CloseAtThePriorHighIsANearMiss) {
  EXPECT_TRUE(BarsOf(RunKernel(DetectBreakouts, FlatWithBar(40, 30, 100.5, 5000)),
                     PatternKind::kBreakout20High).empty());
}

TEST(BreakoutTest, VolumeAverageExcludesBarT) {
  // Prior mean 1000 -> 1520 confirms. Were bar t in its own average (1026),
  // 1.5x would be 1539 and the breakout would be missed.
  EXPECT_EQ(BarsOf(RunKernel(DetectBreakouts, FlatWithBar(40, 30, 101, 1520)),
                   PatternKind::kBreakout20High), V{30});
}

TEST(BreakoutTest, ContinuationAboveTheLevelDoesNotRefire) {
  auto s = FlatWithBar(40, 30, 101, 2000);
  s.Candle(31, 101, 103.5, 100.9, 103);  // above the new prior high (101.5) too
  s.volume[31] = 3000;
  EXPECT_EQ(BarsOf(RunKernel(DetectBreakouts, s), PatternKind::kBreakout20High), V{30});
}

TEST(BreakoutTest, FiftyTwoWeekHighNeedsTheWholeYear) {
  auto s = FlatWithBar(300, 280, 105, 2000);
  auto ev = RunKernel(DetectBreakouts, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kBreakout20High), V{280});
  EXPECT_EQ(BarsOf(ev, PatternKind::kBreakout52wHigh), V{280});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kBreakout52wHigh).value, 100.5);

  // Near miss: a 110 high 180 bars earlier (inside the 252-bar lookback, far
  // outside the 20-bar one).
  s.high[100] = 110;
  ev = RunKernel(DetectBreakouts, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kBreakout20High), V{280});
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBreakout52wHigh).empty());
}

TEST(BreakoutTest, BreakdownsMirrorBreakouts) {
  const auto s = FlatWithBar(300, 280, 105, 2000).Mirror();
  const auto ev = RunKernel(DetectBreakouts, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kBreakdown20Low), V{280});
  EXPECT_EQ(BarsOf(ev, PatternKind::kBreakdown52wLow), V{280});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kBreakdown52wLow).value, 99.5);
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBreakout20High).empty());
}

}  // namespace
}  // namespace ohlcv
