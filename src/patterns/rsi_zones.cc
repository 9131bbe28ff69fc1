// RSI zones: entering and leaving overbought (> 70) and oversold (< 30).

#include "patterns/detector_kernels.h"

namespace ohlcv {

void DetectRsiZones(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const std::span<const double> rsi = in.rsi14;
  const double ob = opt.rsi_overbought;
  const double os = opt.rsi_oversold;
  const size_t n = rsi.size();
  for (size_t t = 1; t < n; ++t) {
    const double r0 = rsi[t - 1], r1 = rsi[t];
    // NaN in either cell fails both sides of each test: nothing is reported
    // until two consecutive values are known.
    if (r1 > ob && r0 <= ob) sink->Emit(PatternKind::kRsiOverbought, t, r1);
    if (r1 <= ob && r0 > ob) sink->Emit(PatternKind::kRsiOverboughtExit, t, r1);
    if (r1 < os && r0 >= os) sink->Emit(PatternKind::kRsiOversold, t, r1);
    if (r1 >= os && r0 < os) sink->Emit(PatternKind::kRsiOversoldExit, t, r1);
  }
}

}  // namespace ohlcv
