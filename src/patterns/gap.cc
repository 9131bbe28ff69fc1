// Gaps: open above the previous bar's high (gap up) or below its low (gap
// down), i.e. a price range the market skipped, not merely open vs close.

#include "patterns/detector_kernels.h"

namespace ohlcv {

void DetectGaps(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  const double min_pct = opt.gap_min_pct;
  for (size_t t = 1; t < n; ++t) {
    const double o = in.open[t];
    const double prev_high = in.high[t - 1];
    const double prev_low = in.low[t - 1];
    if (o > prev_high) {
      const double pct = (o / prev_high - 1.0) * 100.0;
      if (pct > min_pct) sink->Emit(PatternKind::kGapUp, t, pct);
    } else if (o < prev_low) {
      const double pct = (o / prev_low - 1.0) * 100.0;  // negative
      if (-pct > min_pct) sink->Emit(PatternKind::kGapDown, t, pct);
    }
  }
}

}  // namespace ohlcv
