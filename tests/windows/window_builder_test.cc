#include "windows/window_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "test_series.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using testing::kDay;
using testing::kTs20190301;
using testing::WavySeries;

TEST(WindowIdTest, FormatsTickerIntervalAndCompactDates) {
  const int64_t start = *ParseTimestamp("2019-03-01");
  const int64_t end = *ParseTimestamp("2019-04-12");
  EXPECT_EQ(WindowId("AAPL", Interval::k1d, start, end), "AAPL_1d_20190301_20190412");
  EXPECT_EQ(WindowId("BRK-B", Interval::k1h, start + 14 * 3600 + 30 * 60, end + 15 * 3600),
            "BRK-B_1h_20190301T1430_20190412T1500");
}

TEST(WindowStartsTest, AlignedFromFirstBarPlusLatest) {
  WindowOptions opt;  // length 30, stride 5
  // 100 bars: the last aligned start (70) already ends at the latest bar.
  std::vector<size_t> expect;
  for (size_t s = 0; s <= 70; s += 5) expect.push_back(s);
  EXPECT_EQ(WindowStarts(100, opt), expect);
  // 103 bars: aligned starts stop at 70; 73 ends at the latest bar.
  expect.push_back(73);
  EXPECT_EQ(WindowStarts(103, opt), expect);
  EXPECT_EQ(WindowStarts(30, opt), std::vector<size_t>{0});
  EXPECT_EQ(WindowStarts(31, opt), (std::vector<size_t>{0, 1}));
  // Shorter than length: one whole-series window if at least min_bars.
  EXPECT_EQ(WindowStarts(29, opt), std::vector<size_t>{0});
  EXPECT_EQ(WindowStarts(5, opt), std::vector<size_t>{0});
  EXPECT_TRUE(WindowStarts(4, opt).empty());
  EXPECT_TRUE(WindowStarts(0, opt).empty());

  opt.length = 10;
  opt.stride = 3;
  EXPECT_EQ(WindowStarts(20, opt), (std::vector<size_t>{0, 3, 6, 9, 10}));
  opt.stride = 0;  // invalid, but must not loop forever
  EXPECT_EQ(WindowStarts(12, opt).size(), 3u);
}

TEST(BuildWindowsTest, IdsFollowStartsAndLatestWindowIsIncluded) {
  BarSeries bars = WavySeries(103);
  std::vector<Window> ws;
  BuildWindows(bars, IndicatorColumns{}, {}, {}, "", WindowOptions{}, &ws);
  ASSERT_EQ(ws.size(), 16u);  // 0..70 step 5, plus 73
  for (size_t i = 0; i + 1 < ws.size(); ++i) {
    EXPECT_EQ(ws[i].start_bar, 5 * i);
    EXPECT_EQ(ws[i].n_bars, 30u);
    EXPECT_EQ(ws[i].start_ts, kTs20190301 + static_cast<int64_t>(5 * i) * kDay);
    EXPECT_EQ(ws[i].end_ts, ws[i].start_ts + 29 * kDay);
    EXPECT_EQ(ws[i].id, WindowId("TEST", Interval::k1d, ws[i].start_ts, ws[i].end_ts));
  }
  EXPECT_EQ(ws.front().id, "TEST_1d_20190301_20190330");
  EXPECT_EQ(ws.back().start_bar, 73u);
  EXPECT_EQ(ws.back().end_ts, bars.ts.back());
  EXPECT_EQ(ws.back().n_bars, 30u);
}

