// A small knowledge base for the answer tests, built the way ingest builds
// one: bars into a BarStore, SeriesAnalysis windows indexed by a
// WindowIndexer into a local vector store, a Retriever over it. Tests add
// series (synthetic, or read from the shared CSVs), then Finish().
//
// (The answer test binary does not link pipeline/, so this fixture does
// RunIngest's steps itself.)
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "embed/embedder.h"
#include "index/vector_store.h"
#include "retrieval/retriever.h"
#include "retrieval/window_indexer.h"
#include "store/bar_store.h"
#include "testutil/shared_store.h"
#include "testutil/test_paths.h"
#include "util/sector_map.h"
#include "util/time.h"
#include "windows/series_analysis.h"

namespace ohlcv::testing {

inline int64_t DayTs(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d) * 86400; }

// Weekday bars from `start`, a deterministic random walk (LCG) with a drift.
inline BarSeries SyntheticSeries(const std::string& ticker, int64_t start, size_t n, uint64_t seed,
                                 double drift = 0.0005, double base = 100) {
  BarSeries s;
  s.ticker = ticker;
  uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  auto uniform = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  };
  double close = base;
  int64_t ts = start;
  for (size_t i = 0; i < n; ++i) {
    while (((ts / 86400) + 3) % 7 >= 5) ts += 86400;  // skip Saturday (5) and Sunday (6)
    const double r = drift + 0.02 * (uniform() - 0.5) * 1.7;
    const double open = close;
    close = open * std::exp(r);
    Bar b;
    b.ts = ts;
    b.open = open;
    b.close = close;
    b.high = std::max(open, close) * (1 + 0.01 * uniform());
    b.low = std::min(open, close) * (1 - 0.01 * uniform());
    b.volume = 1e6 * (0.5 + uniform());
    b.adj_close = close;
    s.push_back(b);
    ts += 86400;
  }
  return s;
}

class TestKb {
 public:
  // stride: window stride (larger = fewer windows to index).
  explicit TestKb(size_t stride = 5, bool real_embedder = false) {
    dir_ = MakeTempDir("ohlcv-answer");
    BarStoreOptions bo;
    bo.path = dir_ + "/bars.db";
    auto bs = BarStore::Open(bo);
    EXPECT_TRUE(bs.ok()) << bs.status().ToString();
    bars_ = std::move(bs).value();
    if (real_embedder) {
      const std::string path = DefaultWordVectorPath(SourceDir());
      if (std::filesystem::exists(path)) {
        WordVectorEmbedderOptions wo;
        wo.path = path;
        auto e = NewWordVectorEmbedder(wo);
        if (e.ok()) embedder_ = std::move(e).value();
      }
    }
    if (!embedder_) embedder_ = NewHashingEmbedder(64);
    LocalVectorStoreOptions vo;
    vo.dir = dir_ + "/index";
    vo.embedder = {std::string(embedder_->name()), embedder_->dimension(), 0};
    analysis_.windows.stride = stride;
    // Shape dimension comes from the first window's shape vector.
    vo_ = vo;
  }

  // Upserts the bars, analyses them and indexes the windows.
  void Add(const BarSeries& series, const std::string& sector = "") {
    auto t0 = std::chrono::steady_clock::now();
    auto st = bars_->Upsert(series);
    auto t1 = std::chrono::steady_clock::now();
    upsert_s_ += std::chrono::duration<double>(t1 - t0).count();
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    if (!sector.empty()) sectors_.Add(series.ticker, sector);
    SeriesAnalysis an;
    an.Analyze(series, sector, analysis_);
    if (an.windows.empty()) return;
    if (!vectors_) {
      vo_.embedder.shape_dimension = an.windows.front().shape.size();
      // OHLCV_EVAL_STORE=shared: PostgreSQL + ChromaDB (testutil/shared_store.h).
      auto vs = SharedEvalStore() ? OpenSharedTestStore(vo_.embedder, "answer") : OpenLocalVectorStore(vo_);
      ASSERT_TRUE(vs.ok()) << vs.status().ToString();
      vectors_ = std::move(vs).value();
      indexer_ = std::make_unique<WindowIndexer>(*vectors_, *embedder_);
    }
    analyze_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    // Batched across series: one store transaction per few thousand windows.
    pending_.insert(pending_.end(), std::make_move_iterator(an.windows.begin()),
                    std::make_move_iterator(an.windows.end()));
    if (pending_.size() >= 4096) Flush();
    tickers_.insert(series.ticker);
    latest_ = std::max(latest_, series.ts.back());
  }

  void Flush() {
    if (pending_.empty()) return;
    auto t0 = std::chrono::steady_clock::now();
    auto st = indexer_->Index(pending_);
    EXPECT_TRUE(st.ok()) << st.ToString();
    pending_.clear();
    index_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  void Finish() {
    Flush();
    ASSERT_TRUE(vectors_ != nullptr);
    QuestionContext ctx;
    ctx.known_tickers = tickers_;
    ctx.sector_names = sectors_.Sectors();
    ctx.latest_ts = latest_;
    retriever_ = std::make_unique<Retriever>(*vectors_, *embedder_, ctx);
  }

  BarStore& bars() { return *bars_; }
  const Retriever& retriever() { return *retriever_; }
  const SectorMap& sectors() { return sectors_; }
  SectorMap& mutable_sectors() { return sectors_; }
  const AnalysisOptions& analysis() const { return analysis_; }
  const Embedder& embedder() const { return *embedder_; }
  // Wall seconds spent in each ingest step so far.
  double upsert_seconds() const { return upsert_s_; }
  double analyze_seconds() const { return analyze_s_; }
  double index_seconds() const { return index_s_; }

 private:
  std::string dir_;
  std::unique_ptr<BarStore> bars_;
  std::unique_ptr<Embedder> embedder_;
  LocalVectorStoreOptions vo_;
  std::unique_ptr<VectorStore> vectors_;
  std::unique_ptr<WindowIndexer> indexer_;
  std::unique_ptr<Retriever> retriever_;
  SectorMap sectors_;
  AnalysisOptions analysis_;
  std::set<std::string> tickers_;
  int64_t latest_ = 0;
  std::vector<Window> pending_;  // analysed, not yet indexed
  double upsert_s_ = 0, analyze_s_ = 0, index_s_ = 0;
};

}  // namespace ohlcv::testing
