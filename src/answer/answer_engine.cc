#include "answer/answer_engine.h"

#include <algorithm>
#include <chrono>

namespace ohlcv {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

double AnswerConfidence(const GroundedDraft& d, size_t hits, size_t exact_hits) {
  if (d.no_data) return 0;
  const double retrieval = hits == 0 ? 0.5 : 0.5 + 0.5 * static_cast<double>(exact_hits) / static_cast<double>(hits);
  const double grounding = d.facts.empty() ? 0.3 : 1.0;
  return std::clamp(0.6 * std::clamp(d.coverage, 0.0, 1.0) + 0.25 * retrieval + 0.15 * grounding, 0.0, 1.0);
}

AnswerEngine::AnswerEngine(BarStore& bars, const Retriever& retriever, const SectorMap& sectors,
                           AnswerOptions options)
    : AnswerEngine(bars, retriever, sectors, options,
                   options.llm ? NewOpenAiChatGenerator(*options.llm) : NewTemplateGenerator()) {}

AnswerEngine::AnswerEngine(BarStore& bars, const Retriever& retriever, const SectorMap& sectors,
                           AnswerOptions options, std::unique_ptr<Generator> generator)
    : bars_(bars),
      retriever_(retriever),
      sectors_(sectors),
      options_(std::move(options)),
      series_(bars, options_.series),
      cache_(options_.cache),
      generator_(generator ? std::move(generator) : NewTemplateGenerator()),
      fallback_(NewTemplateGenerator()),
      planner_(options_.planner ? std::make_unique<LlmPlanner>(*options_.planner) : nullptr) {}

AnswerEngine::~AnswerEngine() = default;

Result<Answer> AnswerEngine::Ask(const AskRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!request.plan && request.question.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::InvalidArgument("question is empty");
  if (request.n_results == 0) return Status::InvalidArgument("n_results must be at least 1");
  OHLCV_ASSIGN_OR_RETURN(auto universe, series_.Sync());
  const std::string key = AnswerCacheKey(request, universe->version);
  if (auto hit = cache_.Get(key)) {
    hit->cached = true;
    hit->timings = AnswerTimings{};
    hit->timings.total_ms = MsSince(t0);
    return *std::move(hit);
  }

  if (request.plan) {
    OHLCV_ASSIGN_OR_RETURN(Answer pa, AskPlan(request, *request.plan, *universe));
    pa.timings.total_ms = MsSince(t0);
    cache_.Put(key, pa);
    return pa;
  }
  // LLM_PROVIDER=openai: the model reads the question into a plan (never a
  // figure); when it fails, the offline parser reads it and the answer says why.
  std::string llm_plan_note;
  if (planner_ && request.filters.tickers.empty() && request.filters.sectors.empty()) {
    const auto tp = std::chrono::steady_clock::now();
    LlmPlanContext pc;
    if (universe->last_ts != 0) pc.latest_ts = universe->last_ts;
    for (const auto& t : universe->tickers) pc.tickers.push_back(t.ticker);
    auto llm_plan = planner_->Plan(request.question, pc);
    if (llm_plan.ok()) {
      const double parse_ms = MsSince(tp);
      OHLCV_ASSIGN_OR_RETURN(Answer pa, AskPlan(request, *llm_plan, *universe));
      pa.notes.push_back("the question was read into its plan by " + planner_->name());
      pa.timings.parse_ms = parse_ms;
      pa.timings.total_ms = MsSince(t0);
      cache_.Put(key, pa);
      return pa;
    }
    llm_plan_note = LlmPlanFallbackNote(llm_plan.status());
  }
  {
    const auto tp = std::chrono::steady_clock::now();
    auto parsed = PlanParserFor(*universe)->ParseDetailed(request.question);
    if (parsed.specific && request.filters.tickers.empty() && request.filters.sectors.empty()) {
      const double parse_ms = MsSince(tp);
      OHLCV_ASSIGN_OR_RETURN(Answer pa, AskPlan(request, parsed.plan, *universe));
      pa.type = parsed.type;
      pa.timings.parse_ms = parse_ms;
      pa.timings.total_ms = MsSince(t0);
      if (!llm_plan_note.empty()) pa.notes.push_back(llm_plan_note);  // not cached: ask the LLM again next time
      else cache_.Put(key, pa);
      return pa;
    }
  }

  Answer a;
  auto t = std::chrono::steady_clock::now();
  RetrievalRequest rr;
  rr.question = request.question;
  rr.k = request.n_results;
  rr.type = request.type;
  rr.extra = request.filters;
  rr.sectors = &sectors_;
  OHLCV_ASSIGN_OR_RETURN(RetrievalResult retrieval, retriever_.Retrieve(rr));
  const double retrieve_total = MsSince(t);
  a.timings.parse_ms = retrieval.timings.parse_ms;
  a.timings.retrieve_ms = std::max(0.0, retrieve_total - retrieval.timings.parse_ms);

  t = std::chrono::steady_clock::now();
  OHLCV_ASSIGN_OR_RETURN(GroundedDraft draft,
                         ComposeDraft(request, retrieval, series_, *universe, sectors_, options_.compose));
  a.timings.compute_ms = MsSince(t);

  t = std::chrono::steady_clock::now();
  a.type = draft.type;
  a.no_data = draft.no_data;
  a.notes = draft.notes;
  a.notes.insert(a.notes.begin(), retrieval.parsed.notes.begin(), retrieval.parsed.notes.end());
  size_t exact = 0;
  for (const auto& s : draft.sources) exact += s.exact ? 1 : 0;
  a.confidence = AnswerConfidence(draft, draft.sources.size(), exact);
  a.timings.compose_ms = MsSince(t);

  t = std::chrono::steady_clock::now();
  bool cacheable = llm_plan_note.empty();
  if (!llm_plan_note.empty()) a.notes.push_back(llm_plan_note);
  auto gen = generator_->Generate(draft);
  if (!gen.ok()) {
    a.notes.push_back("LLM unavailable (" + gen.status().ToString() + "); the offline answer is returned");
    gen = fallback_->Generate(draft);
    cacheable = false;  // try the LLM again next time
  }
  OHLCV_RETURN_IF_ERROR(gen.status());
  a.text = std::move(gen->text);
  a.generator = std::move(gen->generator);
  a.unverified_numbers = std::move(gen->unverified_numbers);
  if (!a.unverified_numbers.empty())
    a.notes.push_back("the LLM reply contains numbers not found in the computed facts; check unverified_numbers");
  a.timings.generate_ms = MsSince(t);

  a.sources = std::move(draft.sources);
  a.computations = std::move(draft.computations);
  a.facts = std::move(draft.facts);
  a.timings.total_ms = MsSince(t0);
  if (cacheable) cache_.Put(key, a);
  return a;
}

}  // namespace ohlcv
