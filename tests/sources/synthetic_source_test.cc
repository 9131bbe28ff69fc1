#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <set>

#include "core/exchange.h"

#include "sources/bar_check.h"
#include "sources/source.h"
#include "util/time.h"

namespace ohlcv {
namespace {

BarSeries FetchOne(Source& src, const std::string& ticker, const FetchRequest& req = {}) {
  auto r = src.Fetch(ticker, req);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || r->series.empty()) return {};
  EXPECT_EQ(r->series.size(), 1u);
  EXPECT_TRUE(r->issues.empty());
  return r->series[0];
}

int Weekday(int64_t ts) {  // 0 = Sunday
  int64_t days = ts / 86400;
  return static_cast<int>((days + 4) % 7);
}

void ExpectValid(const BarSeries& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    Bar b = s.at(i);
    ASSERT_EQ(CheckBar(b), std::nullopt) << i;
    ASSERT_EQ(RangeNote(b), std::nullopt) << i;  // synthetic bars are always in range
    ASSERT_LE(b.low, std::min(b.open, b.close)) << i;
    ASSERT_GE(b.high, std::max(b.open, b.close)) << i;
    ASSERT_GE(b.volume, 100) << i;
    if (i > 0) {
      ASSERT_GT(s.ts[i], s.ts[i - 1]) << i;
    }
  }
}

TEST(SyntheticSourceTest, PlanDefaultsToDemoTickersAndNormalizes) {
  auto src = NewSyntheticSource({});
  EXPECT_EQ(src->name(), "synthetic");
  auto plan = src->Plan({});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(*plan, (std::vector<std::string>{"AAPL", "MSFT", "GOOGL", "AMZN"}));
  FetchRequest req;
  req.tickers = {" nvda", "NVDA", "spy"};
  EXPECT_EQ(*src->Plan(req), (std::vector<std::string>{"NVDA", "SPY"}));
  req.tickers = {" "};
  EXPECT_EQ(src->Plan(req).status().code(), StatusCode::kInvalidArgument);
}

TEST(SyntheticSourceTest, DeterministicPerSeedAndTicker) {
  auto a = NewSyntheticSource({});
  auto b = NewSyntheticSource({});
  BarSeries x = FetchOne(*a, "AAPL");
  BarSeries y = FetchOne(*b, "aapl");
  ASSERT_EQ(x.size(), 1260u);
  EXPECT_EQ(x.ticker, "AAPL");
  EXPECT_EQ(x.ts, y.ts);
  EXPECT_EQ(x.close, y.close);
  EXPECT_EQ(x.volume, y.volume);

  BarSeries other_ticker = FetchOne(*a, "MSFT");
  EXPECT_NE(other_ticker.close, x.close);
  SyntheticSourceOptions o;
  o.seed = 7;
  BarSeries other_seed = FetchOne(*NewSyntheticSource(o), "AAPL");
  EXPECT_NE(other_seed.close, x.close);
}

// Golden values: the stream must be bit-identical on every platform and
// build. If this fails after an intended model change, update the values.
TEST(SyntheticSourceTest, GoldenValuesForSeed42) {
  BarSeries s = FetchOne(*NewSyntheticSource({}), "AAPL");
  ASSERT_EQ(s.size(), 1260u);
  EXPECT_EQ(FormatDate(s.ts[0]), "2015-01-02");
  double sum_close = 0, sum_volume = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    sum_close += s.close[i];
    sum_volume += s.volume[i];
  }
  EXPECT_EQ(FormatDate(s.ts.back()), "2019-11-14");
  EXPECT_EQ(s.close[0], 79.49);
  EXPECT_EQ(s.close.back(), 62.17);
  EXPECT_EQ(sum_close, 85535.669999999955);
  EXPECT_EQ(sum_volume, 21392163750.0);
}

TEST(SyntheticSourceTest, DailyBarsAreValidTradingDays) {
  auto src = NewSyntheticSource({});
  for (const char* t : {"AAPL", "MSFT", "GOOGL", "AMZN", "XOM", "JPM"}) {
    BarSeries s = FetchOne(*src, t);
    ASSERT_EQ(s.size(), 1260u);
    ExpectValid(s);
    for (int64_t ts : s.ts) {
      ASSERT_EQ(ts % 86400, 0);
      int wd = Weekday(ts);
      ASSERT_TRUE(wd >= 1 && wd <= 5) << FormatDate(ts);
      CivilDate c = CivilFromTs(ts);
      ASSERT_FALSE(c.month == 12 && c.day == 25) << FormatDate(ts);
    }
  }
}

