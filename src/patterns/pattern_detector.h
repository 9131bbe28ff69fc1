// Pattern detection: PatternEvents and trend states of one BarSeries.
//
// Every detector is causal: an event dated at bar t is decided from bars
// [0, t] and indicator values at bars <= t only, so detecting on the prefix
// [0, t] of a series yields exactly the events with bar <= t of the full run
// (tests/patterns/no_look_ahead_test.cc checks this). Patterns that need later
// bars to confirm (a pivot needs its right side) are dated at the confirming
// bar, with PatternEvent::ref_ts naming the bar they refer to.
//
// The detectors are pure kernels over column spans, one family per file
// (trend.cc, crossover.cc, ...), listed once in pattern_detector.cc; see
// patterns/detector_kernels.h to add one.
//
// Ownership: callers own every argument; outputs are overwritten, not
// appended to. Thread-safety: the functions keep no state; concurrent calls
// on distinct outputs are safe.
#pragma once

#include <cstddef>
#include <vector>

#include "core/bar_series.h"
#include "core/pattern.h"
#include "core/window.h"
#include "indicators/indicator_set.h"

namespace ohlcv {

// Thresholds of every detector. Defaults follow common charting practice;
// each is a per-call choice (nothing is persisted with the events).
struct PatternOptions {
  // --- Trend state (trend.cc) ---
  // A bar is "raw up" when SMA20 > SMA50, close > SMA50, SMA50 rose over the
  // last trend_slope_bars bars and ADX14 >= trend_adx_min; "raw down" is the
  // mirror; otherwise "raw sideways". Default 5. REQUIRES: >= 1.
  size_t trend_slope_bars = 5;
  // ADX below this means no trend (sideways). Default 20.
  double trend_adx_min = 20.0;
  // Hysteresis: the confirmed state changes only after the raw state has
  // held for this many consecutive bars, so a state flickering every bar
  // emits nothing. Default 5. REQUIRES: >= 1.
  size_t trend_confirm_bars = 5;

  // --- RSI zones (rsi_zones.cc) ---
  double rsi_overbought = 70.0;  // entered when RSI14 rises above; default 70
  double rsi_oversold = 30.0;    // entered when RSI14 falls below; default 30

  // --- Bollinger (bollinger.cc) ---
  // Squeeze: bandwidth at its lowest of the last squeeze_lookback bars
  // (including t; all of them must be known). Default 120.
  size_t squeeze_lookback = 120;
  // At most one squeeze event per this many bars (a squeeze keeps setting new
  // lows for days). Default 20.
  size_t squeeze_cooldown_bars = 20;

  // --- Breakouts (breakout.cc) ---
  size_t breakout_short_bars = 20;  // "20-day" lookback, bars before t; default 20
  size_t breakout_long_bars = 252;  // "52-week" lookback; default 252
  // Volume confirmation: volume[t] > breakout_volume_mult x the mean volume
  // of the volume_avg_bars bars before t. Default 1.5.
  double breakout_volume_mult = 1.5;

  // --- Volume (volume.cc; the average is shared with breakouts) ---
  size_t volume_avg_bars = 20;       // bars before t in the average; default 20
  double volume_spike_mult = 2.0;    // spike when volume >= mult x average; default 2

  // --- Gaps (gap.cc) ---
  // Gap up when open[t] exceeds high[t-1] by more than this percentage
  // (gap down: open below low[t-1] by more). Default 0.5 (%); 0 keeps every gap.
  double gap_min_pct = 0.5;

  // --- Pivots: support/resistance (pivots.cc) and reversals (reversal.cc) ---
  // A pivot high has pivot_bars bars on each side with lower highs (left side
  // strictly lower, right side not higher); confirmed pivot_bars bars later.
  // Default 5. REQUIRES: >= 1.
  size_t pivot_bars = 5;

  // --- Consolidation (consolidation.cc) ---
  size_t consolidation_bars = 20;        // range window, including t; default 20
  // Entered when (highest high - lowest low) / close * 100 < enter_pct over
  // the window; left only when it exceeds exit_pct (hysteresis). Defaults 5, 7.
  double consolidation_enter_pct = 5.0;
  double consolidation_exit_pct = 7.0;

  // --- Candlesticks (candlestick.cc) ---
  double doji_body_ratio = 0.1;     // doji: body <= ratio x range; default 0.1
  double small_body_ratio = 0.35;   // hammer/star body: <= ratio x range; default 0.35
  double shadow_body_mult = 2.0;    // hammer: lower shadow >= mult x body; default 2
  double tiny_shadow_ratio = 0.1;   // hammer: upper shadow <= ratio x range; default 0.1
  double long_body_ratio = 0.6;     // morning/evening star first bar: body >= ratio x range
  // Prior trend for reversal candles: close one bar before the pattern
  // against close candle_trend_bars earlier (decline for hammer, bullish
  // engulfing, morning star; advance for the others). Default 5.
  size_t candle_trend_bars = 5;
};

// Detects every registered pattern. `out` is cleared, then filled sorted by
// bar, then kind. REQUIRES: ind was computed on bars (ind.size() ==
// bars.size()); if not, `out` is left empty.
void DetectPatterns(const BarSeries& bars, const IndicatorSet& ind, const PatternOptions& opt,
                    std::vector<PatternEvent>* out);

// One confirmed trend state per bar (the state DetectPatterns' kUptrend /
// kDowntrend / kSideways events switch to), decided from bars <= t. Warm-up
// bars (indicators unknown) are kSideways. Same REQUIRES as DetectPatterns;
// `out` is resized to bars.size() (empty on a size mismatch).
void ComputeTrendStates(const BarSeries& bars, const IndicatorSet& ind, const PatternOptions& opt,
                        std::vector<TrendState>* out);

}  // namespace ohlcv
