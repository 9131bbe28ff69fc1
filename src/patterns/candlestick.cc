// Candlestick patterns. Definitions (after Nison, "Japanese Candlestick
// Charting Techniques", with fixed ratios instead of TA-Lib's rolling body
// averages so that each is decidable from the pattern's bars alone):
//
//   body = |close - open|, range = high - low,
//   upper shadow = high - max(open, close), lower = min(open, close) - low.
//
//   doji:          body <= doji_body_ratio x range (range > 0).
//   hammer:        not a doji, body <= small_body_ratio x range, lower shadow
//                  >= shadow_body_mult x body, upper shadow <= tiny_shadow_ratio
//                  x range, after a decline.
//   shooting star: the mirror (long upper shadow), after an advance.
//   bullish engulfing: a bearish bar, then a bullish bar whose body covers it
//                  (open <= prior close, close >= prior open, not both equal),
//                  after a decline. Bearish engulfing mirrors it.
//   morning star:  a long bearish bar (body >= long_body_ratio x range), a
//                  small star (body <= small_body_ratio x first body) whose
//                  body sits at or below the first close, then a bullish bar
//                  closing above the first body's midpoint; after a decline.
//                  Evening star mirrors it.
//
// "After a decline": close one bar before the pattern's first bar is below
// the close candle_trend_bars before that (advance: above). Events are dated
// at the pattern's last bar; value = close there.

#include <algorithm>
#include <cmath>

#include "patterns/detector_kernels.h"

namespace ohlcv {
namespace {

struct Candle {
  double open, close, body, range, upper, lower;
  bool bullish() const { return close > open; }
  bool bearish() const { return close < open; }
};

Candle MakeCandle(const PatternInputs& in, size_t t) {
  const double o = in.open[t], c = in.close[t], h = in.high[t], l = in.low[t];
  return Candle{o, c, std::fabs(c - o), h - l, h - std::max(o, c), std::min(o, c) - l};
}

}  // namespace

void DetectCandlesticks(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  const size_t lag = opt.candle_trend_bars;
  const std::span<const double> close = in.close;
  // Trend before a pattern whose first bar is s; false when history is short.
  auto declined_before = [&](size_t s) { return s >= lag + 1 && close[s - 1] < close[s - 1 - lag]; };
  auto advanced_before = [&](size_t s) { return s >= lag + 1 && close[s - 1] > close[s - 1 - lag]; };

  // The last three candles roll along: a = t-2, b = t-1, c = t.
  Candle a{}, b{};
  for (size_t t = 0; t < n; ++t) {
    const Candle c = MakeCandle(in, t);
    const double value = c.close;
    if (c.range > 0) {
      const bool doji = c.body <= opt.doji_body_ratio * c.range;
      if (doji) sink->Emit(PatternKind::kDoji, t, value);
      const bool small = !doji && c.body <= opt.small_body_ratio * c.range;
      if (small && c.lower >= opt.shadow_body_mult * c.body &&
          c.upper <= opt.tiny_shadow_ratio * c.range && declined_before(t)) {
        sink->Emit(PatternKind::kHammer, t, value);
      }
      if (small && c.upper >= opt.shadow_body_mult * c.body &&
          c.lower <= opt.tiny_shadow_ratio * c.range && advanced_before(t)) {
        sink->Emit(PatternKind::kShootingStar, t, value);
      }
    }
    if (t >= 1) {
      const Candle& p = b;
      if (p.bearish() && c.bullish() && c.open <= p.close && c.close >= p.open &&
          (c.open < p.close || c.close > p.open) && declined_before(t - 1)) {
        sink->Emit(PatternKind::kBullishEngulfing, t, value);
      }
      if (p.bullish() && c.bearish() && c.open >= p.close && c.close <= p.open &&
          (c.open > p.close || c.close < p.open) && advanced_before(t - 1)) {
        sink->Emit(PatternKind::kBearishEngulfing, t, value);
      }
    }
    if (t >= 2) {
      const bool long_a = a.range > 0 && a.body >= opt.long_body_ratio * a.range;
      const bool star_b = b.body <= opt.small_body_ratio * a.body;
      const double mid_a = (a.open + a.close) / 2;
      if (long_a && star_b && a.bearish() && std::max(b.open, b.close) <= a.close &&
          c.bullish() && c.close > mid_a && declined_before(t - 2)) {
        sink->Emit(PatternKind::kMorningStar, t, value);
      }
      if (long_a && star_b && a.bullish() && std::min(b.open, b.close) >= a.close &&
          c.bearish() && c.close < mid_a && advanced_before(t - 2)) {
        sink->Emit(PatternKind::kEveningStar, t, value);
      }
    }
    a = b;
    b = c;
  }
}

}  // namespace ohlcv
