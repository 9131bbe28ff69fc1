#include "windows/series_analysis.h"

namespace ohlcv {

void SeriesAnalysis::Analyze(const BarSeries& bars, std::string_view sector,
                             const AnalysisOptions& options) {
  indicators.Compute(bars);
  DetectPatterns(bars, indicators, options.patterns, &events);
  ComputeTrendStates(bars, indicators, options.patterns, &trend);
  if (options.build_windows) {
    BuildWindows(bars, indicators, events, trend, sector, options.windows, &windows);  // reuses memory
  } else {
    windows.clear();
  }
}

}  // namespace ohlcv
