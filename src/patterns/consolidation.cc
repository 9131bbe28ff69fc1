// Consolidation: the last consolidation_bars bars (t included) trade in a
// range narrower than consolidation_enter_pct of the close. Reported once
// when the range becomes tight; the state ends only when the range widens
// past consolidation_exit_pct, so a range hovering at the threshold does not
// report every other bar.

#include "patterns/detector_kernels.h"
#include "patterns/rolling_extremum.h"

namespace ohlcv {

void DetectConsolidation(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  const size_t window = opt.consolidation_bars;
  RollingMax hi(in.high, window);
  RollingMin lo(in.low, window);
  bool tight = false;
  for (size_t t = 0; t < n; ++t) {
    hi.Push(t);
    lo.Push(t);
    if (t + 1 < window) continue;
    const double range_pct = (hi.value() - lo.value()) / in.close[t] * 100.0;
    if (!tight && range_pct < opt.consolidation_enter_pct) {
      tight = true;
      sink->Emit(PatternKind::kConsolidation, t, range_pct);
    } else if (tight && range_pct > opt.consolidation_exit_pct) {
      tight = false;
    }
  }
}

}  // namespace ohlcv
