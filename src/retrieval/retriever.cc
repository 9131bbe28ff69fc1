#include "retrieval/retriever.h"

#include "core/ticker.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "retrieval/rank_fusion.h"
#include "retrieval/store_calls.h"
#include "retrieval/window_match.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Score tiers keep the ordering the header promises whatever the fused score
// (RRF scores are below 2 / 61 < 0.04): exact matches with the pattern in
// the period, then exact matches whose pattern lies outside it, then the rest.
constexpr double kTierInPeriod = 2.0;
constexpr double kTierOutsidePeriod = 1.0;
constexpr double kStrengthWeight = 0.5;
// Similar(): the deepest shape search before settling for fewer than k hits.
constexpr size_t kMaxSimilarFetch = 4096;

struct Candidate {
  const Window* window = nullptr;
  int text_rank = 0;       // 1-based, 0 = not in the lexical list
  int vector_rank = 0;
  double vector_cos = 0;
  double rrf = 0;
};

}  // namespace

Retriever::Retriever(VectorStore& store, Embedder& embedder, QuestionContext context,
                     RetrieverOptions options)
    : store_(store),
      embedder_(embedder),
      options_(options),
      parser_(std::make_shared<const QuestionParser>(std::move(context))) {}

Retriever::~Retriever() = default;

std::shared_ptr<const QuestionParser> Retriever::parser() const {
  std::lock_guard lock(mu_);
  return parser_;
}

void Retriever::Refresh(QuestionContext context) {
  // Built outside the lock: indexing names and synonyms is the slow part.
  auto fresh = std::make_shared<const QuestionParser>(std::move(context));
  std::lock_guard lock(mu_);
  parser_ = std::move(fresh);
}

QuestionContext Retriever::context() const { return parser()->context(); }

Result<RetrievalResult> Retriever::Retrieve(const RetrievalRequest& request) const {
  RetrievalResult result;
  auto t0 = Clock::now();
  const auto parser_now = parser();
  result.parsed = parser_now->Parse(request.question);
  if (request.type) result.parsed.type = *request.type;
  result.filter = ToWindowFilter(result.parsed);
  const bool satisfiable = MergeWindowFilters(request.extra, &result.filter);
  result.timings.parse_ms = MsSince(t0);

  // Only unknown tickers named: answering with other tickers' windows would
  // look like an answer about the unknown one.
  const bool only_unknown = result.parsed.tickers.empty() && !result.parsed.unknown_tickers.empty() &&
                            request.extra.tickers.empty();
  if (request.k == 0 || !satisfiable || only_unknown) return result;

  const WindowFilter& filter = result.filter;
  // What the store is asked: the same windows, phrased for its indexes.
  const WindowFilter store_filter = StoreFilter(filter, request.sectors);
  const bool wants_exact = !filter.patterns.empty() || !filter.numeric.empty();
  const size_t depth = std::max(options_.candidate_factor * request.k, options_.min_candidates);

  std::vector<SearchHit> exact, lexical, vector;
  bool enough_exact = false;
  if (wants_exact) {
    t0 = Clock::now();
    const size_t limit = std::max(options_.exact_factor * request.k, options_.min_exact);
    OHLCV_ASSIGN_OR_RETURN(exact, FindMostRecent(store_, store_filter, limit, parser_now->context().latest_ts));
    KeepSectors(filter, &exact);
    result.timings.exact_ms = MsSince(t0);
    size_t in_period = 0;
    for (const auto& h : exact) in_period += AssessMatch(h.window, filter).exact();
    // k windows that match everything asked outrank any fused result, so the
    // lexical and vector lists could only reorder ties: skip them.
    enough_exact = in_period >= request.k;
  }

  // BM25 over the words the parser did not turn into filters: tickers, dates
  // and pattern words are already enforced by the filter, and words of the
  // summary template are in nearly every summary (they would make FTS5 score
  // most rows to rank nothing; store_calls.h).
  const std::string lexical_text = LexicalText(result.parsed, request.question);
  if (!lexical_text.empty() && !enough_exact && store_.capabilities().lexical_search) {
    t0 = Clock::now();
    auto lex = store_.LexicalSearch(lexical_text, depth, store_filter);
    result.timings.lexical_ms = MsSince(t0);
    if (lex.ok()) {
      lexical = std::move(lex).value();
      KeepSectors(filter, &lexical);
    } else {
      return lex.status();
    }
  }

  if (!enough_exact) {
    t0 = Clock::now();
    OHLCV_ASSIGN_OR_RETURN(std::vector<float> qvec, embedder_.EmbedOne(request.question));
    result.timings.embed_ms = MsSince(t0);
    t0 = Clock::now();
    OHLCV_ASSIGN_OR_RETURN(vector, store_.Search(VectorSpace::kText, qvec, depth, store_filter));
    KeepSectors(filter, &vector);
    result.timings.vector_ms = MsSince(t0);
  }

  t0 = Clock::now();
  std::vector<std::string> lists[2];
  for (const auto& h : lexical) lists[0].push_back(h.window.id);
  for (const auto& h : vector) lists[1].push_back(h.window.id);
  const auto fused = ReciprocalRankFusion(lists);

  std::unordered_map<std::string_view, Candidate> by_id;
  for (const auto& h : exact) {
    auto& c = by_id[h.window.id];
    c.window = &h.window;
  }
  for (const auto& h : lexical) by_id[h.window.id].window = &h.window;
  for (const auto& h : vector) {
    auto& c = by_id[h.window.id];
    c.window = &h.window;
    c.vector_cos = h.score;
  }
  for (const auto& f : fused) {
    auto& c = by_id[f.id];
    c.rrf = f.score;
    c.text_rank = f.ranks[0];
    c.vector_rank = f.ranks[1];
  }

  struct Ranked {
    Candidate c;
    WindowMatch match;
    double score;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(by_id.size());
  for (const auto& [id, c] : by_id) {
    Ranked r{c, AssessMatch(*c.window, filter), c.rrf};
    if (wants_exact && r.match.conditions_hold && r.match.has_pattern) {
      r.score += (r.match.pattern_in_period ? kTierInPeriod : kTierOutsidePeriod) +
                 kStrengthWeight * r.match.strength;
    }
    ranked.push_back(std::move(r));
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.c.window->end_ts != b.c.window->end_ts) return a.c.window->end_ts > b.c.window->end_ts;
    return a.c.window->id < b.c.window->id;
  });
  // Several tickers named ("compare AAPL and MSFT"): interleave them by their
  // own rank order so each is represented, instead of k hits of whichever
  // ticker's summaries happen to score higher. Exact matches keep their order.
  if (filter.tickers.size() > 1 && !wants_exact) {
    std::unordered_map<std::string_view, size_t> seen;
    std::vector<std::pair<size_t, size_t>> key(ranked.size());  // (rank within ticker, position)
    for (size_t i = 0; i < ranked.size(); ++i) key[i] = {seen[ranked[i].c.window->ticker]++, i};
    std::sort(key.begin(), key.end());
    std::vector<Ranked> interleaved;
    interleaved.reserve(ranked.size());
    for (const auto& [_, i] : key) interleaved.push_back(ranked[i]);
    ranked = std::move(interleaved);
  }
  if (ranked.size() > request.k) ranked.resize(request.k);

  result.hits.reserve(ranked.size());
  for (const Ranked& r : ranked) {
    RetrievedWindow hit;
    hit.window = *r.c.window;
    hit.score = r.score;
    hit.exact = wants_exact && r.match.exact();
    ExplainMatch(hit.window, filter, &hit.why);
    if (r.c.text_rank > 0) hit.why.push_back(fmt::format("text rank {}", r.c.text_rank));
    if (r.c.vector_rank > 0) hit.why.push_back(fmt::format("vector cos {:.2f}", r.c.vector_cos));
    if (hit.why.empty()) hit.why.push_back("most recent match");
    result.hits.push_back(std::move(hit));
  }
  result.timings.fuse_ms = MsSince(t0);
  return result;
}

