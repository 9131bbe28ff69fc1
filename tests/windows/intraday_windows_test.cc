// Intraday windowing (windows/intraday.h): one window per session or per N
// hours, and daily windows over daily bars aggregated from the intraday bars.
// Every expected figure is computed here from the generated bars.
#include "windows/intraday.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "test_series.h"
#include "util/time.h"
#include "windows/series_analysis.h"
#include "windows/window_builder.h"

namespace ohlcv {
namespace {

using testing::kDay;
using testing::kTs20190301;

constexpr int64_t kOpen = 14 * 3600 + 30 * 60;  // 14:30 UTC
constexpr int kSessionMinutes = 390;            // to 20:59

// `days` weekday sessions of 1-minute bars from 2019-03-01 (weekends
// skipped), 390 bars each, plus, when `stub` is set, a last session of only
// 3 bars (fewer than min_bars: no window of its own).
BarSeries MinuteSeries(int days, bool stub = false) {
  BarSeries s;
  s.ticker = "SYN";
  s.interval = Interval::k1m;
  size_t i = 0;
  int64_t day = kTs20190301;
  auto add_session = [&](int minutes) {
    for (int m = 0; m < minutes; ++m, ++i) {
      const double x = static_cast<double>(i);
      const double close = 100.0 + 3.0 * std::sin(x * 0.013) + 0.5 * std::sin(x * 0.37) + 0.001 * x;
      Bar b;
      b.ts = day + kOpen + int64_t{m} * 60;
      b.open = close - 0.05 * std::sin(x * 0.9);
      b.high = std::max(b.open, close) + 0.03 + 0.02 * std::sin(x * 2.1);
      b.low = std::min(b.open, close) - 0.04 - 0.01 * std::cos(x * 1.7);
      b.close = close;
      b.volume = 1000.0 + 300.0 * std::sin(x * 0.05) + static_cast<double>(i % 11);
      b.adj_close = close;
      s.push_back(b);
    }
  };
  for (int d = 0; d < days; ++d) {
    while ((day / kDay + 4) % 7 == 0 || (day / kDay + 4) % 7 == 6) day += kDay;  // weekends
    add_session(kSessionMinutes);
    day += kDay;
  }
  if (stub) {
    while ((day / kDay + 4) % 7 == 0 || (day / kDay + 4) % 7 == 6) day += kDay;
    add_session(3);
  }
  return s;
}

// Bars grouped by UTC day, computed independently of the code under test.
std::map<int64_t, std::vector<size_t>> ByDay(const BarSeries& s) {
  std::map<int64_t, std::vector<size_t>> out;
  for (size_t i = 0; i < s.size(); ++i) out[s.ts[i] / kDay].push_back(i);
  return out;
}

void ExpectWindowMatchesBars(const Window& w, const BarSeries& s, const std::vector<size_t>& bars) {
  ASSERT_FALSE(bars.empty());
  EXPECT_EQ(w.start_ts, s.ts[bars.front()]);
  EXPECT_EQ(w.end_ts, s.ts[bars.back()]);
  EXPECT_EQ(w.n_bars, bars.size());
  double high = -INFINITY, low = INFINITY, volume = 0;
  int64_t high_ts = 0, low_ts = 0;
  for (size_t i : bars) {
    if (s.high[i] > high) high = s.high[i], high_ts = s.ts[i];
    if (s.low[i] < low) low = s.low[i], low_ts = s.ts[i];
    volume += s.volume[i];
  }
  EXPECT_EQ(w.high, high);
  EXPECT_EQ(w.high_ts, high_ts);
  EXPECT_EQ(w.low, low);
  EXPECT_EQ(w.low_ts, low_ts);
  EXPECT_EQ(w.open, s.open[bars.front()]);
  EXPECT_EQ(w.close, s.close[bars.back()]);
  EXPECT_DOUBLE_EQ(w.avg_volume, volume / static_cast<double>(bars.size()));
  EXPECT_DOUBLE_EQ(w.return_pct, (s.close[bars.back()] / s.close[bars.front()] - 1.0) * 100.0);
}

TEST(IntradayWindowsTest, OneWindowPerSessionWithExactFigures) {
  const BarSeries s = MinuteSeries(3, /*stub=*/true);
  WindowOptions opt;  // intraday_hours 0: sessions
  std::vector<Window> windows;
  BuildWindows(s, IndicatorColumns{}, {}, {}, "Tech", opt, &windows);
  const auto days = ByDay(s);
  ASSERT_EQ(days.size(), 4u);
  ASSERT_EQ(windows.size(), 3u) << "the 3-bar session is below min_bars";
  size_t k = 0;
  for (const auto& [day, bars] : days) {
    if (bars.size() < opt.min_bars) continue;
    const Window& w = windows[k++];
    SCOPED_TRACE(w.id);
    EXPECT_EQ(w.interval, Interval::k1m);
    EXPECT_EQ(w.id, WindowId("SYN", Interval::k1m, s.ts[bars.front()], s.ts[bars.back()]));
    EXPECT_EQ(w.start_bar, bars.front());
    ExpectWindowMatchesBars(w, s, bars);
    // The summary states the session's high with its minute.
    char high[64];
    std::snprintf(high, sizeof high, "high %.2f on %s", w.high, FormatDateTime(w.high_ts).c_str());
    EXPECT_NE(w.summary.find(high), std::string::npos) << w.summary;
  }
  EXPECT_EQ(windows[0].id, "SYN_1m_20190301T1430_20190301T2059");
}

TEST(IntradayWindowsTest, WindowsOfNHoursAlignedToMidnight) {
  const BarSeries s = MinuteSeries(2);
  WindowOptions opt;
  opt.intraday_hours = 2;
  std::vector<Window> windows;
  BuildWindows(s, IndicatorColumns{}, {}, {}, "", opt, &windows);
  std::map<int64_t, std::vector<size_t>> blocks;
  for (size_t i = 0; i < s.size(); ++i) blocks[s.ts[i] / 7200].push_back(i);
  ASSERT_EQ(windows.size(), blocks.size());
  size_t k = 0;
  for (const auto& [block, bars] : blocks) ExpectWindowMatchesBars(windows[k++], s, bars);
  // 14:30-15:59, 16:00-17:59, 18:00-19:59, 20:00-20:59 each day.
  EXPECT_EQ(windows.size(), 8u);
  EXPECT_EQ(windows[0].n_bars, 90u);
  EXPECT_EQ(windows[1].n_bars, 120u);
  EXPECT_EQ(windows[3].n_bars, 60u);
}

TEST(IntradayWindowsTest, DailyAggregationIsExact) {
  const BarSeries s = MinuteSeries(4, /*stub=*/true);
  BarSeries daily;
  AggregateDaily(s, &daily);
  EXPECT_EQ(daily.interval, Interval::k1d);
  EXPECT_EQ(daily.ticker, "SYN");
  const auto days = ByDay(s);
  ASSERT_EQ(daily.size(), days.size());
  size_t d = 0;
  for (const auto& [day, bars] : days) {
    EXPECT_EQ(daily.ts[d], day * kDay);
    EXPECT_EQ(daily.open[d], s.open[bars.front()]);
    EXPECT_EQ(daily.close[d], s.close[bars.back()]);
    EXPECT_EQ(daily.adj_close[d], s.adj_close[bars.back()]);
    double high = -INFINITY, low = INFINITY, volume = 0;
    for (size_t i : bars) {
      high = std::max(high, s.high[i]);
      low = std::min(low, s.low[i]);
      volume += s.volume[i];
    }
    EXPECT_EQ(daily.high[d], high);
    EXPECT_EQ(daily.low[d], low);
    EXPECT_DOUBLE_EQ(daily.volume[d], volume);
    EXPECT_EQ(DailyIndexOf(daily, s.ts[bars.back()]), d);
    ++d;
  }
}

TEST(IntradayWindowsTest, AnalysisAddsDailyWindowsBuiltFromTheIntradayBars) {
  const BarSeries s = MinuteSeries(8);
  AnalysisOptions opt;
  SeriesAnalysis a;
  a.Analyze(s, "Tech", opt);
  // 8 session windows, then one daily window over the 8 aggregated days
  // (fewer than window_bars: the whole series).
  ASSERT_EQ(a.windows.size(), 9u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(a.windows[i].interval, Interval::k1m);
  const Window& d = a.windows[8];
  EXPECT_EQ(d.interval, Interval::k1d);
  EXPECT_EQ(d.n_bars, 8u);
  EXPECT_EQ(d.id, "SYN_1d-from-1m_20190301_20190312");
  EXPECT_EQ(d.sector, "Tech");
  std::vector<size_t> all(s.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  // Same high, low and closes as the minute bars; ts of the extremes is the day.
  double high = *std::max_element(s.high.begin(), s.high.end());
  double low = *std::min_element(s.low.begin(), s.low.end());
  EXPECT_EQ(d.high, high);
  EXPECT_EQ(d.low, low);
  EXPECT_EQ(d.close, s.close.back());
  EXPECT_EQ(d.open, s.open.front());
  double volume = 0;  // the days' volumes (each a sum of its minutes), summed
  for (const auto& [day, bars] : ByDay(s)) {
    double v = 0;
    for (size_t i : bars) v += s.volume[i];
    volume += v;
  }
  EXPECT_DOUBLE_EQ(d.avg_volume, volume / 8.0);
  EXPECT_EQ(d.start_ts, kTs20190301);

  // Without daily windows only the sessions remain.
  opt.windows.daily_from_intraday = false;
  SeriesAnalysis only;
  only.Analyze(s, "Tech", opt);
  EXPECT_EQ(only.windows.size(), 8u);
}

TEST(IntradayWindowsTest, TailEqualsTheSuffixOfTheFullAnalysis) {
  const BarSeries s = MinuteSeries(42);
  AnalysisOptions opt;
  SeriesAnalysis full, tail;
  full.Analyze(s, "", opt);
  // 42 sessions + daily windows over 42 days (starts 0, 5, 10 and 12, the
  // one ending at the last day).
  ASSERT_EQ(full.windows.size(), 42u + 4u);
  const size_t first_bar = 38 * kSessionMinutes + 5;  // inside session 38
  tail.Analyze(s, "", opt, first_bar);
  // Sessions 38..41 and the daily windows containing day 38 or later.
  ASSERT_EQ(tail.windows.size(), 4u + 2u);
  const size_t expect[] = {38, 39, 40, 41, 44, 45};
  for (size_t i = 0; i < tail.windows.size(); ++i) {
    const Window& want = full.windows[expect[i]];
    EXPECT_EQ(tail.windows[i].id, want.id);
    EXPECT_EQ(tail.windows[i].summary, want.summary);
    EXPECT_EQ(tail.windows[i].high, want.high);
    EXPECT_EQ(tail.windows[i].last.rsi14, want.last.rsi14);
  }
}

}  // namespace
}  // namespace ohlcv
