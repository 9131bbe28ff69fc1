// Volume spikes: volume at least volume_spike_mult x the mean of the
// volume_avg_bars bars before t (t excluded, so a spike does not dilute its
// own baseline).

#include "patterns/detector_kernels.h"
#include "patterns/rolling_extremum.h"

namespace ohlcv {

void DetectVolumeSpikes(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  PriorMean avg(in.volume, opt.volume_avg_bars);
  for (size_t t = 0; t < n; ++t) {
    if (avg.ready(t)) {
      const double mean = avg.mean();
      const double v = in.volume[t];
      // A zero baseline (halted or synthetic data) makes any ratio meaningless.
      if (mean > 0 && v >= opt.volume_spike_mult * mean) {
        sink->Emit(PatternKind::kVolumeSpike, t, v / mean);
      }
    }
    avg.Advance(t);
  }
}

}  // namespace ohlcv
