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

TEST(GapTest, GapUpAndDownWithPercent) {
  Series s(8);
  for (size_t i = 0; i < 3; ++i) s.Flat(i, 100);  // high 100.5, low 99.5
  s.Candle(3, 101.5, 102, 101, 101.8);             // opens above bar 2's high 100.5
  s.Flat(4, 101.5);                                // inside bar 3's range: no gap
  s.Flat(5, 101.5);                                // range 101..102
  s.Flat(6, 100);                                  // opens below bar 5's low 101
  s.Flat(7, 100);
  const auto ev = RunKernel(DetectGaps, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kGapUp), V{3});
  EXPECT_EQ(BarsOf(ev, PatternKind::kGapDown), V{6});
  EXPECT_NEAR(FirstOf(ev, PatternKind::kGapUp).value, (101.5 / 100.5 - 1) * 100, 1e-12);
  EXPECT_NEAR(FirstOf(ev, PatternKind::kGapDown).value, (100.0 / 101.0 - 1) * 100, 1e-12);
  EXPECT_EQ(ev.size(), 2u);
}

TEST(GapTest, SmallOrNoGapIsANearMiss) {
  Series s(4);
  for (size_t i = 0; i < 4; ++i) s.Flat(i, 100);
  s.Candle(1, 100.5, 101, 100.4, 100.9);   // open == previous high: no gap
  s.Candle(2, 101.3, 101.5, 101.2, 101.4); // 0.297% above 101: below 0.5% default
  s.Candle(3, 101.4, 101.6, 101.3, 101.5); // inside the previous range
  EXPECT_TRUE(RunKernel(DetectGaps, s).empty());
  PatternOptions every_gap;
  every_gap.gap_min_pct = 0;
  EXPECT_EQ(BarsOf(RunKernel(DetectGaps, s, every_gap), PatternKind::kGapUp), V{2});
}

}  // namespace
}  // namespace ohlcv
