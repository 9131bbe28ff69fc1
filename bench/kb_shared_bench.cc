// One question at a time through KnowledgeBase::Ask (plan parser, exact
// executor, retrieval, composer) on the shared store (PostgreSQL bars and
// windows, ChromaDB vectors: issue 14), with the embedded store (SQLite +
// local HNSW) as the same-run baseline. No answer cache (capacity 0): every
// iteration plans, reads the stores and composes; the series caches stay
// warm, as in a serving replica.
//
// Both knowledge bases are opened read-only on stores filled with the same
// whole shared folder (e.g. two `ohlcv-rag ingest --source csv --path
// ../shared/data/sp500_2015_2020` runs, one with OHLCV_DATABASE_URL,
// VECTOR_STORE_TYPE=chromadb and CHROMADB_HOST/PORT set):
//   OHLCV_BENCH_DATA_DIR         the embedded data directory
//   OHLCV_BENCH_SHARED_DATA_DIR  the shared replica's data directory
//   OHLCV_DATABASE_URL, VECTOR_STORE_TYPE, CHROMADB_*: the shared store, read
//   through the settings table like `serve` (the embedded one ignores them).
//
// The questions: the templates of bench/service_query_mix.lua (7 kinds ×
// tickers × periods, the `serve` throughput mix) plus questions without a
// ticker (a sector, a pattern over the whole market), 256 of them in a fixed
// shuffled order; every one must answer OK once before timing.
// Reports p50_ms / p99_ms / max_ms over every iteration (/0 embedded,
// /1 shared). Run:
//   OHLCV_CACHE_DIR=... OHLCV_BENCH_DATA_DIR=... OHLCV_BENCH_SHARED_DATA_DIR=... \
//   OHLCV_DATABASE_URL=... VECTOR_STORE_TYPE=chromadb CHROMADB_HOST=... CHROMADB_PORT=... \
//   build/bench/kb_shared_bench --benchmark_repetitions=3
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench_util.h"
#include "config/config_loader.h"
#include "kb/kb_config.h"
#include "kb/knowledge_base.h"

namespace ohlcv {
namespace {

struct World {
  std::unique_ptr<KnowledgeBase> kb[2];  // embedded, shared
  std::vector<std::string> questions;
  std::string error;
};

std::vector<std::string> Questions() {
  const std::vector<std::string> tickers = {"AAPL", "MSFT", "AMZN", "JPM", "XOM", "BA",  "NVDA", "JNJ",
                                            "WMT",  "PG",   "DIS",  "KO",  "PFE", "CVX", "GS",   "NFLX"};
  std::vector<std::string> periods;
  const char* months[] = {"January", "March", "June", "September", "December"};
  for (int y = 2015; y <= 2020; ++y) {
    periods.push_back(std::to_string(y));
    for (const char* m : months) periods.push_back(fmt::format("{} {}", m, y));
  }
  const std::vector<std::string> per_ticker = {
      "How did {} perform in {}?",          "What was the return of {} in {}?",
      "When did {} break above its 20-day high in {}?", "Was {} overbought in {}?",
      "Biggest drawdown of {} in {}",       "Show me volume spikes for {} in {}",
      "Did {} have a golden cross in {}?"};
  const std::vector<std::string> broad = {
      "Which technology stocks had a bullish engulfing pattern in {1}?",
      "Show me energy stocks with a golden cross in {1}",
      "Which stocks broke above their 20-day high in {1}?",
      "Find periods similar to {0} in {1}",
      "Which financials were oversold in {1}?"};
  std::mt19937 rng(20261207);
  std::vector<std::string> out;
  while (out.size() < 256) {
    const auto& t = tickers[rng() % tickers.size()];
    const auto& p = periods[rng() % periods.size()];
    // About one in five without a ticker filter.
    if (rng() % 5 == 0) {
      out.push_back(fmt::format(fmt::runtime(broad[rng() % broad.size()]), t, p));
    } else {
      out.push_back(fmt::format(fmt::runtime(per_ticker[rng() % per_ticker.size()]), t, p));
    }
  }
  return out;
}

Result<std::unique_ptr<KnowledgeBase>> Open(const char* dir, bool shared) {
  ConfigInputs in;
  in.default_config_path = "";
  if (!shared) {
    // The embedded baseline: no database, the local vector store.
    in.getenv = [](const std::string& name) -> std::optional<std::string> {
      if (name == "OHLCV_DATABASE_URL" || name == "VECTOR_STORE_TYPE") return std::nullopt;
      const char* v = std::getenv(name.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
  }
  in.flags.emplace_back("--data-dir", dir);
  OHLCV_ASSIGN_OR_RETURN(AppConfig config, LoadConfig(in));
  KbOptions o = KbOptionsFromConfig(config);
  o.read_only = true;
  o.answers.cache.capacity = 0;
  return KnowledgeBase::Open(o);
}

World* Build() {
  auto* w = new World();
  const char* dirs[2] = {std::getenv("OHLCV_BENCH_DATA_DIR"), std::getenv("OHLCV_BENCH_SHARED_DATA_DIR")};
  if (!dirs[0] || !dirs[1] || !std::getenv("OHLCV_DATABASE_URL")) {
    w->error = "set OHLCV_BENCH_DATA_DIR, OHLCV_BENCH_SHARED_DATA_DIR and the shared store's settings (see the file)";
    return w;
  }
  w->questions = Questions();
  for (int s = 0; s < 2; ++s) {
    auto kb = Open(dirs[s], s == 1);
    if (!kb.ok()) {
      w->error = fmt::format("{} store: {}", s ? "shared" : "embedded", kb.status().ToString());
      return w;
    }
    w->kb[s] = std::move(kb).value();
    // Every question answers (and the series caches are warm) before timing.
    for (const auto& q : w->questions) {
      AskRequest r;
      r.question = q;
      r.n_results = 5;
      auto a = w->kb[s]->Ask(r);
      if (!a.ok() || a->text.empty()) {
        w->error = fmt::format("{}: {}", q, a.ok() ? "empty answer" : a.status().ToString());
        return w;
      }
    }
  }
  return w;
}

World& GetWorld() {
  static World* w = Build();
  return *w;
}

void BM_Ask(benchmark::State& state) {
  World& w = GetWorld();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  KnowledgeBase& kb = *w.kb[state.range(0)];
  std::vector<double> ms;
  size_t i = 0;
  for (auto _ : state) {
    AskRequest r;
    r.question = w.questions[i++ % w.questions.size()];
    r.n_results = 5;
    const auto t0 = bench::Clock::now();
    auto a = kb.Ask(r);
    ms.push_back(bench::Seconds(t0) * 1e3);
    if (!a.ok()) {
      state.SkipWithError(a.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(a->text);
  }
  if (ms.empty()) return;
  state.counters["p50_ms"] = bench::Percentile(ms, 0.50);
  state.counters["p99_ms"] = bench::Percentile(ms, 0.99);
  state.counters["max_ms"] = bench::Percentile(ms, 1.0);
}
// /0 embedded (baseline), /1 shared; three passes over the questions.
BENCHMARK(BM_Ask)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(768);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
