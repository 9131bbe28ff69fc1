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

Series RsiSeries(const std::vector<double>& rsi) {
  Series s(rsi.size());
  s.rsi14 = rsi;
  return s;
}

TEST(RsiZonesTest, EntersAndLeavesBothZonesAtExactBars) {
  //                        0    1   2   3   4   5   6   7   8   9  10  11
  const auto s = RsiSeries({kNaN, 65, 70, 71, 75, 70, 60, 30, 29, 25, 30, 40});
  const auto ev = RunKernel(DetectRsiZones, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOverbought), V{3});
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOverboughtExit), V{5});
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOversold), V{8});
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOversoldExit), V{10});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kRsiOverbought).value, 71);
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kRsiOversold).value, 29);
  EXPECT_EQ(ev.size(), 4u);
}

TEST(RsiZonesTest, ExactThresholdIsANearMiss) {
  const auto s = RsiSeries({50, 70, 70, 69, 30, 30, 31});
  EXPECT_TRUE(RunKernel(DetectRsiZones, s).empty());
}

TEST(RsiZonesTest, StartingInsideAZoneIsNotAnEntry) {
  // The first known value is already overbought: no entry is known.
  const auto s = RsiSeries({kNaN, 80, 85, 69});
  const auto ev = RunKernel(DetectRsiZones, s);
  EXPECT_TRUE(BarsOf(ev, PatternKind::kRsiOverbought).empty());
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOverboughtExit), V{3});
}

TEST(RsiZonesTest, ThresholdsComeFromOptions) {
  PatternOptions opt;
  opt.rsi_overbought = 80;
  opt.rsi_oversold = 20;
  const auto s = RsiSeries({50, 75, 81, 50, 25, 19});
  const auto ev = RunKernel(DetectRsiZones, s, opt);
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOverbought), V{2});
  EXPECT_EQ(BarsOf(ev, PatternKind::kRsiOversold), V{5});
}

}  // namespace
}  // namespace ohlcv
