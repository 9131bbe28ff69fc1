// Figures: the exact computations answers are made of, on stored bars.
//
// Each family lives in its own file: figures_price.cc (returns, highs and
// lows, drawdowns, volatility), figures_indicator.cc (indicator readings,
// threshold episodes, technical state), figures_cross.cc (rankings and
// correlations across tickers), figures_base_rate.cc (forward returns after
// events). Definitions are fixed and documented here so tests can recompute
// every figure straight from the CSV files:
//   - prices are the stored `close` (not adjusted), highs/lows the stored
//     `high`/`low`;
//   - a return over a range is last close / first close - 1 of the bars
//     inside the range, in %;
//   - a forward return after an event at bar t over h bars is
//     close[t+h] / close[t] - 1, measured only when bar t+h exists;
//   - correlations are Pearson over daily log returns between consecutive
//     dates common to both tickers inside the range.
// Indicators and pattern events are never recomputed here: they come from
// SeriesAnalysis over the whole stored series (windows/series_analysis.h), so
// warm-up is right and events are causal.
//
// Thread-safety: pure functions over borrowed inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bar_series.h"
#include "core/pattern.h"
#include "indicators/indicator_set.h"

namespace ohlcv {

// Inclusive bar indices of a series.
struct BarRange {
  size_t first = 0;
  size_t last = 0;
  size_t size() const { return last - first + 1; }
};

// Bars with start <= ts <= end (nullopt = unbounded). nullopt when none.
std::optional<BarRange> FindBarRange(const BarSeries& bars, std::optional<int64_t> start,
                                     std::optional<int64_t> end);
// Index of the last bar at or before ts; nullopt when ts precedes every bar.
std::optional<size_t> BarOnOrBefore(const BarSeries& bars, int64_t ts);

// ---- figures_price.cc -------------------------------------------------------

struct ReturnFigure {
  int64_t first_ts = 0, last_ts = 0;
  double first_close = 0, last_close = 0;
  double return_pct = 0;  // (last_close / first_close - 1) * 100
  size_t bars = 0;
};
ReturnFigure ComputeReturn(const BarSeries& bars, BarRange r);

struct ExtremesFigure {
  double high = 0;  // max of `high`; the first bar reaching it on ties
  int64_t high_ts = 0;
  double low = 0;   // min of `low`; the first bar reaching it on ties
  int64_t low_ts = 0;
};
ExtremesFigure ComputeExtremes(const BarSeries& bars, BarRange r);

struct DrawdownFigure {
  double max_drawdown_pct = 0;  // worst close / running max close - 1 inside r, in %, <= 0
  double peak_close = 0;
  int64_t peak_ts = 0;
  double trough_close = 0;
  int64_t trough_ts = 0;
};
DrawdownFigure ComputeMaxDrawdown(const BarSeries& bars, BarRange r);

// Sample stdev of daily log returns inside r times sqrt(252), in %. NaN with
// fewer than 3 bars.
double ComputeVolatility(const BarSeries& bars, BarRange r);

// ---- figures_indicator.cc ---------------------------------------------------

// Episodes where `indicator op threshold` held, inside r: the number of bars
// on which it held and the bars at which an episode began (it held at t and
// not at t-1, or t is the first bar of r and it held there).
struct ThresholdFigure {
  Indicator indicator = Indicator::kRsi14;
  bool above = true;  // op is > (true) or < (false)
  double threshold = 0;
  size_t bars_holding = 0;
  size_t bars_known = 0;  // bars of r whose value is not NaN
  std::vector<size_t> entries;
  double extreme = kNaN;  // max (above) or min (below) value inside r
  int64_t extreme_ts = 0;
};
ThresholdFigure ComputeThreshold(const BarSeries& bars, const IndicatorSet& ind, Indicator indicator,
                                 bool above, double threshold, BarRange r);

// The indicator state at one bar and what the usual rules say about it.
struct TechnicalState {
  size_t bar = 0;
  int64_t ts = 0;
  double close = 0;
  double rsi14 = kNaN, macd = kNaN, macd_signal = kNaN, macd_hist = kNaN;
  double sma50 = kNaN, sma200 = kNaN, adx14 = kNaN, plus_di14 = kNaN, minus_di14 = kNaN;
  double bb_pctb = kNaN;
  // Plain readings, one per rule: "RSI(14) 72.35: overbought (above 70)".
  std::vector<std::string> readings;
  int bias = 0;  // bullish readings minus bearish ones
};
// REQUIRES: bar < bars.size() == ind.size().
TechnicalState ReadTechnicalState(const BarSeries& bars, const IndicatorSet& ind, size_t bar);

// ---- figures_cross.cc -------------------------------------------------------

struct NamedSeries {
  std::string ticker;
  const BarSeries* bars = nullptr;  // borrowed
};

struct RankEntry {
  std::string ticker;
  ReturnFigure ret;
};
// Tickers with bars covering [start, end] (first bar in range at most
// coverage_slack_days after `start`, last at most that many before `end`,
// both traded: volume > 0) ranked by return over their bars in the range,
// best first; ties by ticker.
// Those not covering the range are appended to *excluded when non-null.
// REQUIRES: start <= end.
std::vector<RankEntry> RankByReturn(std::span<const NamedSeries> series, int64_t start, int64_t end,
                                    int coverage_slack_days = 7,
                                    std::vector<std::string>* excluded = nullptr);

struct CorrelationFigure {
  double r = kNaN;
  size_t returns = 0;  // log-return pairs used
  int64_t first_ts = 0, last_ts = 0;  // common dates spanned
};
// NaN r with fewer than 3 common returns or a constant series.
CorrelationFigure ComputeCorrelation(const BarSeries& a, const BarSeries& b,
                                     std::optional<int64_t> start, std::optional<int64_t> end);

// ---- figures_base_rate.cc ---------------------------------------------------

struct BaseRateFigure {
  size_t horizon = 10;      // bars ahead
  size_t events = 0;        // events given
  size_t measured = 0;      // events with bar t + horizon stored
  double median_pct = kNaN, mean_pct = kNaN, min_pct = kNaN, max_pct = kNaN;
  double positive_share = kNaN;  // fraction of measured forward returns > 0
  int64_t first_event_ts = 0, last_event_ts = 0;
};
// Forward returns close[t+h]/close[t]-1 after each event bar (sorted or not).
BaseRateFigure ComputeBaseRate(const BarSeries& bars, std::span<const size_t> event_bars,
                               size_t horizon);
// Events of one series, for pooling.
struct SeriesEvents {
  const BarSeries* bars = nullptr;  // borrowed
  std::vector<size_t> event_bars;
};
// Forward returns after the events of several series pooled into one
// sample (each measured as ComputeBaseRate does, inside its own series).
BaseRateFigure ComputePooledBaseRate(std::span<const SeriesEvents> series, size_t horizon);
// The same over every bar of r: the unconditional baseline.
BaseRateFigure ComputeBaselineRate(const BarSeries& bars, BarRange r, size_t horizon);

// Median of values (sorted copy); NaN when empty.
double Median(std::vector<double> values);

}  // namespace ohlcv
