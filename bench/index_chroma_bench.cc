// Benchmark of the ChromaDB store (index/chroma_vector_store.cc) side by side
// with the embedded store (OpenLocalVectorStore) in the same run, on the same
// synthetic windows (default 20,000; 100-d clustered text vectors, 32-d shape
// vectors, ~40-word summaries, full metadata):
//   1. upsert throughput, windows/s: each rep upserts --upsert-n windows in
//      batches of 2,000 into a fresh store (local: new directory; chroma: new
//      collections); median of --reps. The local figure is "acknowledged"
//      (committed to SQLite and searchable; HNSW drains in the background).
//   2. the full --n set is loaded once per store (load rate printed), then
//      one-thread query latency p50/p99 over --queries queries, k = 10, for:
//      text unfiltered, text with a ticker + date filter, with one sector,
//      with one pattern kind, shape unfiltered;
//      median over --reps passes. Recall@10 of unfiltered text queries against
//      exact brute force over the same vectors is printed for both stores.
// A main() with its own timing (percentiles and throughput are the figures
// wanted; Google Benchmark reports neither directly), like index_bench.
//
// Server: CHROMADB_HOST/CHROMADB_PORT when set; otherwise the bench starts one
// with the tests' launcher (tests/testutil/chroma_server.h: the npm package
// scripts/chroma-setup.sh installs, a free loopback port, a temporary data
// directory) and stops it at the end.
//
// 3. the shared store (index/shared_vector_store.cc: PostgreSQL + ChromaDB
//    holding id + embedding only) in the same run, same figures; PostgreSQL
//    from OHLCV_DATABASE_URL, else a test server of our own (pg_server.h).
//    OHLCV_BENCH_SKIP_CHROMA=1 leaves out the slow metadata-carrying store.
//
// Usage: index_chroma_bench [--n N] [--upsert-n U] [--queries Q] [--reps R]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "index/vector_store.h"
#include "testutil/chroma_server.h"
#include "testutil/pg_server.h"

namespace {

using namespace ohlcv;
using namespace ohlcv::bench;
namespace fs = std::filesystem;

constexpr size_t kDim = 100, kShapeDim = 32, kClusters = 200, kBatch = 2000, kK = 10;
const char* const kSectors[] = {"Energy",    "Financials", "Health Care",           "Industrials",
                                "Materials", "Utilities",  "Information Technology"};
const char* const kWords[] = {"rsi",        "uptrend",  "volume",     "close",    "return",
                              "sma",        "macd",     "downtrend",  "breakout", "golden",
                              "cross",      "oversold", "overbought", "gap",      "support",
                              "resistance", "rally",    "range",      "drawdown", "high"};

// Which filter a query case applies: none, ticker + date range (selective),
// one sector of 11 (broad equality), one pattern kind in 1/9 of windows.
enum class FilterKind { kNone, kTickerDates, kSector, kPattern };
struct QueryCase {
  const char* name;
  VectorSpace space;
  FilterKind filter;
};

struct Report {
  double upsert_wps = 0, load_wps = 0, recall = 0;
  std::vector<std::pair<double, double>> p50_p99;  // per QueryCase, ms
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  size_t n = 20000, upsert_n = 2000, queries = 200;
  int reps = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--n")
      n = std::stoul(argv[i + 1]);
    else if (a == "--upsert-n")
      upsert_n = std::stoul(argv[i + 1]);
    else if (a == "--queries")
      queries = std::stoul(argv[i + 1]);
    else if (a == "--reps")
      reps = std::stoi(argv[i + 1]);
  }
  upsert_n = std::min(upsert_n, n);
  const std::string tmp =
      (fs::temp_directory_path() / ("ohlcv-chroma-bench-" + std::to_string(::getpid()))).string();
  fs::create_directories(tmp);

  // CHROMADB_HOST/PORT when set, else a server of our own (the tests' launcher).
  std::string chroma_host = "127.0.0.1";
  int chroma_port = 8000;
  testing::ChromaServer own_server;
  if (const char* h = std::getenv("CHROMADB_HOST"); h && *h) {
    chroma_host = h;
    const char* p = std::getenv("CHROMADB_PORT");
    chroma_port = p ? std::atoi(p) : 8000;
  } else if (std::string error = own_server.Start(); !error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  } else {
    chroma_port = own_server.port();
  }

