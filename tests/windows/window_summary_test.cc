#include "windows/window_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "test_series.h"
#include "util/time.h"

namespace ohlcv {
namespace {

int64_t Ts(const char* date) { return *ParseTimestamp(date); }

PatternEvent Event(PatternKind kind, const char* date, double value = 0) {
  return PatternEvent{kind, 0, Ts(date), Ts(date), value};
}

// The example of the issue, built field by field.
Window AaplExample() {
  Window w;
  w.ticker = "AAPL";
  w.sector = "Information Technology";
  w.interval = Interval::k1d;
  w.start_ts = Ts("2019-03-01");
  w.end_ts = Ts("2019-04-12");
  w.start_bar = 1048;
  w.n_bars = 30;
  w.first_close = 174.97;
  w.close = 198.87;
  w.return_pct = (198.87 / 174.97 - 1) * 100;  // 13.659...
  w.high = 200.23;
  w.high_ts = Ts("2019-04-11");
  w.low = 169.5;
  w.low_ts = Ts("2019-03-08");
  w.max_drawdown_pct = -3.0512;
  w.volatility = 18.249;
  w.relative_volume = 1.2749;
  w.trend = TrendState::kUp;
  w.last.rsi14_max = 71.234;
  w.last.rsi14_min = 48.0;
  w.patterns = {
      Event(PatternKind::kDoji, "2019-03-05"),
      Event(PatternKind::kGoldenCross, "2019-03-20", 180.1),
      Event(PatternKind::kDoji, "2019-03-21"),
      Event(PatternKind::kRsiOverbought, "2019-04-09", 71.234),
      Event(PatternKind::kDoji, "2019-04-01"),
  };
  return w;
}

TEST(WindowSummaryTest, IssueExampleExactly) {
  const Window w = AaplExample();
  EXPECT_EQ(WindowSummary(w, WindowOptions{}),
            "AAPL (Information Technology) 2019-03-01 to 2019-04-12: +13.7% rally (174.97 to "
            "198.87), uptrend; high 200.23 on 2019-04-11, low 169.50 on 2019-03-08; max "
            "drawdown -3.1%; volatility 18.2% annualised; golden cross (SMA50 above SMA200) on "
            "2019-03-20; RSI 71.2 overbought on 2019-04-09; doji 3 times, 2019-03-05 to "
            "2019-04-01; volume 1.3x its 50-day average.");
}

// A tiny series through the builder: every figure in the sentence is checked
// against values worked out by hand (volatility with a calculator:
// stdev of ln(11/10), ln(12/11), ln(10.8/12), ln(13/10.8), ln(14/13), n-1,
// times sqrt(252) = 168.336...%).
TEST(WindowSummaryTest, SmallHandBuiltSeriesExactly) {
  BarSeries bars;
  bars.ticker = "TEST";
  const int64_t t0 = Ts("2020-01-06");
  const double ohlcv[6][5] = {
      {10.00, 10.50, 9.80, 10.00, 1000}, {10.00, 11.20, 9.90, 11.00, 1500},
      {11.00, 12.10, 10.90, 12.00, 1200}, {12.00, 12.05, 10.40, 10.80, 2000},
      {10.80, 13.10, 10.70, 13.00, 1800}, {13.00, 14.20, 12.90, 14.00, 1600},
  };
  for (int i = 0; i < 6; ++i) {
    const auto& r = ohlcv[i];
    bars.push_back({t0 + i * testing::kDay, r[0], r[1], r[2], r[3], r[4]});
  }
  std::vector<TrendState> trend(6, TrendState::kUp);
  std::vector<PatternEvent> events = {
      {PatternKind::kVolumeSpike, 3, bars.ts[3], bars.ts[3], 2.1},
      {PatternKind::kGapUp, 4, bars.ts[4], bars.ts[4], 1.3},
  };
  std::vector<Window> ws;
  BuildWindows(bars, IndicatorColumns{}, events, trend, "", WindowOptions{}, &ws);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].summary,
            "TEST 2020-01-06 to 2020-01-11: +40.0% rally (10.00 to 14.00), uptrend; high 14.20 "
            "on 2020-01-11, low 9.80 on 2020-01-06; max drawdown -10.0%; volatility 168.3% "
            "annualised; gap up on 2020-01-10; volume spike on 2020-01-09.");
  EXPECT_NEAR(ws[0].volatility, 168.33619220547965, 1e-9);
}

