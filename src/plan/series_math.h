// The series a Measure names, one value per bar, computed from a BarSeries.
//
// Default-period indicators are copied from an IndicatorSet (the TA-Lib-equal
// kernels; computed here when the caller has none). Periods the IndicatorSet
// does not hold (SMA(n), EMA(n), RSI(n), ATR(n), n-bar return) follow the
// same TA-Lib conventions: SMA a running sum from row n-1; EMA seeded with the
// SMA of the first n closes, k = 2/(n+1); RSI and ATR Wilder-smoothed, seeded
// with the mean of the first n changes / true ranges, first value at row n.
// tests/plan/series_math_test.cc checks that each equals the IndicatorSet
// column at the default period. Warm-up cells are NaN. Percent measures
// (return, gap, volatility, drawdown) are in %.
//
// Thread-safety: pure functions (a thread_local IndicatorSet is reused).
#pragma once

#include <vector>

#include "core/bar_series.h"
#include "indicators/indicator_set.h"
#include "plan/plan.h"

namespace ohlcv {

// `indicators` may be null; when set it must have been computed over `bars`.
std::vector<double> MeasureSeries(const Measure& m, const BarSeries& bars, const IndicatorSet* indicators);

}  // namespace ohlcv
