#include "answer/figures.h"

#include <cmath>

#include <gtest/gtest.h>

#include "answer/draft.h"

namespace ohlcv {
namespace {

BarSeries Make(const std::vector<double>& closes, int64_t t0 = 1000 * 86400) {
  BarSeries s;
  s.ticker = "T";
  for (size_t i = 0; i < closes.size(); ++i) {
    Bar b;
    b.ts = t0 + static_cast<int64_t>(i) * 86400;
    b.open = b.close = closes[i];
    b.high = closes[i] + 1;
    b.low = closes[i] - 1;
    b.volume = 1;
    s.push_back(b);
  }
  return s;
}

TEST(FiguresTest, RangeLookupIsInclusiveAndEmptyOutside) {
  BarSeries s = Make({10, 11, 12, 13});
  auto r = FindBarRange(s, s.ts[1], s.ts[2]);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 1u);
  EXPECT_EQ(r->last, 2u);
  EXPECT_FALSE(FindBarRange(s, s.ts[3] + 1, std::nullopt));
  EXPECT_FALSE(FindBarRange(s, std::nullopt, s.ts[0] - 1));
  EXPECT_EQ(*BarOnOrBefore(s, s.ts[2] + 100), 2u);
  EXPECT_FALSE(BarOnOrBefore(s, s.ts[0] - 1));
}

TEST(FiguresTest, ReturnExtremesDrawdown) {
  BarSeries s = Make({100, 120, 90, 110, 80, 130});
  BarRange all{0, 5};
  ReturnFigure r = ComputeReturn(s, all);
  EXPECT_DOUBLE_EQ(r.return_pct, 30.0);
  EXPECT_EQ(r.bars, 6u);
  ExtremesFigure e = ComputeExtremes(s, all);
  EXPECT_DOUBLE_EQ(e.high, 131);
  EXPECT_EQ(e.high_ts, s.ts[5]);
  EXPECT_DOUBLE_EQ(e.low, 79);
  EXPECT_EQ(e.low_ts, s.ts[4]);
  DrawdownFigure d = ComputeMaxDrawdown(s, all);
  EXPECT_NEAR(d.max_drawdown_pct, (80.0 / 120.0 - 1) * 100, 1e-9);
  EXPECT_EQ(d.peak_ts, s.ts[1]);
  EXPECT_EQ(d.trough_ts, s.ts[4]);
  // Inside a sub-range the peak before it does not count.
  DrawdownFigure d2 = ComputeMaxDrawdown(s, BarRange{2, 3});
  EXPECT_DOUBLE_EQ(d2.max_drawdown_pct, 0);
}

TEST(FiguresTest, VolatilityMatchesDefinition) {
  BarSeries s = Make({100, 101, 99, 102, 100});
  std::vector<double> lr;
  for (size_t i = 1; i < 5; ++i) lr.push_back(std::log(s.close[i] / s.close[i - 1]));
  double m = 0;
  for (double x : lr) m += x;
  m /= 4;
  double v = 0;
  for (double x : lr) v += (x - m) * (x - m);
  v = std::sqrt(v / 3) * std::sqrt(252.0) * 100;
  EXPECT_NEAR(ComputeVolatility(s, {0, 4}), v, 1e-9);
  EXPECT_TRUE(std::isnan(ComputeVolatility(s, {0, 1})));
}

TEST(FiguresTest, CorrelationUsesCommonDatesOnly) {
  BarSeries a = Make({100, 101, 103, 102, 105, 104});
  BarSeries b = Make({50, 50.5, 51.5, 51, 52.5, 52});  // the same moves, halved
  EXPECT_NEAR(ComputeCorrelation(a, b, std::nullopt, std::nullopt).r, 1.0, 1e-9);
  BarSeries c = Make({100, 99, 97, 98, 95, 96});
  EXPECT_LT(ComputeCorrelation(a, c, std::nullopt, std::nullopt).r, -0.9);
  // b shifted by one day shares only 5 dates with a.
  BarSeries shifted = Make({50, 50.5, 51.5, 51, 52.5, 52}, a.ts[1]);
  EXPECT_EQ(ComputeCorrelation(a, shifted, std::nullopt, std::nullopt).returns, 4u);
}

TEST(FiguresTest, RankingSkipsTickersNotCoveringThePeriod) {
  BarSeries a = Make({100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200});
  BarSeries b = Make({100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5});
  BarSeries late = Make({10, 20, 30}, a.ts[8]);
  std::vector<NamedSeries> named = {{"B", &b}, {"A", &a}, {"LATE", &late}};
  std::vector<std::string> excluded;
  auto ranked = RankByReturn(named, a.ts[0], a.ts[10], 3, &excluded);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].ticker, "A");
  EXPECT_DOUBLE_EQ(ranked[0].ret.return_pct, 100);
  EXPECT_EQ(ranked[1].ticker, "B");
  ASSERT_EQ(excluded.size(), 1u);
  EXPECT_EQ(excluded[0], "LATE");
  // Untraded placeholder prices at either end (0.002 -> 0.006: "+200%").
  BarSeries placeholder = Make({0.002, 0.004, 0.006, 0.004, 0.006, 0.006, 0.006, 0.006, 0.006, 0.006, 0.006});
  placeholder.volume.front() = 0;
  std::vector<NamedSeries> with_placeholder = {{"A", &a}, {"BHF", &placeholder}};
  excluded.clear();
  ranked = RankByReturn(with_placeholder, a.ts[0], a.ts[10], 3, &excluded);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].ticker, "A");
  EXPECT_EQ(excluded, std::vector<std::string>{"BHF"});
}

TEST(FiguresTest, BaseRateMeasuresOnlyAfterTheEvent) {
  BarSeries s = Make({100, 110, 100, 120, 90, 100});
  std::vector<size_t> events = {0, 2, 4};  // the last has no bar 4+2
  BaseRateFigure f = ComputeBaseRate(s, events, 2);
  EXPECT_EQ(f.events, 3u);
  EXPECT_EQ(f.measured, 2u);
  EXPECT_DOUBLE_EQ(f.median_pct, -5.0);  // 0 -> 2: 0%, 2 -> 4: -10%
  EXPECT_DOUBLE_EQ(f.positive_share, 0.0);
}

TEST(FiguresTest, MedianAndFormats) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 2, 3}), 2.5);
  EXPECT_TRUE(std::isnan(Median({})));
  EXPECT_EQ(FormatPct(12.346), "+12.35%");
  EXPECT_EQ(FormatPct(-3.2), "-3.20%");
  EXPECT_EQ(FormatPct(-0.001), "+0.00%");
  EXPECT_EQ(FormatPrice(157.9249), "$157.92");
  EXPECT_EQ(FormatShare(0.654), "65%");
  EXPECT_EQ(FormatValue(72.344), "72.34");
}

}  // namespace
}  // namespace ohlcv
