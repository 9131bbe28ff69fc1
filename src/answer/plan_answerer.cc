// AnswerEngine::AskPlan: a QuestionPlan executed exactly and phrased from the
// plan and its results only.
#include <chrono>
#include <cmath>
#include <set>

#include "answer/answer_engine.h"
#include "answer/plan_source.h"
#include "plan/plan_answer.h"

namespace ohlcv {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

nlohmann::json RowsJson(const PlanResult& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows) {
    nlohmann::json j = {{"ticker", row.ticker}};
    if (row.value && std::isfinite(*row.value)) j["value"] = *row.value;
    if (row.ts) j["ts"] = *row.ts;
    if (row.ts_end) j["ts_end"] = *row.ts_end;
    if (row.yes) j["yes"] = *row.yes;
    if (row.count) j["count"] = row.count;
    if (!row.events.empty()) j["events"] = row.events;
    if (!row.note.empty()) j["note"] = row.note;
    rows.push_back(j);
  }
  return rows;
}

}  // namespace

std::shared_ptr<const PlanParser> AnswerEngine::PlanParserFor(const CachedUniverse& universe) {
  std::lock_guard<std::mutex> lock(plan_mu_);
  if (plan_parser_ && plan_version_ == universe.version) return plan_parser_;
  PlanContext ctx;
  ctx.question = retriever_.context();
  ctx.industries = options_.industries;
  if (auto all = bars_.ListTickers(); all.ok()) {
    std::map<std::string, Interval> finest;
    std::set<std::string> daily;
    for (const auto& t : *all) {
      ctx.question.known_tickers.insert(t.ticker);
      if (t.interval == Interval::k1d) daily.insert(t.ticker);
      auto it = finest.find(t.ticker);
      if (it == finest.end() || t.interval < it->second) finest[t.ticker] = t.interval;
      if (!ctx.question.latest_ts || t.last_ts > *ctx.question.latest_ts) ctx.question.latest_ts = t.last_ts;
    }
    for (const auto& [t, iv] : finest) {
      if (!daily.count(t)) ctx.default_interval[t] = iv;
    }
  }
  plan_parser_ = std::make_shared<const PlanParser>(std::move(ctx));
  plan_version_ = universe.version;
  return plan_parser_;
}

Result<Answer> AnswerEngine::AskPlan(const AskRequest& request, const QuestionPlan& plan,
                                     const CachedUniverse& universe) {
  (void)request;
  Answer a;
  auto t = std::chrono::steady_clock::now();
  StorePlanSource source(series_, bars_, universe, sectors_, options_.industries);
  OHLCV_ASSIGN_OR_RETURN(PlanResult result, ExecutePlan(plan, source));
  a.timings.compute_ms = MsSince(t);
  t = std::chrono::steady_clock::now();
  PlanAnswer pa = ComposePlanAnswer(result);
  a.text = std::move(pa.text);
  a.no_data = pa.no_data;
  a.notes = result.notes;
  a.computations.push_back({"plan", nlohmann::json::parse(PlanToJson(result.plan)),
                            {{"rows", RowsJson(result)}, {"methods", result.methods}}});
  for (auto& f : pa.facts) a.facts.push_back({std::move(f.label), f.value, std::move(f.unit), std::move(f.text), 0});
  a.confidence = a.no_data ? 0.0 : (result.notes.empty() ? 1.0 : 0.8);
  a.plan = result.plan;
  a.timings.compose_ms = MsSince(t);
  return a;
}

}  // namespace ohlcv
