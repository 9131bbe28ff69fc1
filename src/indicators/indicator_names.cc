// IndicatorName / ParseIndicator: the one table of indicator names.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "indicators/indicator_set.h"

namespace ohlcv {
namespace {

// Canonical names, in enum order. Persisted (window metadata, JSON): never
// rename an entry.
constexpr std::array<std::string_view, kIndicatorCount> kNames = {
    "sma20",     "sma50",       "sma200",    "ema12",        "ema26",     "rsi14",
    "macd",      "macd_signal", "macd_hist", "bb_upper",     "bb_middle", "bb_lower",
    "bb_pctb",   "bb_bandwidth", "atr14",    "adx14",        "plus_di14", "minus_di14",
    "stoch_k",   "stoch_d",     "willr14",   "cci20",        "obv",       "mfi14",
    "roc10",     "vwap20",      "vwap_cum",  "return1",      "return5",   "return20",
    "volatility20", "drawdown",
};

struct Alias {
  std::string_view name;
  Indicator id;
};

// Common spellings, after normalisation (lower case; ' ', '-', '.' -> '_').
constexpr Alias kAliases[] = {
    {"sma", Indicator::kSma20},
    {"ema", Indicator::kEma12},
    {"rsi", Indicator::kRsi14},
    {"macd_line", Indicator::kMacd},
    {"signal", Indicator::kMacdSignal},
    {"macdsignal", Indicator::kMacdSignal},
    {"macd_sig", Indicator::kMacdSignal},
    {"macdhist", Indicator::kMacdHist},
    {"macd_histogram", Indicator::kMacdHist},
    {"histogram", Indicator::kMacdHist},
    {"bbupper", Indicator::kBbUpper},
    {"upper_band", Indicator::kBbUpper},
    {"bbmiddle", Indicator::kBbMiddle},
    {"middle_band", Indicator::kBbMiddle},
    {"bblower", Indicator::kBbLower},
    {"lower_band", Indicator::kBbLower},
    {"pctb", Indicator::kBbPercentB},
    {"percent_b", Indicator::kBbPercentB},
    {"%b", Indicator::kBbPercentB},
    {"bb_%b", Indicator::kBbPercentB},
    {"bandwidth", Indicator::kBbBandwidth},
    {"bbw", Indicator::kBbBandwidth},
    {"atr", Indicator::kAtr14},
    {"adx", Indicator::kAdx14},
    {"plus_di", Indicator::kPlusDi14},
    {"+di", Indicator::kPlusDi14},
    {"pdi", Indicator::kPlusDi14},
    {"minus_di", Indicator::kMinusDi14},
    {"_di", Indicator::kMinusDi14},  // "-di" after normalisation
    {"mdi", Indicator::kMinusDi14},
    {"stoch", Indicator::kStochK},
    {"stochk", Indicator::kStochK},
    {"%k", Indicator::kStochK},
    {"stochd", Indicator::kStochD},
    {"%d", Indicator::kStochD},
    {"willr", Indicator::kWillR14},
    {"williams_r", Indicator::kWillR14},
    {"williams_%r", Indicator::kWillR14},
    {"%r", Indicator::kWillR14},
    {"wpr", Indicator::kWillR14},
    {"cci", Indicator::kCci20},
    {"mfi", Indicator::kMfi14},
    {"roc", Indicator::kRoc10},
    {"vwap", Indicator::kVwap20},
    {"vwapcum", Indicator::kVwapCum},
    {"cumulative_vwap", Indicator::kVwapCum},
    {"return", Indicator::kReturn1},
    {"returns", Indicator::kReturn1},
    {"ret1", Indicator::kReturn1},
    {"ret5", Indicator::kReturn5},
    {"ret20", Indicator::kReturn20},
    {"volatility", Indicator::kVolatility20},
    {"vol20", Indicator::kVolatility20},
    {"dd", Indicator::kDrawdown},
};

}  // namespace

std::string_view IndicatorName(Indicator id) {
  const auto i = static_cast<size_t>(id);
  return i < kIndicatorCount ? kNames[i] : std::string_view("unknown");
}

std::optional<Indicator> ParseIndicator(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char ch : name) {
    if (ch == ' ' || ch == '-' || ch == '.') ch = '_';
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  for (size_t i = 0; i < kIndicatorCount; ++i) {
    if (kNames[i] == key) return static_cast<Indicator>(i);
  }
  for (const Alias& a : kAliases) {
    if (a.name == key) return a.id;
  }
  return std::nullopt;
}

}  // namespace ohlcv
