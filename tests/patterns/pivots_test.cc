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

Series FromHighs(const std::vector<double>& highs) {
  Series s(highs.size());
  for (size_t i = 0; i < highs.size(); ++i) s.Candle(i, highs[i] - 0.5, highs[i], highs[i] - 1, highs[i] - 0.5);
  return s;
}

PatternOptions K2() {
  PatternOptions opt;
  opt.pivot_bars = 2;
  return opt;
}

TEST(PivotsTest, ResistanceConfirmedOnlyWhenTheRightSideExists) {
  const auto s = FromHighs({1, 2, 3, 5, 3, 2, 1, 1});
  const auto ev = RunKernel(DetectPivots, s, K2());
  ASSERT_EQ(BarsOf(ev, PatternKind::kResistance), V{5});  // pivot at 3, dated 3 + 2
  const PatternEvent e = FirstOf(ev, PatternKind::kResistance);
  EXPECT_EQ(e.ts, s.ts[5]);
  EXPECT_EQ(e.ref_ts, s.ts[3]);
  EXPECT_DOUBLE_EQ(e.value, 5);

  // With only bars [0, 4] the pivot is not yet known.
  Series prefix = s;
  for (auto* col : {&prefix.open, &prefix.high, &prefix.low, &prefix.close, &prefix.volume}) col->resize(5);
  prefix.ts.resize(5);
  EXPECT_TRUE(BarsOf(RunKernel(DetectPivots, prefix, K2()), PatternKind::kResistance).empty());
}

TEST(PivotsTest, HigherHighOnTheRightIsANearMiss) {
  const auto s = FromHighs({1, 2, 3, 5, 3, 6, 4, 3});
  // 5 at bar 3 is beaten at bar 5; 6 at bar 5 is the pivot (confirmed at 7).
  EXPECT_EQ(BarsOf(RunKernel(DetectPivots, s, K2()), PatternKind::kResistance), V{7});
}

TEST(PivotsTest, FlatTopGivesOnePivotAtItsFirstBar) {
  const auto s = FromHighs({1, 2, 5, 5, 3, 2, 1});
  const auto ev = RunKernel(DetectPivots, s, K2());
  ASSERT_EQ(BarsOf(ev, PatternKind::kResistance), V{4});
  EXPECT_EQ(FirstOf(ev, PatternKind::kResistance).ref_ts, s.ts[2]);
}

TEST(PivotsTest, SupportMirrorsResistance) {
  const auto s = FromHighs({1, 2, 3, 5, 3, 2, 1, 1}).Mirror();
  const auto ev = RunKernel(DetectPivots, s, K2());
  ASSERT_EQ(BarsOf(ev, PatternKind::kSupport), V{5});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kSupport).value, 195);  // 200 - 5
  EXPECT_EQ(FirstOf(ev, PatternKind::kSupport).ref_ts, s.ts[3]);
}

}  // namespace
}  // namespace ohlcv
