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

PatternOptions Lookback10() {
  PatternOptions opt;
  opt.squeeze_lookback = 10;
  opt.squeeze_cooldown_bars = 5;
  return opt;
}

// Bandwidth unknown for bars 0-4, then rising 0.30, 0.31, ... (never a
// lookback low once 10 values are known), with bar 22 overridden.
Series RisingBandwidth(double bw22) {
  Series s(30);
  for (size_t t = 5; t < 30; ++t) s.bb_bandwidth[t] = 0.30 + 0.01 * static_cast<double>(t - 5);
  s.bb_bandwidth[22] = bw22;
  return s;
}

TEST(BollingerTest, SqueezeAtALookbackLow) {
  const auto ev = RunKernel(DetectBollinger, RisingBandwidth(0.10), Lookback10());
  EXPECT_EQ(BarsOf(ev, PatternKind::kBollingerSqueeze), V{22});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kBollingerSqueeze).value, 0.10);
}

TEST(BollingerTest, SqueezeNearMissJustAboveTheLow) {
  // Window [13, 22]: lowest other value is bar 13's 0.38.
  const auto ev = RunKernel(DetectBollinger, RisingBandwidth(0.381), Lookback10());
  EXPECT_TRUE(BarsOf(ev, PatternKind::kBollingerSqueeze).empty());
}

TEST(BollingerTest, SqueezeNeedsAFullLookback) {
  Series s(30);
  for (size_t t = 5; t < 30; ++t) s.bb_bandwidth[t] = 0.5 - 0.01 * static_cast<double>(t);
  // Falling every bar: a new low each bar from the first full window (bar
  // 14), then at most once per 5-bar cooldown.
  const auto ev = RunKernel(DetectBollinger, s, Lookback10());
  EXPECT_EQ(BarsOf(ev, PatternKind::kBollingerSqueeze), (V{14, 19, 24, 29}));
}

TEST(BollingerTest, FirstCloseBeyondABandOnly) {
  Series s(9);
  const double close[] = {100, 105, 111, 112, 109, 111, 100, 89, 88};
  for (size_t t = 0; t < 9; ++t) {
    s.close[t] = close[t];
    s.bb_upper[t] = 110;
    s.bb_lower[t] = 90;
  }
  const auto ev = RunKernel(DetectBollinger, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kBollingerBreakoutUp), (V{2, 5}));  // 3 continues
  EXPECT_EQ(BarsOf(ev, PatternKind::kBollingerBreakoutDown), V{7});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kBollingerBreakoutUp).value, 110);
}

TEST(BollingerTest, CloseOnTheBandIsANearMiss) {
  Series s(4);
  for (size_t t = 0; t < 4; ++t) {
    s.close[t] = t == 2 ? 110 : 100;
    s.bb_upper[t] = 110;
    s.bb_lower[t] = 90;
  }
  EXPECT_TRUE(RunKernel(DetectBollinger, s).empty());
}

}  // namespace
}  // namespace ohlcv
