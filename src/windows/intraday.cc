#include "windows/intraday.h"

#include <algorithm>

#include "windows/window_builder.h"

namespace ohlcv {
namespace {

constexpr int64_t kDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

const Exchange& SeriesExchange(const BarSeries& bars, const WindowOptions& opt) {
  auto ex = ResolveExchange(bars.ticker, opt.exchange);
  return ex.ok() ? **ex : ExchangeOfTicker(bars.ticker);
}

IntradayGrouper::IntradayGrouper(const Exchange& exchange, size_t intraday_hours)
    : clock_(exchange),
      width_(static_cast<int64_t>(intraday_hours) * 3600),
      open_(static_cast<int64_t>(exchange.open_minutes) * 60) {}

int64_t IntradayGrouper::Group(int64_t ts) {
  const int64_t local = clock_.ToLocal(ts);
  const int64_t day = FloorDiv(local, kDay);
  if (width_ == 0) return day;
  // Blocks from the session open: [-k .. -1] before it, 0.. from it; at most
  // 86400 / 3600 = 24 blocks each side, so 64 per day keeps keys ordered.
  const int64_t block = FloorDiv(local - day * kDay - open_, width_);
  return day * 64 + block + 32;
}

std::vector<WindowSpan> IntradaySpans(const BarSeries& bars, const WindowOptions& opt) {
  std::vector<WindowSpan> spans;
  if (bars.empty()) return spans;
  const size_t min_bars = std::max<size_t>(opt.min_bars, 1);
  IntradayGrouper grouper(SeriesExchange(bars, opt), opt.intraday_hours);
  size_t start = 0;
  int64_t group = grouper.Group(bars.ts[0]);
  for (size_t i = 1; i <= bars.size(); ++i) {
    int64_t g = 0;
    // A key below the current one is the repeated hour after a fall-back
    // switch (local time went back): it stays in the current group.
    if (i < bars.size() && (g = grouper.Group(bars.ts[i])) <= group) continue;
    if (i - start >= min_bars) spans.push_back({start, i - start});
    start = i;
    group = g;
  }
  return spans;
}

void AggregateDaily(const BarSeries& in, const Exchange& exchange, BarSeries* daily) {
  daily->clear();
  daily->ticker = in.ticker;
  daily->interval = Interval::k1d;
  LocalClock clock(exchange);
  size_t i = 0;
  while (i < in.size()) {
    const int64_t day = clock.LocalDay(in.ts[i]);
    Bar b{day * kDay, in.open[i], in.high[i], in.low[i], in.close[i], in.volume[i], in.adj_close[i]};
    size_t j = i + 1;
    for (; j < in.size() && clock.LocalDay(in.ts[j]) == day; ++j) {
      b.high = std::max(b.high, in.high[j]);
      b.low = std::min(b.low, in.low[j]);
      b.close = in.close[j];
      b.volume += in.volume[j];
      b.adj_close = in.adj_close[j];
    }
    daily->push_back(b);
    i = j;
  }
}

size_t DailyIndexOf(const BarSeries& daily, const Exchange& exchange, int64_t ts) {
  LocalClock clock(exchange);
  const int64_t day_start = clock.LocalDay(ts) * kDay;
  return static_cast<size_t>(std::lower_bound(daily.ts.begin(), daily.ts.end(), day_start) -
                             daily.ts.begin());
}

}  // namespace ohlcv