  // Data.
  std::mt19937 rng(42);
  auto text = Clustered(rng, n, kDim, 0.6f, kClusters);
  auto shape = Clustered(rng, n, kShapeDim, 0.4f, kClusters);
  std::vector<Window> windows(n);
  std::uniform_int_distribution<size_t> word(0, std::size(kWords) - 1);
  for (size_t i = 0; i < n; ++i) {
    Window& w = windows[i];
    int t = static_cast<int>(i % 200);
    w.ticker = "T" + std::to_string(t);
    w.sector = kSectors[t % std::size(kSectors)];
    w.start_ts = 1420070400 + static_cast<int64_t>(i / 200) * 5 * 86400;
    w.end_ts = w.start_ts + 20 * 86400;
    w.id = w.ticker + "_1d_" + std::to_string(w.start_ts);
    w.n_bars = 20;
    w.open = w.first_close = 100 + i % 37;
    w.close = w.high = w.low = 101 + i % 41;
    w.return_pct = (static_cast<int>(i) % 41) - 20;
    w.volatility = 10 + i % 23;
    w.last.rsi14 = 20 + i % 60;
    w.last.rsi14_max = 30 + i % 60;
    if (i % 9 == 0) w.patterns.push_back({PatternKind::kGoldenCross, 3, w.start_ts, w.start_ts, 1});
    w.summary = w.ticker + " " + w.sector;
    for (int k = 0; k < 40; ++k) w.summary += std::string(" ") + kWords[word(rng)];
    w.shape.assign(shape.begin() + i * kShapeDim, shape.begin() + (i + 1) * kShapeDim);
  }
  // Queries: stored vectors plus noise, so each has true neighbours.
  std::normal_distribution<float> g;
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  std::vector<std::vector<float>> qtext(queries), qshape(queries);
  std::vector<WindowFilter> qfilter(queries), qsector(queries);
  WindowFilter qpattern;
  qpattern.patterns = {PatternKind::kGoldenCross};
  for (size_t q = 0; q < queries; ++q) {
    size_t i = pick(rng);
    for (size_t j = 0; j < kDim; ++j) qtext[q].push_back(text[i * kDim + j] + 0.05f * g(rng));
    for (size_t j = 0; j < kShapeDim; ++j)
      qshape[q].push_back(shape[i * kShapeDim + j] + 0.05f * g(rng));
    qsector[q].sectors = {windows[i].sector};
    qfilter[q].tickers = {windows[i].ticker};
    qfilter[q].start_ts = windows[i].start_ts - 200 * 86400;
    qfilter[q].end_ts = windows[i].end_ts + 200 * 86400;
  }
  // Exact top-k of the unfiltered text queries (the recall baseline).
  std::vector<std::set<std::string>> exact(queries);
  for (size_t q = 0; q < queries; ++q) {
    std::vector<std::pair<float, size_t>> s(n);
    for (size_t i = 0; i < n; ++i) {
      float d = 0;
      for (size_t j = 0; j < kDim; ++j) d += qtext[q][j] * text[i * kDim + j];
      s[i] = {-d, i};
    }
    std::partial_sort(s.begin(), s.begin() + kK, s.end());
    for (size_t r = 0; r < kK; ++r) exact[q].insert(windows[s[r].second].id);
  }

  const EmbedderIdentity embedder{"bench-embedder", kDim, kShapeDim};
  int opened = 0;
  std::function<Result<std::unique_ptr<VectorStore>>(const std::string&)> open_local =
      [&](const std::string& tag) {
        LocalVectorStoreOptions o;
        o.dir = tmp + "/local_" + tag + "_" + std::to_string(opened++);
        o.embedder = embedder;
        return OpenLocalVectorStore(o);
      };
  std::function<Result<std::unique_ptr<VectorStore>>(const std::string&)> open_chroma =
      [&](const std::string& tag) {
        ChromaVectorStoreOptions o;
        o.host = chroma_host;
        o.port = chroma_port;
        o.collection_prefix =
            "bench_" + std::to_string(::getpid()) + "_" + tag + "_" + std::to_string(opened++);
        o.embedder = embedder;
        o.timeout_ms = 120000;
        return OpenChromaVectorStore(o);
      };
  if (auto probe = open_chroma("probe"); !probe.ok() || !(*probe)->Health().ok()) {
    std::fprintf(stderr, "chroma at %s:%d does not answer: %s\n", chroma_host.c_str(), chroma_port,
                 probe.ok() ? "health failed" : probe.status().ToString().c_str());
    return 1;
  }

  // The shared store: PostgreSQL (OHLCV_DATABASE_URL when set, else a test
  // server of our own, one fresh database per open) + the same ChromaDB.
  testing::PgServer own_pg;
  std::string pg_url;
  if (const char* u = std::getenv("OHLCV_DATABASE_URL"); u && *u) {
    pg_url = u;
  } else if (testing::PgServer::Installed()) {
    if (std::string error = own_pg.Start(); !error.empty()) {
      std::fprintf(stderr, "postgres: %s\n", error.c_str());
      return 1;
    }
  }
  std::function<Result<std::unique_ptr<VectorStore>>(const std::string&)> open_shared =
      [&](const std::string& tag) -> Result<std::unique_ptr<VectorStore>> {
        SharedVectorStoreOptions o;
        std::string error;
        o.database_url = pg_url.empty() ? own_pg.NewDatabase(&error) : pg_url;
        if (o.database_url.empty()) return Status::Unavailable(error);
        o.chroma.host = chroma_host;
        o.chroma.port = chroma_port;
        o.chroma.collection_prefix =
            "bench_" + std::to_string(::getpid()) + "_" + tag + "_" + std::to_string(opened++);
        o.chroma.embedder = embedder;
        o.chroma.timeout_ms = 120000;
        return OpenSharedVectorStore(o);
      };

