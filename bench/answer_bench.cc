// Answer engine over the whole shared dataset: parse + retrieve + compute +
// compose for typical questions, one thread, offline (template) engine.
//
// Setup (once per process, not timed): every CSV of
// ../shared/data/sp500_2015_2020 is read, upserted into a temporary BarStore,
// analysed into windows (stride 5, as ingest does) and indexed with the
// word-vector embedder ($OHLCV_CACHE_DIR/wink-sg-100d.bin) or, when that file
// is missing, the hashing embedder. The answer cache is disabled so every
// iteration does the full pipeline; the per-ticker series cache is warmed by
// one pass first (the service keeps it warm).
//
// BM_Ask reports p50_ms / p99_ms (wall) and cpu_p50_ms / cpu_p99_ms (this
// thread's CPU time, what the figure is on an idle machine) over all
// iterations of the question mix; BM_RetrieveOnly is the baseline (retrieval
// alone, same questions).
// Run: answer_bench --benchmark_repetitions=3
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <benchmark/benchmark.h>

#include "answer/answer_engine.h"
#include "csv_series.h"
#include "embed/embedder.h"
#include "retrieval/window_indexer.h"
#include "util/time.h"

namespace ohlcv {
namespace {

// A realistic mix over every kind issue 4 names (single-ticker facts, date
// ranges, patterns, indicator thresholds, sector rankings and comparisons,
// base rates per ticker and pooled, technical state, data not in the
// store), in the phrasings the held-out questions use.
const std::vector<std::string> kQuestions = {
    "How did AAPL perform in 2019?",
    "What was the highest price of MSFT in 2018?",
    "How did AMZN do from March 2018 to June 2019?",
    "What was the maximum drawdown of NFLX in 2018?",
    "When did AAPL have a golden cross?",
    "How many days was AAPL's RSI above 70 in 2019?",
    "What is the technical state of JPM?",
    "Compare AAPL and MSFT in 2019",
    "Which energy stocks performed best in 2019?",
    "What happened after AAPL's RSI fell below 30?",
    "How did ZZZZ perform in 2019?",
    "Which tech stocks broke out in March 2019?",
    "How did NVDA perform in H1 2019?",
    "How has XOM done since 2019?",
    "AAPL over the last 6 months",
    "What is JPM's YTD return?",
    "Compare tech vs energy in 2018",
    "Which health care stocks fell the most in 2018?",
    "What usually happens after a golden cross in energy stocks?",
    "Will MSFT go up after a death cross?",
    "What was the RSI of NFLX on 2018-06-01?",
    "Correlation between XOM and CVX in 2017",
    "Did BA break out in 2019?",
    "How did MSTF do in 2019?",
};

struct World {
  std::string dir;
  std::unique_ptr<BarStore> bars;
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<VectorStore> vectors;
  std::unique_ptr<Retriever> retriever;
  SectorMap sectors;
  AnalysisOptions analysis;
  std::unique_ptr<AnswerEngine> engine;
  bool ok = false;
};

World* BuildWorld() {
  auto* w = new World;
  const std::string data = std::string(OHLCV_SOURCE_DIR) + "/../shared/data";
  if (!std::filesystem::exists(data + "/sp500_2015_2020")) return w;
  w->dir = (std::filesystem::temp_directory_path() / ("ohlcv-answer-bench-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(w->dir);
  auto bs = BarStore::Open({w->dir + "/bars.db"});
  if (!bs.ok()) return w;
  w->bars = std::move(bs).value();
  if (auto sm = SectorMap::Load(data + "/sp500_sectors.csv"); sm.ok()) w->sectors = std::move(sm).value();
  WordVectorEmbedderOptions wo;
  wo.path = DefaultWordVectorPath(OHLCV_SOURCE_DIR);
  if (auto e = NewWordVectorEmbedder(wo); e.ok()) w->embedder = std::move(e).value();
  else w->embedder = NewHashingEmbedder(64);
  std::unique_ptr<WindowIndexer> indexer;
  std::vector<Window> pending;
  QuestionContext ctx;
  for (const auto& f : bench::CsvFilesIn(data + "/sp500_2015_2020")) {
    BarSeries s = bench::ReadCsvSeries(f);
    if (s.empty() || !w->bars->Upsert(s).ok()) continue;
    const std::string sector = w->sectors.Lookup(s.ticker).value_or("");
    SeriesAnalysis an;
    an.Analyze(s, sector, w->analysis);
    if (an.windows.empty()) continue;
    if (!w->vectors) {
      LocalVectorStoreOptions vo;
      vo.dir = w->dir + "/index";
      vo.embedder = {std::string(w->embedder->name()), w->embedder->dimension(), an.windows.front().shape.size()};
      auto vs = OpenLocalVectorStore(vo);
      if (!vs.ok()) return w;
      w->vectors = std::move(vs).value();
      indexer = std::make_unique<WindowIndexer>(*w->vectors, *w->embedder);
    }
    pending.insert(pending.end(), an.windows.begin(), an.windows.end());
    if (pending.size() >= 8192) {
      if (!indexer->Index(pending).ok()) return w;
      pending.clear();
    }
    ctx.known_tickers.insert(s.ticker);
    ctx.latest_ts = std::max(ctx.latest_ts.value_or(0), s.ts.back());
  }
  if (!indexer || !indexer->Index(pending).ok()) return w;
  ctx.sector_names = w->sectors.Sectors();
  w->retriever = std::make_unique<Retriever>(*w->vectors, *w->embedder, ctx);
  AnswerOptions o;
  o.series.analysis = w->analysis;
  o.cache.capacity = 0;  // measure the pipeline, not the cache
  w->engine = std::make_unique<AnswerEngine>(*w->bars, *w->retriever, w->sectors, o);
  for (const auto& q : kQuestions) (void)w->engine->Ask({q, std::nullopt, 5, {}});  // warm the series cache
  w->ok = true;
  return w;
}

World& GetWorld() {
  static World* w = BuildWorld();
  // The temporary store is ~0.8 GB: remove it when the process exits.
  static struct Cleanup {
    ~Cleanup() {
      if (!w->dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(w->dir, ec);
      }
    }
  } cleanup;
  return *w;
}

// This thread's CPU time: on a shared machine wall time also counts the
// time other processes held the core.
double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

void Percentiles(benchmark::State& state, std::vector<double>& ms, const std::string& prefix = "") {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  state.counters[prefix + "p50_ms"] = ms[ms.size() / 2];
  state.counters[prefix + "p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.counters[prefix + "max_ms"] = ms.back();
}

void BM_Ask(benchmark::State& state) {
  World& w = GetWorld();
  if (!w.ok) {
    state.SkipWithError("shared data or index not available");
    return;
  }
  std::vector<double> ms, cpu_ms, own_ms;
  size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuMs();
    auto a = w.engine->Ask({kQuestions[i++ % kQuestions.size()], std::nullopt, 5, {}});
    cpu_ms.push_back(ThreadCpuMs() - c0);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!a.ok()) {
      state.SkipWithError(a.status().ToString().c_str());
      break;
    }
    // The answer stage's own share: compute + compose + generate.
    own_ms.push_back(a->timings.compute_ms + a->timings.compose_ms + a->timings.generate_ms);
    benchmark::DoNotOptimize(a);
  }
  Percentiles(state, ms);
  Percentiles(state, cpu_ms, "cpu_");
  std::sort(own_ms.begin(), own_ms.end());
  if (!own_ms.empty()) {
    state.counters["answer_p50_ms"] = own_ms[own_ms.size() / 2];
    state.counters["answer_p99_ms"] = own_ms[std::min(own_ms.size() - 1, own_ms.size() * 99 / 100)];
  }
}
BENCHMARK(BM_Ask)->Unit(benchmark::kMillisecond)->Iterations(480);

void BM_RetrieveOnly(benchmark::State& state) {
  World& w = GetWorld();
  if (!w.ok) {
    state.SkipWithError("shared data or index not available");
    return;
  }
  std::vector<double> ms, cpu_ms;
  size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuMs();
    RetrievalRequest r;
    r.question = kQuestions[i++ % kQuestions.size()];
    r.k = 5;
    r.sectors = &w.sectors;  // as the answer engine asks
    auto res = w.retriever->Retrieve(r);
    cpu_ms.push_back(ThreadCpuMs() - c0);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(res);
  }
  Percentiles(state, ms);
  Percentiles(state, cpu_ms, "cpu_");
}
BENCHMARK(BM_RetrieveOnly)->Unit(benchmark::kMillisecond)->Iterations(480);

// One question at a time, to see which kinds cost most.
void BM_AskOne(benchmark::State& state) {
  World& w = GetWorld();
  if (!w.ok) {
    state.SkipWithError("shared data or index not available");
    return;
  }
  const std::string& q = kQuestions[static_cast<size_t>(state.range(0))];
  state.SetLabel(q);
  double retrieve = 0, own = 0;
  for (auto _ : state) {
    auto a = w.engine->Ask({q, std::nullopt, 5, {}});
    if (a.ok()) {
      retrieve += a->timings.parse_ms + a->timings.retrieve_ms;
      own += a->timings.compute_ms + a->timings.compose_ms + a->timings.generate_ms;
    }
    benchmark::DoNotOptimize(a);
  }
  state.counters["retrieve_ms"] = retrieve / static_cast<double>(state.iterations());
  state.counters["answer_ms"] = own / static_cast<double>(state.iterations());
}
BENCHMARK(BM_AskOne)->DenseRange(0, static_cast<int>(kQuestions.size()) - 1)->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
