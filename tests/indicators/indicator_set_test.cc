// IndicatorSet: names, warm-up, agreement with naive twins across block
// boundaries, degenerate inputs, buffer reuse.
#include "indicators/indicator_set.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "indicators/naive_indicators.h"

namespace ohlcv {
namespace {

// First row with a value, per indicator (documented in the kernel headers).
size_t FirstValidRow(Indicator id) {
  switch (id) {
    case Indicator::kSma20: case Indicator::kBbUpper: case Indicator::kBbMiddle:
    case Indicator::kBbLower: case Indicator::kBbPercentB: case Indicator::kBbBandwidth:
    case Indicator::kCci20: case Indicator::kVwap20:
      return 19;
    case Indicator::kSma50: return 49;
    case Indicator::kSma200: return 199;
    case Indicator::kEma12: return 11;
    case Indicator::kEma26: return 25;
    case Indicator::kMacd: case Indicator::kMacdSignal: case Indicator::kMacdHist: return 33;
    case Indicator::kRsi14: case Indicator::kAtr14: case Indicator::kPlusDi14:
    case Indicator::kMinusDi14: case Indicator::kMfi14:
      return 14;
    case Indicator::kAdx14: return 27;
    case Indicator::kStochK: case Indicator::kStochD: return 17;
    case Indicator::kWillR14: return 13;
    case Indicator::kRoc10: return 10;
    case Indicator::kObv: case Indicator::kVwapCum: case Indicator::kDrawdown: return 0;
    case Indicator::kReturn1: return 1;
    case Indicator::kReturn5: return 5;
    case Indicator::kReturn20: case Indicator::kVolatility20: return 20;
    case Indicator::kCount: break;
  }
  return 0;
}

Indicator Id(size_t i) { return static_cast<Indicator>(i); }

// A seeded random walk with the quirks of real data: unchanged closes,
// zero-range bars, gaps.
BarSeries RandomWalk(size_t n, uint64_t seed) {
  BarSeries s;
  s.ticker = "RW";
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.015);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double close = 50.0;
  for (size_t i = 0; i < n; ++i) {
    Bar b;
    b.ts = static_cast<int64_t>(i) * 86400;
    b.open = close * (1 + 0.003 * (unit(rng) - 0.5));
    if (unit(rng) > 0.05) close = std::round(close * std::exp(step(rng)) * 100) / 100;  // else unchanged
    const bool flat = unit(rng) < 0.01;
    b.open = flat ? close : b.open;
    b.close = close;
    b.high = flat ? close : std::max(b.open, close) * (1 + 0.01 * unit(rng));
    b.low = flat ? close : std::min(b.open, close) * (1 - 0.01 * unit(rng));
    b.volume = std::floor(1e5 + 1e6 * unit(rng));
    s.push_back(b);
  }
  return s;
}

BarSeries Constant(size_t n, double price, double volume) {
  BarSeries s;
  for (size_t i = 0; i < n; ++i) s.push_back(Bar{static_cast<int64_t>(i) * 86400, price, price, price, price, volume});
  return s;
}

TEST(IndicatorNamesTest, RoundTripAndAliases) {
  std::set<std::string> seen;
  for (size_t i = 0; i < kIndicatorCount; ++i) {
    const std::string_view name = IndicatorName(Id(i));
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(seen.insert(std::string(name)).second) << "duplicate name " << name;
    EXPECT_EQ(ParseIndicator(name), Id(i)) << name;
  }
  EXPECT_EQ(IndicatorName(Indicator::kMacdSignal), "macd_signal");
  EXPECT_EQ(IndicatorName(Indicator::kBbPercentB), "bb_pctb");
  EXPECT_EQ(ParseIndicator("RSI"), Indicator::kRsi14);
  EXPECT_EQ(ParseIndicator("adx"), Indicator::kAdx14);
  EXPECT_EQ(ParseIndicator("Williams %R"), Indicator::kWillR14);
  EXPECT_EQ(ParseIndicator("-DI"), Indicator::kMinusDi14);
  EXPECT_EQ(ParseIndicator("+di"), Indicator::kPlusDi14);
  EXPECT_EQ(ParseIndicator("SMA200"), Indicator::kSma200);
  EXPECT_EQ(ParseIndicator("macd-hist"), Indicator::kMacdHist);
  EXPECT_EQ(ParseIndicator("vwap"), Indicator::kVwap20);
  EXPECT_EQ(ParseIndicator("nonsense"), std::nullopt);
  EXPECT_EQ(ParseIndicator(""), std::nullopt);
}

// 3,000 bars cross two internal block boundaries; every column must agree
// with its naive twin and have exactly the documented warm-up.
TEST(IndicatorSetTest, MatchesNaiveTwinsAcrossBlocks) {
  const BarSeries bars = RandomWalk(3000, 7);
  IndicatorSet set;
  set.Compute(bars);
  ASSERT_EQ(set.size(), bars.size());
  testing::NaiveIndicators want = testing::ComputeNaive(bars);
  for (size_t i = 0; i < kIndicatorCount; ++i) {
    const Indicator id = Id(i);
    const auto col = set.column(id);
    ASSERT_EQ(col.size(), bars.size());
    size_t bad = 0;
    for (size_t t = 0; t < bars.size(); ++t) {
      const double got = col[t], exp = want[id][t];
      const bool warm = t < FirstValidRow(id);
      if (warm != std::isnan(got) || (!warm && !std::isfinite(got))) {
        if (++bad <= 3) ADD_FAILURE() << IndicatorName(id) << " row " << t << " got " << got;
        continue;
      }
      if (warm) continue;
      const double tol = 1e-9 * std::max(std::fabs(got), std::fabs(exp)) + 1e-10;
      if (!(std::fabs(got - exp) <= tol) && ++bad <= 3) {
        ADD_FAILURE() << IndicatorName(id) << " row " << t << " got " << got << " want " << exp;
      }
    }
    EXPECT_EQ(bad, 0u) << IndicatorName(id);
  }
}

// No look-ahead and no dependence on the series length: a prefix computes to
// exactly the same values, including prefixes shorter than every warm-up.
TEST(IndicatorSetTest, PrefixGivesIdenticalValues) {
  const BarSeries bars = RandomWalk(2700, 11);
  IndicatorSet full;
  full.Compute(bars);
  for (size_t n : {0, 1, 2, 5, 13, 19, 34, 199, 200, 1279, 1280, 1281, 2599}) {
    BarSeries prefix = bars;
    for (auto* v : {&prefix.open, &prefix.high, &prefix.low, &prefix.close, &prefix.volume, &prefix.adj_close}) v->resize(n);
    prefix.ts.resize(n);
    IndicatorSet part;
    part.Compute(prefix);
    ASSERT_EQ(part.size(), n);
    for (size_t i = 0; i < kIndicatorCount; ++i) {
      for (size_t t = 0; t < n; ++t) {
        const double a = part.at(Id(i), t), b = full.at(Id(i), t);
        ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b)
            << IndicatorName(Id(i)) << " n=" << n << " row " << t << ": " << a << " vs " << b;
      }
    }
  }
}

