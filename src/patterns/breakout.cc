// Breakouts: the first close above the highest high (below the lowest low) of
// the N bars before t, on volume above breakout_volume_mult x its prior
// average. "Prior" excludes bar t itself, so a bar cannot break its own high.
// Only the first close beyond the level counts: a close already above its
// prior level at t-1 makes t a continuation, not a breakout (a breakout bar
// without volume is therefore not reported a day later either).

#include "patterns/detector_kernels.h"
#include "patterns/rolling_extremum.h"

namespace ohlcv {
namespace {

// One lookback's state, advanced bar by bar.
struct Channel {
  Channel(const PatternInputs& in, size_t bars, PatternKind up, PatternKind down)
      : bars(bars), up(up), down(down), hi(in.high, bars), lo(in.low, bars) {}

  // Decides bar t (levels cover [t - bars, t - 1]), then adds t.
  void Step(const PatternInputs& in, size_t t, bool volume_ok, EventSink* sink) {
    bool above = false, below = false;
    if (t >= bars) {
      const double c = in.close[t];
      const double level_hi = hi.value();
      const double level_lo = lo.value();
      above = c > level_hi;
      below = c < level_lo;
      if (above && !prev_above && volume_ok) sink->Emit(up, t, level_hi);
      if (below && !prev_below && volume_ok) sink->Emit(down, t, level_lo);
    }
    prev_above = above;
    prev_below = below;
    hi.Push(t);
    lo.Push(t);
  }

  size_t bars;
  PatternKind up, down;
  RollingMax hi;
  RollingMin lo;
  bool prev_above = false;
  bool prev_below = false;
};

}  // namespace

void DetectBreakouts(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  Channel short_ch(in, opt.breakout_short_bars, PatternKind::kBreakout20High,
                   PatternKind::kBreakdown20Low);
  Channel long_ch(in, opt.breakout_long_bars, PatternKind::kBreakout52wHigh,
                  PatternKind::kBreakdown52wLow);
  PriorMean avg_volume(in.volume, opt.volume_avg_bars);
  for (size_t t = 0; t < n; ++t) {
    const bool volume_ok =
        avg_volume.ready(t) && in.volume[t] > opt.breakout_volume_mult * avg_volume.mean();
    short_ch.Step(in, t, volume_ok, sink);
    long_ch.Step(in, t, volume_ok, sink);
    avg_volume.Advance(t);
  }
}

}  // namespace ohlcv
