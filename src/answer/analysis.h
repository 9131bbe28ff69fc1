// Analysis: `analyze pattern|trend|comparison|indicator` (CLI and API).
//
// A report is built from the same exact computations as answers (figures.h,
// composer.h) for the tickers and parameters given, and says: what was found
// (findings), what argues for caution (risk factors), how much to trust it
// (confidence level) and the period covered. No retrieval and no clock are
// involved, so the same request on the same data gives the same report.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "answer/answer.h"
#include "core/status.h"
#include "indicators/indicator_set.h"

namespace ohlcv {

enum class AnalysisKind : uint8_t { kPattern, kTrend, kComparison, kIndicator };
std::string_view AnalysisKindName(AnalysisKind kind);  // "pattern", "trend", ...
Result<AnalysisKind> ParseAnalysisKind(std::string_view name);  // InvalidArgument otherwise

struct AnalyzeRequest {
  AnalysisKind kind = AnalysisKind::kTrend;
  std::vector<std::string> tickers;   // REQUIRES: non-empty (comparison: >= 2, or one plus sectors)
  std::vector<std::string> sectors;   // comparison of sectors (sector names or synonyms)
  std::string pattern;                // kPattern: "golden_cross", "rsi_oversold", ...
  std::string condition;              // kIndicator: "RSI > 70", "adx >= 25", "rsi14 < 30"
  std::optional<int64_t> start_ts;    // inclusive; default: all stored bars
  std::optional<int64_t> end_ts;
  size_t horizon = 10;                // forward bars for base rates
};

struct AnalysisReport {
  AnalysisKind kind = AnalysisKind::kTrend;
  std::vector<std::string> tickers;
  int64_t period_start = 0, period_end = 0;  // the stored bars covered
  std::vector<std::string> findings;
  std::vector<std::string> risk_factors;
  double confidence = 0;              // 0..1
  std::string confidence_level;       // "high" (>= 0.75), "medium" (>= 0.5), "low"
  std::vector<Computation> computations;
  std::vector<Fact> facts;
  std::vector<std::string> notes;
  bool no_data = false;
};

// A parsed "RSI > 70": indicator, direction (>/>= vs </<=) and threshold.
struct ConditionSpec {
  Indicator indicator = Indicator::kRsi14;
  bool above = true;
  double threshold = 0;
};
// Accepts "RSI > 70", "rsi(14)<30", "ADX >= 25", "macd_hist > 0". InvalidArgument otherwise.
Result<ConditionSpec> ParseConditionSpec(std::string_view text);

// {"kind", "tickers", "period": {"start", "end"}, "findings", "risk_factors",
//  "confidence", "confidence_level", "computations", "facts", "notes", "no_data"}.
nlohmann::json AnalysisReportToJson(const AnalysisReport& report);

}  // namespace ohlcv
