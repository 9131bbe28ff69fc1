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

// Bars [0, last] fall one point a bar from 100 as plain bearish candles
// (body 0.6 of a 0.8 range: no pattern of their own). Mirror() turns the
// decline into an advance and each bullish pattern into its bearish twin.
Series AfterDecline(size_t n, size_t last) {
  Series s(n);
  for (size_t t = 0; t <= last; ++t) {
    const double c = 100 - static_cast<double>(t);
    s.Candle(t, c + 0.6, c + 0.7, c - 0.1, c);
  }
  return s;
}

// The same closes rising from 80, as bullish candles: no prior decline.
Series AfterAdvance(size_t n, size_t last) {
  Series s(n);
  for (size_t t = 0; t <= last; ++t) {
    const double c = 80 + static_cast<double>(t);
    s.Candle(t, c - 0.6, c + 0.1, c - 0.7, c);
  }
  return s;
}

TEST(CandlestickTest, ContextBarsAloneReportNothing) {
  EXPECT_TRUE(RunKernel(DetectCandlesticks, AfterDecline(10, 9)).empty());
  EXPECT_TRUE(RunKernel(DetectCandlesticks, AfterDecline(10, 9).Mirror()).empty());
  EXPECT_TRUE(RunKernel(DetectCandlesticks, AfterAdvance(10, 9)).empty());
}

TEST(CandlestickTest, Doji) {
  Series s = AfterDecline(11, 9);
  s.Candle(10, 90, 91, 89, 90.05);  // body 0.05 of a 2.0 range
  const auto ev = RunKernel(DetectCandlesticks, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kDoji), V{10});
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kDoji).value, 90.05);

  s.Candle(10, 90, 91, 89, 90.25);  // body 0.25 > 10% of range: near miss
  EXPECT_TRUE(RunKernel(DetectCandlesticks, s).empty());
}

TEST(CandlestickTest, HammerAfterADecline) {
  Series s = AfterDecline(11, 9);
  s.Candle(10, 90.0, 90.35, 89.0, 90.3);  // body 0.3, lower shadow 1.0, upper 0.05
  const auto ev = RunKernel(DetectCandlesticks, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kHammer), V{10});
  EXPECT_EQ(ev.size(), 1u);

  // Shooting star is the mirror: long upper shadow after an advance.
  const auto mirrored = RunKernel(DetectCandlesticks, s.Mirror());
  EXPECT_EQ(BarsOf(mirrored, PatternKind::kShootingStar), V{10});
  EXPECT_TRUE(BarsOf(mirrored, PatternKind::kHammer).empty());
}

TEST(CandlestickTest, HammerNearMisses) {
  // Same candle without a prior decline.
  Series up = AfterAdvance(11, 9);
  up.Candle(10, 90.0, 90.35, 89.0, 90.3);
  EXPECT_TRUE(BarsOf(RunKernel(DetectCandlesticks, up), PatternKind::kHammer).empty());
  // Upper shadow 0.2 > 10% of the 1.5 range.
  Series s = AfterDecline(11, 9);
  s.Candle(10, 90.0, 90.5, 89.0, 90.3);
  EXPECT_TRUE(BarsOf(RunKernel(DetectCandlesticks, s), PatternKind::kHammer).empty());
  EXPECT_TRUE(BarsOf(RunKernel(DetectCandlesticks, s.Mirror()), PatternKind::kShootingStar).empty());
}

TEST(CandlestickTest, BullishAndBearishEngulfing) {
  Series s = AfterDecline(11, 9);       // bar 9: open 91.6, close 91
  s.Candle(10, 90.9, 91.8, 90.8, 91.7);  // body 90.9..91.7 covers 91..91.6
  const auto ev = RunKernel(DetectCandlesticks, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kBullishEngulfing), V{10});
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_EQ(BarsOf(RunKernel(DetectCandlesticks, s.Mirror()), PatternKind::kBearishEngulfing), V{10});

  s.Candle(10, 90.9, 91.8, 90.8, 91.5);  // closes below the prior open: near miss
  EXPECT_TRUE(RunKernel(DetectCandlesticks, s).empty());
  EXPECT_TRUE(RunKernel(DetectCandlesticks, s.Mirror()).empty());
}

TEST(CandlestickTest, MorningAndEveningStar) {
  Series s = AfterDecline(11, 7);
  s.Candle(8, 93, 93.2, 89.8, 90);      // long bearish
  s.Candle(9, 89.5, 89.9, 89.3, 89.7);  // small star below the first close
  s.Candle(10, 90, 92.1, 89.9, 92);     // bullish, above the midpoint 91.5
  const auto ev = RunKernel(DetectCandlesticks, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kMorningStar), V{10});
  EXPECT_EQ(ev.size(), 1u);
  const auto mirrored = RunKernel(DetectCandlesticks, s.Mirror());
  EXPECT_EQ(BarsOf(mirrored, PatternKind::kEveningStar), V{10});
  EXPECT_EQ(mirrored.size(), 1u);

  s.Candle(10, 90, 91.5, 89.9, 91.4);  // closes below the midpoint: near miss
  EXPECT_TRUE(BarsOf(RunKernel(DetectCandlesticks, s), PatternKind::kMorningStar).empty());
  EXPECT_TRUE(BarsOf(RunKernel(DetectCandlesticks, s.Mirror()), PatternKind::kEveningStar).empty());
}

}  // namespace
}  // namespace ohlcv
