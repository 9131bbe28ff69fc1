// Window metadata: the exact figures of one window, and the small kernels
// that define them (also usable on their own, e.g. by answer/ for an
// arbitrary date range).
//
// Definitions (closes c[0..n-1], highs, lows and volumes of the window's bars):
//   open           first bar's open; first_close = c[0]; close = c[n-1]
//   high / low     max of highs / min of lows; *_ts = the first bar reaching it
//   return_pct     (c[n-1] / c[0] - 1) * 100
//   volatility     sample stdev (n-2 denominator over the n-1 log returns
//                  ln(c[i]/c[i-1]) inside the window) * sqrt(BarsPerYear) * 100;
//                  NaN with fewer than 2 returns
//   max_drawdown   min over i of (c[i] / max(c[0..i]) - 1) * 100, <= 0
//   avg_volume     mean volume of the window's bars
//   relative_volume avg_volume / mean volume of the min(volume_lookback, start)
//                  bars before the window; NaN when fewer than
//                  min_volume_lookback bars precede it or their mean is 0
//   trend          trend state at the last bar
//   last           indicator values at the last bar (NaN in warm-up);
//                  rsi14_max/min = extremes of RSI14 over the window's bars,
//                  ignoring NaN (NaN when all are NaN)
//   patterns       events with start <= bar < start + n, ordered by bar
// Sums run in bar order in double precision, so a test (or a user with a
// spreadsheet) repeating the same loop gets the same digits.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/bar_series.h"
#include "core/window.h"
#include "windows/window_builder.h"

namespace ohlcv {

// Annualised volatility in % of `closes` (see above). NaN when closes.size() < 3.
double AnnualisedVolatilityPct(std::span<const double> closes, double bars_per_year);
// The same from the window's log returns ln(c[i]/c[i-1]), i = 1..n-1 (one
// fewer than its closes); bit-identical to AnnualisedVolatilityPct. NaN when
// fewer than 2 returns.
double AnnualisedVolatilityPctFromLogReturns(std::span<const double> log_returns,
                                             double bars_per_year);

// out[i] = ln(close[i] / close[i-1]) for i >= 1, out[0] = NaN: computed once
// per series so overlapping windows do not repeat the logarithms.
void SeriesLogReturns(std::span<const double> closes, std::vector<double>* out);

// Worst peak-to-trough decline of `closes` in %, <= 0 (0 for an empty span).
double MaxDrawdownPct(std::span<const double> closes);

// Mean of `values`; NaN for an empty span.
double Mean(std::span<const double> values);

// Fills every field of *w except id, sector, summary and shape from bars
// [start, start + n_bars). `sorted_events` must be sorted by bar.
// `series_log_returns`: SeriesLogReturns of bars.close, or empty to compute
// the window's own (same result, slower when windows overlap).
// REQUIRES: n_bars >= 1, start + n_bars <= bars.size().
void ComputeWindowMetadata(const BarSeries& bars, const IndicatorColumns& ind,
                           std::span<const PatternEvent> sorted_events,
                           std::span<const TrendState> trend,
                           std::span<const double> series_log_returns, size_t start,
                           size_t n_bars, const WindowOptions& opt, Window* w);

}  // namespace ohlcv