TEST(SyntheticSourceTest, HasRegimesGapsAndVolumeLinkedToMoves) {
  BarSeries s = FetchOne(*NewSyntheticSource({}), "AAPL");
  size_t gaps = 0;
  int up_runs = 0, down_runs = 0;
  double abs_ret_hi_vol = 0, abs_ret_lo_vol = 0;
  size_t n_hi = 0, n_lo = 0;
  double vol_median_guess = 0;
  for (double v : s.volume) vol_median_guess += v;
  vol_median_guess /= static_cast<double>(s.size());
  for (size_t i = 1; i < s.size(); ++i) {
    if (std::fabs(s.open[i] / s.close[i - 1] - 1) > 0.02) ++gaps;
    double r = std::fabs(s.close[i] / s.open[i] - 1);
    if (s.volume[i] > vol_median_guess) {
      abs_ret_hi_vol += r;
      ++n_hi;
    } else {
      abs_ret_lo_vol += r;
      ++n_lo;
    }
  }
  // 60-bar returns: both rising and falling stretches exist.
  for (size_t i = 60; i < s.size(); i += 60) {
    double r = s.close[i] / s.close[i - 60] - 1;
    up_runs += r > 0.05;
    down_runs += r < -0.05;
  }
  EXPECT_GE(gaps, 5u);
  EXPECT_LE(gaps, 120u);
  EXPECT_GE(up_runs, 1);
  EXPECT_GE(down_runs, 1);
  ASSERT_GT(n_hi, 0u);
  ASSERT_GT(n_lo, 0u);
  EXPECT_GT(abs_ret_hi_vol / n_hi, abs_ret_lo_vol / n_lo);  // volume follows |return|
}

TEST(SyntheticSourceTest, StartEndSelectBarsOfTheSameStream) {
  auto src = NewSyntheticSource({});
  BarSeries full = FetchOne(*src, "AAPL");
  FetchRequest req;
  req.start = full.ts[100];
  req.end = full.ts[199];
  BarSeries part = FetchOne(*src, "AAPL", req);
  ASSERT_EQ(part.size(), 100u);
  EXPECT_EQ(part.ts.front(), full.ts[100]);
  EXPECT_EQ(part.close.front(), full.close[100]);
  EXPECT_EQ(part.close.back(), full.close[199]);

  // A start alone runs up to now, on the same stream.
  SyntheticSourceOptions pinned;
  pinned.now_ts = full.ts[1259] + 22 * 3600;  // after that day's session closed
  FetchRequest from;
  from.start = full.ts[100];
  BarSeries tail = FetchOne(*NewSyntheticSource(pinned), "AAPL", from);
  ASSERT_EQ(tail.size(), 1160u);
  EXPECT_EQ(tail.close[0], full.close[100]);
  EXPECT_EQ(tail.close[1159], full.close[1259]);

  // An end beyond the default length extends the same stream.
  FetchRequest longer;
  longer.end = full.ts.back() + 30 * 86400;
  BarSeries ext = FetchOne(*src, "AAPL", longer);
  ASSERT_GT(ext.size(), full.size());
  EXPECT_EQ(ext.close[full.size() - 1], full.close.back());

  FetchRequest before;
  before.end = full.ts[0] - 1;
  auto none = src->Fetch("AAPL", before);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->series.empty());
}

TEST(SyntheticSourceTest, IntradayBarsStayInsideTheSession) {
  auto src = NewSyntheticSource({});
  for (Interval iv : {Interval::k1m, Interval::k5m, Interval::k1h}) {
    FetchRequest req;
    req.interval = iv;
    BarSeries s = FetchOne(*src, "MSFT", req);
    ASSERT_EQ(s.size(), 1260u);
    EXPECT_EQ(s.interval, iv);
    ExpectValid(s);
    LocalClock ny(*FindExchange("XNYS"));
    for (size_t i = 0; i < s.size(); ++i) {
      // 09:30-16:00 New York time (14:30-21:00 UTC in winter, 13:30-20:00 in summer).
      int64_t tod = ny.ToLocal(s.ts[i]) % 86400;
      ASSERT_GE(tod, 9 * 3600 + 1800);
      ASSERT_LT(tod, 16 * 3600);
      int wd = Weekday(s.ts[i]);
      ASSERT_TRUE(wd >= 1 && wd <= 5);
      if (i > 0 && s.ts[i] / 86400 == s.ts[i - 1] / 86400) {
        ASSERT_EQ(s.ts[i] - s.ts[i - 1], IntervalSeconds(iv));
      }
    }
  }
}

