// Hand-made windows and a local store for the retrieval unit tests: small,
// fully controlled data (which window has which pattern, RSI, shape), so each
// test can name exactly the windows it expects.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/window.h"
#include "embed/embedder.h"
#include "index/vector_store.h"
#include "testutil/test_paths.h"
#include "util/time.h"

namespace ohlcv::testing {

inline int64_t Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d) * 86400; }

inline constexpr size_t kTestDim = 64;
inline constexpr size_t kTestShapeDim = 8;

// A window of `ticker` over [start, start + 41 days]; `phase` shapes its
// shape vector (windows with close phases have close shapes).
inline Window MakeWindow(const std::string& ticker, const std::string& sector, int64_t start,
                         double phase, double rsi_max = 55, double ret = 2.0) {
  Window w;
  w.ticker = ticker;
  w.sector = sector;
  w.interval = Interval::k1d;
  w.start_ts = start;
  w.end_ts = start + 41 * 86400;
  w.id = fmt::format("{}_1d_{}_{}", ticker, FormatCompact(w.start_ts), FormatCompact(w.end_ts));
  w.n_bars = 30;
  w.open = w.first_close = 100;
  w.close = 100 * (1 + ret / 100);
  w.high = std::max(w.open, w.close) + 1;
  w.low = std::min(w.open, w.close) - 1;
  w.high_ts = w.end_ts;
  w.low_ts = w.start_ts;
  w.return_pct = ret;
  w.volatility = 20;
  w.max_drawdown_pct = -3;
  w.avg_volume = 1e6;
  w.relative_volume = 1;
  w.last.rsi14 = rsi_max - 5;
  w.last.rsi14_max = rsi_max;
  w.last.rsi14_min = 35;
  w.last.adx14 = 20;
  w.shape.resize(kTestShapeDim);
  for (size_t i = 0; i < kTestShapeDim; ++i) w.shape[i] = static_cast<float>(std::sin(phase + 0.7 * i));
  w.summary = fmt::format("{} ({}) from {} to {}: {} {:.1f}%, RSI(14) peaked at {:.1f}.", ticker,
                          sector, FormatDate(w.start_ts), FormatDate(w.end_ts),
                          ret >= 0 ? "rose" : "fell", std::fabs(ret), rsi_max);
  return w;
}

inline void AddEvent(Window* w, PatternKind kind, int64_t ts) {
  PatternEvent e;
  e.kind = kind;
  e.ts = e.ref_ts = ts;
  e.bar = static_cast<uint32_t>((ts - w->start_ts) / 86400);
  e.value = 1;
  w->patterns.push_back(e);
  w->summary += fmt::format(" {} on {}.", PatternKindPhrase(kind), FormatDate(ts));
}

inline std::unique_ptr<VectorStore> OpenTestStore(const std::string& dir) {
  LocalVectorStoreOptions o;
  o.dir = dir;
  o.embedder = {"hashing-test", kTestDim, kTestShapeDim};
  auto s = OpenLocalVectorStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// Forwards everything to a real store but says it has no full-text index,
// like the Chroma store: the retriever must not call LexicalSearch.
class NoLexicalStore final : public VectorStore {
 public:
  explicit NoLexicalStore(VectorStore& base) : base_(base) {}
  std::string_view type() const override { return "nolexical"; }
  VectorStoreCapabilities capabilities() const override { return {.lexical_search = false, .embedded = true}; }
  Result<VectorStoreBackup> Backup(const std::string& dir) override { return base_.Backup(dir); }
  const EmbedderIdentity& embedder() const override { return base_.embedder(); }
  Status Upsert(std::span<const Window> w, std::span<const float> e) override { return base_.Upsert(w, e); }
  Result<std::vector<SearchHit>> Search(VectorSpace s, std::span<const float> q, size_t k,
                                        const WindowFilter& f) override {
    return base_.Search(s, q, k, f);
  }
  Result<std::vector<SearchHit>> LexicalSearch(const std::string&, size_t, const WindowFilter&) override {
    ++lexical_calls;
    return Status::InvalidArgument("lexical search not supported");
  }
  Result<std::vector<SearchHit>> Find(const WindowFilter& f, size_t limit) override { return base_.Find(f, limit); }
  Result<std::vector<Window>> Get(std::span<const std::string> ids) override { return base_.Get(ids); }
  Result<uint64_t> DeleteTicker(const std::string& t) override { return base_.DeleteTicker(t); }
  Result<uint64_t> Delete(std::span<const std::string> ids) override { return base_.Delete(ids); }
  Result<uint64_t> Count() override { return base_.Count(); }
  Status Health() override { return base_.Health(); }
  VectorStoreStats stats() const override { return base_.stats(); }

  int lexical_calls = 0;

 private:
  VectorStore& base_;
};

}  // namespace ohlcv::testing
