#include "retrieval/window_fields.h"

#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace ohlcv {
namespace {

using Getter = double (*)(const Window&);

#define OHLCV_W(f) \
  std::pair<std::string_view, Getter> { #f, [](const Window& w) { return static_cast<double>(w.f); } }
#define OHLCV_I(f) \
  std::pair<std::string_view, Getter> { #f, [](const Window& w) { return w.last.f; } }

// Mirrors the store's filterable columns (index/window_rows.cc); a field
// missing here only loses its explanation, never a filter.
constexpr std::pair<std::string_view, Getter> kFields[] = {
    OHLCV_W(start_ts), OHLCV_W(end_ts), OHLCV_W(start_bar), OHLCV_W(n_bars), OHLCV_W(open),
    OHLCV_W(first_close), OHLCV_W(close), OHLCV_W(high), OHLCV_W(high_ts), OHLCV_W(low),
    OHLCV_W(low_ts), OHLCV_W(return_pct), OHLCV_W(volatility), OHLCV_W(max_drawdown_pct),
    OHLCV_W(avg_volume), OHLCV_W(relative_volume), OHLCV_W(trend), OHLCV_I(sma20), OHLCV_I(sma50),
    OHLCV_I(sma200), OHLCV_I(ema12), OHLCV_I(ema26), OHLCV_I(rsi14), OHLCV_I(macd),
    OHLCV_I(macd_signal), OHLCV_I(macd_hist), OHLCV_I(bb_pctb), OHLCV_I(bb_bandwidth),
    OHLCV_I(atr14), OHLCV_I(adx14), OHLCV_I(plus_di14), OHLCV_I(minus_di14), OHLCV_I(stoch_k),
    OHLCV_I(stoch_d), OHLCV_I(willr14), OHLCV_I(cci20), OHLCV_I(mfi14), OHLCV_I(roc10),
    OHLCV_I(rsi14_max), OHLCV_I(rsi14_min),
};
#undef OHLCV_W
#undef OHLCV_I

}  // namespace

std::optional<double> WindowFieldValue(const Window& w, std::string_view field) {
  for (const auto& [name, get] : kFields) {
    if (name == field) return get(w);
  }
  return std::nullopt;
}

std::string_view ConditionOpSymbol(NumericCondition::Op op) {
  switch (op) {
    case NumericCondition::Op::kGt: return ">";
    case NumericCondition::Op::kGe: return ">=";
    case NumericCondition::Op::kLt: return "<";
    case NumericCondition::Op::kLe: return "<=";
  }
  return "?";
}

bool ConditionHolds(const Window& w, const NumericCondition& c) {
  const auto v = WindowFieldValue(w, c.field);
  if (!v || std::isnan(*v)) return false;
  switch (c.op) {
    case NumericCondition::Op::kGt: return *v > c.value;
    case NumericCondition::Op::kGe: return *v >= c.value;
    case NumericCondition::Op::kLt: return *v < c.value;
    case NumericCondition::Op::kLe: return *v <= c.value;
  }
  return false;
}

std::string DescribeCondition(const Window& w, const NumericCondition& c) {
  const auto v = WindowFieldValue(w, c.field);
  const std::string value = !v ? std::string("?") : std::isnan(*v) ? std::string("n/a")
                                                                   : fmt::format("{:.4g}", *v);
  return fmt::format("{} {} {} {:g}", c.field, value, ConditionOpSymbol(c.op), c.value);
}

}  // namespace ohlcv
