#include "answer/analysis.h"

#include <cctype>
#include <cmath>
#include <regex>

#include "util/time.h"

namespace ohlcv {

namespace {
constexpr std::string_view kKindNames[] = {"pattern", "trend", "comparison", "indicator"};
}

std::string_view AnalysisKindName(AnalysisKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

Result<AnalysisKind> ParseAnalysisKind(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (size_t i = 0; i < std::size(kKindNames); ++i)
    if (lower == kKindNames[i]) return static_cast<AnalysisKind>(i);
  return Status::InvalidArgument("unknown analysis '" + std::string(name) +
                                 "' (expected pattern, trend, comparison or indicator)");
}

Result<ConditionSpec> ParseConditionSpec(std::string_view text) {
  static const std::regex re(R"(^\s*([A-Za-z_%]+[A-Za-z0-9_%]*)\s*(?:\(\s*(\d+)\s*\))?\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$)");
  const std::string s(text);
  std::smatch m;
  if (!std::regex_match(s, m, re))
    return Status::InvalidArgument("condition '" + s + "' is not of the form 'RSI > 70'");
  std::string name;
  for (char c : m[1].str()) name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (m[2].matched) name += m[2].str();
  auto id = ParseIndicator(name);
  if (!id) return Status::InvalidArgument("unknown indicator '" + m[1].str() + "' in condition '" + s + "'");
  ConditionSpec c;
  c.indicator = *id;
  c.above = m[3].str()[0] == '>';
  c.threshold = std::stod(m[4].str());
  return c;
}

nlohmann::json AnalysisReportToJson(const AnalysisReport& r) {
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& c : r.computations) comps.push_back({{"name", c.name}, {"inputs", c.inputs}, {"result", c.result}});
  nlohmann::json facts = nlohmann::json::array();
  for (const auto& f : r.facts)
    facts.push_back({{"label", f.label}, {"value", std::isfinite(f.value) ? nlohmann::json(f.value) : nlohmann::json()},
                     {"unit", f.unit}, {"text", f.text}, {"computation", f.computation}});
  nlohmann::json period = nlohmann::json::object();
  if (!r.no_data) period = {{"start", FormatDate(r.period_start)}, {"end", FormatDate(r.period_end)}};
  return {{"kind", std::string(AnalysisKindName(r.kind))},
          {"tickers", r.tickers},
          {"period", period},
          {"findings", r.findings},
          {"risk_factors", r.risk_factors},
          {"confidence", r.confidence},
          {"confidence_level", r.confidence_level},
          {"computations", comps},
          {"facts", facts},
          {"notes", r.notes},
          {"no_data", r.no_data}};
}

}  // namespace ohlcv