TEST(WindowSummaryTest, SellOffOversoldHintAndShortVolumeLookback) {
  Window w = AaplExample();
  w.sector.clear();
  w.return_pct = -12.04;
  w.trend = TrendState::kDown;
  w.patterns.clear();
  w.last.rsi14_max = 55;
  w.last.rsi14_min = 24.96;
  w.start_bar = 30;  // only 30 bars before the window
  const std::string s = WindowSummary(w, WindowOptions{});
  EXPECT_EQ(s.rfind("AAPL 2019-03-01 to 2019-04-12: -12.0% sell-off (174.97 to 198.87), "
                    "downtrend;", 0), 0u) << s;
  EXPECT_NE(s.find("; RSI fell to 25.0 (oversold); volume 1.3x its 30-day average."),
            std::string::npos) << s;
  EXPECT_EQ(s.find("overbought"), std::string::npos);
}

TEST(WindowSummaryTest, NoVolumeClauseWithoutHistoryAndIntradayUnits) {
  Window w = AaplExample();
  w.relative_volume = kNaN;
  w.volatility = kNaN;
  w.patterns.clear();
  w.last.rsi14_max = kNaN;
  w.last.rsi14_min = kNaN;
  std::string s = WindowSummary(w, WindowOptions{});
  EXPECT_EQ(s.find("volume"), std::string::npos) << s;
  EXPECT_EQ(s.find("volatility"), std::string::npos) << s;
  EXPECT_EQ(s.back(), '.');

  w = AaplExample();
  w.interval = Interval::k1h;
  w.start_ts += 14 * 3600;
  s = WindowSummary(w, WindowOptions{});
  // Intraday windows speak the exchange's time: 14:00 UTC is 09:00 EST.
  EXPECT_NE(s.find("2019-03-01 09:00 EST to"), std::string::npos) << s;
  EXPECT_NE(s.find("its 50-bar average"), std::string::npos) << s;
}

TEST(WindowSummaryTest, RepeatedRsiEventsShowPeakAndCap) {
  Window w = AaplExample();
  w.patterns = {Event(PatternKind::kRsiOverbought, "2019-03-04", 70.5),
                Event(PatternKind::kRsiOverbought, "2019-03-28", 77.26),
                Event(PatternKind::kRsiOverbought, "2019-04-10", 72.0)};
  w.last.rsi14_max = 77.26;  // the window's peak, between two entries
  const std::string s = WindowSummary(w, WindowOptions{});
  EXPECT_NE(s.find("; RSI overbought 3 times, 2019-03-04 to 2019-04-10 (peak 77.3);"),
            std::string::npos) << s;
}

TEST(WindowSummaryTest, LengthCapKeepsMostImportantKindsFirst) {
  Window w = AaplExample();
  w.patterns.clear();
  for (int k = 0; k < static_cast<int>(PatternKind::kCount); ++k) {
    w.patterns.push_back(Event(static_cast<PatternKind>(k), "2019-03-11", 75));
    w.patterns.push_back(Event(static_cast<PatternKind>(k), "2019-04-02", 25));
  }
  WindowOptions opt;
  const std::string s = WindowSummary(w, opt);
  EXPECT_LE(s.size(), opt.max_summary_chars);
  EXPECT_NE(s.find("52-week high breakout 2 times"), std::string::npos) << s;
  EXPECT_NE(s.find("golden cross"), std::string::npos) << s;
  EXPECT_EQ(s.find("doji"), std::string::npos) << s;  // least important, dropped
  EXPECT_NE(s.find("; volume 1.3x its 50-day average."), std::string::npos) << s;

  opt.max_summary_chars = 10'000;
  const std::string all = WindowSummary(w, opt);
  for (int k = 0; k < static_cast<int>(PatternKind::kCount); ++k) {
    const auto kind = static_cast<PatternKind>(k);
    if (kind == PatternKind::kRsiOverbought || kind == PatternKind::kRsiOversold) continue;
    EXPECT_NE(all.find(std::string(PatternKindPhrase(kind)) + " 2 times"), std::string::npos)
        << PatternKindName(kind);
  }
}

// The summary writes dates without FormatDateTime (for speed); both must
// agree everywhere, including intraday times and years before 1970.
TEST(WindowSummaryTest, DatesMatchFormatDateTime) {
  Window w = AaplExample();
  w.ticker = "X";
  w.sector.clear();
  for (int64_t ts = -86400LL * 400; ts < 86400LL * 30000; ts += 86400LL * 37 + 1800 * 7) {
    w.start_ts = ts;
    const std::string s = WindowSummary(w, WindowOptions{});
    ASSERT_EQ(s.rfind("X " + FormatDateTime(ts) + " to ", 0), 0u) << ts << ": " << s;
  }
}

}  // namespace
}  // namespace ohlcv
