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

// Bars grouped by UTC day (the New York date for these 14:30-20:59 UTC
// sessions), computed independently of the code under test.
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
    // The summary states the session's high with its minute, in New York time.
    char high[64];
    LocalClock ny(*FindExchange("XNYS"));
    std::snprintf(high, sizeof high, "high %.2f on %s", w.high, ny.Format(w.high_ts).c_str());
    EXPECT_NE(w.summary.find(high), std::string::npos) << w.summary;
  }
  EXPECT_EQ(windows[0].id, "SYN_1m_20190301T1430_20190301T2059");
}

TEST(IntradayWindowsTest, WindowsOfNHoursAlignedToTheLocalSessionOpen) {
  const BarSeries s = MinuteSeries(2);  // SYN: New York, 2019-03-01 and 03-04 (EST, UTC-5)
  WindowOptions opt;
  opt.intraday_hours = 2;
  std::vector<Window> windows;
  BuildWindows(s, IndicatorColumns{}, {}, {}, "", opt, &windows);
  // Blocks of 2 h from 09:30 EST = 14:30 UTC, computed with the fixed offset.
  std::map<int64_t, std::vector<size_t>> blocks;
  for (size_t i = 0; i < s.size(); ++i) blocks[(s.ts[i] - kOpen) / 7200].push_back(i);
  ASSERT_EQ(windows.size(), blocks.size());
  size_t k = 0;
  for (const auto& [block, bars] : blocks) ExpectWindowMatchesBars(windows[k++], s, bars);
  // 09:30-11:29, 11:30-13:29, 13:30-15:29, 15:30-15:59 local each day.
  EXPECT_EQ(windows.size(), 8u);
  EXPECT_EQ(windows[0].n_bars, 120u);
  EXPECT_EQ(windows[1].n_bars, 120u);
  EXPECT_EQ(windows[3].n_bars, 30u);
}

TEST(IntradayWindowsTest, DailyAggregationIsExact) {
  const BarSeries s = MinuteSeries(4, /*stub=*/true);
  BarSeries daily;
  AggregateDaily(s, ExchangeOfTicker(s.ticker), &daily);
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
    EXPECT_EQ(DailyIndexOf(daily, ExchangeOfTicker(s.ticker), s.ts[bars.back()]), d);
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

// Bars every `step` seconds over [from, to) UTC, a smooth made-up walk.
BarSeries ClockSeries(const std::string& ticker, Interval interval, int64_t from, int64_t to, int64_t step) {
  BarSeries s;
  s.ticker = ticker;
  s.interval = interval;
  size_t i = 0;
  for (int64_t ts = from; ts < to; ts += step, ++i) {
    const double x = static_cast<double>(i);
    const double close = 50.0 + std::sin(x * 0.02) + 0.002 * x;
    s.push_back(Bar{ts, close - 0.01, close + 0.05, close - 0.06, close, 500.0 + static_cast<double>(i % 7), close});
  }
  return s;
}

int64_t Utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return DaysFromCivil(y, m, d) * kDay + hh * 3600 + mm * 60;
}

// Sydney in its summer (AEDT, UTC+11): the 10:00-16:00 session runs 23:00 to
// 05:00 UTC, across UTC midnight. Each session is one window and one daily
// bar dated the Sydney trading date.
TEST(IntradayWindowsTest, SydneySessionsCrossUtcMidnight) {
  BarSeries s;
  s.ticker = "BHP.AX";
  s.interval = Interval::k1m;
  // Wed 2024-01-10 .. Fri 2024-01-12 local, 360 minutes from 10:00 AEDT.
  for (unsigned day = 10; day <= 12; ++day) {
    const BarSeries one = ClockSeries("BHP.AX", Interval::k1m, Utc(2024, 1, day, 10) - 11 * 3600,
                                      Utc(2024, 1, day, 16) - 11 * 3600, 60);
    for (size_t i = 0; i < one.size(); ++i) s.push_back(one.at(i));
  }
  ASSERT_EQ(s.size(), 3u * 360u);
  WindowOptions opt;
  std::vector<Window> windows;
  BuildWindows(s, IndicatorColumns{}, {}, {}, "", opt, &windows);
  ASSERT_EQ(windows.size(), 3u) << "a UTC-day rule would cut each session in two";
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(windows[k].n_bars, 360u);
    EXPECT_EQ(windows[k].start_ts, Utc(2024, 1, 9 + static_cast<unsigned>(k), 23));  // 10:00 AEDT
    EXPECT_EQ(windows[k].end_ts, Utc(2024, 1, 10 + static_cast<unsigned>(k), 4, 59));
  }
  EXPECT_EQ(windows[0].id, "BHP.AX_1m_20240109T2300_20240110T0459");
  BarSeries daily;
  AggregateDaily(s, ExchangeOfTicker(s.ticker), &daily);
  ASSERT_EQ(daily.size(), 3u);
  EXPECT_EQ(daily.ts[0], Utc(2024, 1, 10));  // the Sydney date, not 01-09
  EXPECT_EQ(daily.ts[2], Utc(2024, 1, 12));
  EXPECT_EQ(daily.open[0], s.open[0]);
  EXPECT_EQ(daily.close[0], s.close[359]);
  EXPECT_EQ(DailyIndexOf(daily, ExchangeOfTicker(s.ticker), Utc(2024, 1, 10, 23, 30)), 1u);
  // The exchange setting overrides the suffix: on UTC days the sessions split.
  opt.exchange = "UTC";
  BuildWindows(s, IndicatorColumns{}, {}, {}, "", opt, &windows);
  EXPECT_EQ(windows.size(), 4u);  // 01-09 (60 bars), 01-10, 01-11 (360 each), 01-12 (300)
}

