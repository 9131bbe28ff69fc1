// Trend reversals from swing structure (Dow theory), using the confirmed
// pivots of patterns/pivot.h:
//
//   bullish: a downtrend (a lower low and a lower high among the last
//   pivots), then a higher low is confirmed; the reversal is reported at the
//   first close above the latest pivot high. It is called off if a close
//   falls below that higher low first.
//   bearish: the mirror (higher high and higher low, then a lower high, then
//   a close below the latest pivot low; called off above the lower high).
//
// value = the pivot level broken; ref_ts = the higher low (lower high) pivot.

#include <array>

#include "patterns/detector_kernels.h"
#include "patterns/pivot.h"

namespace ohlcv {
namespace {

// The last three confirmed pivots of one side, oldest first.
struct PivotHistory {
  std::array<double, 3> level{};
  std::array<size_t, 3> bar{};
  size_t count = 0;

  void Add(double v, size_t p) {
    level[0] = level[1];
    level[1] = level[2];
    level[2] = v;
    bar[0] = bar[1];
    bar[1] = bar[2];
    bar[2] = p;
    if (count < 3) ++count;
  }
  double last() const { return level[2]; }
  double before_last() const { return level[1]; }
};

// A setup waiting for its break.
struct Setup {
  bool armed = false;
  double invalidation = 0;  // the higher low (lower high) that must hold
  size_t ref_bar = 0;
};

}  // namespace

void DetectReversals(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  const size_t k = opt.pivot_bars;
  PivotHistory highs, lows;
  Setup bull, bear;
  for (size_t t = 2 * k; t < n; ++t) {
    const size_t p = t - k;
    const bool new_high = IsPivotHigh(in.high, p, k);
    const bool new_low = IsPivotLow(in.low, p, k);
    if (new_high) highs.Add(in.high[p], p);
    if (new_low) lows.Add(in.low[p], p);

    // Arm on the pivot that completes the structure.
    if (new_low && lows.count == 3 && highs.count >= 2) {
      const bool lower_low = lows.level[1] < lows.level[0];
      const bool higher_low = lows.level[2] > lows.level[1];
      const bool lower_high = highs.last() < highs.before_last();
      if (lower_low && higher_low && lower_high) bull = Setup{true, lows.level[2], p};
    }
    if (new_high && highs.count == 3 && lows.count >= 2) {
      const bool higher_high = highs.level[1] > highs.level[0];
      const bool lower_high = highs.level[2] < highs.level[1];
      const bool higher_low = lows.last() > lows.before_last();
      if (higher_high && lower_high && higher_low) bear = Setup{true, highs.level[2], p};
    }

    const double c = in.close[t];
    if (bull.armed) {
      if (c < bull.invalidation) {
        bull.armed = false;
      } else if (c > highs.last()) {
        sink->EmitRef(PatternKind::kBullishReversal, t, bull.ref_bar, highs.last());
        bull.armed = false;
      }
    }
    if (bear.armed) {
      if (c > bear.invalidation) {
        bear.armed = false;
      } else if (c < lows.last()) {
        sink->EmitRef(PatternKind::kBearishReversal, t, bear.ref_bar, lows.last());
        bear.armed = false;
      }
    }
  }
}

}  // namespace ohlcv
