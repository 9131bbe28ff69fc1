// The evaluation corpus: the whole shared S&P 500 dataset read straight from
// its CSV files, stored in a BarStore, analysed into windows and indexed in a
// local vector store; plus, per ticker, the raw columns the evaluation uses
// to compute its expected answers WITHOUT going through windows' metadata or
// the store (bars, the indicator engine's RSI14 column, the detectors'
// events, the slicing rule).
//
// Built once per test binary (EvalCorpus::Get()); about 130k windows.
// OHLCV_EVAL_STORE=shared indexes them into PostgreSQL + ChromaDB instead
// (testutil/shared_store.h), so the same evaluations score that store.
// Header-only because tests/CMakeLists.txt compiles only *_test.cc files.
#pragma once

#include <cstdlib>
#include <memory>
#include <string_view>
#include <string>
#include <vector>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

#include "retrieval/window_indexer.h"
#include "sources/csv_source.h"
#include "store/bar_store.h"
#include "testutil/shared_store.h"
#include "testutil/test_paths.h"
#include "util/sector_map.h"
#include "util/time.h"
#include "windows/shape_vector.h"
#include "core/bar_series.h"
#include "core/pattern.h"
#include "embed/embedder.h"
#include "index/vector_store.h"
#include "retrieval/question.h"
#include "windows/series_analysis.h"
#include "windows/window_builder.h"

namespace ohlcv::testing {

struct TickerFacts {
  std::string ticker;
  std::string sector;
  std::vector<int64_t> ts;
  std::vector<double> close;
  std::vector<double> rsi14;  // from IndicatorSet, NaN in warm-up
  std::vector<double> sma50, sma200;
  std::vector<PatternEvent> events;
};

struct EvalCorpus {
  std::vector<TickerFacts> tickers;
  AnalysisOptions analysis;
  std::unique_ptr<Embedder> embedder;
  std::string embedder_note;  // which embedder, and why
  std::string store_note;     // which vector store (OHLCV_EVAL_STORE)
  std::unique_ptr<VectorStore> store;
  QuestionContext context;
  size_t bars = 0, windows = 0;
  double load_s = 0, analyse_s = 0, index_s = 0, embed_s = 0, upsert_s = 0;
  std::string error;  // non-empty when building failed

  // Built on first use; nullptr when the shared data is absent.
  static EvalCorpus* Get();

