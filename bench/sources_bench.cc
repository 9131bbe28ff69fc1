// Sources benchmarks (issue 2, "Speed": parse the whole shared dataset,
// 537 files / 73 MB / 658k bars, in under 1 s on 2 cores).
//
//   BM_ReadFilesOnly        baseline: read every file's bytes, 2 threads
//   BM_ParseSharedDataset   NewCsvSource Fetch of every file, 2 threads
//   BM_ParseSharedDataset1T the same on one thread
//   BM_ParseBuffer          ParseCsvBuffer of AAPL.csv held in memory (no I/O)
//   BM_Synthetic            1260 daily bars of one synthetic ticker
//
// Run: sources_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Data: ../shared/data/sp500_2015_2020 beside the repository, or
// $OHLCV_SHARED_DIR/data/sp500_2015_2020.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "sources/csv_source.h"
#include "sources/source.h"

namespace ohlcv {
namespace {

std::string DataDir() {
  std::filesystem::path shared = std::getenv("OHLCV_SHARED_DIR")
                                     ? std::filesystem::path(std::getenv("OHLCV_SHARED_DIR"))
                                     : std::filesystem::path(OHLCV_SOURCE_DIR).parent_path() / "shared";
  std::filesystem::path dir = shared / "data" / "sp500_2015_2020";
  return std::filesystem::is_directory(dir) ? dir.string() : std::string();
}

const std::vector<std::string>& Files() {
  static const std::vector<std::string> files = [] {
    std::vector<std::string> out;
    std::string dir = DataDir();
    if (dir.empty()) return out;
    auto plan = NewCsvSource(CsvSourceOptions{dir, ""})->Plan({});
    if (plan.ok()) out = *plan;
    return out;
  }();
  return files;
}

// Runs work(file) over Files() on `threads` threads taking files in turn.
template <typename Fn>
void ForEachFile(int threads, Fn work) {
  const auto& files = Files();
  std::atomic<size_t> next{0};
  auto loop = [&] {
    for (size_t i; (i = next.fetch_add(1)) < files.size();) work(files[i]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(loop);
  loop();
  for (auto& t : pool) t.join();
}

void BM_ReadFilesOnly(benchmark::State& state) {
  if (Files().empty()) return state.SkipWithError("shared dataset not found");
  std::atomic<uint64_t> bytes{0};
  for (auto _ : state) {
    ForEachFile(static_cast<int>(state.range(0)), [&](const std::string& f) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream buf;
      buf << in.rdbuf();
      std::string s = buf.str();
      benchmark::DoNotOptimize(s.data());
      bytes += s.size();
    });
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes.load()));
}

void ParseAll(benchmark::State& state, int threads) {
  if (Files().empty()) return state.SkipWithError("shared dataset not found");
  auto src = NewCsvSource(CsvSourceOptions{DataDir(), ""});
  std::atomic<uint64_t> bars{0}, errors{0};
  for (auto _ : state) {
    ForEachFile(threads, [&](const std::string& f) {
      auto r = src->Fetch(f, {});
      if (!r.ok()) {
        ++errors;
        return;
      }
      for (const auto& s : r->series) bars += s.size();
    });
  }
  if (errors) state.SkipWithError("a Fetch failed");
  state.SetItemsProcessed(static_cast<int64_t>(bars.load()));
}

void BM_ParseSharedDataset(benchmark::State& state) { ParseAll(state, 2); }
void BM_ParseSharedDataset1T(benchmark::State& state) { ParseAll(state, 1); }

void BM_ParseBuffer(benchmark::State& state) {
  if (Files().empty()) return state.SkipWithError("shared dataset not found");
  std::ifstream in(DataDir() + "/AAPL.csv", std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  const std::string name = "AAPL.csv";
  uint64_t bars = 0;
  for (auto _ : state) {
    auto r = ParseCsvBuffer(data, name, {});
    bars += r.ok() ? r->series[0].size() : 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(bars));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_Synthetic(benchmark::State& state) {
  auto src = NewSyntheticSource({});
  uint64_t bars = 0;
  for (auto _ : state) {
    auto r = src->Fetch("AAPL", {});
    bars += r->series[0].size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(bars));
}

BENCHMARK(BM_ReadFilesOnly)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ParseSharedDataset)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ParseSharedDataset1T)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ParseBuffer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Synthetic)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