TEST(IndicatorSetTest, SeriesShorterThanWarmUpIsAllNaN) {
  const BarSeries bars = RandomWalk(12, 3);
  IndicatorSet set;
  set.Compute(bars);
  for (size_t i = 0; i < kIndicatorCount; ++i) {
    for (size_t t = 0; t < bars.size(); ++t) {
      EXPECT_EQ(std::isnan(set.at(Id(i), t)), t < FirstValidRow(Id(i))) << IndicatorName(Id(i)) << " row " << t;
    }
  }
  for (Indicator id : {Indicator::kSma20, Indicator::kSma200, Indicator::kMacd, Indicator::kAdx14,
                       Indicator::kStochD, Indicator::kCci20, Indicator::kVolatility20}) {
    for (double x : set.column(id)) EXPECT_TRUE(std::isnan(x)) << IndicatorName(id);
  }
  IndicatorSet empty;
  empty.Compute(BarSeries{});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.column(Indicator::kSma20).empty());
}

// Constant prices: wherever TA-Lib answers 0 for a zero range, zero gain or
// zero deviation we do too; nothing is NaN or infinite after warm-up.
TEST(IndicatorSetTest, ConstantPricesGiveFiniteValues) {
  const BarSeries bars = Constant(400, 101.37, 5000);
  IndicatorSet set;
  set.Compute(bars);
  for (size_t i = 0; i < kIndicatorCount; ++i) {
    for (size_t t = FirstValidRow(Id(i)); t < bars.size(); ++t) {
      ASSERT_TRUE(std::isfinite(set.at(Id(i), t))) << IndicatorName(Id(i)) << " row " << t;
    }
  }
  const size_t last = bars.size() - 1;
  for (Indicator id : {Indicator::kRsi14, Indicator::kAtr14, Indicator::kAdx14, Indicator::kPlusDi14,
                       Indicator::kMinusDi14, Indicator::kStochK, Indicator::kStochD, Indicator::kWillR14,
                       Indicator::kCci20, Indicator::kMfi14, Indicator::kRoc10, Indicator::kReturn1,
                       Indicator::kReturn20, Indicator::kVolatility20, Indicator::kDrawdown,
                       Indicator::kBbBandwidth}) {
    EXPECT_EQ(set.at(id, last), 0.0) << IndicatorName(id);
  }
  EXPECT_EQ(set.at(Indicator::kBbPercentB, last), 0.5);
  EXPECT_NEAR(set.at(Indicator::kSma200, last), 101.37, 1e-9);
  EXPECT_NEAR(set.at(Indicator::kBbUpper, last), 101.37, 1e-9);
  EXPECT_NEAR(set.at(Indicator::kMacdHist, last), 0.0, 1e-9);
  EXPECT_EQ(set.at(Indicator::kObv, last), 5000.0);  // first volume, never moved
}

