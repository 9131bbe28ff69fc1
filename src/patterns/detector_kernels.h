// Detector kernels: the pure functions behind DetectPatterns, one family per
// .cc file, and the one list that registers them.
//
// A kernel reads column spans (PatternInputs) and appends events, in bar
// order, to an EventSink (DetectPatterns merges the per-kernel runs; a run
// out of bar order costs a stable sort, kinds out of order within a bar an
// insertion step). It must be causal: what it emits at bar t depends on
// input cells [0, t] only. It makes one pass over the bars and allocates
// nothing per bar (fixed-size scratch allocated once per call is fine).
//
// To add a detector: write `void DetectFoo(const PatternInputs&, const
// PatternOptions&, EventSink*)` in foo.cc, declare it below, add it to
// kDetectors in pattern_detector.cc, and test it in tests/patterns/foo_test.cc
// with hand-built spans (no indicator engine needed).
//
// Ownership: PatternInputs borrows its spans; they must outlive the call.
// Thread-safety: kernels are stateless; an EventSink needs external
// synchronization.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/bar_series.h"
#include "core/pattern.h"
#include "core/window.h"
#include "indicators/indicator_set.h"
#include "patterns/pattern_detector.h"

namespace ohlcv {

// Every column a kernel may read. REQUIRES (for the columns a kernel reads):
// length == ts.size(). Unknown indicator cells (warm-up) are NaN; kernels
// emit nothing that depends on an unknown cell.
struct PatternInputs {
  std::span<const int64_t> ts;
  std::span<const double> open, high, low, close, volume;
  std::span<const double> sma20, sma50, sma200;
  std::span<const double> rsi14;
  std::span<const double> macd, macd_signal;
  std::span<const double> bb_upper, bb_lower, bb_bandwidth;
  std::span<const double> adx14;

  size_t size() const { return ts.size(); }
};

// Borrowed views of bars and ind. REQUIRES: ind.size() == bars.size().
PatternInputs MakePatternInputs(const BarSeries& bars, const IndicatorSet& ind);

// Appends events to a borrowed vector, filling ts/ref_ts from the bar index.
class EventSink {
 public:
  EventSink(std::span<const int64_t> ts, std::vector<PatternEvent>* out) : ts_(ts), out_(out) {}

  // An event decided at and referring to `bar`.
  void Emit(PatternKind kind, size_t bar, double value) {
    out_->push_back(PatternEvent{kind, static_cast<uint32_t>(bar), ts_[bar], ts_[bar], value});
  }
  // An event decided at `bar` about the earlier bar `ref_bar`.
  // REQUIRES: ref_bar <= bar.
  void EmitRef(PatternKind kind, size_t bar, size_t ref_bar, double value) {
    out_->push_back(PatternEvent{kind, static_cast<uint32_t>(bar), ts_[bar], ts_[ref_bar], value});
  }

 private:
  std::span<const int64_t> ts_;
  std::vector<PatternEvent>* out_;
};

using DetectorFn = void (*)(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

struct DetectorEntry {
  std::string_view name;  // family, e.g. "crossover"; for logs and tests
  DetectorFn fn;
};

// The registration list DetectPatterns walks, in a fixed order.
std::span<const DetectorEntry> RegisteredDetectors();

// Runs every registered detector on `in` and sorts by (bar, kind). `out` is
// cleared first. The span-level twin of DetectPatterns.
void DetectPatternsOnInputs(const PatternInputs& in, const PatternOptions& opt,
                            std::vector<PatternEvent>* out);

// --- Trend state (trend.cc) ---

// The streaming state machine behind both kUptrend/kDowntrend/kSideways
// events and ComputeTrendStates, so the two cannot disagree. Reads close,
// sma20, sma50, adx14. Holds copies of the spans and options (cheap), so a
// temporary PatternInputs may be passed.
class TrendTracker {
 public:
  TrendTracker(const PatternInputs& in, const PatternOptions& opt) : in_(in), opt_(opt) {}
  // Consumes bar t and returns the confirmed state at t.
  // REQUIRES: called with t = 0, 1, 2, ... in order.
  TrendState Step(size_t t);
  // The raw (unconfirmed) state of bar t, from that bar's indicators alone.
  TrendState RawState(size_t t) const;

 private:
  PatternInputs in_;
  PatternOptions opt_;
  TrendState confirmed_ = TrendState::kSideways;
  TrendState candidate_ = TrendState::kSideways;
  size_t candidate_run_ = 0;
};

// States for every bar of `in` into out (resized).
void ComputeTrendStatesOnInputs(const PatternInputs& in, const PatternOptions& opt,
                                std::vector<TrendState>* out);

// kUptrend / kDowntrend / kSideways when the confirmed state changes
// (value = ADX14 at t).
void DetectTrend(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// --- The other families; kinds and the meaning of `value` per family. ---

// crossover.cc: kGoldenCross/kDeathCross (SMA50 vs SMA200, value = SMA50),
// kMacdBullishCross/kMacdBearishCross (MACD vs signal, value = MACD). A cross
// at t: strictly beyond at t, at or on the other side at t-1.
void DetectCrossovers(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// rsi_zones.cc: kRsiOverbought (RSI crosses above rsi_overbought),
// kRsiOverboughtExit (back to <=), kRsiOversold (below rsi_oversold),
// kRsiOversoldExit (back to >=). value = RSI14 at t.
void DetectRsiZones(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// bollinger.cc: kBollingerSqueeze (value = bandwidth), kBollingerBreakoutUp /
// Down: the first close beyond the band (value = the band level).
void DetectBollinger(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// breakout.cc: kBreakout20High/kBreakdown20Low/kBreakout52wHigh/
// kBreakdown52wLow: the first close beyond the highest high (lowest low) of
// the N bars before t, with volume confirmation. value = the level broken.
void DetectBreakouts(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// gap.cc: kGapUp / kGapDown; value = gap in % of the previous high (low).
void DetectGaps(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// volume.cc: kVolumeSpike; value = volume / mean of the prior N volumes.
void DetectVolumeSpikes(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// pivots.cc: kResistance (pivot high) / kSupport (pivot low), dated at the
// confirming bar p + pivot_bars, ref_ts = ts[p], value = high[p] (low[p]).
void DetectPivots(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// reversal.cc: kBullishReversal / kBearishReversal from pivot structure;
// value = the pivot level broken.
void DetectReversals(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// consolidation.cc: kConsolidation when a tight range begins; value = range %.
void DetectConsolidation(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

// candlestick.cc: kDoji, kHammer, kShootingStar, kBullishEngulfing,
// kBearishEngulfing, kMorningStar, kEveningStar, dated at the pattern's last
// bar; value = close at t.
void DetectCandlesticks(const PatternInputs& in, const PatternOptions& opt, EventSink* sink);

}  // namespace ohlcv