TEST(BuildWindowsTest, AppendingBarsKeepsEarlierWindowsIdentical) {
  BarSeries full = WavySeries(140);
  BarSeries part = full;
  const size_t n_part = 103;
  for (auto* col : {&part.open, &part.high, &part.low, &part.close, &part.volume, &part.adj_close})
    col->resize(n_part);
  part.ts.resize(n_part);

  // Events and trend states exist for both; the partial series sees a prefix.
  std::vector<PatternEvent> events;
  for (uint32_t b = 3; b < full.size(); b += 11)
    events.push_back({PatternKind::kGapUp, b, full.ts[b], full.ts[b], 1.5});
  std::vector<TrendState> trend(full.size(), TrendState::kUp);
  std::vector<double> rsi(full.size());
  for (size_t i = 0; i < rsi.size(); ++i) rsi[i] = 50 + 25 * std::sin(0.3 * static_cast<double>(i));
  IndicatorColumns cols;
  cols.cols[static_cast<size_t>(Indicator::kRsi14)] = rsi;
  IndicatorColumns part_cols;
  part_cols.cols[static_cast<size_t>(Indicator::kRsi14)] = std::span<const double>(rsi).first(n_part);
  auto part_events = std::span<const PatternEvent>(events).first(
      std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.bar < n_part; }));

  std::vector<Window> before, after;
  BuildWindows(part, part_cols, part_events, std::span(trend).first(n_part), "Tech", {}, &before);
  BuildWindows(full, cols, events, trend, "Tech", {}, &after);
  std::map<std::string, const Window*> by_id;
  for (const auto& w : after) by_id[w.id] = &w;

  // Every aligned window of the shorter series survives unchanged; only the
  // "latest" one (start 73, not a multiple of 5) is replaced.
  ASSERT_EQ(before.back().start_bar, 73u);
  for (size_t i = 0; i + 1 < before.size(); ++i) {
    auto it = by_id.find(before[i].id);
    ASSERT_NE(it, by_id.end()) << before[i].id;
    EXPECT_EQ(it->second->summary, before[i].summary);
    EXPECT_EQ(it->second->shape, before[i].shape);
    EXPECT_EQ(it->second->patterns.size(), before[i].patterns.size());
    EXPECT_EQ(std::isnan(it->second->relative_volume), std::isnan(before[i].relative_volume));
    if (!std::isnan(before[i].relative_volume)) {
      EXPECT_EQ(it->second->relative_volume, before[i].relative_volume);
    }
    EXPECT_EQ(it->second->last.rsi14_max, before[i].last.rsi14_max);
  }
  EXPECT_EQ(by_id.count(before.back().id), 0u);
  EXPECT_EQ(after.back().end_ts, full.ts.back());
}

TEST(BuildWindowsTest, ShortSeriesGiveOneWholeWindowOrNone) {
  std::vector<Window> ws;
  BuildWindows(WavySeries(12), IndicatorColumns{}, {}, {}, "", {}, &ws);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].n_bars, 12u);
  EXPECT_EQ(ws[0].start_bar, 0u);
  BuildWindows(WavySeries(4), IndicatorColumns{}, {}, {}, "", {}, &ws);
  EXPECT_TRUE(ws.empty());  // replaced, not appended
}

// Every figure against a computation written independently here (different
// loop shapes on purpose: O(n^2) drawdown, one-pass variance, std::accumulate).
TEST(BuildWindowsTest, MetadataMatchesIndependentComputation) {
  const BarSeries bars = WavySeries(150);
  WindowOptions opt;
  std::vector<Window> ws;
  BuildWindows(bars, IndicatorColumns{}, {}, {}, "Energy", opt, &ws);
  ASSERT_GT(ws.size(), 20u);
  const double ann = std::sqrt(252.0) * 100.0;
  for (const Window& w : ws) {
    SCOPED_TRACE(w.id);
    const size_t s = w.start_bar, n = w.n_bars, e = s + n - 1;
    EXPECT_EQ(w.ticker, "TEST");
    EXPECT_EQ(w.sector, "Energy");
    EXPECT_EQ(w.interval, Interval::k1d);
    EXPECT_EQ(w.open, bars.open[s]);
    EXPECT_EQ(w.first_close, bars.close[s]);
    EXPECT_EQ(w.close, bars.close[e]);

    const auto hi = std::max_element(bars.high.begin() + s, bars.high.begin() + e + 1);
    const auto lo = std::min_element(bars.low.begin() + s, bars.low.begin() + e + 1);
    EXPECT_EQ(w.high, *hi);
    EXPECT_EQ(w.high_ts, bars.ts[hi - bars.high.begin()]);
    EXPECT_EQ(w.low, *lo);
    EXPECT_EQ(w.low_ts, bars.ts[lo - bars.low.begin()]);

    EXPECT_NEAR(w.return_pct, 100.0 * (bars.close[e] - bars.close[s]) / bars.close[s], 1e-10);

    double s1 = 0, s2 = 0;
    for (size_t i = s + 1; i <= e; ++i) {
      const double r = std::log(bars.close[i]) - std::log(bars.close[i - 1]);
      s1 += r;
      s2 += r * r;
    }
    const double m = static_cast<double>(n - 1);
    EXPECT_NEAR(w.volatility, std::sqrt((s2 - s1 * s1 / m) / (m - 1)) * ann, 1e-8);

    double dd = 0;
    for (size_t i = s; i <= e; ++i)
      for (size_t j = i; j <= e; ++j) dd = std::min(dd, bars.close[j] / bars.close[i] - 1);
    EXPECT_NEAR(w.max_drawdown_pct, 100.0 * dd, 1e-10);
    EXPECT_LE(w.max_drawdown_pct, 0.0);

    const double avg =
        std::accumulate(bars.volume.begin() + s, bars.volume.begin() + e + 1, 0.0) / n;
    EXPECT_NEAR(w.avg_volume, avg, 1e-6);
    const size_t prior = std::min<size_t>(50, s);
    if (prior < 20) {
      EXPECT_TRUE(std::isnan(w.relative_volume)) << "prior bars " << prior;
    } else {
      const double pavg =
          std::accumulate(bars.volume.begin() + s - prior, bars.volume.begin() + s, 0.0) / prior;
      EXPECT_NEAR(w.relative_volume, avg / pavg, 1e-12);
    }
    EXPECT_EQ(w.trend, TrendState::kSideways);  // no trend states given
    EXPECT_TRUE(std::isnan(w.last.rsi14));       // no indicator columns given
    EXPECT_TRUE(std::isnan(w.last.rsi14_max));
    EXPECT_FALSE(w.summary.empty());
    EXPECT_EQ(w.shape.size(), 32u);
  }
}

