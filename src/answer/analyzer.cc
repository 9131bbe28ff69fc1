// AnswerEngine::Analyze: reports built from the composer's computations,
// with findings, risk factors and a confidence level. No retrieval.
#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "answer/answer_engine.h"
#include "answer/result_keys.h"
#include "core/ticker.h"
#include "util/time.h"

namespace ohlcv {
namespace {

// Appends one draft's output to the report, keeping fact -> computation links.
void Merge(GroundedDraft&& d, AnalysisReport* r, double* coverage) {
  const size_t offset = r->computations.size();
  for (auto& c : d.computations) r->computations.push_back(std::move(c));
  for (auto& f : d.facts) {
    f.computation += offset;
    r->facts.push_back(std::move(f));
  }
  for (auto& s : d.statements)
    if (std::find(r->findings.begin(), r->findings.end(), s) == r->findings.end()) r->findings.push_back(std::move(s));
  for (auto& n : d.notes) r->notes.push_back(std::move(n));
  if (!d.disclaimer.empty() &&
      std::find(r->notes.begin(), r->notes.end(), d.disclaimer) == r->notes.end())
    r->notes.push_back(d.disclaimer);
  *coverage = std::min(*coverage, d.coverage);
  r->no_data = r->no_data || d.no_data;
}

// A figure a computation wrote under `key`; NaN when it has none (a value in
// warm-up is written as null).
double Get(const nlohmann::json& j, ResultKey key) {
  auto it = j.find(key.name);
  return it != j.end() && it->is_number() ? it->get<double>() : NAN;
}

// Risk factors read off the computations, so each one is traceable too.
std::vector<std::string> RiskFactors(const AnalysisReport& r) {
  std::vector<std::string> out;
  for (const auto& c : r.computations) {
    const std::string ticker = c.inputs.value("ticker", "");
    if (c.name == "max_drawdown") {
      const double dd = Get(c.result, result_key::kMaxDrawdownPct);
      if (dd <= -20) out.push_back(fmt::format("{} had a drawdown of {} within the period", ticker, FormatPct(dd)));
    } else if (c.name == "volatility") {
      const double v = Get(c.result, result_key::kAnnualisedVolatilityPct);
      if (v >= 35) out.push_back(fmt::format("{} is volatile: annualised volatility {}%", ticker, FormatValue(v)));
    } else if (c.name == "technical_state") {
      const double rsi = Get(c.result, result_key::kRsi14);
      if (rsi > 70) out.push_back(fmt::format("{} RSI(14) {} is overbought", ticker, FormatValue(rsi)));
      if (rsi < 30) out.push_back(fmt::format("{} RSI(14) {} is oversold", ticker, FormatValue(rsi)));
      const double adx = Get(c.result, result_key::kAdx14);
      if (adx < 20) out.push_back(fmt::format("{} ADX(14) {} shows no clear trend", ticker, FormatValue(adx)));
    } else if (c.name == "base_rate") {
      const double m = Get(c.result, result_key::kMeasured);
      if (m < 10)
        out.push_back(fmt::format("{}: only {} measured events after {}; the base rate is fragile", ticker,
                                  static_cast<int>(std::isnan(m) ? 0 : m), c.inputs.value("event", "the event")));
    } else if (c.name == "correlation") {
      const double rho = Get(c.result, result_key::kCorrelation);
      if (rho >= 0.7)
        out.push_back(fmt::format("{} move together (correlation {}): little diversification",
                                  c.inputs["tickers"].dump(), FormatValue(rho)));
    }
  }
  out.push_back("Historical figures only: past behaviour does not determine future prices.");
  return out;
}

}  // namespace

Result<AnalysisReport> AnswerEngine::Analyze(const AnalyzeRequest& req) {
  if (req.tickers.empty() && !(req.kind == AnalysisKind::kComparison && req.sectors.size() >= 2))
    return Status::InvalidArgument("analyze needs at least one ticker");
  if (req.horizon == 0 || req.horizon > 252) return Status::InvalidArgument("horizon must be 1..252 bars");
  OHLCV_ASSIGN_OR_RETURN(auto universe, series_.Sync());

  RetrievalResult rr;
  ParsedQuestion& q = rr.parsed;
  OHLCV_ASSIGN_OR_RETURN(q.tickers, ParseTickerList(req.tickers));
  for (const auto& s : req.sectors) {
    auto canon = sectors_.FindSector(s);
    if (!canon) return Status::InvalidArgument("unknown sector '" + s + "'");
    q.sectors.push_back(*canon);
  }
  q.start_ts = req.start_ts;
  q.end_ts = req.end_ts;
  AnalysisReport report;
  report.kind = req.kind;
  report.tickers = q.tickers;

  std::vector<QueryType> passes;
  switch (req.kind) {
    case AnalysisKind::kPattern: {
      OHLCV_ASSIGN_OR_RETURN(PatternKind kind, ParsePatternKind(req.pattern));
      q.patterns = {kind};
      passes = {QueryType::kPattern, QueryType::kPrediction};
      break;
    }
    case AnalysisKind::kTrend:
      q.patterns = {PatternKind::kUptrend, PatternKind::kDowntrend, PatternKind::kSideways};
      passes = {QueryType::kGeneral, QueryType::kTechnical};
      break;
    case AnalysisKind::kComparison:
      passes = {QueryType::kComparison};
      break;
    case AnalysisKind::kIndicator: {
      OHLCV_ASSIGN_OR_RETURN(ConditionSpec c, ParseConditionSpec(req.condition));
      NumericCondition nc;
      nc.field = std::string(IndicatorName(c.indicator));
      nc.op = c.above ? NumericCondition::Op::kGt : NumericCondition::Op::kLt;
      nc.value = c.threshold;
      q.conditions = {nc};
      passes = {QueryType::kTechnical, QueryType::kPrediction};
      break;
    }
  }
  ComposeOptions copt = options_.compose;
  copt.default_horizon = req.horizon;
  double coverage = 1.0;
  for (QueryType type : passes) {
    AskRequest ask;
    ask.question = fmt::format("analyze {} {}", AnalysisKindName(req.kind), fmt::join(q.tickers, " "));
    ask.type = type;
    q.type = type;
    OHLCV_ASSIGN_OR_RETURN(GroundedDraft d, ComposeDraft(ask, rr, series_, *universe, sectors_, copt));
    const bool no_data = d.no_data;
    Merge(std::move(d), &report, &coverage);
    if (no_data) break;
  }
  // The period covered: the stored bars of the tickers inside the asked range.
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& t : q.tickers) {
    const TickerInfo* info = universe->Find(t);
    if (!info) continue;
    first = std::min(first, std::max(info->first_ts, req.start_ts.value_or(INT64_MIN)));
    last = std::max(last, std::min(info->last_ts, req.end_ts.value_or(INT64_MAX)));
  }
  if (first <= last) {
    report.period_start = first;
    report.period_end = last;
  }
  if (report.no_data) {
    report.confidence = 0;
    report.confidence_level = "none";
    return report;
  }
  report.risk_factors = RiskFactors(report);
  double conf = 0.6 * coverage + 0.25 + 0.15 * (report.facts.empty() ? 0.3 : 1.0);
  for (const auto& c : report.computations)
    if (c.name == "base_rate" && Get(c.result, result_key::kMeasured) < 10) conf -= 0.15;
  report.confidence = std::clamp(conf, 0.0, 1.0);
  report.confidence_level = report.confidence >= 0.75 ? "high" : report.confidence >= 0.5 ? "medium" : "low";
  return report;
}

}  // namespace ohlcv