// Zero volume: MFI is 0 (TA-Lib), VWAP falls back to the mean typical price.
TEST(IndicatorSetTest, ZeroVolumeKeepsVolumeIndicatorsFinite) {
  BarSeries bars = RandomWalk(300, 5);
  for (double& v : bars.volume) v = 0;
  IndicatorSet set;
  set.Compute(bars);
  auto tp = [&](size_t t) { return (bars.high[t] + bars.low[t] + bars.close[t]) / 3; };
  double tp_sum = 0;
  for (size_t t = 0; t < bars.size(); ++t) {
    tp_sum += tp(t);
    EXPECT_EQ(set.at(Indicator::kObv, t), 0.0);
    EXPECT_NEAR(set.at(Indicator::kVwapCum, t), tp_sum / (t + 1), 1e-9);
    if (t >= 14) {
      EXPECT_EQ(set.at(Indicator::kMfi14, t), 0.0);
    }
    if (t >= 19) {
      double window = 0;
      for (size_t i = t - 19; i <= t; ++i) window += tp(i);
      EXPECT_NEAR(set.at(Indicator::kVwap20, t), window / 20, 1e-9);
    }
  }
}

// One set reused: longer, then shorter, then longer again must equal fresh
// sets (no state or stale cells leak between Compute calls).
TEST(IndicatorSetTest, ReuseForLongerThenShorterSeries) {
  const BarSeries long_bars = RandomWalk(2000, 21);
  const BarSeries short_bars = RandomWalk(300, 22);
  IndicatorSet reused;
  for (const BarSeries* bars : {&long_bars, &short_bars, &long_bars}) {
    reused.Compute(*bars);
    IndicatorSet fresh;
    fresh.Compute(*bars);
    ASSERT_EQ(reused.size(), bars->size());
    for (size_t i = 0; i < kIndicatorCount; ++i) {
      for (size_t t = 0; t < bars->size(); ++t) {
        const double a = reused.at(Id(i), t), b = fresh.at(Id(i), t);
        ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << IndicatorName(Id(i)) << " row " << t;
      }
    }
  }
  const double kept = reused.at(Indicator::kSma20, 100);
  IndicatorSet moved = std::move(reused);
  EXPECT_EQ(moved.size(), long_bars.size());
  EXPECT_EQ(moved.at(Indicator::kSma20, 100), kept);
}

// Volatility is annualised with the series' interval.
TEST(IndicatorSetTest, VolatilityUsesBarsPerYear) {
  BarSeries daily = RandomWalk(100, 9);
  BarSeries weekly = daily;
  weekly.interval = Interval::k1wk;
  IndicatorSet d, w;
  d.Compute(daily);
  w.Compute(weekly);
  EXPECT_NEAR(d.at(Indicator::kVolatility20, 99) / w.at(Indicator::kVolatility20, 99), std::sqrt(252.0 / 52.0),
              1e-12);
}

}  // namespace
}  // namespace ohlcv