// N-hour windows over the US switches: blocks of 4 h from 09:30 New York
// time; the one holding 02:00 local spans 3 real hours in March, 5 in
// November. 15-minute bars round the clock.
TEST(IntradayWindowsTest, DaylightSavingDaysHaveAnHourLessOrMore) {
  WindowOptions opt;
  opt.intraday_hours = 4;
  opt.min_bars = 1;
  for (const auto& [day, bars_expected] : std::vector<std::pair<unsigned, size_t>>{{10, 12}, {3, 20}}) {
    const bool march = bars_expected == 12;
    const int64_t from = march ? Utc(2024, 3, 9) : Utc(2024, 11, 2);
    const BarSeries s = ClockSeries("SPY", Interval::k15m, from, from + 3 * kDay, 900);
    std::vector<Window> windows;
    BuildWindows(s, IndicatorColumns{}, {}, {}, "", opt, &windows);
    // The block [01:30, 05:30) local of the switch day.
    const int64_t before = march ? 5 * 3600 : 4 * 3600;  // offset before the switch
    const int64_t start = Utc(2024, march ? 3 : 11, day, 1, 30) + before;
    auto it = std::find_if(windows.begin(), windows.end(), [&](const Window& w) { return w.start_ts == start; });
    ASSERT_NE(it, windows.end()) << FormatDateTime(start);
    EXPECT_EQ(it->n_bars, bars_expected);
    // The same block the day before spans 4 hours.
    auto prev = std::find_if(windows.begin(), windows.end(), [&](const Window& w) { return w.start_ts == start - kDay; });
    ASSERT_NE(prev, windows.end());
    EXPECT_EQ(prev->n_bars, 16u);
  }
}

// London's switch (2024-03-31, 01:00 UTC): the 08:00 open is 08:00 UTC before
// and 07:00 UTC after; hourly windows start at the local open either way.
TEST(IntradayWindowsTest, LondonSessionsFollowBritishSummerTime) {
  BarSeries s;
  s.ticker = "VOD.L";
  s.interval = Interval::k1m;
  for (const auto& [from, to] : std::vector<std::pair<int64_t, int64_t>>{
           {Utc(2024, 3, 28, 8), Utc(2024, 3, 28, 16, 30)}, {Utc(2024, 4, 2, 7), Utc(2024, 4, 2, 15, 30)}}) {
    const BarSeries one = ClockSeries("VOD.L", Interval::k1m, from, to, 60);
    for (size_t i = 0; i < one.size(); ++i) s.push_back(one.at(i));
  }
  WindowOptions opt;
  opt.intraday_hours = 1;
  std::vector<Window> windows;
  BuildWindows(s, IndicatorColumns{}, {}, {}, "", opt, &windows);
  ASSERT_EQ(windows.size(), 18u);  // 08:00..16:29 local: 8 full hours and a half, each day
  EXPECT_EQ(windows[0].start_ts, Utc(2024, 3, 28, 8));
  EXPECT_EQ(windows[9].start_ts, Utc(2024, 4, 2, 7));
  EXPECT_EQ(windows[9].n_bars, 60u);
  EXPECT_EQ(windows[17].n_bars, 30u);
}

// Pattern names on minute bars: the lookbacks are bars, so no "52-week" or
// "20-day" name appears in a minute series' summaries; daily names stay.
TEST(IntradayWindowsTest, MinuteSummariesNameLookbacksInBars) {
  BarSeries s = ClockSeries("SYN", Interval::k1m, Utc(2024, 3, 4, 14, 30), Utc(2024, 3, 4, 21), 60);
  // A steady climb after 300 flat minutes: 20- and 252-bar high breakouts.
  for (size_t i = 0; i < s.size(); ++i) {
    const double c = i < 300 ? 50.0 + 0.1 * std::sin(static_cast<double>(i)) : 50.0 + 0.05 * static_cast<double>(i - 299);
    s.open[i] = c - 0.01, s.high[i] = c + 0.02, s.low[i] = c - 0.03, s.close[i] = c, s.adj_close[i] = c;
    s.volume[i] = i >= 300 ? 5000.0 : 500.0;
  }
  AnalysisOptions opt;
  SeriesAnalysis a;
  a.Analyze(s, "", opt);
  bool long_breakout = false;
  for (const PatternEvent& e : a.events) long_breakout |= e.kind == PatternKind::kBreakout52wHigh;
  ASSERT_TRUE(long_breakout) << "the test series should break its 252-bar high";
  bool named = false;
  for (const Window& w : a.windows) {
    if (w.interval != Interval::k1m) continue;
    EXPECT_EQ(w.summary.find("52-week"), std::string::npos) << w.summary;
    EXPECT_EQ(w.summary.find("20-day"), std::string::npos) << w.summary;
    named |= w.summary.find("252-bar high breakout") != std::string::npos;
  }
  EXPECT_TRUE(named);
  EXPECT_EQ(PatternKindPhrase(PatternKind::kBreakout52wHigh, Interval::k1d), "52-week high breakout");
  EXPECT_EQ(PatternKindPhrase(PatternKind::kBreakout20High, Interval::k1d), "20-day high breakout");
  EXPECT_EQ(PatternKindPhrase(PatternKind::kBreakdown52wLow, Interval::k5m), "252-bar low breakdown");
  EXPECT_EQ(PatternKindPhrase(PatternKind::kBreakout52wHigh, Interval::k1wk), "252-week high breakout");
  EXPECT_EQ(PatternKindPhrase(PatternKind::kGoldenCross, Interval::k1m), PatternKindPhrase(PatternKind::kGoldenCross));
}

}  // namespace
}  // namespace ohlcv
