// A seeded random OHLCV series for property tests: regimes of drift and
// volatility (so trends, crosses and reversals occur), overnight gaps,
// occasional volume bursts. Deterministic for a seed on one platform.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/bar_series.h"

namespace ohlcv::testing {

inline BarSeries SyntheticBars(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  BarSeries s;
  s.ticker = "SYN";
  s.reserve(n);
  double prev_close = 100, drift = 0, vol = 0.015;
  size_t regime_left = 0;
  for (size_t i = 0; i < n; ++i) {
    if (regime_left == 0) {
      regime_left = 40 + static_cast<size_t>(uniform(rng) * 200);
      const double d = uniform(rng);
      drift = d < 0.35 ? 0.002 : d < 0.7 ? -0.002 : 0.0;
      const double v = uniform(rng);
      vol = v < 0.3 ? 0.004 : v < 0.8 ? 0.012 : 0.025;
    }
    --regime_left;
    const double gap = uniform(rng) < 0.05 ? 0.02 * normal(rng) : 0.002 * normal(rng);
    const double open = prev_close * std::exp(gap);
    const double close = open * std::exp(drift + vol * normal(rng));
    const double high = std::max(open, close) * (1 + std::fabs(normal(rng)) * vol * 0.5);
    const double low = std::min(open, close) * (1 - std::fabs(normal(rng)) * vol * 0.5);
    double volume = 1e6 * std::exp(0.3 * normal(rng));
    if (uniform(rng) < 0.04) volume *= 2.5 + 2 * uniform(rng);
    s.push_back(Bar{1'420'070'400 + static_cast<int64_t>(i) * 86'400, open, high, low, close, volume,
                    close});
    prev_close = close;
  }
  return s;
}

// Bars [0, len) of s.
inline BarSeries Prefix(const BarSeries& s, size_t len) {
  BarSeries p;
  p.ticker = s.ticker;
  p.interval = s.interval;
  p.reserve(len);
  for (size_t i = 0; i < len; ++i) p.push_back(s.at(i));
  return p;
}

}  // namespace ohlcv::testing
