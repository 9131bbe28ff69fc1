// Whole-dataset ingest: CSV folder -> bar store -> indicators -> patterns ->
// windows (issue 2 target: under 10 s for the 537-file shared dataset), with
// the parse alone as the baseline measured in the same process.
//
//   build/bench/pipeline_bench --benchmark_repetitions=3
// Needs ../shared/data/sp500_2015_2020 beside the repository (or
// OHLCV_SHARED_DIR); skips with a message otherwise.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "pipeline/ingest.h"

namespace ohlcv {
namespace {
namespace fs = std::filesystem;

std::string DataDir() {
  const char* env = std::getenv("OHLCV_SHARED_DIR");
  fs::path shared = env ? fs::path(env) : fs::path(OHLCV_SOURCE_DIR).parent_path() / "shared";
  fs::path dir = shared / "data" / "sp500_2015_2020";
  return fs::is_directory(dir) ? dir.string() : std::string();
}

// Baseline: every file parsed and validated on 2 threads, nothing stored.
void BM_ParseOnly(benchmark::State& state) {
  std::string data = DataDir();
  if (data.empty()) {
    state.SkipWithError("../shared/data/sp500_2015_2020 not found");
    return;
  }
  auto source = NewCsvSource({data, ""});
  FetchRequest req;
  auto units = source->Plan(req);
  uint64_t bars = 0;
  for (auto _ : state) {
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> n{0};
    auto work = [&] {
      for (size_t i; (i = next++) < units->size();) {
        auto r = source->Fetch((*units)[i], req);
        for (const auto& s : r->series) n += s.size();
      }
    };
    std::thread other(work);
    work();
    other.join();
    bars = n;
  }
  state.counters["bars"] = static_cast<double>(bars);
}
BENCHMARK(BM_ParseOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// The ingest pipeline into a fresh bar store, 2 worker threads.
void BM_IngestWholeDataset(benchmark::State& state) {
  std::string data = DataDir();
  if (data.empty()) {
    state.SkipWithError("../shared/data/sp500_2015_2020 not found");
    return;
  }
  auto source = NewCsvSource({data, ""});
  FetchRequest req;
  IngestOptions options;
  options.threads = 2;
  uint64_t windows = 0, bars = 0;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::path dir = fs::temp_directory_path() / ("ohlcv-pipeline-bench-" + std::to_string(round++));
    fs::remove_all(dir);
    BarStoreOptions so;
    so.path = (dir / "bars.db").string();
    auto store = BarStore::Open(so);
    state.ResumeTiming();
    auto stats = RunIngest(*source, req, **store, options);
    state.PauseTiming();
    if (!stats.ok()) {
      state.SkipWithError(stats.status().ToString().c_str());
      return;
    }
    windows = stats->windows;
    bars = stats->bars_inserted;
    store->reset();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["bars"] = static_cast<double>(bars);
  state.counters["windows"] = static_cast<double>(windows);
}
BENCHMARK(BM_IngestWholeDataset)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
