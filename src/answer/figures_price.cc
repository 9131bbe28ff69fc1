#include <algorithm>
#include <cmath>

#include "answer/figures.h"

namespace ohlcv {

std::optional<BarRange> FindBarRange(const BarSeries& bars, std::optional<int64_t> start,
                                     std::optional<int64_t> end) {
  const auto& ts = bars.ts;
  auto lo = start ? std::lower_bound(ts.begin(), ts.end(), *start) : ts.begin();
  auto hi = end ? std::upper_bound(ts.begin(), ts.end(), *end) : ts.end();
  if (lo >= hi) return std::nullopt;
  return BarRange{static_cast<size_t>(lo - ts.begin()), static_cast<size_t>(hi - ts.begin()) - 1};
}

std::optional<size_t> BarOnOrBefore(const BarSeries& bars, int64_t ts) {
  auto it = std::upper_bound(bars.ts.begin(), bars.ts.end(), ts);
  if (it == bars.ts.begin()) return std::nullopt;
  return static_cast<size_t>(it - bars.ts.begin()) - 1;
}

ReturnFigure ComputeReturn(const BarSeries& bars, BarRange r) {
  ReturnFigure f;
  f.first_ts = bars.ts[r.first];
  f.last_ts = bars.ts[r.last];
  f.first_close = bars.close[r.first];
  f.last_close = bars.close[r.last];
  f.return_pct = (f.last_close / f.first_close - 1.0) * 100.0;
  f.bars = r.size();
  return f;
}

ExtremesFigure ComputeExtremes(const BarSeries& bars, BarRange r) {
  ExtremesFigure f;
  f.high = bars.high[r.first];
  f.high_ts = bars.ts[r.first];
  f.low = bars.low[r.first];
  f.low_ts = bars.ts[r.first];
  for (size_t i = r.first + 1; i <= r.last; ++i) {
    if (bars.high[i] > f.high) {
      f.high = bars.high[i];
      f.high_ts = bars.ts[i];
    }
    if (bars.low[i] < f.low) {
      f.low = bars.low[i];
      f.low_ts = bars.ts[i];
    }
  }
  return f;
}

DrawdownFigure ComputeMaxDrawdown(const BarSeries& bars, BarRange r) {
  DrawdownFigure f;
  double peak = bars.close[r.first];
  int64_t peak_ts = bars.ts[r.first];
  f.peak_close = f.trough_close = peak;
  f.peak_ts = f.trough_ts = peak_ts;
  for (size_t i = r.first; i <= r.last; ++i) {
    const double c = bars.close[i];
    if (c > peak) {
      peak = c;
      peak_ts = bars.ts[i];
    }
    const double dd = (c / peak - 1.0) * 100.0;
    if (dd < f.max_drawdown_pct) {
      f.max_drawdown_pct = dd;
      f.peak_close = peak;
      f.peak_ts = peak_ts;
      f.trough_close = c;
      f.trough_ts = bars.ts[i];
    }
  }
  return f;
}

double ComputeVolatility(const BarSeries& bars, BarRange r) {
  if (r.size() < 3) return kNaN;
  double sum = 0, sum2 = 0;
  const size_t n = r.size() - 1;
  for (size_t i = r.first + 1; i <= r.last; ++i) {
    const double x = std::log(bars.close[i] / bars.close[i - 1]);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / static_cast<double>(n);
  const double var = (sum2 - static_cast<double>(n) * mean * mean) / static_cast<double>(n - 1);
  return std::sqrt(std::max(var, 0.0)) * std::sqrt(252.0) * 100.0;
}

double Median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  // Selection, not a sort: pooled base rates take the median of ~100k values.
  const size_t n = values.size();
  auto mid = values.begin() + static_cast<ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (n % 2) return *mid;
  const double below = *std::max_element(values.begin(), mid);
  return (below + *mid) / 2.0;
}

}  // namespace ohlcv
