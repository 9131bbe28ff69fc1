// Intraday windowing: which bars of an intraday series (1m .. 1h) form one
// window, and the daily bars built from intraday bars.
//
// Rule (so a year of 1-minute bars gives ~252 windows, not ~20,000):
//  - The series' exchange (core/exchange.h: the ticker's suffix, or the
//    `exchange` setting) gives the wall clock; all grouping is by the
//    exchange's local time (date/tz), so a Sydney session that crosses
//    00:00 UTC, or US pre/post-market hours, stay one session.
//  - WindowOptions::intraday_hours == 0 (the default): one window per
//    session, a session being the bars of one exchange-local trading date.
//  - intraday_hours == N > 0: one window per N-hour block of local wall-clock
//    time, blocks aligned to the local session open (09:30, 10:30, ... in New
//    York for N = 1) and restarting every local day, so N need not divide 24.
//    On a daylight-saving switch day the block holding the switch (02:00
//    local, outside regular hours) spans one real hour less or more.
//  - A group with fewer than WindowOptions::min_bars bars gives no window
//    (it gets one once enough bars arrived).
//  - Besides these, SeriesAnalysis builds daily windows from the intraday
//    bars (WindowOptions::daily_from_intraday): the bars are aggregated to
//    one daily bar per exchange-local trading date (AggregateDaily) and windowed by the daily
//    rule (length/stride), with ids "TICKER_1d-from-1m_START_END" so they
//    never collide with the windows of stored daily bars of the same ticker.
//
// Window ids stay stable: a group is fixed by its day (or block), so
// appending bars changes only the id of the last, still growing group.
//
// Time zone cost: one date/tz lookup per zone transition (LocalClock caches
// the offset), not per bar.
//
// Thread-safety: pure functions; an IntradayGrouper is not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bar_series.h"
#include "core/exchange.h"

namespace ohlcv {

struct WindowOptions;

// One window's bars: [start, start + n_bars) of the series.
struct WindowSpan {
  size_t start = 0;
  size_t n_bars = 0;
};

// The exchange of `bars` under `opt.exchange` ("auto": by ticker suffix; an
// unknown code, which config validation rejects, also falls back to that).
const Exchange& SeriesExchange(const BarSeries& bars, const WindowOptions& opt);

// The key of the group a bar belongs to: the exchange-local day number
// (intraday_hours == 0) or local day and N-hour block from the session open.
// Keys do not decrease with time, except in the hour a fall-back switch
// repeats (N-hour blocks), which IntradaySpans keeps in the current group.
class IntradayGrouper {
 public:
  IntradayGrouper(const Exchange& exchange, size_t intraday_hours);
  int64_t Group(int64_t ts);

 private:
  LocalClock clock_;
  int64_t width_;  // 0: one group per local day
  int64_t open_;   // local session open, seconds after midnight
};

// The spans of an intraday series under the rule above, in bar order.
std::vector<WindowSpan> IntradaySpans(const BarSeries& bars, const WindowOptions& opt);

// Replaces *daily with one bar per `exchange`-local trading date of
// `intraday`, stamped 00:00 UTC of that date (the daily-bar convention): open = the day's first open, high =
// max high, low = min low, close = the last close, volume = sum of volumes,
// adj_close = the last bar's adj_close (NaN when it is NaN). ticker copied,
// interval 1d. REQUIRES: timestamps increasing (the BarSeries invariant).
void AggregateDaily(const BarSeries& intraday, const Exchange& exchange, BarSeries* daily);

// Index of the first bar of `daily` (AggregateDaily's output) whose local
// day contains intraday timestamp `ts`, or the first later day; daily.size()
// when none.
size_t DailyIndexOf(const BarSeries& daily, const Exchange& exchange, int64_t ts);

}  // namespace ohlcv
