// SeriesAnalysis: indicators, pattern events, trend states and windows of one
// BarSeries, computed in pipeline order. Ingest, the CLI's inspection
// commands and the answer engine all derive a series' facts through this one
// function, so every stage sees the same numbers.
//
// Ownership: the analysis owns its buffers and reuses them across Analyze
// calls (keep one per thread when analysing many series).
// Thread-safety: needs external synchronization; distinct objects are
// independent.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bar_series.h"
#include "core/pattern.h"
#include "core/window.h"
#include "indicators/indicator_set.h"
#include "patterns/pattern_detector.h"
#include "windows/window_builder.h"

namespace ohlcv {

struct AnalysisOptions {
  PatternOptions patterns;
  WindowOptions windows;
  bool build_windows = true;  // false: indicators, events and trend only
};

struct SeriesAnalysis {
  IndicatorSet indicators;
  std::vector<PatternEvent> events;  // sorted by bar, then kind
  std::vector<TrendState> trend;     // one per bar
  std::vector<Window> windows;       // empty unless options.build_windows

  // Intraday series with build_windows and windows.daily_from_intraday: the
  // daily bars aggregated from `bars` (AggregateDaily) and their own
  // analysis; its windows are appended to `windows` after the intraday ones,
  // with ids from DailyFromIntradayWindowId. Empty / null otherwise.
  BarSeries daily;
  std::unique_ptr<SeriesAnalysis> daily_analysis;

  // Recomputes everything for `bars`. `sector` is copied into the windows.
  // `first_bar` > 0 builds only the windows whose last bar is at or after it
  // (BuildWindowsFrom; indicators, events and trend still cover every bar,
  // so those windows are exactly the ones a full analysis gives; for the
  // daily windows of an intraday series, the day of bar `first_bar` on).
  void Analyze(const BarSeries& bars, std::string_view sector, const AnalysisOptions& options,
               size_t first_bar = 0);
};

// "AAPL_1d-from-1m_20240301_20240412": the id of a daily window built from
// `source` (intraday) bars; never equal to a WindowId of stored daily bars.
std::string DailyFromIntradayWindowId(std::string_view ticker, Interval source, int64_t start_ts,
                                      int64_t end_ts);

}  // namespace ohlcv