// Intraday bars follow the ticker's exchange (issue 16): a Sydney ticker's
// 10:00-16:00 session in its summer runs 23:00-05:00 UTC, one session per
// Sydney trading date; New York's session moves to 13:30 UTC under DST.
TEST(SyntheticSourceTest, IntradaySessionsAreInTheExchangesLocalHours) {
  auto src = NewSyntheticSource({});
  FetchRequest req;
  req.interval = Interval::k1m;
  req.start = ParseTimestamp("2024-01-08").value();  // Monday
  req.end = ParseTimestamp("2024-01-13").value();
  BarSeries ax = FetchOne(*src, "BHP.AX", req);
  ExpectValid(ax);
  LocalClock sydney(*FindExchange("XASX"));
  std::set<int64_t> dates;
  for (size_t i = 0; i < ax.size(); ++i) {
    const int64_t local = sydney.ToLocal(ax.ts[i]);
    ASSERT_GE(local % 86400, 10 * 3600) << FormatIso8601(ax.ts[i]);
    ASSERT_LT(local % 86400, 16 * 3600) << FormatIso8601(ax.ts[i]);
    dates.insert(local / 86400);
  }
  // Sessions of Sydney dates 01-08 .. 01-12 (Mon-Fri) start 23:00 UTC the day
  // before; the one of 01-13 (Saturday) does not exist. The range starts at
  // 00:00 UTC = 11:00 AEDT, an hour into the session of 01-08.
  EXPECT_EQ(ax.ts.front(), ParseTimestamp("2024-01-08T00:00:00Z").value());
  EXPECT_EQ(sydney.Format(ax.ts.front()), "2024-01-08 11:00 AEDT");
  EXPECT_EQ(ax.ts[300], ParseTimestamp("2024-01-08T23:00:00Z").value());  // 01-09 10:00 AEDT
  EXPECT_EQ(dates.size(), 5u);
  EXPECT_EQ(ax.size(), 300u + 4u * 360);
  req.start = ParseTimestamp("2024-07-01").value();  // New York in daylight time
  req.end = ParseTimestamp("2024-07-02").value();
  BarSeries us = FetchOne(*src, "AAPL", req);
  ASSERT_FALSE(us.empty());
  EXPECT_EQ(us.ts.front(), ParseTimestamp("2024-07-01T13:30:00Z").value());  // 09:30 EDT
}

// `--period 1y` is a start a year before now and no end: a year of bars that
// ends at now, never after (issue 16: the generator used to write 2025-2030).
TEST(SyntheticSourceTest, APeriodGivesThePastAndNeverTheFuture) {
  const int64_t now = ParseTimestamp("2026-12-07").value() + 15 * 3600;  // a Monday, 15:00 UTC
  SyntheticSourceOptions o;
  o.now_ts = now;
  auto src = NewSyntheticSource(o);
  EXPECT_TRUE(src->synthetic());
  FetchRequest year;
  year.start = now - 365 * 86400;
  BarSeries d = FetchOne(*src, "AAPL", year);
  // Weekdays less three holidays: about 258 in a year.
  ASSERT_GE(d.size(), 255u);
  ASSERT_LE(d.size(), 262u);
  EXPECT_GE(d.ts.front(), *year.start);
  EXPECT_LE(d.ts.back(), now);
  EXPECT_GT(d.ts.back(), now - 4 * 86400);
  ExpectValid(d);

  // One month of 1-minute bars: about 21 sessions of 390 bars, up to 15:00 today.
  FetchRequest month;
  month.interval = Interval::k1m;
  month.start = now - 30 * 86400;
  BarSeries m = FetchOne(*src, "AAPL", month);
  EXPECT_GT(m.size(), 19u * 390);
  EXPECT_LT(m.size(), 23u * 390);
  EXPECT_LE(m.ts.back(), now);
  EXPECT_EQ(m.ts.back(), now - 60);  // bars are stamped at their open: 14:59 is the last one ended
  ExpectValid(m);
  // A session is the same whatever range asked for it.
  FetchRequest day;
  day.interval = Interval::k1m;
  day.start = m.ts[m.size() - 400];
  day.end = m.ts[m.size() - 300];
  BarSeries part = FetchOne(*src, "AAPL", day);
  ASSERT_EQ(part.size(), 101u);
  EXPECT_EQ(part.close.front(), m.close[m.size() - 400]);
  EXPECT_EQ(part.close.back(), m.close[m.size() - 300]);
  // An end in the future is clipped to now.
  FetchRequest future;
  future.start = now - 10 * 86400;
  future.end = now + 400 * 86400;
  BarSeries f = FetchOne(*src, "AAPL", future);
  ASSERT_FALSE(f.empty());
  EXPECT_LE(f.ts.back(), now);
}

TEST(SyntheticSourceTest, WeeklyAndMonthlyBars) {
  auto src = NewSyntheticSource({});
  FetchRequest wk;
  wk.interval = Interval::k1wk;
  BarSeries w = FetchOne(*src, "AAPL", wk);
  ExpectValid(w);
  for (int64_t ts : w.ts) ASSERT_EQ(Weekday(ts), 1);
  FetchRequest mo;
  mo.interval = Interval::k1mo;
  BarSeries m = FetchOne(*src, "AAPL", mo);
  ExpectValid(m);
  for (int64_t ts : m.ts) ASSERT_EQ(CivilFromTs(ts).day, 1u);
  EXPECT_EQ(FormatDate(m.ts[1]), "2015-02-01");
}

}  // namespace
}  // namespace ohlcv
