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

  // Recomputes everything for `bars`. `sector` is copied into the windows.
  // `first_bar` > 0 builds only the windows whose last bar is at or after it
  // (BuildWindowsFrom; indicators, events and trend still cover every bar,
  // so those windows are exactly the ones a full analysis gives).
  void Analyze(const BarSeries& bars, std::string_view sector, const AnalysisOptions& options,
               size_t first_bar = 0);
};

}  // namespace ohlcv
