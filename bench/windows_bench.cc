// Window building speed on synthetic data shaped like the shared dataset:
// 500 series x 1316 daily bars = 658k bars, stride 5 -> ~130k windows.
// Target: well under 2 s for all of it on one core (CPU time; wall time on a
// shared machine can be far higher).
//
// Baseline in the same run: one pass over every close (the floor for any
// per-bar work). Indicator columns are synthetic but complete (every column a
// window reads is filled) and one pattern event falls on every 7th bar, so
// summaries carry realistic pattern clauses.
//
// Run: windows_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "patterns/pattern_detector.h"
#include "util/time.h"
#include "windows/window_builder.h"

namespace ohlcv {
namespace {

constexpr size_t kSeries = 500;
constexpr size_t kBarsPerSeries = 1316;

struct SyntheticSeries {
  BarSeries bars;
  std::vector<std::vector<double>> columns;  // kIndicatorCount columns
  IndicatorColumns view;
  std::vector<PatternEvent> events;
  std::vector<TrendState> trend;
};

// Deterministic xorshift so every run measures the same data.
struct Rng {
  uint64_t s;
  double Uniform() {  // [0, 1)
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<double>(s >> 11) * (1.0 / 9007199254740992.0);
  }
};

std::vector<SyntheticSeries> MakeData() {
  std::vector<SyntheticSeries> all(kSeries);
  Rng rng{0x9E3779B97F4A7C15ull};
  for (size_t k = 0; k < kSeries; ++k) {
    SyntheticSeries& s = all[k];
    s.bars.ticker = "T" + std::to_string(k);
    s.bars.reserve(kBarsPerSeries);
    double price = 20 + 200 * rng.Uniform();
    for (size_t i = 0; i < kBarsPerSeries; ++i) {
      const double open = price;
      price *= std::exp(0.02 * (rng.Uniform() - 0.5));
      const double hi = std::max(open, price) * (1 + 0.01 * rng.Uniform());
      const double lo = std::min(open, price) * (1 - 0.01 * rng.Uniform());
      s.bars.push_back({1420070400 + static_cast<int64_t>(i) * 86400, open, hi, lo, price,
                        1e6 * (0.5 + rng.Uniform())});
    }
    s.columns.assign(kIndicatorCount, std::vector<double>(kBarsPerSeries));
    for (size_t c = 0; c < kIndicatorCount; ++c) {
      for (size_t i = 0; i < kBarsPerSeries; ++i) s.columns[c][i] = 100 * rng.Uniform();
      s.view.cols[c] = s.columns[c];
    }
    for (uint32_t b = 0; b < kBarsPerSeries; b += 7) {
      const auto kind = static_cast<PatternKind>(b % static_cast<uint32_t>(PatternKind::kCount));
      s.events.push_back({kind, b, s.bars.ts[b], s.bars.ts[b], 50 + 30 * rng.Uniform()});
    }
    s.trend.resize(kBarsPerSeries);
    for (size_t i = 0; i < kBarsPerSeries; ++i)
      s.trend[i] = static_cast<TrendState>(static_cast<int>((i / 40) % 3) - 1);
  }
  return all;
}

const std::vector<SyntheticSeries>& Data() {
  static const std::vector<SyntheticSeries> data = MakeData();
  return data;
}

void BM_BaselineOnePassOverCloses(benchmark::State& state) {
  const auto& data = Data();
  for (auto _ : state) {
    double sum = 0;
    for (const auto& s : data)
      for (double c : s.bars.close) sum += c;
    benchmark::DoNotOptimize(sum);
  }
  state.counters["bars/s"] =
      benchmark::Counter(static_cast<double>(kSeries * kBarsPerSeries), benchmark::Counter::kIsIterationInvariantRate);
}

void RunBuild(benchmark::State& state, const WindowOptions& opt) {
  const auto& data = Data();
  std::vector<Window> out;
  size_t windows = 0;
  for (auto _ : state) {
    windows = 0;
    for (const auto& s : data) {
      BuildWindows(s.bars, s.view, s.events, s.trend, "Information Technology", opt, &out);
      windows += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["windows"] = static_cast<double>(windows);
  state.counters["windows/s"] =
      benchmark::Counter(static_cast<double>(windows), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bars/s"] = benchmark::Counter(static_cast<double>(kSeries * kBarsPerSeries),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void BM_BuildWindowsFull(benchmark::State& state) { RunBuild(state, WindowOptions{}); }

void BM_BuildWindowsMetadataOnly(benchmark::State& state) {
  WindowOptions opt;
  opt.with_summary = false;
  opt.with_shape = false;
  RunBuild(state, opt);
}

void BM_BuildWindowsNoSummary(benchmark::State& state) {
  WindowOptions opt;
  opt.with_summary = false;
  RunBuild(state, opt);
}

// The shared S&P 500 dataset (if present beside the repo), with real
// indicators, pattern events and trend states; only BuildWindows is timed
// (the indicator pass, which the windows borrow, runs with timing paused).
struct RealSeries {
  BarSeries bars;
  std::vector<PatternEvent> events;
  std::vector<TrendState> trend;
};

std::vector<RealSeries> LoadShared() {
  std::vector<RealSeries> all;
  const auto dir =
      std::filesystem::path(OHLCV_SOURCE_DIR).parent_path() / "shared/data/sp500_2015_2020";
  if (!std::filesystem::is_directory(dir)) return all;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  IndicatorSet ind;
  for (const auto& f : files) {
    RealSeries r;
    r.bars.ticker = f.stem().string();
    std::ifstream in(f);
    std::string line;
    std::getline(in, line);  // Date,High,Low,Open,Close,Volume,Adj Close,Name
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string c[7];
      for (auto& x : c) std::getline(ss, x, ',');
      auto ts = ParseTimestamp(c[0]);
      if (!ts || c[4].empty()) continue;
      r.bars.push_back({*ts, std::stod(c[3]), std::stod(c[1]), std::stod(c[2]), std::stod(c[4]),
                        std::stod(c[5])});
    }
    ind.Compute(r.bars);
    DetectPatterns(r.bars, ind, PatternOptions{}, &r.events);
    ComputeTrendStates(r.bars, ind, PatternOptions{}, &r.trend);
    all.push_back(std::move(r));
  }
  return all;
}

void BM_BuildWindowsSharedDataset(benchmark::State& state) {
  static const std::vector<RealSeries> data = LoadShared();
  if (data.empty()) {
    state.SkipWithError("../shared/data/sp500_2015_2020 not found");
    return;
  }
  IndicatorSet ind;
  std::vector<Window> out;
  size_t windows = 0, bars = 0;
  for (auto _ : state) {
    windows = bars = 0;
    for (const auto& s : data) {
      state.PauseTiming();
      ind.Compute(s.bars);
      state.ResumeTiming();
      BuildWindows(s.bars, ind, s.events, s.trend, "Information Technology", WindowOptions{},
                   &out);
      windows += out.size();
      bars += s.bars.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["windows"] = static_cast<double>(windows);
  state.counters["windows/s"] =
      benchmark::Counter(static_cast<double>(windows), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bars/s"] =
      benchmark::Counter(static_cast<double>(bars), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_BaselineOnePassOverCloses)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildWindowsFull)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildWindowsMetadataOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildWindowsNoSummary)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildWindowsSharedDataset)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
