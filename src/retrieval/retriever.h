// Retriever: from a question to ranked windows, and from a window to similar
// periods.
//
// Retrieve(): the question is parsed (retrieval/question.h) into filters,
// ANDed with request.extra; filters narrow the candidates; lexical (BM25 over
// the question's leftover words) and vector (embedded question vs summary
// vectors) results are fused by reciprocal rank fusion (rank_fusion.h,
// k = 60). Windows matching the requested patterns and conditions exactly
// (VectorStore::Find) rank first: those whose requested pattern is dated
// inside the asked period before those that only overlap it, then stronger
// matches (more events, larger margins), then the most recent. When at least
// k windows match everything asked, the lexical and vector searches are
// skipped (they could only reorder ties). A question naming several tickers
// and no pattern/condition gets hits alternating between the tickers. Every
// hit says why it matched. A question that names only unknown tickers gets
// no hits (parsed.unknown_tickers says which), never other tickers' windows.
// A store without full-text search (Chroma) contributes no lexical list.
// Store calls are phrased to stay cheap (retrieval/store_calls.h): sectors
// as their tickers when the request carries a SectorMap, no summary-template
// words in BM25, broad exact filters asked most recent period first.
//
// Similar(): the k nearest windows to one window by shape vector across all
// tickers, excluding the query ticker's windows that overlap the query window,
// and keeping at most one of several mutually overlapping windows of the same
// ticker (the best), so the k hits are k distinct periods.
//
// Ownership: the store and embedder are borrowed and must outlive the
// Retriever. Thread-safety: safe for concurrent use once constructed
// (Refresh() swaps the question context under a lock).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/window.h"
#include "embed/embedder.h"
#include "index/vector_store.h"
#include "retrieval/question.h"
#include "util/sector_map.h"

namespace ohlcv {

struct RetrieverOptions {
  // Depth of the lexical and vector lists fused: max(candidate_factor * k,
  // min_candidates). Default 3 and 30.
  size_t candidate_factor = 3;
  size_t min_candidates = 30;
  // Exact matches read (most recent first) and ranked by strength:
  // max(exact_factor * k, min_exact). Each is a full row read; 1,000 cost
  // ~150 ms on the shared dataset, 100 ~15 ms. Defaults 10 and 100.
  size_t exact_factor = 10;
  size_t min_exact = 100;
  // Similar(): shape neighbours fetched per hit wanted, before dropping
  // overlapping ones. Default 4.
  size_t similar_overfetch = 4;
};

struct RetrievalRequest {
  std::string question;
  size_t k = 10;                      // hits wanted
  std::optional<QueryType> type;      // overrides the inferred type
  WindowFilter extra;                 // ANDed with the parsed filters (API "filters")
  // Optional, borrowed for the call: sector -> tickers, so sector filters go
  // to the store as ticker lists (an index walk instead of a sector scan;
  // retrieval/store_calls.h). Same hits either way.
  const SectorMap* sectors = nullptr;
};

struct RetrievedWindow {
  Window window;
  double score = 0;                   // fused score, higher is better
  bool exact = false;                 // matched every requested pattern/condition exactly
  std::vector<std::string> why;       // "ticker AAPL", "breakout_20_high on 2019-03-05",
                                      // "rsi14_max 72.1 > 70", "text rank 2", "vector 0.71"
};

struct RetrievalTimings {
  double parse_ms = 0, embed_ms = 0, exact_ms = 0, lexical_ms = 0, vector_ms = 0, fuse_ms = 0;
};

struct RetrievalResult {
  ParsedQuestion parsed;
  WindowFilter filter;                // what was applied
  std::vector<RetrievedWindow> hits;  // best first, at most k
  RetrievalTimings timings;
};

struct SimilarRequest {
  std::string ticker;
  std::optional<int64_t> end_ts;      // the query window ends at or before this; default latest
  size_t k = 10;
  Interval interval = Interval::k1d;
  // True: drop every window (any ticker) whose dates overlap the query
  // window's, so only other periods remain (not the same dates in
  // co-moving stocks).
  bool exclude_overlapping = false;
};

struct SimilarResult {
  Window query;                       // the window whose shape was searched
  std::vector<RetrievedWindow> hits;  // best first
};

class Retriever {
 public:
  // REQUIRES: store and embedder outlive the Retriever; embedder matches the
  // store's recorded embedder.
  Retriever(VectorStore& store, Embedder& embedder, QuestionContext context,
            RetrieverOptions options = {});
  ~Retriever();

  // Errors: those of the store (Unavailable for a Chroma server that is
  // down, ...) and of the embedder; a question nothing matches is OK with no
  // hits.
  Result<RetrievalResult> Retrieve(const RetrievalRequest& request) const;
  // NotFound when the store has no window of request.ticker ending at or
  // before request.end_ts.
  Result<SimilarResult> Similar(const SimilarRequest& request) const;

  // Replaces the question context (known tickers, sectors, latest date), e.g.
  // after an ingest.
  void Refresh(QuestionContext context);
  QuestionContext context() const;

 private:
  std::shared_ptr<const QuestionParser> parser() const;

  VectorStore& store_;
  Embedder& embedder_;
  const RetrieverOptions options_;
  mutable std::mutex mu_;                          // guards parser_
  std::shared_ptr<const QuestionParser> parser_;   // swapped by Refresh
};

}  // namespace ohlcv
