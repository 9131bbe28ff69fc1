// Line crossovers: golden/death cross (SMA50 vs SMA200) and MACD line vs its
// signal. Written once as CrossStep over two spans.

#include "patterns/detector_kernels.h"

namespace ohlcv {
namespace {

// Emits `up` at t when a[t] > b[t] after a[t-1] <= b[t-1], and `down` for the
// mirror. Unknown (NaN) cells fail every comparison, so no cross is reported
// on the first known bar. value = a[t]. REQUIRES: t >= 1.
inline void CrossStep(std::span<const double> a, std::span<const double> b, size_t t,
                      PatternKind up, PatternKind down, EventSink* sink) {
  const double a0 = a[t - 1], b0 = b[t - 1], a1 = a[t], b1 = b[t];
  if (a1 > b1 && a0 <= b0) {
    sink->Emit(up, t, a1);
  } else if (a1 < b1 && a0 >= b0) {
    sink->Emit(down, t, a1);
  }
}

}  // namespace

void DetectCrossovers(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  // One pass for both pairs keeps the output in bar order (and kind order
  // within a bar: golden/death before MACD).
  const size_t n = in.size();
  for (size_t t = 1; t < n; ++t) {
    CrossStep(in.sma50, in.sma200, t, PatternKind::kGoldenCross, PatternKind::kDeathCross, sink);
    CrossStep(in.macd, in.macd_signal, t, PatternKind::kMacdBullishCross,
              PatternKind::kMacdBearishCross, sink);
  }
}

}  // namespace ohlcv
