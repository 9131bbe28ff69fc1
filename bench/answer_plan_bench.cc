// Question plans over the whole shared dataset, one thread: parse
// (PlanParser) + execute exactly over the stored bars (ExecutePlan through the
// answer engine's StorePlanSource: SeriesCache over a real SQLite BarStore) +
// compose (ComposePlanAnswer). No answer cache: every iteration does all of it.
//
// Setup (once, not timed): every CSV of ../shared/data/sp500_2015_2020 is
// upserted into a temporary BarStore; one pass over the mix warms the series
// cache (bars and, for indicator questions, the IndicatorSet of each ticker),
// as a running service keeps it warm.
//
// BM_PlanAsk reports p50_ms / p99_ms / max_ms over all iterations of the
// mix, and per kind for the two heavy ones (ranking every stored ticker over
// a year; counts over five years). BM_ParseOnly is the same-run baseline
// (parsing alone, same questions).
// Run: answer_plan_bench --benchmark_repetitions=5
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include "answer/plan_source.h"
#include "answer/series_cache.h"
#include "csv_series.h"
#include "plan/industries.h"
#include "plan/plan_answer.h"
#include "plan/plan_parser.h"
#include "util/sector_map.h"

namespace ohlcv {
namespace {

const std::vector<std::string> kQuestions = {
    "What did Boeing open at on 2017-03-08?",
    "How many INTC shares changed hands on 2016-05-02?",
    "average daily volume of AAPL in March 2018",
    "How many up days did MSFT have in June 2016?",
    "biggest one-day drop of Exxon in 2018",
    "What was the lowest close of Disney in 2017?",
    "What is the all-time high of Google?",
    "RSI(14) of MSFT on 2017-06-09",
    "What was the upper Bollinger band of JPM on 2018-10-10?",
    "SMA 200 of PEP on 2019-06-03",
    "When did the 50-day cross below the 200-day for AAPL in 2016?",
    "When did Facebook first close above $150?",
    "Was PEP above its 200-day average on 2018-12-24?",
    "Top 5 banks by return in 2017",
    "Which chipmakers performed best in 2016?",
    "Which stocks had the best return in 2017? top 10",          // every stored ticker over a year
    "Which stocks had the worst return in 2018? bottom 10",      // every stored ticker over a year
    "How many days did AAPL close above $150 from 2015 to 2019?",  // count over five years
    "How many up days did JPM have from 2015 to 2019?",           // count over five years
    "Compare the average volume of AAPL and MSFT in 2018",
    "max drawdown of XOM during 2018",
    "correlation between AAPL and MSFT in 2018",
};

struct World {
  std::string dir;
  std::unique_ptr<BarStore> bars;
  std::unique_ptr<SeriesCache> cache;
  std::shared_ptr<const CachedUniverse> universe;
  SectorMap sectors;
  IndustryMap industries;
  std::unique_ptr<PlanParser> parser;
  std::unique_ptr<StorePlanSource> source;
  bool ok = false;
};

World* BuildWorld() {
  auto* w = new World();
  const std::string data = std::string(OHLCV_SOURCE_DIR) + "/../shared/data";
  const char* env = std::getenv("OHLCV_SHARED_DIR");
  const std::string root = env ? std::string(env) + "/data" : data;
  if (!std::filesystem::exists(root + "/sp500_2015_2020")) return w;
  w->dir = std::filesystem::temp_directory_path() / ("plan-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(w->dir);
  auto store = BarStore::Open({w->dir + "/bars.db"});
  if (!store.ok()) return w;
  w->bars = std::move(store).value();
  if (auto sm = SectorMap::Load(root + "/sp500_sectors.csv"); sm.ok()) w->sectors = std::move(sm).value();
  if (auto im = LoadIndustries(root + "/sp500_industries.csv"); im.ok()) w->industries = std::move(im).value();
  PlanContext ctx;
  for (const auto& f : bench::CsvFilesIn(root + "/sp500_2015_2020")) {
    BarSeries s = bench::ReadCsvSeries(f);
    if (s.empty() || !w->bars->Upsert(s).ok()) continue;
    ctx.question.known_tickers.insert(s.ticker);
    ctx.question.latest_ts = std::max(ctx.question.latest_ts.value_or(0), s.ts.back());
  }
  ctx.question.sector_names = w->sectors.Sectors();
  ctx.industries = w->industries;
  w->parser = std::make_unique<PlanParser>(std::move(ctx));
  w->cache = std::make_unique<SeriesCache>(*w->bars);
  auto u = w->cache->Sync();
  if (!u.ok()) return w;
  w->universe = *u;
  w->source = std::make_unique<StorePlanSource>(*w->cache, *w->bars, *w->universe, w->sectors, w->industries);
  for (const auto& q : kQuestions) (void)ExecutePlan(w->parser->Parse(q), *w->source);  // warm
  w->ok = true;
  return w;
}

World& GetWorld() {
  static World* w = BuildWorld();
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

double Ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Report(benchmark::State& state, std::vector<double> ms, const std::string& prefix) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  state.counters[prefix + "p50_ms"] = ms[ms.size() / 2];
  state.counters[prefix + "p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.counters[prefix + "max_ms"] = ms.back();
}

void BM_PlanAsk(benchmark::State& state) {
  World& w = GetWorld();
  if (!w.ok) {
    state.SkipWithError("shared data not found");
    return;
  }
  std::vector<double> all, rank_all, count5;
  size_t i = 0, chars = 0;
  for (auto _ : state) {
    const size_t k = i++ % kQuestions.size();
    const auto t0 = std::chrono::steady_clock::now();
    QuestionPlan plan = w.parser->Parse(kQuestions[k]);
    auto r = ExecutePlan(plan, *w.source);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    PlanAnswer a = ComposePlanAnswer(*r);
    chars += a.text.size();
    const double ms = Ms(t0);
    all.push_back(ms);
    if (k == 15 || k == 16) rank_all.push_back(ms);
    if (k == 17 || k == 18) count5.push_back(ms);
  }
  benchmark::DoNotOptimize(chars);
  Report(state, all, "");
  Report(state, rank_all, "rank_all_");
  Report(state, count5, "count5y_");
}
BENCHMARK(BM_PlanAsk)->Iterations(22 * 20)->Unit(benchmark::kMillisecond);

void BM_ParseOnly(benchmark::State& state) {
  World& w = GetWorld();
  if (!w.ok) {
    state.SkipWithError("shared data not found");
    return;
  }
  std::vector<double> all;
  size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    QuestionPlan plan = w.parser->Parse(kQuestions[i++ % kQuestions.size()]);
    benchmark::DoNotOptimize(plan);
    all.push_back(Ms(t0));
  }
  Report(state, all, "");
}
BENCHMARK(BM_ParseOnly)->Iterations(22 * 20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
