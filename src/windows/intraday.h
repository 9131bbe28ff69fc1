// Intraday windowing: which bars of an intraday series (1m .. 1h) form one
// window, and the daily bars built from intraday bars.
//
// Rule (so a year of 1-minute bars gives ~252 windows, not ~20,000):
//  - WindowOptions::intraday_hours == 0 (the default): one window per
//    session, a session being the bars of one calendar day in UTC. For the
//    regular hours of US (13:30/14:30-20:00/21:00 UTC), European and Asian
//    exchanges the exchange's day and the UTC day are the same; a market
//    whose session crosses 00:00 UTC (extended US hours in winter, 24-hour
//    crypto) is cut at midnight UTC. No time zone database is used.
//  - intraday_hours == N > 0: one window per N-hour block, blocks aligned to
//    00:00 UTC (N = 1 gives clock hours; N should divide 24 so that blocks
//    also start at midnight).
//  - A group with fewer than WindowOptions::min_bars bars gives no window
//    (it gets one once enough bars arrived).
//  - Besides these, SeriesAnalysis builds daily windows from the intraday
//    bars (WindowOptions::daily_from_intraday): the bars are aggregated to
//    one daily bar per UTC day (AggregateDaily) and windowed by the daily
//    rule (length/stride), with ids "TICKER_1d-from-1m_START_END" so they
//    never collide with the windows of stored daily bars of the same ticker.
//
// Window ids stay stable: a group is fixed by its day (or block), so
// appending bars changes only the id of the last, still growing group.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bar_series.h"

namespace ohlcv {

struct WindowOptions;

// One window's bars: [start, start + n_bars) of the series.
struct WindowSpan {
  size_t start = 0;
  size_t n_bars = 0;
};

// The key of the group a bar at `ts` belongs to: the UTC day number
// (intraday_hours == 0) or the N-hour block number.
int64_t IntradayGroup(int64_t ts, size_t intraday_hours);

// The spans of an intraday series under the rule above, in bar order.
std::vector<WindowSpan> IntradaySpans(const BarSeries& bars, const WindowOptions& opt);

// Replaces *daily with one bar per UTC calendar day of `intraday`, stamped
// 00:00 UTC (the daily-bar convention): open = the day's first open, high =
// max high, low = min low, close = the last close, volume = sum of volumes,
// adj_close = the last bar's adj_close (NaN when it is NaN). ticker copied,
// interval 1d. REQUIRES: timestamps increasing (the BarSeries invariant).
void AggregateDaily(const BarSeries& intraday, BarSeries* daily);

// Index of the first bar of `daily` (AggregateDaily's output) whose day
// contains intraday timestamp `ts`, or the first later day; daily.size() when
// none.
size_t DailyIndexOf(const BarSeries& daily, int64_t ts);

}  // namespace ohlcv
