#include "patterns/pattern_detector.h"

#include <algorithm>
#include <array>

#include "patterns/detector_kernels.h"

namespace ohlcv {
namespace {

// The one registration list. Order does not matter for the output (events
// are sorted afterwards); it is kept in pipeline-reading order.
constexpr std::array<DetectorEntry, 11> kDetectors = {{
    {"trend", DetectTrend},
    {"crossover", DetectCrossovers},
    {"rsi_zones", DetectRsiZones},
    {"bollinger", DetectBollinger},
    {"breakout", DetectBreakouts},
    {"gap", DetectGaps},
    {"volume", DetectVolumeSpikes},
    {"pivots", DetectPivots},
    {"reversal", DetectReversals},
    {"consolidation", DetectConsolidation},
    {"candlestick", DetectCandlesticks},
}};

}  // namespace

std::span<const DetectorEntry> RegisteredDetectors() { return kDetectors; }

PatternInputs MakePatternInputs(const BarSeries& bars, const IndicatorSet& ind) {
  PatternInputs in;
  in.ts = bars.ts;
  in.open = bars.open;
  in.high = bars.high;
  in.low = bars.low;
  in.close = bars.close;
  in.volume = bars.volume;
  in.sma20 = ind.column(Indicator::kSma20);
  in.sma50 = ind.column(Indicator::kSma50);
  in.sma200 = ind.column(Indicator::kSma200);
  in.rsi14 = ind.column(Indicator::kRsi14);
  in.macd = ind.column(Indicator::kMacd);
  in.macd_signal = ind.column(Indicator::kMacdSignal);
  in.bb_upper = ind.column(Indicator::kBbUpper);
  in.bb_lower = ind.column(Indicator::kBbLower);
  in.bb_bandwidth = ind.column(Indicator::kBbBandwidth);
  in.adx14 = ind.column(Indicator::kAdx14);
  return in;
}

void DetectPatternsOnInputs(const PatternInputs& in, const PatternOptions& opt,
                            std::vector<PatternEvent>* out) {
  out->clear();
  if (in.size() == 0) return;
  EventSink sink(in.ts, out);
  // Each kernel appends one run sorted by bar; remember where runs start.
  std::array<size_t, kDetectors.size() + 1> run_start{};
  auto by_bar = [](const PatternEvent& a, const PatternEvent& b) { return a.bar < b.bar; };
  for (size_t i = 0; i < kDetectors.size(); ++i) {
    kDetectors[i].fn(in, opt, &sink);
    run_start[i + 1] = out->size();
    // The contract says bar order; one cheap check keeps a future kernel
    // that breaks it from corrupting the merge.
    auto first = out->begin() + run_start[i], last = out->end();
    if (!std::is_sorted(first, last, by_bar)) std::stable_sort(first, last, by_bar);
  }
  // Merge the runs pairwise by bar (O(E log runs), stable), then order kinds
  // within a bar by insertion sort, which moves nothing when the registry
  // and each kernel already emit kinds in ascending order (they do today).
  std::vector<size_t> bounds(run_start.begin(), run_start.end());
  while (bounds.size() > 2) {
    std::vector<size_t> next;
    next.reserve(bounds.size() / 2 + 2);
    size_t i = 0;
    for (; i + 2 < bounds.size(); i += 2) {
      std::inplace_merge(out->begin() + bounds[i], out->begin() + bounds[i + 1],
                         out->begin() + bounds[i + 2], by_bar);
      next.push_back(bounds[i]);
    }
    for (; i < bounds.size(); ++i) next.push_back(bounds[i]);
    bounds.swap(next);
  }
  PatternEvent* e = out->data();
  for (size_t i = 1; i < out->size(); ++i) {
    if (e[i - 1].bar < e[i].bar || e[i - 1].kind <= e[i].kind) continue;
    const PatternEvent x = e[i];
    size_t j = i;
    for (; j > 0 && e[j - 1].bar == x.bar && x.kind < e[j - 1].kind; --j) e[j] = e[j - 1];
    e[j] = x;
  }
}

void DetectPatterns(const BarSeries& bars, const IndicatorSet& ind, const PatternOptions& opt,
                    std::vector<PatternEvent>* out) {
  out->clear();
  if (ind.size() != bars.size()) return;
  DetectPatternsOnInputs(MakePatternInputs(bars, ind), opt, out);
}

void ComputeTrendStates(const BarSeries& bars, const IndicatorSet& ind, const PatternOptions& opt,
                        std::vector<TrendState>* out) {
  out->clear();
  if (ind.size() != bars.size()) return;
  ComputeTrendStatesOnInputs(MakePatternInputs(bars, ind), opt, out);
}

}  // namespace ohlcv
