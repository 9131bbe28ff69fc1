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

TEST(ConsolidationTest, FiresWhenTheLastWideBarLeavesTheWindow) {
  Series s(60);
  for (size_t t = 0; t < 60; ++t) s.Flat(t, 100, t < 30 ? 5.0 : 1.0);  // 10% then 2% ranges
  const auto ev = RunKernel(DetectConsolidation, s);
  ASSERT_EQ(BarsOf(ev, PatternKind::kConsolidation), V{49});  // window [30, 49]
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kConsolidation).value, 2.0);
}

TEST(ConsolidationTest, RangeAtTheThresholdIsANearMiss) {
  Series s(40);
  for (size_t t = 0; t < 40; ++t) s.Flat(t, 100, 2.5);  // exactly 5%
  EXPECT_TRUE(RunKernel(DetectConsolidation, s).empty());
}

TEST(ConsolidationTest, HysteresisStopsFlicker) {
  Series s(100);
  // The 20-bar range alternates between 4% and 6% every few bars: below the
  // 5% entry, never above the 7% exit, so one event only.
  for (size_t t = 0; t < 100; ++t) s.Flat(t, 100, (t / 25) % 2 == 0 ? 2.0 : 3.0);
  EXPECT_EQ(BarsOf(RunKernel(DetectConsolidation, s), PatternKind::kConsolidation), V{19});

  // Past the exit threshold the state ends; a later tight range (once bars
  // 25-49 and 40-44 have left the window, at 69) reports again.
  for (size_t t = 40; t < 45; ++t) s.Flat(t, 100, 4.0);  // 8% range
  EXPECT_EQ(BarsOf(RunKernel(DetectConsolidation, s), PatternKind::kConsolidation), (V{19, 69}));
}

}  // namespace
}  // namespace ohlcv
