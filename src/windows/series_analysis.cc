#include "windows/series_analysis.h"

namespace ohlcv {

void SeriesAnalysis::Analyze(const BarSeries& bars, std::string_view sector,
                             const AnalysisOptions& options, size_t first_bar) {
  indicators.Compute(bars);
  DetectPatterns(bars, indicators, options.patterns, &events);
  ComputeTrendStates(bars, indicators, options.patterns, &trend);
  if (options.build_windows) {
    BuildWindowsFrom(bars, IndicatorColumns::Of(indicators), events, trend, sector,
                     options.windows, first_bar, &windows);  // reuses memory
  } else {
    windows.clear();
  }
}

}  // namespace ohlcv
