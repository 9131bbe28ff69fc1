// Benchmark of the embedded vector store (index/local_vector_store.cc).
//
// A main() with its own timing (the figures wanted are throughput,
// percentiles and recall, which Google Benchmark does not report directly):
//   1. upsert N synthetic windows (default 130,000, like the shared dataset
//      at stride 5) in batches of 2,000 into a fresh store: windows/s, with
//      the HNSW-only build of the same vectors measured in the same run as the
//      baseline that bounds it;
//   2. one-thread queries, k = 10: p50/p99 latency and recall@10 against
//      exact brute force over the same vectors (the baseline), unfiltered,
//      with a selective filter (exact path) and a broad filter (HNSW path);
//   3. lexical (FTS5 BM25) query latency;
//   4. bytes per window on disk (SQLite, HNSW files ~ resident HNSW memory);
//   5. reopen time, and rebuild time when text.hnsw is missing.
// Vectors are clustered (200 centres + noise), like real summary embeddings,
// not uniform random. Each query pass runs --reps times; medians reported.
//
// Usage: index_bench [--n N] [--queries Q] [--reps R] [--dir DIR] [--sweep 1]
// (--sweep 1 runs only the HNSW parameter sweep; see Sweep().)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ctime>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "index/hnsw_index.h"
#include "index/vector_store.h"

