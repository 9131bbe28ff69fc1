// Chart data for the web UI (issue 7): one ticker's bars with the overlays
// and panes the page draws (SMA/EMA, Bollinger bands, RSI, MACD) and the
// patterns detected on them, in one reply, so the page makes one request per
// chart and never recomputes an indicator in JavaScript.
//
// Served as GET /api/v1/tickers/{T}/chart?start&end&interval&limit (key
// needed, like every /api/ route). Indicators and patterns are computed over
// the ticker's whole stored history up to `end` and then cut to [start, end],
// so the first bars of a short range have warmed-up values and every value is
// the one a causal reader had at that bar (patterns/ never looks ahead).
//
// Reply (columns, not rows: ~40% smaller for 5 years of daily bars):
//   {"ticker", "interval", "count", "truncated",
//    "time": [epoch s], "open", "high", "low", "close", "volume": [...],
//    "indicators": {"sma20", "sma50", "ema12", "ema26", "bb_upper",
//                   "bb_middle", "bb_lower", "rsi14", "macd", "macd_signal",
//                   "macd_hist": [number | null (warm-up)]},
//    "patterns": [{"time", "ref_time", "kind", "phrase", "direction", "value"}]}
//
// Thread-safety: stateless; safe for concurrent use (the KnowledgeBase is).
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "service/api/request_parse.h"

namespace ohlcv {

class KnowledgeBase;

// NotFound when the ticker has no bars at all; an empty range is a reply
// with count 0. `query.limit` keeps the most recent bars (truncated: true).
Result<nlohmann::json> BuildChartJson(const KnowledgeBase& engine, const BarsQuery& query);

}  // namespace ohlcv
