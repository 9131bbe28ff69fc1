// Support and resistance from pivots, confirmed once the pivot's right side
// exists: a pivot at p is reported at p + pivot_bars (see patterns/pivot.h).

#include "patterns/detector_kernels.h"
#include "patterns/pivot.h"

namespace ohlcv {

void DetectPivots(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  const size_t k = opt.pivot_bars;
  for (size_t t = 2 * k; t < n; ++t) {
    const size_t p = t - k;
    // Kind order within a bar (support < resistance) keeps the final sort cheap.
    if (IsPivotLow(in.low, p, k)) sink->EmitRef(PatternKind::kSupport, t, p, in.low[p]);
    if (IsPivotHigh(in.high, p, k)) sink->EmitRef(PatternKind::kResistance, t, p, in.high[p]);
  }
}

}  // namespace ohlcv
