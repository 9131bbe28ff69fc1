// ComposePlanAnswer: the answer text of an executed plan, from the plan and
// its PlanResult only (never the question text).
//
// The text leads with the answer in the plan's form (a number with its date,
// a date, "Yes"/"No", a ranked list, a table of subjects, a list of event
// dates), then the notes (non-trading dates, data range, warm-up, parts not
// understood), then "How:" with one method line per figure. Every number in
// the text is also a PlanFact (value at full precision, the exact text shown)
// so number checks and tests can trace it.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "plan/executor.h"

namespace ohlcv {

struct PlanFact {
  std::string label;  // "AAPL close 2019-03-01"
  double value = 0;   // full precision; dates as epoch seconds
  std::string unit;   // "USD", "shares", "%", "date", "count", "" (indicator points), "ratio"
  std::string text;   // as written in the answer
};

struct PlanAnswer {
  std::string text;
  std::vector<PlanFact> facts;
  bool no_data = false;  // no row has a value
};

PlanAnswer ComposePlanAnswer(const PlanResult& result);

// Number formatting used by the answer: "$1,234.56", "25,123,400", "+12.34%".
std::string FormatMeasureValue(const Measure& m, double v);

}  // namespace ohlcv
