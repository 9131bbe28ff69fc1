#include "windows/window_builder.h"

#include <algorithm>

#include "util/time.h"
#include "windows/shape_vector.h"
#include "windows/window_metadata.h"
#include "windows/window_summary.h"

namespace ohlcv {
namespace {

// Fills one window; `sorted_events` sorted by bar.
void FillWindow(const BarSeries& bars, const IndicatorColumns& ind,
                std::span<const PatternEvent> sorted_events, std::span<const TrendState> trend,
                std::span<const double> log_returns, std::string_view sector, size_t start,
                size_t n_bars, const WindowOptions& opt, Window* w) {
  ComputeWindowMetadata(bars, ind, sorted_events, trend, log_returns, start, n_bars, opt, w);
  w->id = WindowId(bars.ticker, bars.interval, w->start_ts, w->end_ts);
  w->sector.assign(sector);
  if (opt.with_summary) {
    w->summary = WindowSummary(*w, opt);
  } else {
    w->summary.clear();
  }
  if (opt.with_shape) {
    ComputeShapeVector(std::span<const double>(bars.close.data() + start, n_bars), *w, &w->shape);
  } else {
    w->shape.clear();
  }
}

// Detectors emit events in bar order; sort a copy only when they did not, so
// each window can binary-search its slice.
std::span<const PatternEvent> SortedByBar(std::span<const PatternEvent> events,
                                          std::vector<PatternEvent>* copy) {
  auto by_bar = [](const PatternEvent& a, const PatternEvent& b) { return a.bar < b.bar; };
  if (std::is_sorted(events.begin(), events.end(), by_bar)) return events;
  copy->assign(events.begin(), events.end());
  std::stable_sort(copy->begin(), copy->end(), by_bar);
  return *copy;
}

}  // namespace

std::string WindowId(std::string_view ticker, Interval interval, int64_t start_ts, int64_t end_ts) {
  return WindowId(ticker, IntervalName(interval), start_ts, end_ts);
}

std::string WindowId(std::string_view ticker, std::string_view interval_part, int64_t start_ts, int64_t end_ts) {
  std::string id;
  id.reserve(ticker.size() + interval_part.size() + 32);
  id += ticker;
  id += '_';
  id += interval_part;
  id += '_';
  id += FormatCompact(start_ts);
  id += '_';
  id += FormatCompact(end_ts);
  return id;
}

std::vector<size_t> WindowStarts(size_t n_bars, const WindowOptions& opt) {
  std::vector<size_t> starts;
  const size_t min_bars = std::max<size_t>(opt.min_bars, 1);
  if (n_bars < opt.length) {
    if (n_bars >= min_bars) starts.push_back(0);
    return starts;
  }
  const size_t stride = std::max<size_t>(opt.stride, 1);  // stride 0 would never end
  const size_t last_start = n_bars - opt.length;
  starts.reserve(last_start / stride + 2);
  for (size_t s = 0; s <= last_start; s += stride) starts.push_back(s);
  if (starts.back() != last_start) starts.push_back(last_start);
  return starts;
}

void BuildWindows(const BarSeries& bars, const IndicatorColumns& ind,
                  std::span<const PatternEvent> events, std::span<const TrendState> trend,
                  std::string_view sector, const WindowOptions& opt, std::vector<Window>* out) {
  BuildWindowsFrom(bars, ind, events, trend, sector, opt, 0, out);
}

std::vector<WindowSpan> WindowSpans(const BarSeries& bars, const WindowOptions& opt) {
  if (IsIntraday(bars.interval)) return IntradaySpans(bars, opt);
  std::vector<WindowSpan> spans;
  const size_t n = std::min(opt.length, bars.size());
  for (size_t s : WindowStarts(bars.size(), opt)) spans.push_back({s, n});
  return spans;
}

void BuildWindowsFrom(const BarSeries& bars, const IndicatorColumns& ind,
                      std::span<const PatternEvent> events, std::span<const TrendState> trend,
                      std::string_view sector, const WindowOptions& opt, size_t first_bar,
                      std::vector<Window>* out) {
  std::vector<WindowSpan> spans = WindowSpans(bars, opt);
  // Spans are in bar order and their ends increase, so the windows ending at
  // or after first_bar are a suffix.
  auto keep = std::find_if(spans.begin(), spans.end(),
                           [&](const WindowSpan& w) { return w.start + w.n_bars >= first_bar + 1; });
  spans.erase(spans.begin(), keep);
  // Windows already in *out are overwritten field by field (every field is
  // set), so a caller reusing one vector across series keeps its string and
  // vector capacity instead of reallocating ~5 buffers per window.
  out->resize(spans.size());
  if (spans.empty()) return;

  std::vector<PatternEvent> sorted_copy;
  events = SortedByBar(events, &sorted_copy);

  std::vector<double> log_returns;
  SeriesLogReturns(bars.close, &log_returns);
  for (size_t i = 0; i < spans.size(); ++i) {
    FillWindow(bars, ind, events, trend, log_returns, sector, spans[i].start, spans[i].n_bars, opt,
               &(*out)[i]);
  }
}

void BuildWindows(const BarSeries& bars, const IndicatorSet& ind,
                  std::span<const PatternEvent> events, std::span<const TrendState> trend,
                  std::string_view sector, const WindowOptions& opt, std::vector<Window>* out) {
  BuildWindows(bars, IndicatorColumns::Of(ind), events, trend, sector, opt, out);
}

Window BuildWindowAt(const BarSeries& bars, const IndicatorColumns& ind,
                     std::span<const PatternEvent> events, std::span<const TrendState> trend,
                     std::string_view sector, size_t start, size_t n_bars,
                     const WindowOptions& opt) {
  std::vector<PatternEvent> sorted_copy;
  Window w;
  FillWindow(bars, ind, SortedByBar(events, &sorted_copy), trend, {}, sector, start, n_bars, opt,
             &w);
  return w;
}

}  // namespace ohlcv
