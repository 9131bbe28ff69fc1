// AnswerEngine: grounded answers and analyses over one knowledge base.
//
// Ask(): a question the plan parser reads as specific (plan/plan_parser.h),
// or a plan sent with the request, is executed exactly (plan/executor.h) and
// phrased from the plan and its results only (plan/plan_answer.h); the
// answer carries the plan. Other questions: question -> retrieval (parsed intent, filters, ranked windows) ->
// exact computations on the stored bars (composer.h) -> text (generator.h).
// The answer cites the retrieved windows and lists every computation and
// fact; when the store lacks the ticker or period asked about it says so
// (no_data) and suggests the ingest command. Answers are cached (answer_cache.h)
// under the bar store's data version.
//
// Confidence, 0..1: 0 for no_data; otherwise
//   0.6 * coverage (share of the asked period and tickers the store holds)
// + 0.25 * retrieval (0.5 with no hits; 0.5 + 0.5 * share of cited windows
//          that match every asked pattern/condition exactly)
// + 0.15 * grounding (1 when facts were computed, 0.3 otherwise).
//
// Generators: the template generator unless options.llm is set
// (LLM_PROVIDER=openai; the caller maps env to LlmOptions). When the LLM
// fails or times out the template answer is returned with a note.
//
// Ownership: the BarStore, Retriever and SectorMap are borrowed and must
// outlive the engine. Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "answer/analysis.h"
#include "answer/answer.h"
#include "answer/answer_cache.h"
#include "answer/composer.h"
#include "answer/generator.h"
#include "answer/llm_planner.h"
#include "answer/series_cache.h"
#include "plan/plan_parser.h"
#include "retrieval/retriever.h"
#include "store/bar_store.h"
#include "util/sector_map.h"

namespace ohlcv {

struct AnswerOptions {
  ComposeOptions compose;
  // Bars and analyses kept in memory. series.analysis MUST equal the
  // AnalysisOptions ingest used, so events match the indexed windows.
  SeriesCacheOptions series;
  AnswerCacheOptions cache;
  // Set to phrase answers with an OpenAI-compatible LLM; nullopt = offline.
  std::optional<LlmOptions> llm;
  // Set to have an OpenAI-compatible LLM read questions into plans through
  // the tools API (llm_planner.h); invalid plans, refusals, timeouts and
  // errors fall back to the offline parser. nullopt = offline parser only.
  std::optional<LlmOptions> planner;
  // ticker -> GICS sub-industry (<data_dir>/industries.csv): sector slang
  // ("banks", "chipmakers") in question plans.
  std::map<std::string, std::string> industries;
};

class AnswerEngine {
 public:
  AnswerEngine(BarStore& bars, const Retriever& retriever, const SectorMap& sectors, AnswerOptions options = {});
  // Uses `generator` instead of the one options.llm selects (tests, custom).
  AnswerEngine(BarStore& bars, const Retriever& retriever, const SectorMap& sectors, AnswerOptions options,
               std::unique_ptr<Generator> generator);
  ~AnswerEngine();

  // Errors: InvalidArgument for an empty question or n_results 0; errors of
  // the bar store and the retriever. Missing data is an OK answer with no_data.
  Result<Answer> Ask(const AskRequest& request);

  // Errors: InvalidArgument (no tickers, unknown pattern, bad condition);
  // errors of the bar store. Missing data is an OK report with no_data.
  Result<AnalysisReport> Analyze(const AnalyzeRequest& request);

  AnswerCacheStats cache_stats() const { return cache_.stats(); }
  // Drops every cached answer: for when what the answers depend on changed
  // without the bar store's data version (e.g. the question context).
  void ClearCache() { cache_.Clear(); }
  const std::string generator_name() const { return generator_->name(); }

 private:
  // Answers a plan exactly (plan/); `question` may be empty.
  Result<Answer> AskPlan(const AskRequest& request, const QuestionPlan& plan, const CachedUniverse& universe);
  // The plan parser of the universe's data version (rebuilt when it moves).
  std::shared_ptr<const PlanParser> PlanParserFor(const CachedUniverse& universe);

  BarStore& bars_;
  const Retriever& retriever_;
  const SectorMap& sectors_;
  const AnswerOptions options_;
  SeriesCache series_;
  AnswerCache cache_;
  std::unique_ptr<Generator> generator_;
  std::unique_ptr<Generator> fallback_;  // template, when generator_ fails
  std::unique_ptr<LlmPlanner> planner_;  // set when options.planner is
  std::mutex plan_mu_;                   // guards the two below
  uint64_t plan_version_ = 0;
  std::shared_ptr<const PlanParser> plan_parser_;
};

// Confidence as documented above (exposed for tests).
double AnswerConfidence(const GroundedDraft& draft, size_t hits, size_t exact_hits);

}  // namespace ohlcv
