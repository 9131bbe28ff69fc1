#include "windows/window_metadata.h"

#include <algorithm>
#include <cmath>

namespace ohlcv {
namespace {

// Maps each WindowIndicators field to its column; the last-value copy below
// is one loop over this table instead of 21 hand-written lines.
struct LastField {
  double WindowIndicators::*field;
  Indicator id;
};
constexpr LastField kLastFields[] = {
    {&WindowIndicators::sma20, Indicator::kSma20},
    {&WindowIndicators::sma50, Indicator::kSma50},
    {&WindowIndicators::sma200, Indicator::kSma200},
    {&WindowIndicators::ema12, Indicator::kEma12},
    {&WindowIndicators::ema26, Indicator::kEma26},
    {&WindowIndicators::rsi14, Indicator::kRsi14},
    {&WindowIndicators::macd, Indicator::kMacd},
    {&WindowIndicators::macd_signal, Indicator::kMacdSignal},
    {&WindowIndicators::macd_hist, Indicator::kMacdHist},
    {&WindowIndicators::bb_pctb, Indicator::kBbPercentB},
    {&WindowIndicators::bb_bandwidth, Indicator::kBbBandwidth},
    {&WindowIndicators::atr14, Indicator::kAtr14},
    {&WindowIndicators::adx14, Indicator::kAdx14},
    {&WindowIndicators::plus_di14, Indicator::kPlusDi14},
    {&WindowIndicators::minus_di14, Indicator::kMinusDi14},
    {&WindowIndicators::stoch_k, Indicator::kStochK},
    {&WindowIndicators::stoch_d, Indicator::kStochD},
    {&WindowIndicators::willr14, Indicator::kWillR14},
    {&WindowIndicators::cci20, Indicator::kCci20},
    {&WindowIndicators::mfi14, Indicator::kMfi14},
    {&WindowIndicators::roc10, Indicator::kRoc10},
};

}  // namespace

double AnnualisedVolatilityPctFromLogReturns(std::span<const double> log_returns,
                                             double bars_per_year) {
  const size_t m = log_returns.size();
  if (m < 2) return kNaN;
  double sum = 0;
  for (double r : log_returns) sum += r;
  const double mean = sum / static_cast<double>(m);
  // Two passes (mean first) rather than sum of squares: no cancellation when
  // returns are tiny, which intraday bars make common.
  double ss = 0;
  for (double r : log_returns) ss += (r - mean) * (r - mean);
  return std::sqrt(ss / static_cast<double>(m - 1)) * std::sqrt(bars_per_year) * 100.0;
}

void SeriesLogReturns(std::span<const double> closes, std::vector<double>* out) {
  out->resize(closes.size());
  if (closes.empty()) return;
  (*out)[0] = kNaN;
  for (size_t i = 1; i < closes.size(); ++i) (*out)[i] = std::log(closes[i] / closes[i - 1]);
}

double AnnualisedVolatilityPct(std::span<const double> closes, double bars_per_year) {
  if (closes.size() < 3) return kNaN;
  std::vector<double> lr;
  SeriesLogReturns(closes, &lr);
  return AnnualisedVolatilityPctFromLogReturns(std::span<const double>(lr).subspan(1),
                                               bars_per_year);
}

double MaxDrawdownPct(std::span<const double> closes) {
  double peak = -INFINITY;
  double worst = 0;
  for (double c : closes) {
    peak = std::max(peak, c);
    worst = std::min(worst, c / peak - 1.0);
  }
  return worst * 100.0;
}

double Mean(std::span<const double> values) {
  if (values.empty()) return kNaN;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

void ComputeWindowMetadata(const BarSeries& bars, const IndicatorColumns& ind,
                           std::span<const PatternEvent> sorted_events,
                           std::span<const TrendState> trend,
                           std::span<const double> series_log_returns, size_t start,
                           size_t n_bars, const WindowOptions& opt, Window* w) {
  const size_t last = start + n_bars - 1;
  w->ticker = bars.ticker;
  w->interval = bars.interval;
  w->start_ts = bars.ts[start];
  w->end_ts = bars.ts[last];
  w->start_bar = static_cast<uint32_t>(start);
  w->n_bars = static_cast<uint32_t>(n_bars);

  w->open = bars.open[start];
  w->first_close = bars.close[start];
  w->close = bars.close[last];
  size_t hi = start, lo = start;
  for (size_t i = start + 1; i <= last; ++i) {
    if (bars.high[i] > bars.high[hi]) hi = i;  // strict: the first bar reaching it wins
    if (bars.low[i] < bars.low[lo]) lo = i;
  }
  w->high = bars.high[hi];
  w->high_ts = bars.ts[hi];
  w->low = bars.low[lo];
  w->low_ts = bars.ts[lo];

  const std::span<const double> closes(bars.close.data() + start, n_bars);
  w->return_pct = (w->close / w->first_close - 1.0) * 100.0;
  w->volatility =
      series_log_returns.size() > last
          ? AnnualisedVolatilityPctFromLogReturns(series_log_returns.subspan(start + 1, n_bars - 1),
                                                  BarsPerYear(bars.interval))
          : AnnualisedVolatilityPct(closes, BarsPerYear(bars.interval));
  w->max_drawdown_pct = MaxDrawdownPct(closes);

  w->avg_volume = Mean(std::span<const double>(bars.volume.data() + start, n_bars));
  const size_t prior = std::min(opt.volume_lookback, start);
  w->relative_volume = kNaN;
  if (prior >= opt.min_volume_lookback && prior > 0) {
    const double prior_avg =
        Mean(std::span<const double>(bars.volume.data() + start - prior, prior));
    if (prior_avg > 0) w->relative_volume = w->avg_volume / prior_avg;
  }

  w->trend = last < trend.size() ? trend[last] : TrendState::kSideways;

  for (const LastField& f : kLastFields) w->last.*f.field = ind.at(f.id, last);
  double rsi_max = kNaN, rsi_min = kNaN;
  const std::span<const double> rsi = ind.column(Indicator::kRsi14);
  for (size_t i = start; i <= last && i < rsi.size(); ++i) {
    const double r = rsi[i];
    if (std::isnan(r)) continue;
    // NaN compares false, so the first finite value seeds both extremes.
    if (!(r <= rsi_max)) rsi_max = r;
    if (!(r >= rsi_min)) rsi_min = r;
  }
  w->last.rsi14_max = rsi_max;
  w->last.rsi14_min = rsi_min;

  auto by_bar = [](const PatternEvent& e, size_t bar) { return e.bar < bar; };
  auto first = std::lower_bound(sorted_events.begin(), sorted_events.end(), start, by_bar);
  auto end = std::lower_bound(first, sorted_events.end(), last + 1, by_bar);
  w->patterns.assign(first, end);
}

}  // namespace ohlcv
