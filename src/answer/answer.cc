#include "answer/answer.h"

#include <cmath>

namespace ohlcv {
namespace {

nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

nlohmann::json AnswerToJson(const Answer& a) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : a.sources)
    sources.push_back({{"window_id", s.window_id}, {"ticker", s.ticker}, {"start_date", s.start_date},
                       {"end_date", s.end_date}, {"score", Num(s.score)}, {"exact", s.exact}, {"why", s.why}});
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& c : a.computations) comps.push_back({{"name", c.name}, {"inputs", c.inputs}, {"result", c.result}});
  nlohmann::json facts = nlohmann::json::array();
  for (const auto& f : a.facts)
    facts.push_back({{"label", f.label}, {"value", Num(f.value)}, {"unit", f.unit}, {"text", f.text},
                     {"computation", f.computation}});
  const auto& t = a.timings;
  nlohmann::json j = {{"answer", a.text},
          {"query_type", std::string(QueryTypeName(a.type))},
          {"sources", sources},
          {"confidence", Num(a.confidence)},
          {"timings",
           {{"parse_ms", t.parse_ms}, {"retrieve_ms", t.retrieve_ms}, {"compute_ms", t.compute_ms},
            {"compose_ms", t.compose_ms}, {"generate_ms", t.generate_ms}, {"total_ms", t.total_ms}}},
          {"computations", comps},
          {"facts", facts},
          {"notes", a.notes},
          {"no_data", a.no_data},
          {"generator", a.generator},
          {"unverified_numbers", a.unverified_numbers},
          {"cached", a.cached}};
  if (a.plan) j["plan"] = nlohmann::json::parse(PlanToJson(*a.plan));
  return j;
}

}  // namespace ohlcv
