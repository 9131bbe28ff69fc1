// Trend state: up / down / sideways from moving-average alignment and slope,
// with ADX14 as the strength filter, debounced by trend_confirm_bars.

#include <cmath>

#include "patterns/detector_kernels.h"

namespace ohlcv {

TrendState TrendTracker::RawState(size_t t) const {
  const size_t lag = opt_.trend_slope_bars;
  if (t < lag) return TrendState::kSideways;
  const double c = in_.close[t];
  const double fast = in_.sma20[t];
  const double slow = in_.sma50[t];
  const double slow_then = in_.sma50[t - lag];
  const double adx = in_.adx14[t];
  // NaN (warm-up) fails every comparison below, so it reads as sideways.
  if (!(adx >= opt_.trend_adx_min)) return TrendState::kSideways;
  if (fast > slow && c > slow && slow > slow_then) return TrendState::kUp;
  if (fast < slow && c < slow && slow < slow_then) return TrendState::kDown;
  return TrendState::kSideways;
}

TrendState TrendTracker::Step(size_t t) {
  const TrendState raw = RawState(t);
  if (raw == candidate_) {
    ++candidate_run_;
  } else {
    candidate_ = raw;
    candidate_run_ = 1;
  }
  if (candidate_ != confirmed_ && candidate_run_ >= opt_.trend_confirm_bars) confirmed_ = candidate_;
  return confirmed_;
}

void ComputeTrendStatesOnInputs(const PatternInputs& in, const PatternOptions& opt,
                                std::vector<TrendState>* out) {
  const size_t n = in.size();
  out->resize(n);
  TrendTracker tracker(in, opt);
  for (size_t t = 0; t < n; ++t) (*out)[t] = tracker.Step(t);
}

void DetectTrend(const PatternInputs& in, const PatternOptions& opt, EventSink* sink) {
  const size_t n = in.size();
  TrendTracker tracker(in, opt);
  TrendState prev = TrendState::kSideways;
  for (size_t t = 0; t < n; ++t) {
    const TrendState s = tracker.Step(t);
    if (s == prev) continue;
    const PatternKind kind = s == TrendState::kUp     ? PatternKind::kUptrend
                             : s == TrendState::kDown ? PatternKind::kDowntrend
                                                      : PatternKind::kSideways;
    sink->Emit(kind, t, in.adx14[t]);
    prev = s;
  }
}

}  // namespace ohlcv
