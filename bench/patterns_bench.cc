// Pattern detection speed over 1M synthetic daily bars.
//
//   BM_ReadClose      baseline: one pass summing close (same process run)
//   BM_DetectPatterns every registered detector + the final sort
//   BM_Detector/i     one family alone (i indexes RegisteredDetectors())
//   BM_TrendStates    ComputeTrendStates
//
// Indicators are computed once, outside the timed loops. Run with
// --benchmark_repetitions=5 --benchmark_report_aggregates_only=true for medians.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "indicators/indicator_set.h"
#include "patterns/detector_kernels.h"
#include "patterns/pattern_detector.h"

namespace ohlcv {
namespace {

constexpr size_t kBars = 1'000'000;

// Regimes of drift and volatility, gaps and volume bursts, so every detector
// finds work at a realistic rate.
BarSeries MakeBars(size_t n) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  BarSeries s;
  s.reserve(n);
  double prev = 100, drift = 0, vol = 0.015;
  for (size_t i = 0; i < n; ++i) {
    if (i % 150 == 0) {
      drift = (uniform(rng) - 0.5) * 0.004;
      vol = 0.004 + uniform(rng) * 0.02;
    }
    const double open = prev * std::exp(uniform(rng) < 0.05 ? 0.02 * normal(rng) : 0.002 * normal(rng));
    const double close = open * std::exp(drift + vol * normal(rng));
    const double high = std::max(open, close) * (1 + std::fabs(normal(rng)) * vol * 0.5);
    const double low = std::min(open, close) * (1 - std::fabs(normal(rng)) * vol * 0.5);
    const double volume = 1e6 * std::exp(0.3 * normal(rng)) * (uniform(rng) < 0.04 ? 3.0 : 1.0);
    s.push_back(Bar{static_cast<int64_t>(i) * 86'400, open, high, low, close, volume, close});
    // Keep prices in a sane band over a million bars of random walk.
    prev = std::clamp(close, 5.0, 5000.0);
  }
  return s;
}

struct Fixture {
  Fixture() : bars(MakeBars(kBars)) { ind.Compute(bars); }
  BarSeries bars;
  IndicatorSet ind;
};

const Fixture& Data() {
  static const Fixture f;
  return f;
}

void BM_ReadClose(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    double sum = 0;
    for (double c : f.bars.close) sum += c;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_ReadClose)->Unit(benchmark::kMillisecond);

void BM_DetectPatterns(benchmark::State& state) {
  const Fixture& f = Data();
  std::vector<PatternEvent> events;
  for (auto _ : state) {
    DetectPatterns(f.bars, f.ind, PatternOptions{}, &events);
    benchmark::DoNotOptimize(events.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
  state.counters["events"] = static_cast<double>(events.size());
}
BENCHMARK(BM_DetectPatterns)->Unit(benchmark::kMillisecond);

void BM_Detector(benchmark::State& state) {
  const Fixture& f = Data();
  const DetectorEntry& d = RegisteredDetectors()[static_cast<size_t>(state.range(0))];
  state.SetLabel(std::string(d.name));
  const PatternInputs in = MakePatternInputs(f.bars, f.ind);
  const PatternOptions opt;
  std::vector<PatternEvent> events;
  for (auto _ : state) {
    events.clear();
    EventSink sink(in.ts, &events);
    d.fn(in, opt, &sink);
    benchmark::DoNotOptimize(events.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_Detector)->DenseRange(0, 10)->Unit(benchmark::kMillisecond);

void BM_TrendStates(benchmark::State& state) {
  const Fixture& f = Data();
  std::vector<TrendState> states;
  for (auto _ : state) {
    ComputeTrendStates(f.bars, f.ind, PatternOptions{}, &states);
    benchmark::DoNotOptimize(states.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_TrendStates)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
