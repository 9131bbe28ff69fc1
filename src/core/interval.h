// Bar interval: how much time one bar covers.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace ohlcv {

// Persisted in the bar store: never renumber, only append.
enum class Interval : uint8_t {
  k1m = 0,
  k5m = 1,
  k15m = 2,
  k30m = 3,
  k1h = 4,
  k1d = 5,
  k1wk = 6,
  k1mo = 7,
};

// "1m", "5m", "15m", "30m", "1h", "1d", "1wk", "1mo".
std::string_view IntervalName(Interval interval);

// Accepts the names above plus common spellings ("60m", "1day", "daily",
// "1w", "weekly", "monthly"), case-insensitive. InvalidArgument otherwise,
// listing the accepted names.
Result<Interval> ParseInterval(std::string_view text);

// Nominal length in seconds (a month counts 30 days).
int64_t IntervalSeconds(Interval interval);

// Bars per year used to annualise volatility (252 trading days for daily bars,
// 252 * 6.5 hours for hourly, ...).
double BarsPerYear(Interval interval);

inline bool IsIntraday(Interval interval) { return interval < Interval::k1d; }

}  // namespace ohlcv
