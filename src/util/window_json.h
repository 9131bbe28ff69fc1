// Window <-> JSON: the one JSON form of a Window, used by the vector stores
// (metadata), the HTTP service (responses) and the CLI (--json).
//
// Layout (nlohmann::json writes keys sorted; readers must not depend on key
// order; every double that is NaN or infinite is null):
//   {"id", "ticker", "sector", "interval": "1d",
//    "start_date", "start_ts", "end_date", "end_ts", "start_bar", "n_bars",
//    "open", "first_close", "close",
//    "high", "high_date", "high_ts", "low", "low_date", "low_ts",
//    "return_pct", "volatility", "max_drawdown_pct", "avg_volume",
//    "relative_volume", "trend": "uptrend"|"downtrend"|"sideways",
//    "indicators": {"sma20": .., "rsi14": .., ..., "rsi14_max", "rsi14_min"},
//    "patterns": [{"kind": "golden_cross", "date", "ts", "ref_ts", "bar",
//                  "value"}],
//    "summary": "...", "shape": [floats]}
// "*_date" strings are FormatDateTime of the matching "*_ts" ("2019-03-01",
// or "2019-03-01 14:30" for intraday bars); they are for readers only:
// WindowFromJson reads the numeric ts, which is authoritative.
//
// Round trip: WindowFromJson(WindowToJson(w)) equals w field by field (NaN
// stays NaN; doubles and floats are written with enough digits to come back
// bit-identical). Infinite values do not survive: JSON has no infinity, so
// they come back as NaN.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/pattern.h"
#include "core/status.h"
#include "core/window.h"

namespace ohlcv {

nlohmann::json WindowToJson(const Window& w);

// Parses the layout above. Required: id, ticker, interval, start_ts, end_ts,
// start_bar, n_bars, open, first_close, close, high, high_ts, low, low_ts,
// return_pct, volatility, max_drawdown_pct, avg_volume, relative_volume,
// trend. Optional (default empty / NaN): sector, indicators (and each member
// of it), patterns, summary, shape. Unknown keys are ignored.
// InvalidArgument naming the field ("window JSON: 'patterns[2].kind':
// unknown pattern 'foo'") when a field is missing or has the wrong type.
Result<Window> WindowFromJson(const nlohmann::json& j);

// One pattern event: {"kind", "date", "ts", "ref_ts", "bar", "value"}.
nlohmann::json PatternEventToJson(const PatternEvent& e);
// Inverse of PatternEventToJson; "kind" and "ts" are required, ref_ts
// defaults to ts, bar and value to 0. Errors name the field.
Result<PatternEvent> PatternEventFromJson(const nlohmann::json& j);

// "uptrend" / "downtrend" / "sideways" (TrendStateName) back to TrendState.
Result<TrendState> ParseTrendState(std::string_view name);

}  // namespace ohlcv
