#include "windows/intraday.h"

#include <algorithm>

#include "windows/window_builder.h"

namespace ohlcv {
namespace {

constexpr int64_t kDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t IntradayGroup(int64_t ts, size_t intraday_hours) {
  const int64_t width = intraday_hours == 0 ? kDay : static_cast<int64_t>(intraday_hours) * 3600;
  return FloorDiv(ts, width);
}

std::vector<WindowSpan> IntradaySpans(const BarSeries& bars, const WindowOptions& opt) {
  std::vector<WindowSpan> spans;
  const size_t min_bars = std::max<size_t>(opt.min_bars, 1);
  size_t start = 0;
  for (size_t i = 1; i <= bars.size(); ++i) {
    if (i < bars.size() &&
        IntradayGroup(bars.ts[i], opt.intraday_hours) == IntradayGroup(bars.ts[start], opt.intraday_hours)) {
      continue;
    }
    if (i - start >= min_bars) spans.push_back({start, i - start});
    start = i;
  }
  return spans;
}

void AggregateDaily(const BarSeries& in, BarSeries* daily) {
  daily->clear();
  daily->ticker = in.ticker;
  daily->interval = Interval::k1d;
  size_t i = 0;
  while (i < in.size()) {
    const int64_t day = FloorDiv(in.ts[i], kDay);
    Bar b{day * kDay, in.open[i], in.high[i], in.low[i], in.close[i], in.volume[i], in.adj_close[i]};
    size_t j = i + 1;
    for (; j < in.size() && FloorDiv(in.ts[j], kDay) == day; ++j) {
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

size_t DailyIndexOf(const BarSeries& daily, int64_t ts) {
  const int64_t day_start = FloorDiv(ts, kDay) * kDay;
  return static_cast<size_t>(std::lower_bound(daily.ts.begin(), daily.ts.end(), day_start) -
                             daily.ts.begin());
}

}  // namespace ohlcv
