#include <algorithm>
#include <cmath>

#include "answer/figures.h"

namespace ohlcv {

std::vector<RankEntry> RankByReturn(std::span<const NamedSeries> series, int64_t start, int64_t end,
                                    int coverage_slack_days, std::vector<std::string>* excluded) {
  const int64_t slack = int64_t{coverage_slack_days} * 86400;
  std::vector<RankEntry> out;
  for (const NamedSeries& s : series) {
    std::optional<BarRange> r;
    if (s.bars != nullptr) r = FindBarRange(*s.bars, start, end);
    // A ticker listed (or delisted) inside the period would be ranked on a
    // shorter span than the others: leave it out rather than mislead.
    // A zero-volume bar at either end is a placeholder price (the shared
    // data has sub-cent rows before some listings), not a traded one.
    if (!r || r->size() < 2 || s.bars->ts[r->first] > start + slack ||
        s.bars->ts[r->last] < end - slack || !(s.bars->volume[r->first] > 0) ||
        !(s.bars->volume[r->last] > 0)) {
      if (excluded != nullptr) excluded->push_back(s.ticker);
      continue;
    }
    out.push_back({s.ticker, ComputeReturn(*s.bars, *r)});
  }
  std::sort(out.begin(), out.end(), [](const RankEntry& a, const RankEntry& b) {
    if (a.ret.return_pct != b.ret.return_pct) return a.ret.return_pct > b.ret.return_pct;
    return a.ticker < b.ticker;
  });
  return out;
}

CorrelationFigure ComputeCorrelation(const BarSeries& a, const BarSeries& b,
                                     std::optional<int64_t> start, std::optional<int64_t> end) {
  CorrelationFigure f;
  // Merge the two timestamp columns: only dates both have count.
  std::vector<std::pair<double, double>> closes;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a.ts[i] < b.ts[j]) {
      ++i;
    } else if (b.ts[j] < a.ts[i]) {
      ++j;
    } else {
      const int64_t t = a.ts[i];
      if ((!start || t >= *start) && (!end || t <= *end)) {
        if (closes.empty()) f.first_ts = t;
        f.last_ts = t;
        closes.emplace_back(a.close[i], b.close[j]);
      }
      ++i;
      ++j;
    }
  }
  if (closes.size() < 4) return f;
  const size_t n = closes.size() - 1;
  std::vector<double> x(n), y(n);
  for (size_t k = 0; k < n; ++k) {
    x[k] = std::log(closes[k + 1].first / closes[k].first);
    y[k] = std::log(closes[k + 1].second / closes[k].second);
  }
  double mx = 0, my = 0;
  for (size_t k = 0; k < n; ++k) {
    mx += x[k];
    my += y[k];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t k = 0; k < n; ++k) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
    syy += (y[k] - my) * (y[k] - my);
  }
  f.returns = n;
  if (sxx > 0 && syy > 0) f.r = sxy / std::sqrt(sxx * syy);
  return f;
}

}  // namespace ohlcv
