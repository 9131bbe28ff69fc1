// BarStore throughput on a dataset shaped like the shared S&P 500 set:
// 537 tickers x 1,226 daily bars = 658k bars, synthetic (generated here).
// Every store benchmark runs against both stores in the same run: /0 is the
// embedded SQLite store, /1 PostgreSQL 15 (a local server this binary starts
// with tests/testutil/pg_server; /1 is skipped when PostgreSQL is absent).
//
//   BM_InMemoryCopy        baseline: copy the same series into an in-memory map
//   BM_UpsertFresh/S       every bar inserted into an empty store (first ingest; PG: binary COPY)
//   BM_UpsertFreshParallel/1/T  the same on PostgreSQL from T threads (parallel COPY, one connection each)
//   BM_UpsertUnchanged/S   the same data again (idempotent re-ingest; PG: COPY to temp + ON CONFLICT)
//   BM_LoadAll/S           read every ticker back
//   BM_DataVersion/S       one DataVersion() call (PG: the LISTEN-fed cached value)
//
// Run: store_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Figures: items_per_second = bars/s.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/bar_store.h"
#include "store/pg_bar_store.h"
#include "testutil/pg_server.h"

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

testing::PgServer* Pg() {
  static testing::PgServer* server = [] {
    if (!testing::PgServer::Installed()) return static_cast<testing::PgServer*>(nullptr);
    std::string error;
    return testing::PgServer::Shared(&error);
  }();
  return server;
}

// backend 0: SQLite file `path`; 1: a fresh PostgreSQL database.
std::unique_ptr<BarStore> OpenStore(const std::string& path, int backend = 0) {
  if (backend == 1) {
    if (!Pg()) return nullptr;
    std::string error;
    PgBarStoreOptions opt;
    opt.db.url = Pg()->NewDatabase(&error);
    auto store = PgBarStore::Open(opt);
    if (!store.ok()) return nullptr;
    return std::unique_ptr<BarStore>(std::move(store).value());
  }
  BarStoreOptions opt;
  opt.path = path;
  auto store = BarStore::Open(opt);
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

void SkipUnlessBackend(benchmark::State& state) {
  if (state.range(0) == 1 && !Pg()) state.SkipWithError("PostgreSQL 15 not installed");
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
  SkipUnlessBackend(state);
  const auto& data = Dataset();
  std::string dir = TempDir();
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = dir + "/bars" + std::to_string(n++) + ".db";
    auto store = OpenStore(path, static_cast<int>(state.range(0)));
    if (!store) {
      state.SkipWithError("open failed");
      break;
    }
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
BENCHMARK(BM_UpsertFresh)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// As BM_UpsertFresh on PostgreSQL, with the tickers split over range(1)
// threads sharing one store (its pool: one connection per thread, each
// ticker's COPY under its own advisory lock), as parallel ingest would.
void BM_UpsertFreshParallel(benchmark::State& state) {
  SkipUnlessBackend(state);
  const auto& data = Dataset();
  const int threads = static_cast<int>(state.range(1));
  std::string dir = TempDir();
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = OpenStore(dir + "/bars" + std::to_string(n++) + ".db", static_cast<int>(state.range(0)));
    if (!store) {
      state.SkipWithError("open failed");
      break;
    }
    state.ResumeTiming();
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (size_t i = next++; i < data.size(); i = next++) {
          if (!store->Upsert(data[i]).ok()) failed = true;
        }
      });
    }
    for (auto& t : pool) t.join();
    if (failed) state.SkipWithError("upsert failed");
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * TotalBars());
}
BENCHMARK(BM_UpsertFreshParallel)
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({1, 4})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// One filled store per backend, kept for the whole run.
class FilledStore : public benchmark::Fixture {
 public:
  void SetUp(const benchmark::State& state) override {
    int b = static_cast<int>(state.range(0));
    store_ = stores_[b].get();
    if (store_) return;
    if (dir_.empty()) dir_ = TempDir();
    stores_[b] = OpenStore(dir_ + "/bars.db", b);
    store_ = stores_[b].get();
    if (store_) {
      for (const auto& s : Dataset()) (void)store_->Upsert(s);
    }
  }
  BarStore* store_ = nullptr;
  static std::unique_ptr<BarStore> stores_[2];
  static std::string dir_;
};
std::unique_ptr<BarStore> FilledStore::stores_[2];
std::string FilledStore::dir_;

BENCHMARK_DEFINE_F(FilledStore, BM_UpsertUnchanged)(benchmark::State& state) {
  if (!store_) state.SkipWithError("store not available");
  for (auto _ : state) {
    for (const auto& s : Dataset()) {
      auto st = store_->Upsert(s);
      if (!st.ok() || st->unchanged != s.size()) state.SkipWithError("not unchanged");
    }
  }
  state.SetItemsProcessed(state.iterations() * TotalBars());
}
BENCHMARK_REGISTER_F(FilledStore, BM_UpsertUnchanged)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

BENCHMARK_DEFINE_F(FilledStore, BM_LoadAll)(benchmark::State& state) {
  if (!store_) state.SkipWithError("store not available");
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
BENCHMARK_REGISTER_F(FilledStore, BM_LoadAll)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

BENCHMARK_DEFINE_F(FilledStore, BM_DataVersion)(benchmark::State& state) {
  if (!store_) state.SkipWithError("store not available");
  uint64_t sum = 0;
  for (auto _ : state) {
    if (!store_) break;
    auto v = store_->DataVersion();
    if (v.ok()) sum += *v;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_REGISTER_F(FilledStore, BM_DataVersion)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace ohlcv

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!ohlcv::FilledStore::dir_.empty()) {
    ohlcv::FilledStore::stores_[0].reset();
    ohlcv::FilledStore::stores_[1].reset();
    std::filesystem::remove_all(ohlcv::FilledStore::dir_);
  }
  return 0;
}
