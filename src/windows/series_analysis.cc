#include "windows/series_analysis.h"

#include <iterator>

#include "util/time.h"

namespace ohlcv {

std::string DailyFromIntradayWindowId(std::string_view ticker, Interval source, int64_t start_ts,
                                      int64_t end_ts) {
  return WindowId(ticker, "1d-from-" + std::string(IntervalName(source)), start_ts, end_ts);
}

void SeriesAnalysis::Analyze(const BarSeries& bars, std::string_view sector,
                             const AnalysisOptions& options, size_t first_bar) {
  indicators.Compute(bars);
  DetectPatterns(bars, indicators, options.patterns, &events);
  ComputeTrendStates(bars, indicators, options.patterns, &trend);
  if (!options.build_windows) {
    windows.clear();
    daily.clear();
    return;
  }
  BuildWindowsFrom(bars, IndicatorColumns::Of(indicators), events, trend, sector, options.windows,
                   first_bar, &windows);  // reuses memory
  if (!IsIntraday(bars.interval) || !options.windows.daily_from_intraday) {
    daily.clear();
    return;
  }
  const Exchange& exchange = SeriesExchange(bars, options.windows);
  AggregateDaily(bars, exchange, &daily);
  if (!daily_analysis) daily_analysis = std::make_unique<SeriesAnalysis>();
  const size_t first_day = first_bar < bars.size() ? DailyIndexOf(daily, exchange, bars.ts[first_bar]) : daily.size();
  daily_analysis->Analyze(daily, sector, options, first_day);
  for (Window& w : daily_analysis->windows) {
    w.id = DailyFromIntradayWindowId(bars.ticker, bars.interval, w.start_ts, w.end_ts);
  }
  windows.insert(windows.end(), std::make_move_iterator(daily_analysis->windows.begin()),
                 std::make_move_iterator(daily_analysis->windows.end()));
  daily_analysis->windows.clear();
}

}  // namespace ohlcv