TEST(BuildWindowsTest, ReusedOutputIsFullyOverwrittenAndBuildWindowAtAgrees) {
  const BarSeries a = WavySeries(90, "AAA");
  const BarSeries b = WavySeries(70, "BBB");
  std::vector<PatternEvent> events = {{PatternKind::kDoji, 40, a.ts[40], a.ts[40], 0}};
  std::vector<Window> ws;
  BuildWindows(a, IndicatorColumns{}, events, {}, "Utilities", {}, &ws);
  const size_t n_a = ws.size();
  WindowOptions lean;
  lean.with_summary = false;
  lean.with_shape = false;
  BuildWindows(b, IndicatorColumns{}, {}, {}, "", lean, &ws);
  ASSERT_EQ(ws.size(), WindowStarts(70, lean).size());
  ASSERT_LT(ws.size(), n_a);
  for (const Window& w : ws) {
    EXPECT_EQ(w.ticker, "BBB");
    EXPECT_TRUE(w.sector.empty());
    EXPECT_TRUE(w.summary.empty());
    EXPECT_TRUE(w.shape.empty());
    EXPECT_TRUE(w.patterns.empty());
  }
  // The one-off path (no precomputed log returns) gives identical windows.
  BuildWindows(a, IndicatorColumns{}, events, {}, "Utilities", {}, &ws);
  for (const Window& w : ws) {
    const Window one =
        BuildWindowAt(a, IndicatorColumns{}, events, {}, "Utilities", w.start_bar, w.n_bars, {});
    EXPECT_EQ(one.id, w.id);
    EXPECT_EQ(one.volatility, w.volatility);
    EXPECT_EQ(one.summary, w.summary);
    EXPECT_EQ(one.shape, w.shape);
    EXPECT_EQ(one.patterns.size(), w.patterns.size());
  }
}

TEST(BuildWindowsTest, HandPickedCloses) {
  // Drawdown from the 120 peak to 90: -25%; return 100 -> 110: +10%.
  const std::vector<double> closes = {100, 110, 99, 120, 105, 90, 95, 110};
  BarSeries bars;
  bars.ticker = "HP";
  for (size_t i = 0; i < closes.size(); ++i) {
    bars.push_back({kTs20190301 + static_cast<int64_t>(i) * kDay, closes[i], closes[i] + 1,
                    closes[i] - 2, closes[i], 100.0 * (i + 1)});
  }
  Window w = BuildWindowAt(bars, {}, {}, {}, "", 0, closes.size(), {});
  EXPECT_NEAR(w.max_drawdown_pct, -25.0, 1e-12);
  EXPECT_NEAR(w.return_pct, 10.0, 1e-12);
  EXPECT_EQ(w.high, 121.0);
  EXPECT_EQ(w.high_ts, kTs20190301 + 3 * kDay);
  EXPECT_EQ(w.low, 88.0);
  EXPECT_EQ(w.low_ts, kTs20190301 + 5 * kDay);
  EXPECT_DOUBLE_EQ(w.avg_volume, 450.0);
  EXPECT_TRUE(std::isnan(w.relative_volume));
}

TEST(BuildWindowsTest, RelativeVolumeUsesUpToFiftyPriorBars) {
  BarSeries bars;
  bars.ticker = "VOL";
  // 60 bars at volume 100, then 30 at volume 300: the window starting at 60
  // has 50 prior bars, all at 100 -> 3.0x. Starting at 25, 25 prior bars.
  for (int i = 0; i < 90; ++i)
    bars.push_back({kTs20190301 + i * kDay, 10, 11, 9, 10, i < 60 ? 100.0 : 300.0});
  WindowOptions opt;
  EXPECT_DOUBLE_EQ(BuildWindowAt(bars, {}, {}, {}, "", 60, 30, opt).relative_volume, 3.0);
  // Window 45..74: 15 bars at 100 and 15 at 300 -> avg 200, 45 prior at 100.
  EXPECT_DOUBLE_EQ(BuildWindowAt(bars, {}, {}, {}, "", 45, 30, opt).relative_volume, 2.0);
  EXPECT_TRUE(std::isnan(BuildWindowAt(bars, {}, {}, {}, "", 19, 30, opt).relative_volume));
  EXPECT_DOUBLE_EQ(BuildWindowAt(bars, {}, {}, {}, "", 20, 30, opt).relative_volume, 1.0);
}

