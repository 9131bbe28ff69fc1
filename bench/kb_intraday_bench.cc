// Questions about intraday figures over a large store of 1-minute bars
// (issue 16), through the real answer path: KnowledgeBase::Ask (plan parser,
// exact executor over the SQLite bar store, composer), opened read-only on a
// data directory made by bench/intraday_scale.sh. No answer cache (capacity
// 0): every iteration parses, loads and computes.
//
// The questions are built from the store: for tickers spread over the
// stored ones and days spread over the stored year, "highest price of T on
// DAY", "volume of T between 15:00 and 16:00 on DAY", "close of T at 15:30
// on DAY" (times in the exchange's zone, New York), "lowest price of T on DAY". Each answer is checked once against
// the figure computed here from the day's bars (Load of that day), so the
// benchmark fails rather than time wrong answers.
//
// Reports p50_ms / p99_ms / max_ms over every iteration; BM_LoadDay (Load of
// one day's 390 bars, the store read each question needs at least) is the
// same-run baseline.
// Run: OHLCV_BENCH_DATA_DIR=/tmp/intraday-scale/intraday OHLCV_CACHE_DIR=...
//      build/bench/kb_intraday_bench --benchmark_repetitions=5
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench_util.h"
#include "core/exchange.h"
#include "kb/knowledge_base.h"
#include "util/time.h"

