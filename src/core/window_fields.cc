#include "core/window_fields.h"

#include <array>
#include <cmath>

namespace ohlcv {
namespace {

using K = WindowFieldKind;

#define OHLCV_W(f, kind, column, unit)                                                          \
  WindowField{#f, kind, false, column, unit, [](const Window& w) { return static_cast<double>(w.f); }, \
              [](Window& w, double v) { w.f = static_cast<decltype(w.f)>(v); }}
#define OHLCV_I(f, unit) \
  WindowField{#f, K::kReal, true, true, unit, [](const Window& w) { return w.last.f; }, \
              [](Window& w, double v) { w.last.f = v; }}

// The order is the index's column order: append only.
const std::array kFields = {
    OHLCV_W(start_ts, K::kTimestamp, false, ""), OHLCV_W(end_ts, K::kTimestamp, false, ""),
    OHLCV_W(start_bar, K::kCount, true, ""), OHLCV_W(n_bars, K::kCount, true, " bars"),
    OHLCV_W(open, K::kReal, true, "$"), OHLCV_W(first_close, K::kReal, true, "$"),
    OHLCV_W(close, K::kReal, true, "$"), OHLCV_W(high, K::kReal, true, "$"),
    OHLCV_W(high_ts, K::kTimestamp, true, ""), OHLCV_W(low, K::kReal, true, "$"),
    OHLCV_W(low_ts, K::kTimestamp, true, ""), OHLCV_W(return_pct, K::kReal, true, "%"),
    OHLCV_W(volatility, K::kReal, true, "%"), OHLCV_W(max_drawdown_pct, K::kReal, true, "%"),
    OHLCV_W(avg_volume, K::kReal, true, " shares"), OHLCV_W(relative_volume, K::kReal, true, "x"),
    WindowField{"trend", K::kTrend, false, true, "", [](const Window& w) { return static_cast<double>(w.trend); },
                [](Window& w, double v) {
                  w.trend = std::isnan(v) ? TrendState::kSideways : static_cast<TrendState>(static_cast<int>(v));
                }},
    OHLCV_I(sma20, "$"), OHLCV_I(sma50, "$"), OHLCV_I(sma200, "$"), OHLCV_I(ema12, "$"),
    OHLCV_I(ema26, "$"), OHLCV_I(rsi14, ""), OHLCV_I(macd, ""), OHLCV_I(macd_signal, ""),
    OHLCV_I(macd_hist, ""), OHLCV_I(bb_pctb, ""), OHLCV_I(bb_bandwidth, ""), OHLCV_I(atr14, "$"),
    OHLCV_I(adx14, ""), OHLCV_I(plus_di14, ""), OHLCV_I(minus_di14, ""), OHLCV_I(stoch_k, ""),
    OHLCV_I(stoch_d, ""), OHLCV_I(willr14, ""), OHLCV_I(cci20, ""), OHLCV_I(mfi14, ""),
    OHLCV_I(roc10, "%"), OHLCV_I(rsi14_max, ""), OHLCV_I(rsi14_min, ""),
};
#undef OHLCV_W
#undef OHLCV_I

}  // namespace

std::span<const WindowField> WindowFields() { return kFields; }

const WindowField* FindWindowField(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace ohlcv