TEST(BuildWindowsTest, LastIndicatorsRsiExtremesTrendAndPatterns) {
  const BarSeries bars = WavySeries(40);
  std::vector<double> rsi(40), sma20(40), macd_hist(40);
  for (size_t i = 0; i < 40; ++i) {
    rsi[i] = i < 14 ? kNaN : 30.0 + static_cast<double>((i * 7) % 41);
    sma20[i] = i < 19 ? kNaN : 100.0 + static_cast<double>(i);
    macd_hist[i] = -1.0 + 0.05 * static_cast<double>(i);
  }
  IndicatorColumns cols;
  cols.cols[static_cast<size_t>(Indicator::kRsi14)] = rsi;
  cols.cols[static_cast<size_t>(Indicator::kSma20)] = sma20;
  cols.cols[static_cast<size_t>(Indicator::kMacdHist)] = macd_hist;
  std::vector<TrendState> trend(40, TrendState::kDown);
  trend[29] = TrendState::kUp;

  // Deliberately out of order, with events just outside both edges.
  std::vector<PatternEvent> events = {
      {PatternKind::kDoji, 30, bars.ts[30], bars.ts[30], 0},
      {PatternKind::kGoldenCross, 12, bars.ts[12], bars.ts[12], 0},
      {PatternKind::kRsiOverbought, 0, bars.ts[0], bars.ts[0], 71},
      {PatternKind::kGapDown, 29, bars.ts[29], bars.ts[29], -2.5},
      {PatternKind::kGapUp, 5, bars.ts[5], bars.ts[5], 1.0},
      {PatternKind::kDoji, 4, bars.ts[4], bars.ts[4], 0},
  };
  WindowOptions opt;
  opt.length = 25;
  opt.stride = 5;
  std::vector<Window> ws;
  BuildWindows(bars, cols, events, trend, "", opt, &ws);
  // Starts 0, 5, 10, 15 (ends at 39 = latest).
  ASSERT_EQ(ws.size(), 4u);
  const Window& w = ws[1];  // bars 5..29
  ASSERT_EQ(w.start_bar, 5u);
  EXPECT_EQ(w.trend, TrendState::kUp);
  EXPECT_EQ(w.last.rsi14, rsi[29]);
  EXPECT_EQ(w.last.sma20, sma20[29]);
  EXPECT_EQ(w.last.macd_hist, macd_hist[29]);
  EXPECT_TRUE(std::isnan(w.last.adx14));  // column absent
  double mx = -1, mn = 1000;
  for (size_t i = 14; i <= 29; ++i) mx = std::max(mx, rsi[i]), mn = std::min(mn, rsi[i]);
  EXPECT_EQ(w.last.rsi14_max, mx);
  EXPECT_EQ(w.last.rsi14_min, mn);
  ASSERT_EQ(w.patterns.size(), 3u);
  EXPECT_EQ(w.patterns[0].kind, PatternKind::kGapUp);
  EXPECT_EQ(w.patterns[1].kind, PatternKind::kGoldenCross);
  EXPECT_EQ(w.patterns[2].kind, PatternKind::kGapDown);
  EXPECT_EQ(w.patterns[2].value, -2.5);

  const Window& first = ws[0];  // bars 0..24, RSI all NaN until 14
  EXPECT_EQ(first.patterns.size(), 4u);  // bars 0, 4, 5, 12; not 29 or 30
  EXPECT_EQ(first.trend, TrendState::kDown);
  // Window with RSI only NaN: extremes NaN.
  Window early = BuildWindowAt(bars, cols, {}, {}, "", 0, 10, opt);
  EXPECT_TRUE(std::isnan(early.last.rsi14_max));
  EXPECT_TRUE(std::isnan(early.last.rsi14_min));
  EXPECT_TRUE(early.patterns.empty());
  // BuildWindowAt sorts unsorted events too.
  Window mid = BuildWindowAt(bars, cols, events, trend, "", 5, 25, opt);
  ASSERT_EQ(mid.patterns.size(), 3u);
  EXPECT_EQ(mid.patterns[0].kind, PatternKind::kGapUp);
}

}  // namespace
}  // namespace ohlcv
