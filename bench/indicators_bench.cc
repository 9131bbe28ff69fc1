// Indicator engine throughput: BM_ComputeAll (every IndicatorSet column over
// 10M synthetic bars, one thread) against BM_ReadOhlcvOnce (summing the five
// OHLCV columns once: the memory-bound floor). items_per_second = bars/s.
//
// Run: indicators_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// items_per_second is per CPU second of the one benchmark thread, so other
// load on a shared machine inflates wall time more than the figure.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "core/bar_series.h"
#include "indicators/indicator_set.h"

namespace ohlcv {
namespace {

constexpr size_t kBars = 10'000'000;

// Seeded geometric random walk with plausible OHLCV structure.
const BarSeries& SyntheticBars() {
  static const BarSeries bars = [] {
    BarSeries s;
    s.ticker = "SYN";
    s.interval = Interval::k1d;
    s.ts.resize(kBars);
    s.open.resize(kBars);
    s.high.resize(kBars);
    s.low.resize(kBars);
    s.close.resize(kBars);
    s.volume.resize(kBars);
    s.adj_close.resize(kBars);
    std::mt19937_64 rng(42);
    std::normal_distribution<double> step(0.0, 0.01);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double close = 100.0;
    for (size_t i = 0; i < kBars; ++i) {
      const double open = close;
      close = std::max(1.0, open * std::exp(step(rng)));
      const double span = std::max(open, close) * 0.01 * unit(rng);
      s.ts[i] = static_cast<int64_t>(i) * 86400;
      s.open[i] = open;
      s.close[i] = close;
      s.high[i] = std::max(open, close) + span * unit(rng);
      s.low[i] = std::min(open, close) - span * unit(rng);
      s.volume[i] = std::floor(1e6 * (0.5 + unit(rng)));
      s.adj_close[i] = close;
    }
    return s;
  }();
  return bars;
}

void BM_ReadOhlcvOnce(benchmark::State& state) {
  const BarSeries& s = SyntheticBars();
  for (auto _ : state) {
    double sum = 0;
    for (size_t i = 0; i < kBars; ++i) {
      sum += s.open[i] + s.high[i] + s.low[i] + s.close[i] + s.volume[i];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_ReadOhlcvOnce)->Unit(benchmark::kMillisecond);

void BM_ComputeAll(benchmark::State& state) {
  const BarSeries& s = SyntheticBars();
  IndicatorSet set;
  set.Compute(s);  // grows and pre-faults the buffers outside the timing
  for (auto _ : state) {
    set.Compute(s);
    benchmark::DoNotOptimize(set.at(Indicator::kDrawdown, kBars - 1));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_ComputeAll)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
