#include <algorithm>

#include "answer/figures.h"

namespace ohlcv {
namespace {

void Summarise(std::vector<double>& fwd, BaseRateFigure* f) {
  f->measured = fwd.size();
  if (fwd.empty()) return;
  double sum = 0;
  size_t positive = 0;
  for (double v : fwd) {
    sum += v;
    positive += v > 0 ? 1 : 0;
  }
  f->mean_pct = sum / static_cast<double>(fwd.size());
  f->positive_share = static_cast<double>(positive) / static_cast<double>(fwd.size());
  f->min_pct = *std::min_element(fwd.begin(), fwd.end());
  f->max_pct = *std::max_element(fwd.begin(), fwd.end());
  f->median_pct = Median(std::move(fwd));
}

}  // namespace

BaseRateFigure ComputeBaseRate(const BarSeries& bars, std::span<const size_t> event_bars,
                               size_t horizon) {
  const SeriesEvents one{&bars, std::vector<size_t>(event_bars.begin(), event_bars.end())};
  return ComputePooledBaseRate({&one, 1}, horizon);
}

BaseRateFigure ComputePooledBaseRate(std::span<const SeriesEvents> series, size_t horizon) {
  BaseRateFigure f;
  f.horizon = horizon;
  std::vector<double> fwd;
  bool first = true;
  for (const SeriesEvents& s : series) {
    if (s.bars == nullptr) continue;
    const BarSeries& bars = *s.bars;
    for (size_t t : s.event_bars) {
      if (t >= bars.size()) continue;
      ++f.events;
      if (first || bars.ts[t] < f.first_event_ts) f.first_event_ts = bars.ts[t];
      if (first || bars.ts[t] > f.last_event_ts) f.last_event_ts = bars.ts[t];
      first = false;
      // The forward return starts at the event's own close: the event was
      // decided on bar t, so nothing after t went into choosing it.
      if (t + horizon < bars.size()) fwd.push_back((bars.close[t + horizon] / bars.close[t] - 1.0) * 100.0);
    }
  }
  Summarise(fwd, &f);
  return f;
}

BaseRateFigure ComputeBaselineRate(const BarSeries& bars, BarRange r, size_t horizon) {
  BaseRateFigure f;
  f.horizon = horizon;
  f.events = r.size();
  f.first_event_ts = bars.ts[r.first];
  f.last_event_ts = bars.ts[r.last];
  std::vector<double> fwd;
  for (size_t t = r.first; t <= r.last && t + horizon < bars.size(); ++t)
    fwd.push_back((bars.close[t + horizon] / bars.close[t] - 1.0) * 100.0);
  Summarise(fwd, &f);
  return f;
}

}  // namespace ohlcv
