// Hand-built daily series for the windows tests: deterministic, no shared
// data needed.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "core/bar_series.h"

namespace ohlcv::testing {

inline constexpr int64_t kDay = 86400;
inline constexpr int64_t kTs20190301 = 1551398400;  // 2019-03-01 00:00 UTC

// n daily bars from 2019-03-01, one per calendar day. Close wanders with a
// deterministic mix of sines so highs, lows and drawdowns fall on distinct
// bars; volume varies by bar so averages differ by window.
inline BarSeries WavySeries(size_t n, const std::string& ticker = "TEST") {
  BarSeries s;
  s.ticker = ticker;
  s.interval = Interval::k1d;
  for (size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    const double close = 100.0 + 10.0 * std::sin(x * 0.21) + 4.0 * std::sin(x * 1.37) + 0.05 * x;
    Bar b;
    b.ts = kTs20190301 + static_cast<int64_t>(i) * kDay;
    b.open = close - 0.5 * std::sin(x * 0.9);
    b.high = std::max(b.open, close) + 0.6 + 0.3 * std::sin(x * 2.1);
    b.low = std::min(b.open, close) - 0.7 - 0.2 * std::cos(x * 1.7);
    b.close = close;
    b.volume = 1'000'000.0 + 250'000.0 * std::sin(x * 0.5) + 1000.0 * static_cast<double>(i % 7);
    s.push_back(b);
  }
  return s;
}

}  // namespace ohlcv::testing