  const TickerFacts* Find(const std::string& ticker) const;
};

// "AAPL_1d_..." ids of the windows of `t` (slicing rule of window_builder.h)
// together with their bar ranges [first, last].
struct WindowSpan {
  std::string id;
  size_t first = 0, last = 0;
};

namespace eval_internal {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

inline double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// One shared CSV file (Date,High,Low,Open,Close,Volume,Adj Close,Name)
// through the CSV source's parser, so the corpus holds the bars an ingest of
// these files would store (rows failing sources/bar_check.h, such as the few
// all-zero ones, are skipped). Empty on a read or parse error.
inline BarSeries ReadCsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = ParseCsvBuffer(data, path.string(), FetchRequest{});
  if (!parsed.ok() || parsed->series.empty()) return {};
  return std::move(parsed->series.front());
}

inline std::unique_ptr<EvalCorpus> Build() {
  auto c = std::make_unique<EvalCorpus>();
  const std::string data = SharedDataDir();
  auto sectors = SectorMap::Load(SharedDir() + "/data/sp500_sectors.csv");
  if (!sectors.ok()) {
    c->error = sectors.status().ToString();
    return c;
  }
  const std::string dir = MakeTempDir("ohlcv-eval");
  BarStoreOptions bo;
  bo.path = dir + "/bars.db";
  auto bar_store = BarStore::Open(bo);
  if (!bar_store.ok()) {
    c->error = bar_store.status().ToString();
    return c;
  }

  // CSV -> bar store (one transaction per ticker, as ingest does).
  auto t0 = Clock::now();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> names;
  for (const auto& f : files) {
    BarSeries s = ReadCsv(f);
    if (s.size() < 2) continue;
    auto up = (*bar_store)->Upsert(s);
    if (!up.ok()) {
      c->error = up.status().ToString();
      return c;
    }
    names.push_back(s.ticker);
    c->bars += s.size();
  }
  c->load_s = Since(t0);

  // Bar store -> analysis on two threads; facts and windows per ticker.
  t0 = Clock::now();
  c->tickers.resize(names.size());
  std::vector<std::vector<Window>> windows(names.size());
  std::vector<std::string> errors(2);
  auto work = [&](size_t part) {
    SeriesAnalysis a;
    for (size_t i = part; i < names.size(); i += 2) {
      auto bars = (*bar_store)->Load(names[i], Interval::k1d, std::nullopt, std::nullopt);
      if (!bars.ok()) {
        errors[part] = bars.status().ToString();
        return;
      }
      TickerFacts& t = c->tickers[i];
      t.ticker = names[i];
      t.sector = sectors->Lookup(t.ticker).value_or("");
      a.Analyze(*bars, t.sector, c->analysis);
      t.ts = bars->ts;
      t.close = bars->close;
      auto rsi = a.indicators.column(Indicator::kRsi14);
      t.rsi14.assign(rsi.begin(), rsi.end());
      auto s50 = a.indicators.column(Indicator::kSma50);
      auto s200 = a.indicators.column(Indicator::kSma200);
      t.sma50.assign(s50.begin(), s50.end());
      t.sma200.assign(s200.begin(), s200.end());
      t.events = a.events;
      windows[i] = std::move(a.windows);
    }
  };
  std::thread helper(work, 1);
  work(0);
  helper.join();
  for (const auto& e : errors) {
    if (!e.empty()) {
      c->error = e;
      return c;
    }
  }
  c->analyse_s = Since(t0);

  // Embedder: the real offline one when its file exists.
  const std::string wv = DefaultWordVectorPath(SourceDir());
  WordVectorEmbedderOptions wo;
  wo.path = wv;
  auto real = fs::exists(wv) ? NewWordVectorEmbedder(wo) : Result<std::unique_ptr<Embedder>>(Status::NotFound(wv));
  if (real.ok()) {
    c->embedder = std::move(real).value();
    c->embedder_note = fmt::format("word-vector embedder {} ({})", c->embedder->name(), wv);
  } else {
    c->embedder = NewHashingEmbedder(100);
    c->embedder_note = fmt::format("NOTE: hashing embedder (no semantics): {}", real.status().ToString());
  }

  const EmbedderIdentity identity{std::string(c->embedder->name()), c->embedder->dimension(), kShapeDims};
  Result<std::unique_ptr<VectorStore>> store = Status::Internal("no store");
  if (SharedEvalStore()) {
    store = OpenSharedTestStore(identity, "eval");
    c->store_note = "store: shared (PostgreSQL + ChromaDB)";
  } else {
    LocalVectorStoreOptions so;
    so.dir = dir + "/vectors";
    so.embedder = identity;
    store = OpenLocalVectorStore(so);
    c->store_note = "store: local (embedded)";
  }
  if (!store.ok()) {
    c->error = store.status().ToString();
    return c;
  }
  c->store = std::move(store).value();
  t0 = Clock::now();
  // One Index() call for the whole set: batches of 2,048 windows are ~2.5x
  // faster through the local store than one call per ticker (fewer commits).
  std::vector<Window> all;
  for (auto& w : windows) {
    std::move(w.begin(), w.end(), std::back_inserter(all));
    std::vector<Window>().swap(w);
  }
  WindowIndexer indexer(*c->store, *c->embedder);
  if (Status st = indexer.Index(all); !st.ok()) {
    c->error = st.ToString();
    return c;
  }
  c->windows = all.size();
  c->index_s = Since(t0);
  c->embed_s = indexer.stats().embed_seconds;
  c->upsert_s = indexer.stats().upsert_seconds;

  for (const auto& t : c->tickers) {
    c->context.known_tickers.insert(t.ticker);
    if (!t.ts.empty() && (!c->context.latest_ts || t.ts.back() > *c->context.latest_ts)) {
      c->context.latest_ts = t.ts.back();
    }
  }
  c->context.sector_names = sectors->Sectors();
  return c;
}

}  // namespace eval_internal

inline EvalCorpus* EvalCorpus::Get() {
  if (SharedDataDir().empty()) return nullptr;
  // Never destroyed, on purpose: the local store's destructor finishes the
  // background HNSW build of all 130k vectors (a minute on 2 cores) only for
  // MakeTempDir's cleanup to delete the files at exit.
  static EvalCorpus* const corpus = eval_internal::Build().release();
  return corpus;
}

inline const TickerFacts* EvalCorpus::Find(const std::string& ticker) const {
  for (const auto& t : tickers) {
    if (t.ticker == ticker) return &t;
  }
  return nullptr;
}

inline std::vector<WindowSpan> WindowSpans(const TickerFacts& t, const WindowOptions& opt) {
  std::vector<WindowSpan> out;
  const size_t n = t.ts.size();
  for (size_t start : WindowStarts(n, opt)) {
    const size_t last = start + std::min(opt.length, n) - 1;
    out.push_back({WindowId(t.ticker, Interval::k1d, t.ts[start], t.ts[last]), start, last});
  }
  return out;
}

}  // namespace ohlcv::testing
