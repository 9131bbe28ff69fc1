// The one rule for ticker symbols, used by the CLI, the API, the sources,
// the stores and the question parser alike, so every entry point accepts and
// stores the same tickers.
//
// Rule: surrounding white space is dropped and ASCII letters are upper-cased;
// what is left must be 1 to 16 characters of A-Z 0-9 . - ^ = _ /
// ("brk.b" -> "BRK.B", "^gspc" -> "^GSPC", "eurusd=x" -> "EURUSD=X").
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ohlcv {

inline constexpr size_t kMaxTickerLength = 16;

// The canonical ticker, or InvalidArgument quoting `raw` and the rule.
Result<std::string> ParseTicker(std::string_view raw);

// Tickers from items that may each hold several, separated by commas or
// white space ("AAPL, msft" "GOOGL"); duplicates dropped, order kept; empty
// items skipped. InvalidArgument naming the first bad one.
Result<std::vector<std::string>> ParseTickerList(const std::vector<std::string>& items);

}  // namespace ohlcv
