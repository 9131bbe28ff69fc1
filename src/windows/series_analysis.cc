#include "windows/series_analysis.h"

namespace ohlcv {

void SeriesAnalysis::Analyze(const BarSeries& bars, std::string_view sector,
                             const AnalysisOptions& options) {
  indicators.Compute(bars);
  DetectPatterns(bars, indicators, options.patterns, &events);
  ComputeTrendStates(bars, indicators, options.patterns, &trend);
  windows.clear();
  if (options.build_windows) {
    BuildWindows(bars, indicators, events, trend, sector, options.windows, &windows);
  }
}

}  // namespace ohlcv
