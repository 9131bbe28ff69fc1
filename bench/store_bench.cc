// BarStore throughput on a dataset shaped like the shared S&P 500 set:
// 537 tickers x 1,226 daily bars = 658k bars, synthetic (generated here).
//
//   BM_InMemoryCopy     baseline: copy the same series into an in-memory map
//   BM_UpsertFresh      every bar inserted into an empty store (first ingest)
//   BM_UpsertUnchanged  the same data again (idempotent re-ingest)
//   BM_LoadAll          read every ticker back
//
// Run: store_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Figures: items_per_second = bars/s.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/bar_store.h"

namespace ohlcv {
namespace {

constexpr int kTickers = 537;
constexpr int kBarsPerTicker = 1226;
constexpr int64_t kT0 = 1420070400;

const std::vector<BarSeries>& Dataset() {
  static const std::vector<BarSeries> data = [] {
    std::vector<BarSeries> out;
    std::mt19937_64 rng(42);
    std::normal_distribution<double> ret(0.0003, 0.015);
    for (int t = 0; t < kTickers; ++t) {
      BarSeries s;
      s.ticker = "T" + std::to_string(1000 + t);
      s.reserve(kBarsPerTicker);
      double c = 20 + t % 300;
      for (int i = 0; i < kBarsPerTicker; ++i) {
        double o = c;
        c = c * (1 + ret(rng));
        double hi = std::max(o, c) * 1.004, lo = std::min(o, c) * 0.996;
        s.push_back(Bar{kT0 + int64_t{i} * 86400, o, hi, lo, c, 1e6 + (rng() % 1000000), c * 0.98});
      }
      out.push_back(std::move(s));
    }
    return out;
  }();
  return data;
}

int64_t TotalBars() { return int64_t{kTickers} * kBarsPerTicker; }

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "store-bench-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  return mkdtemp(buf.data()) ? std::string(buf.data()) : std::string();
}

std::unique_ptr<BarStore> OpenStore(const std::string& path) {
  BarStoreOptions opt;
  opt.path = path;
  auto store = BarStore::Open(opt);
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

void BM_InMemoryCopy(benchmark::State& state) {
  const auto& data = Dataset();
  for (auto _ : state) {
    std::map<std::string, BarSeries> mem;
    for (const auto& s : data) mem[s.ticker] = s;
    benchmark::DoNotOptimize(mem);
  }
  state.SetItemsProcessed(state.iterations() * TotalBars());
}
BENCHMARK(BM_InMemoryCopy)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_UpsertFresh(benchmark::State& state) {
  const auto& data = Dataset();
  std::string dir = TempDir();
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = dir + "/bars" + std::to_string(n++) + ".db";
    auto store = OpenStore(path);
    if (!store) state.SkipWithError("open failed");
    state.ResumeTiming();
    for (const auto& s : data) {
      if (!store->Upsert(s).ok()) state.SkipWithError("upsert failed");
    }
    state.PauseTiming();
    store.reset();  // closing checkpoints the WAL: not part of the upsert cost
    std::filesystem::remove_all(path);
    state.ResumeTiming();
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * TotalBars());
}
BENCHMARK(BM_UpsertFresh)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

class FilledStore : public benchmark::Fixture {
 public:
  void SetUp(const benchmark::State&) override {
    if (store_) return;
    dir_ = TempDir();
    store_ = OpenStore(dir_ + "/bars.db");
    for (const auto& s : Dataset()) (void)store_->Upsert(s);
  }
  static std::unique_ptr<BarStore> store_;
  static std::string dir_;
};
std::unique_ptr<BarStore> FilledStore::store_;
std::string FilledStore::dir_;

BENCHMARK_DEFINE_F(FilledStore, BM_UpsertUnchanged)(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& s : Dataset()) {
      auto st = store_->Upsert(s);
      if (!st.ok() || st->unchanged != s.size()) state.SkipWithError("not unchanged");
    }
  }
  state.SetItemsProcessed(state.iterations() * TotalBars());
}
BENCHMARK_REGISTER_F(FilledStore, BM_UpsertUnchanged)
    ->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

BENCHMARK_DEFINE_F(FilledStore, BM_LoadAll)(benchmark::State& state) {
  size_t bars = 0;
  for (auto _ : state) {
    for (const auto& s : Dataset()) {
      auto loaded = store_->Load(s.ticker, Interval::k1d);
      if (!loaded.ok()) state.SkipWithError("load failed");
      bars += loaded->size();
    }
  }
  benchmark::DoNotOptimize(bars);
  state.SetItemsProcessed(state.iterations() * TotalBars());
}
BENCHMARK_REGISTER_F(FilledStore, BM_LoadAll)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace
}  // namespace ohlcv

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!ohlcv::FilledStore::dir_.empty()) {
    ohlcv::FilledStore::store_.reset();
    std::filesystem::remove_all(ohlcv::FilledStore::dir_);
  }
  return 0;
}