namespace ohlcv {
namespace {

struct Question {
  std::string text;
  double expect = 0;  // the figure the answer must contain, computed from the bars
};

struct World {
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<BarStore> store;
  std::vector<Question> questions;
  std::vector<std::pair<std::string, int64_t>> days;  // (ticker, day) for BM_LoadDay
  std::string error;
};

World* Build() {
  auto* w = new World();
  const char* dir = std::getenv("OHLCV_BENCH_DATA_DIR");
  if (!dir) {
    w->error = "set OHLCV_BENCH_DATA_DIR to a data directory of 1-minute bars (bench/intraday_scale.sh)";
    return w;
  }
  KbOptions o;
  o.data_dir = dir;
  o.read_only = true;
  if (const char* cache = std::getenv("OHLCV_CACHE_DIR")) o.word_vector_dirs = {cache};
  o.answers.cache.capacity = 0;
  auto kb = KnowledgeBase::Open(o);
  if (!kb.ok()) {
    w->error = kb.status().ToString();
    return w;
  }
  w->kb = std::move(kb).value();
  BarStoreOptions so;
  so.path = std::string(dir) + "/bars.db";
  so.read_only = true;
  auto store = BarStore::Open(so);
  if (!store.ok()) {
    w->error = store.status().ToString();
    return w;
  }
  w->store = std::move(store).value();
  auto tickers = w->store->ListTickers();
  if (!tickers.ok()) {
    w->error = tickers.status().ToString();
    return w;
  }
  std::vector<TickerInfo> minute;
  for (const auto& t : *tickers) {
    if (t.interval == Interval::k1m) minute.push_back(t);
  }
  if (minute.empty()) {
    w->error = "no 1-minute bars in the store";
    return w;
  }
  constexpr int64_t kDay = 86400;
  for (size_t k = 0; k < 8; ++k) {
    const TickerInfo& t = minute[(k * 37) % minute.size()];
    // A day spread over the stored range that has bars.
    const int64_t span_days = (t.last_ts - t.first_ts) / kDay;
    int64_t day = (t.first_ts / kDay + span_days * static_cast<int64_t>(k + 1) / 9) * kDay;
    BarSeries bars;
    for (int tries = 0; tries < 7 && bars.empty(); ++tries, day += kDay) {
      auto b = w->store->Load(t.ticker, Interval::k1m, day, day + kDay - 1);
      if (b.ok()) bars = std::move(*b);
    }
    if (bars.empty()) continue;
    day = bars.ts.front() / kDay * kDay;
    const std::string date = FormatDate(day);
    w->days.emplace_back(t.ticker, day);
    const double high = *std::max_element(bars.high.begin(), bars.high.end());
    const double low = *std::min_element(bars.low.begin(), bars.low.end());
    w->questions.push_back({fmt::format("What was the highest price of {} on {}?", t.ticker, date), high});
    w->questions.push_back({fmt::format("lowest price of {} on {}", t.ticker, date), low});
    // Times in questions are the exchange's wall clock (New York for these
    // tickers): 15:00 and 16:00 local, converted with the same date/tz clock.
    LocalClock clock(ExchangeOfTicker(t.ticker));
    const int64_t from = clock.ToUtc(day + 15 * 3600), to = clock.ToUtc(day + 16 * 3600);
    const int64_t at = clock.ToUtc(day + 15 * 3600 + 30 * 60);
    double volume = 0;
    for (size_t i = 0; i < bars.size(); ++i) {
      if (bars.ts[i] >= from && bars.ts[i] < to) volume += bars.volume[i];
    }
    w->questions.push_back(
        {fmt::format("What was the volume of {} between 15:00 and 16:00 on {}?", t.ticker, date), volume});
    for (size_t i = 0; i < bars.size(); ++i) {
      if (bars.ts[i] == at) {
        w->questions.push_back({fmt::format("What was the close of {} at 15:30 on {}?", t.ticker, date), bars.close[i]});
      }
    }
  }
  // Check each answer (twice: the second pass shows warm timings with
  // OHLCV_BENCH_VERBOSE): it must state the figure computed above.
  for (int pass = 0; pass < 2; ++pass)
  for (const auto& q : w->questions) {
    AskRequest r;
    r.question = q.text;
    const auto t0 = std::chrono::steady_clock::now();
    auto a = w->kb->Ask(r);
    if (pass == 1 && std::getenv("OHLCV_BENCH_VERBOSE")) {
      fmt::print(stderr, "{:8.3f} ms  {}\n", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(), q.text);
    }
    if (!a.ok()) {
      w->error = q.text + ": " + a.status().ToString();
      return w;
    }
    const std::string money = fmt::format("{:.2f}", q.expect);
    const std::string count = fmt::format("{}", static_cast<int64_t>(std::llround(q.expect)));
    std::string grouped;  // 1,234,567
    for (size_t i = 0; i < count.size(); ++i) {
      if (i > 0 && (count.size() - i) % 3 == 0) grouped += ',';
      grouped += count[i];
    }
    if (a->text.find(money) == std::string::npos && a->text.find(grouped) == std::string::npos &&
        a->text.find(count) == std::string::npos) {
      w->error = q.text + ": the answer does not state " + money + " / " + grouped + ": " + a->text;
      return w;
    }
  }
  return w;
}

World& GetWorld() {
  static World* w = Build();
  return *w;
}

// Runs `one(i)` once per iteration, timing each call, and reports its
// p50/p99/max in ms (nearest rank, bench_util.h). `one` returns false after
// calling SkipWithError.
template <class One>
void RunTimed(benchmark::State& state, One one) {
  World& w = GetWorld();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  std::vector<double> ms;
  size_t i = 0;
  for (auto _ : state) {
    const auto t0 = bench::Clock::now();
    if (!one(w, i++)) return;
    ms.push_back(bench::Seconds(t0) * 1e3);
  }
  if (ms.empty()) return;
  state.counters["p50_ms"] = bench::Percentile(ms, 0.50);
  state.counters["p99_ms"] = bench::Percentile(ms, 0.99);
  state.counters["max_ms"] = bench::Percentile(ms, 1.0);
}

void BM_IntradayAsk(benchmark::State& state) {
  RunTimed(state, [&](World& w, size_t i) {
    AskRequest r;
    r.question = w.questions[i % w.questions.size()].text;
    auto a = w.kb->Ask(r);
    if (!a.ok()) {
      state.SkipWithError(a.status().ToString().c_str());
      return false;
    }
    benchmark::DoNotOptimize(a->text);
    return true;
  });
  state.counters["questions"] = static_cast<double>(GetWorld().questions.size());
}
BENCHMARK(BM_IntradayAsk)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_LoadDay(benchmark::State& state) {
  RunTimed(state, [&](World& w, size_t i) {
    const auto& [ticker, day] = w.days[i % w.days.size()];
    auto b = w.store->Load(ticker, Interval::k1m, day, day + 86399);
    benchmark::DoNotOptimize(b);
    return true;
  });
}
BENCHMARK(BM_LoadDay)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