Result<SimilarResult> Retriever::Similar(const SimilarRequest& request) const {
  SimilarResult result;
  OHLCV_ASSIGN_OR_RETURN(std::string ticker, ParseTicker(request.ticker));

  // The query window: the newest of this ticker ending at or before end_ts.
  WindowFilter query_filter;
  query_filter.tickers = {ticker};
  query_filter.interval = request.interval;
  if (request.end_ts) {
    query_filter.numeric.push_back({"end_ts", NumericCondition::Op::kLe, static_cast<double>(*request.end_ts)});
  }
  OHLCV_ASSIGN_OR_RETURN(auto found, store_.Find(query_filter, 1));
  if (found.empty()) {
    return Status::NotFound(request.end_ts
                                ? fmt::format("no {} window of {} ending on or before {}",
                                              IntervalName(request.interval), ticker, FormatDate(*request.end_ts))
                                : fmt::format("no {} window of {}", IntervalName(request.interval), ticker));
  }
  result.query = std::move(found.front().window);
  if (request.k == 0) return result;
  const Window& q = result.query;

  // The query ticker's own overlapping windows would be trivially similar.
  WindowFilter overlap;
  overlap.tickers = {ticker};
  overlap.interval = request.interval;
  overlap.start_ts = q.start_ts;
  overlap.end_ts = q.end_ts;
  OHLCV_ASSIGN_OR_RETURN(auto own, store_.Find(overlap, 1000));
  WindowFilter search;
  search.interval = request.interval;
  search.n_bars = q.n_bars;  // shapes of different lengths are not comparable
  search.exclude_ids.push_back(q.id);
  for (const auto& h : own) {
    if (h.window.id != q.id) search.exclude_ids.push_back(h.window.id);
  }

  // Over-fetch, dropping overlaps; when too many neighbours were overlaps of
  // each other (a flat stretch has many near-identical windows), fetch deeper.
  size_t fetch = request.k * std::max<size_t>(1, options_.similar_overfetch);
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(auto hits, store_.Search(VectorSpace::kShape, q.shape, fetch, search));
    result.hits.clear();
    result.hits.reserve(request.k);  // `kept` points into it: no reallocation
    std::vector<const Window*> kept;
    for (const auto& h : hits) {
      if (result.hits.size() >= request.k) break;
      const Window& w = h.window;
      const bool overlaps_query = w.start_ts <= q.end_ts && w.end_ts >= q.start_ts;
      if (overlaps_query && (w.ticker == ticker || request.exclude_overlapping)) continue;
      const bool dup = std::any_of(kept.begin(), kept.end(), [&](const Window* k) {
        return k->ticker == w.ticker && w.start_ts <= k->end_ts && w.end_ts >= k->start_ts;
      });
      if (dup) continue;
      RetrievedWindow hit;
      hit.window = w;
      hit.score = h.score;
      hit.why.push_back(fmt::format("shape cos {:.2f}", h.score));
      hit.why.push_back(fmt::format("{} {}..{} (query {} {}..{})", w.ticker, FormatDate(w.start_ts),
                                    FormatDate(w.end_ts), q.ticker, FormatDate(q.start_ts),
                                    FormatDate(q.end_ts)));
      result.hits.push_back(std::move(hit));
      kept.push_back(&result.hits.back().window);
    }
    if (result.hits.size() >= request.k || hits.size() < fetch || fetch >= kMaxSimilarFetch) break;
    fetch *= 4;
  }
  return result;
}

}  // namespace ohlcv
