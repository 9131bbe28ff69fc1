// Bollinger bands: squeeze (bandwidth at a lookback low) and the first close
// beyond a band.

#include <cmath>

#include "patterns/detector_kernels.h"
#include "patterns/rolling_extremum.h"

namespace ohlcv {

void DetectBollinger(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  const std::span<const double> bw = in.bb_bandwidth;
  const size_t lookback = opt.squeeze_lookback;
  RollingMin bw_min(bw, lookback);
  size_t known_run = 0;         // consecutive known bandwidth cells ending at t
  size_t last_squeeze = 0;      // bar of the last squeeze event
  bool any_squeeze = false;
  for (size_t t = 0; t < n; ++t) {
    // Squeeze: needs `lookback` known cells; an unknown cell restarts the run.
    if (std::isnan(bw[t])) {
      known_run = 0;
      bw_min.Reset();
    } else {
      ++known_run;
      bw_min.Push(t);
      const bool cooled = !any_squeeze || t - last_squeeze >= opt.squeeze_cooldown_bars;
      if (known_run >= lookback && bw[t] <= bw_min.value() && cooled) {
        sink->Emit(PatternKind::kBollingerSqueeze, t, bw[t]);
        last_squeeze = t;
        any_squeeze = true;
      }
    }
    // Band breakouts: the first close beyond the band, so a walk along the
    // band reports once.
    if (t == 0) continue;
    const double c0 = in.close[t - 1], c1 = in.close[t];
    const double up0 = in.bb_upper[t - 1], up1 = in.bb_upper[t];
    const double lo0 = in.bb_lower[t - 1], lo1 = in.bb_lower[t];
    if (c1 > up1 && c0 <= up0) sink->Emit(PatternKind::kBollingerBreakoutUp, t, up1);
    if (c1 < lo1 && c0 >= lo0) sink->Emit(PatternKind::kBollingerBreakoutDown, t, lo1);
  }
}

}  // namespace ohlcv
