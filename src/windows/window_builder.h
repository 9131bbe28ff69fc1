// Window slicing: cuts one BarSeries into overlapping windows and fills each
// with its metadata, plain-language summary and shape vector.
//
// Slicing rule for daily and longer bars (what keeps ids stable across
// re-ingests): windows of `length` bars start at bar indices 0, stride, 2*stride, ... counted from the
// FIRST bar of the series, so appending bars never moves an existing window.
// The window that ends at the latest bar is always added as well (unless one
// of the aligned windows already ends there); it is the only window whose id
// changes when new bars arrive. A series shorter than `length` but with at
// least `min_bars` bars gives one window of the whole series; a shorter one
// gives none. Intraday bars (1m .. 1h) are cut by the clock instead: one
// window per session (UTC day) or per N hours, see windows/intraday.h.
//
// Every figure is computed from the bars, the indicator columns, the pattern
// events and the trend states handed in; nothing is looked up elsewhere, so a
// window rebuilt from the same inputs is identical (see window_metadata.h for
// the definitions of each figure).
//
// Ownership: inputs are borrowed for the duration of the call; the produced
// Window values own all their data.
// Thread-safety: pure functions; concurrent calls on distinct outputs are safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bar_series.h"
#include "core/interval.h"
#include "core/pattern.h"
#include "core/window.h"
#include "indicators/indicator_set.h"
#include "windows/intraday.h"

namespace ohlcv {

struct WindowOptions {
  // Bars per window. Default 30. REQUIRES: length >= 2.
  size_t length = 30;
  // Bars between the starts of consecutive windows. Default 5 (about 130k
  // windows over the shared S&P 500 dataset). REQUIRES: stride >= 1.
  size_t stride = 5;
  // A series shorter than `length` yields one whole-series window only when it
  // has at least this many bars (fewer bars make meaningless statistics).
  // Default 5. REQUIRES: 2 <= min_bars.
  size_t min_bars = 5;
  // Relative volume compares a window's average volume with the average of up
  // to this many bars just before it. Default 50.
  size_t volume_lookback = 50;
  // ... and is NaN when fewer than this many bars precede the window.
  // Default 20. REQUIRES: 1 <= min_volume_lookback <= volume_lookback.
  size_t min_volume_lookback = 20;
  // |return_pct| at or above this makes the summary call the move a "rally"
  // or a "sell-off" (the words people search with). Default 10 (%).
  double big_move_pct = 10.0;
  // Soft cap on summary length: pattern clauses are added in order of
  // importance while they fit. Default 600 characters.
  size_t max_summary_chars = 600;
  // Fill Window::summary and Window::shape. Both default true; turning them
  // off is only useful for callers that need metadata alone (and benchmarks).
  bool with_summary = true;
  bool with_shape = true;
  // Intraday series (windows/intraday.h): 0 = one window per session (the
  // exchange-local trading date); N = one window per N-hour block of local
  // time from the session open. length/stride do not apply to intraday
  // windows. Default 0.
  size_t intraday_hours = 0;
  // The exchange whose clock cuts intraday sessions: "auto" (by ticker
  // suffix, core/exchange.h) or an exchange code. Default "auto".
  std::string exchange = "auto";
  // SeriesAnalysis also builds daily windows (length/stride) over daily bars
  // aggregated from intraday bars. Default true.
  bool daily_from_intraday = true;
};

// Borrowed indicator columns, indexed by Indicator. An empty span (or one
// shorter than the series) reads as NaN, i.e. "still in warm-up", so callers
// with partial indicators, and tests with hand-built columns, need no
// IndicatorSet. The spans must outlive the BuildWindows call.
struct IndicatorColumns {
  std::array<std::span<const double>, kIndicatorCount> cols{};

  // Value of `id` at `bar`, NaN when the column is absent or too short.
  double at(Indicator id, size_t bar) const {
    const auto& c = cols[static_cast<size_t>(id)];
    return bar < c.size() ? c[bar] : kNaN;
  }
  std::span<const double> column(Indicator id) const { return cols[static_cast<size_t>(id)]; }

  // Views the columns of `set` (valid until the next set.Compute()).
  static IndicatorColumns Of(const IndicatorSet& set) {
    IndicatorColumns c;
    for (size_t i = 0; i < kIndicatorCount; ++i) c.cols[i] = set.column(static_cast<Indicator>(i));
    return c;
  }
};

// "AAPL_1d_20190301_20190412"; intraday bars give "..._20190301T1430_...".
// Stable: depends only on its arguments.
std::string WindowId(std::string_view ticker, Interval interval, int64_t start_ts, int64_t end_ts);
// The same with the interval part given as text ("1d-from-1m").
std::string WindowId(std::string_view ticker, std::string_view interval_part, int64_t start_ts, int64_t end_ts);

// Start indices of the windows of a series of `n_bars` bars, in increasing
// order, following the slicing rule above; each window covers
// [start, start + min(length, n_bars)).
std::vector<size_t> WindowStarts(size_t n_bars, const WindowOptions& opt);

// The windows BuildWindows makes of `bars`, in bar order: WindowStarts for
// daily and longer bars, IntradaySpans for intraday bars.
std::vector<WindowSpan> WindowSpans(const BarSeries& bars, const WindowOptions& opt);

// Replaces *out with the windows of `bars`.
// `ind`: indicator columns of `bars` (same length, or empty = all NaN).
// `events`: pattern events of `bars` (any order; those whose `bar` lies inside
//   a window are copied into it, ordered by bar).
// `trend`: trend state per bar (empty or shorter = sideways where missing).
// `sector`: copied into every window (empty when unknown).
// REQUIRES: opt as documented on WindowOptions; bars satisfy the BarSeries
// invariants (prices > 0).
void BuildWindows(const BarSeries& bars, const IndicatorColumns& ind,
                  std::span<const PatternEvent> events, std::span<const TrendState> trend,
                  std::string_view sector, const WindowOptions& opt, std::vector<Window>* out);
void BuildWindows(const BarSeries& bars, const IndicatorSet& ind,
                  std::span<const PatternEvent> events, std::span<const TrendState> trend,
                  std::string_view sector, const WindowOptions& opt, std::vector<Window>* out);

// The tail of BuildWindows: only the windows whose last bar index is >=
// `first_bar`, identical (field for field, same order) to the matching
// elements of BuildWindows' output. An incremental ingest passes the index of
// the first new or changed bar: every earlier window covers only bars, and
// (causal) indicators, events and trend states, that did not change.
void BuildWindowsFrom(const BarSeries& bars, const IndicatorColumns& ind,
                      std::span<const PatternEvent> events, std::span<const TrendState> trend,
                      std::string_view sector, const WindowOptions& opt, size_t first_bar,
                      std::vector<Window>* out);

// One window over bars [start, start + n_bars), e.g. a user-chosen date range
// for an answer. Same figures as BuildWindows (events in any order).
// REQUIRES: n_bars >= 1 and start + n_bars <= bars.size().
Window BuildWindowAt(const BarSeries& bars, const IndicatorColumns& ind,
                     std::span<const PatternEvent> events, std::span<const TrendState> trend,
                     std::string_view sector, size_t start, size_t n_bars,
                     const WindowOptions& opt);

}  // namespace ohlcv
