// Window summary: the plain-language sentence the text embedder and the BM25
// index see, and that answers quote.
//
// Made from the Window's metadata alone, so anyone holding the window record
// can regenerate it. Every figure is an exact metadata value rounded only for
// display, with the rounding fixed by the format: prices 2 decimals, percents
// and RSI 1 decimal, volume ratio 1 decimal followed by "x". Example:
//
//   AAPL (Information Technology) 2019-03-01 to 2019-04-12: +8.4% (174.97 to
//   198.87), uptrend; high 200.23 on 2019-04-11, low 169.50 on 2019-03-08; max
//   drawdown -3.1%; volatility 18.2% annualised; golden cross (SMA50 above
//   SMA200) on 2019-03-20; RSI 71.2 overbought on 2019-04-09; doji 3 times,
//   2019-03-05 to 2019-04-01; volume 1.3x its 50-day average.
//
// Clause rules:
// - "(sector)" after the ticker when Window::sector is known.
// - A move of at least WindowOptions::big_move_pct is called a "rally" or a
//   "sell-off" right after the percentage.
// - Each pattern kind appears once, using PatternKindPhrase: "<phrase> on
//   <date>", or "<phrase> N times, <first date> to <last date>"; RSI
//   overbought/oversold carry the RSI value at entry ("RSI 71.2 overbought on
//   ..."); when repeated, the window's RSI peak/low (rsi14_max/min). Without such an event, an RSI extreme
//   inside the window still shows ("RSI reached 74.2 (overbought)").
// - Kinds are added most important first (52-week breakouts, crosses,
//   20-day breakouts, RSI extremes, reversals, ...; candlesticks last) while
//   the summary stays within WindowOptions::max_summary_chars.
// - "volume R x its K-day average" when relative_volume is known, with
//   K = min(volume_lookback, start_bar) and the interval's unit (day, week,
//   month, bar for intraday).
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "core/window.h"
#include "windows/window_builder.h"

namespace ohlcv {

// The summary of `w` (see above). Uses opt.big_move_pct,
// opt.max_summary_chars and opt.volume_lookback.
std::string WindowSummary(const Window& w, const WindowOptions& opt);

}  // namespace ohlcv