  auto load = [&](VectorStore& store, size_t count) -> double {
    auto t0 = Clock::now();
    for (size_t b = 0; b < count; b += kBatch) {
      size_t e = std::min(count, b + kBatch);
      Status st = store.Upsert(std::span(windows).subspan(b, e - b),
                               std::span(text).subspan(b * kDim, (e - b) * kDim));
      if (!st.ok()) {
        std::fprintf(stderr, "upsert: %s\n", st.ToString().c_str());
        std::exit(1);
      }
    }
    return count / Seconds(t0);
  };

  const QueryCase cases[] = {{"text", VectorSpace::kText, FilterKind::kNone},
                             {"text+filter", VectorSpace::kText, FilterKind::kTickerDates},
                             {"text+sector", VectorSpace::kText, FilterKind::kSector},
                             {"text+pattern", VectorSpace::kText, FilterKind::kPattern},
                             {"shape", VectorSpace::kShape, FilterKind::kNone}};
  auto filter_for = [&](FilterKind f, size_t q) {
    switch (f) {
      case FilterKind::kTickerDates: return qfilter[q];
      case FilterKind::kSector: return qsector[q];
      case FilterKind::kPattern: return qpattern;
      case FilterKind::kNone: break;
    }
    return WindowFilter{};
  };
  auto run = [&](const char* name, auto& open) {
    Report rep;
    std::vector<double> wps;
    for (int r = 0; r < reps; ++r) {
      auto s = open("upsert");
      if (!s.ok()) {
        std::fprintf(stderr, "%s open: %s\n", name, s.status().ToString().c_str());
        std::exit(1);
      }
      wps.push_back(load(**s, upsert_n));
    }
    rep.upsert_wps = Median(wps);
    auto s = open("query");
    if (!s.ok()) std::exit(1);
    VectorStore& store = **s;
    rep.load_wps = load(store, n);
    size_t hit = 0;
    for (size_t q = 0; q < queries; ++q) {
      auto hits = store.Search(VectorSpace::kText, qtext[q], kK, {});
      if (!hits.ok()) {
        std::fprintf(stderr, "%s search: %s\n", name, hits.status().ToString().c_str());
        std::exit(1);
      }
      for (const auto& h : *hits) hit += exact[q].count(h.window.id);
    }
    rep.recall = double(hit) / double(queries * kK);
    for (const auto& c : cases) {
      std::vector<double> p50, p99;
      for (int r = 0; r < reps; ++r) {
        std::vector<double> ms;
        for (size_t q = 0; q < queries; ++q) {
          auto t0 = Clock::now();
          auto hits = store.Search(c.space, c.space == VectorSpace::kText ? qtext[q] : qshape[q],
                                   kK, filter_for(c.filter, q));
          ms.push_back(Seconds(t0) * 1e3);
          if (!hits.ok() || hits->empty()) {
            std::fprintf(stderr, "%s %s: no hits\n", name, c.name);
            std::exit(1);
          }
        }
        p50.push_back(Percentile(ms, 0.5));
        p99.push_back(Percentile(ms, 0.99));
      }
      rep.p50_p99.emplace_back(Median(p50), Median(p99));
    }
    std::printf(
        "%-7s upsert %8.0f windows/s (median of %d x %zu)  full load %8.0f windows/s (%zu)  "
        "recall@10 %.3f\n",
        name, rep.upsert_wps, reps, upsert_n, rep.load_wps, n, rep.recall);
    for (size_t i = 0; i < std::size(cases); ++i) {
      std::printf(
          "        query %-12s p50 %7.3f ms  p99 %7.3f ms  (k=%zu, %zu queries, median of %d)\n",
          cases[i].name, rep.p50_p99[i].first, rep.p50_p99[i].second, kK, queries, reps);
    }
    return rep;
  };

  std::printf(
      "index_chroma_bench: n=%zu upsert_n=%zu dim=%zu shape_dim=%zu queries=%zu reps=%d "
      "chroma=%s:%d\n",
      n, upsert_n, kDim, kShapeDim, queries, reps, chroma_host.c_str(), chroma_port);
  Report local = run("local", open_local);
  const bool only_shared = std::getenv("OHLCV_BENCH_SKIP_CHROMA") != nullptr;
  if (!only_shared) {
    Report chroma = run("chroma", open_chroma);
    std::printf("chroma/local: upsert %.3fx, text query p50 %.1fx slower\n",
                chroma.upsert_wps / local.upsert_wps,
                chroma.p50_p99[0].first / local.p50_p99[0].first);
  }
  if (!pg_url.empty() || own_pg.running()) {
    Report shared = run("shared", open_shared);
    std::printf("shared/local: upsert %.3fx, full load %.3fx, text query p50 %.1fx slower\n",
                shared.upsert_wps / local.upsert_wps, shared.load_wps / local.load_wps,
                shared.p50_p99[0].first / local.p50_p99[0].first);
  }
  own_server.Stop();
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return 0;
}