namespace {

using namespace ohlcv;
using namespace ohlcv::bench;

constexpr size_t kDim = 100, kShapeDim = 32, kClusters = 200;
const char* const kSectors[] = {"Energy", "Financials", "Health Care", "Industrials", "Materials",
                                "Utilities", "Real Estate", "Consumer Staples",
                                "Consumer Discretionary", "Information Technology",
                                "Communication Services"};
// Summary vocabulary: kVocab words drawn with a Zipf law (word r has weight
// 1/(r+1)), so a few words ("rsi", "uptrend") are in most summaries and most
// are rare, as in real summaries.
constexpr size_t kVocab = 400;
std::string Word(size_t r) {
  static const char* const kCommon[] = {"rsi", "uptrend", "volume", "close", "return", "sma",
                                        "macd", "downtrend", "breakout", "golden", "cross",
                                        "oversold", "overbought", "gap", "support", "resistance"};
  return r < std::size(kCommon) ? kCommon[r] : "term" + std::to_string(r);
}


uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// --sweep 1: HNSW alone over the clustered text vectors for several
// (M, ef_construction) pairs: build CPU seconds (2 threads), query p50 and
// recall@10 against brute force. Chooses the defaults; no SQLite involved.
int Sweep(size_t n, size_t queries) {
  using index_internal::HnswIndex;
  std::mt19937 rng(42);
  auto text = Clustered(rng, n, kDim, 0.6f, kClusters);
  std::vector<uint64_t> labels(n);
  for (size_t i = 0; i < n; ++i) labels[i] = i;
  std::uniform_int_distribution<size_t> any(0, n - 1);
  std::normal_distribution<float> g;
  std::vector<std::vector<float>> qs(queries);
  std::vector<std::set<uint64_t>> truth(queries);
  for (size_t qi = 0; qi < queries; ++qi) {
    size_t i = any(rng);
    auto& q = qs[qi];
    q.assign(text.begin() + i * kDim, text.begin() + (i + 1) * kDim);
    for (auto& x : q) x += 0.05f * g(rng);
    std::vector<std::pair<float, size_t>> sc(n);
    for (size_t r = 0; r < n; ++r) {
      float d = 0;
      for (size_t j = 0; j < kDim; ++j) d += q[j] * text[r * kDim + j];
      sc[r] = {-d, r};
    }
    std::partial_sort(sc.begin(), sc.begin() + 10, sc.end());
    for (size_t r = 0; r < 10; ++r) truth[qi].insert(sc[r].second);
  }
  std::printf("sweep: n=%zu dim=%zu queries=%zu, load average %s\n", n, kDim, queries,
              LoadAverage().c_str());
  const size_t configs[][3] = {{16, 100, 64}, {16, 64, 64}, {16, 40, 64}, {12, 64, 64},
                               {8, 64, 64},   {16, 64, 32}, {12, 40, 64}};
  for (const auto& c : configs) {
    index_internal::HnswParams p{kDim, c[0], c[1], c[2], n};
    auto idx = HnswIndex::Create(p);
    auto tb = Clock::now();
    double c0 = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
    (void)(*idx)->Add(text, labels, 2);
    double wall = Seconds(tb), cpu = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    std::vector<double> lat;
    size_t found = 0;
    for (size_t qi = 0; qi < queries; ++qi) {
      auto tq = Clock::now();
      auto hits = (*idx)->Search(qs[qi], 10);
      lat.push_back(Seconds(tq) * 1e3);
      for (const auto& h : hits) found += truth[qi].count(h.label);
    }
    std::printf("M=%zu ef_construction=%zu ef_search=%zu: build %.2f s wall, %.2f s CPU = %.0f "
                "vectors per CPU-second; query p50 %.3f ms p99 %.3f ms; recall@10 %.4f\n",
                c[0], c[1], c[2], wall, cpu, n / cpu, Percentile(lat, 0.5), Percentile(lat, 0.99),
                double(found) / (10.0 * queries));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress visible when redirected
  size_t n = 130000, queries = 500;
  int reps = 3;
  bool sweep = false;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--n") n = std::stoul(argv[i + 1]);
    else if (a == "--queries") queries = std::stoul(argv[i + 1]);
    else if (a == "--reps") reps = std::stoi(argv[i + 1]);
    else if (a == "--dir") dir = argv[i + 1];
    else if (a == "--sweep") sweep = std::stoi(argv[i + 1]) != 0;
  }
  if (sweep) return Sweep(n, queries);
  if (dir.empty()) dir = (std::filesystem::temp_directory_path() / "ohlcv-index-bench").string();
  std::filesystem::remove_all(dir);

  std::mt19937 rng(42);
  auto text = Clustered(rng, n, kDim, 0.6f, kClusters);
  auto shape = Clustered(rng, n, kShapeDim, 0.4f, kClusters);
  std::vector<Window> windows(n);
  std::vector<double> weights(kVocab);
  for (size_t r = 0; r < kVocab; ++r) weights[r] = 1.0 / double(r + 1);
  std::discrete_distribution<size_t> word(weights.begin(), weights.end());
  for (size_t i = 0; i < n; ++i) {
    Window& w = windows[i];
    int t = static_cast<int>(i % 500);
    w.ticker = "T" + std::to_string(t);
    w.sector = kSectors[t % std::size(kSectors)];
    w.start_ts = 1420070400 + static_cast<int64_t>(i / 500) * 5 * 86400;
    w.end_ts = w.start_ts + 20 * 86400;
    w.id = w.ticker + "_1d_" + std::to_string(w.start_ts);
    w.n_bars = 20;
    w.return_pct = (static_cast<int>(i) % 41) - 20;
    w.last.rsi14 = 20 + i % 60;
    w.last.rsi14_max = 30 + i % 60;
    if (i % 9 == 0) w.patterns.push_back({PatternKind::kGoldenCross, 3, w.start_ts, w.start_ts, 1});
    w.summary = w.ticker + " " + w.sector;
    for (int k = 0; k < 40; ++k) w.summary += " " + Word(word(rng));
    w.shape.assign(shape.begin() + i * kShapeDim, shape.begin() + (i + 1) * kShapeDim);
  }

  LocalVectorStoreOptions options;
  options.dir = dir;
  options.embedder = {"bench-embedder", kDim, kShapeDim};
  std::printf("index_bench: n=%zu dim=%zu shape_dim=%zu m=%zu ef_construction=%zu ef_search=%zu\n",
              n, kDim, kShapeDim, options.hnsw_m, options.hnsw_ef_construction,
              options.hnsw_ef_search);

  // 1. Upsert.
  auto opened = OpenLocalVectorStore(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto store = std::move(opened).value();
  constexpr size_t kBatch = 2000;
  std::printf("load average at start: %s on %u cores\n", LoadAverage().c_str(),
              std::thread::hardware_concurrency());
  const double thread_cpu0 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  const double process_cpu0 = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  auto t0 = Clock::now();
  for (size_t b = 0; b < n; b += kBatch) {
    size_t e = std::min(n, b + kBatch);
    Status st = store->Upsert(std::span(windows).subspan(b, e - b),
                              std::span(text).subspan(b * kDim, (e - b) * kDim));
    if (!st.ok()) {
      std::fprintf(stderr, "upsert: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  double upsert_s = Seconds(t0);
  double upsert_cpu = CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - thread_cpu0;
  std::printf("upsert: %zu windows in %.2f s = %.0f windows/s acknowledged (batches of %zu; rows "
              "are committed and searchable, exact on the not-yet-indexed delta); calling thread "
              "CPU %.2f s = %.0f windows per CPU-second\n",
              n, upsert_s, n / upsert_s, kBatch, upsert_cpu, n / upsert_cpu);
  // Closing waits for the background drain into HNSW and saves both files.
  auto tc = Clock::now();
  store.reset();
  double close_s = Seconds(tc);
  double total_cpu = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu0;
  std::printf("fully indexed: +%.2f s at close (drain + save) -> %.0f windows/s end to end; "
              "process CPU %.2f s (all threads) = %.0f windows per CPU-second\n",
              close_s, n / (upsert_s + close_s), total_cpu, n / total_cpu);
  {  // Baseline: the HNSW builds alone (same vectors, same parameters, 2 threads).
    using index_internal::HnswIndex;
    std::vector<uint64_t> labels(n);
    for (size_t i = 0; i < n; ++i) labels[i] = i;
    double build[2], cpu[2];
    for (int s = 0; s < 2; ++s) {
      index_internal::HnswParams p{s ? kShapeDim : kDim, options.hnsw_m,
                                   options.hnsw_ef_construction, options.hnsw_ef_search, n};
      auto idx = HnswIndex::Create(p);
      auto tb = Clock::now();
      double c0 = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
      (void)(*idx)->Add(s ? std::span<const float>(shape) : std::span<const float>(text), labels, 2);
      build[s] = Seconds(tb);
      cpu[s] = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    std::printf("baseline hnsw-only build, same run: text %.2f s + shape %.2f s = %.0f windows/s; "
                "CPU text %.2f s + shape %.2f s = %.0f windows per CPU-second\n",
                build[0], build[1], n / (build[0] + build[1]), cpu[0], cpu[1],
                n / (cpu[0] + cpu[1]));
  }
  auto tr = Clock::now();
  opened = OpenLocalVectorStore(options);
  double reopen_s = Seconds(tr);
  if (!opened.ok()) return 1;
  store = std::move(opened).value();
  std::printf("reopen (load both index files): %.2f s\n", reopen_s);

  // 2. Queries: noisy copies of stored vectors, like "a question near a window".
  std::vector<std::vector<float>> qs(queries);
  std::uniform_int_distribution<size_t> any(0, n - 1);
  std::normal_distribution<float> g;
  for (auto& q : qs) {
    size_t i = any(rng);
    q.assign(text.begin() + i * kDim, text.begin() + (i + 1) * kDim);
    for (auto& x : q) x += 0.05f * g(rng);
  }
  auto exact_topk = [&](const std::vector<float>& q, const std::function<bool(size_t)>& pass,
                        size_t k) {
    std::vector<std::pair<float, size_t>> s;
    for (size_t i = 0; i < n; ++i) {
      if (!pass(i)) continue;
      float d = 0;
      for (size_t j = 0; j < kDim; ++j) d += q[j] * text[i * kDim + j];
      s.emplace_back(-d, i);
    }
    size_t top = std::min(k, s.size());
    std::partial_sort(s.begin(), s.begin() + top, s.end());
    std::set<std::string> ids;
    for (size_t r = 0; r < top; ++r) ids.insert(windows[s[r].second].id);
    return ids;
  };
  struct Mode {
    const char* name;
    WindowFilter filter;
    std::function<bool(size_t)> pass;
  };
  std::vector<Mode> modes;
  modes.push_back({"unfiltered", {}, [](size_t) { return true; }});
  modes.push_back({"selective (1 ticker, exact path)", {}, [](size_t i) { return i % 500 == 7; }});
  modes.back().filter.tickers = {"T7"};
  modes.push_back({"broad (1 sector of 11, hnsw path)", {}, [&](size_t i) { return windows[i].sector == std::string("Energy"); }});
  modes.back().filter.sectors = {"Energy"};
  for (const auto& mode : modes) {
    std::vector<double> p50s, p99s;
    double recall = 0;
    for (int r = 0; r < reps; ++r) {
      std::vector<double> lat;
      size_t found = 0, total = 0;
      for (const auto& q : qs) {
        auto tq = Clock::now();
        auto hits = store->Search(VectorSpace::kText, q, 10, mode.filter);
        lat.push_back(Seconds(tq) * 1e3);
        if (!hits.ok()) {
          std::fprintf(stderr, "search: %s\n", hits.status().ToString().c_str());
          return 1;
        }
        if (r == 0) {
          auto truth = exact_topk(q, mode.pass, 10);
          for (const auto& h : *hits) found += truth.count(h.window.id);
          total += truth.size();
        }
      }
      if (r == 0) recall = double(found) / std::max<size_t>(1, total);
      p50s.push_back(Percentile(lat, 0.5));
      p99s.push_back(Percentile(lat, 0.99));
    }
    std::printf("search %-36s p50 %.3f ms  p99 %.3f ms  recall@10 %.4f  (median of %d reps, %zu queries)\n",
                mode.name, Median(p50s), Median(p99s), recall, reps, queries);
  }
  {  // Baseline: exact brute force over all vectors, one thread, same run.
    std::vector<double> lat;
    for (size_t i = 0; i < std::min<size_t>(queries, 50); ++i) {
      auto tq = Clock::now();
      auto ids = exact_topk(qs[i], [](size_t) { return true; }, 10);
      lat.push_back(Seconds(tq) * 1e3);
    }
    std::printf("baseline brute-force exact top-10 over %zu vectors: p50 %.3f ms\n", n, Median(lat));
  }

  // 3. Lexical.
  {
    std::vector<double> lat;
    for (size_t i = 0; i < queries; ++i) {
      // A common word, a mid-frequency word and a ticker, like "AAPL golden cross".
      std::string q = Word(i % 4) + " " + Word(8 + (i * 7) % 60) + " T" + std::to_string(i % 500);
      auto tq = Clock::now();
      auto hits = store->LexicalSearch(q, 10, {});
      lat.push_back(Seconds(tq) * 1e3);
      if (!hits.ok()) return 1;
    }
    std::printf("lexical bm25 top-10: p50 %.3f ms  p99 %.3f ms\n", Percentile(lat, 0.5), Percentile(lat, 0.99));
  }

  // 4. Bytes per window, 5. rebuild.
  store.reset();
  uint64_t db = FileBytes(dir + "/windows.db") + FileBytes(dir + "/windows.db-wal");
  uint64_t th = FileBytes(dir + "/text.hnsw"), sh = FileBytes(dir + "/shape.hnsw");
  std::printf("bytes/window: sqlite %.0f (windows.db+wal), hnsw text %.0f + shape %.0f "
              "(files ~ resident graph+vectors), total %.0f\n",
              double(db) / n, double(th) / n, double(sh) / n, double(db + th + sh) / n);
  std::filesystem::remove(dir + "/text.hnsw");
  auto trb = Clock::now();
  auto rebuilt = OpenLocalVectorStore(options);
  double rebuild_s = Seconds(trb);
  if (!rebuilt.ok()) return 1;
  std::printf("reopen with text.hnsw missing (rebuild from SQLite): %.2f s\n", rebuild_s);
  rebuilt->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
