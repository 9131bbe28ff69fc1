// ExecutePlan: computes a QuestionPlan exactly from stored bars.
//
// Every figure comes from the bars the PlanSource returns (never window
// summaries); indicators at their default periods are the IndicatorSet
// columns (TA-Lib equal), other periods use the same TA-Lib conventions
// (series_math.h). The result carries one row per subject (ranked when the
// plan ranks), notes for everything that is not a plain answer (a weekend or
// holiday date -> the previous trading day, labelled; a date outside the
// data -> the data's range; a date inside an indicator's warm-up; parts not
// understood) and one method line per measure.
//
// Errors: InvalidArgument from ValidatePlan; errors of the source. A subject
// without bars or a period without bars is not an error: its row has no value
// and a note says why.
//
// Thread-safety: ExecutePlan is safe to call concurrently when the source is.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bar_series.h"
#include "core/status.h"
#include "indicators/indicator_set.h"
#include "plan/plan.h"

namespace ohlcv {

// Bars of one ticker, with the IndicatorSet computed over all of them when
// the source has one (nullptr otherwise; the executor then computes what it
// needs). The shared_ptr keeps both alive.
struct PlanSeries {
  std::shared_ptr<const void> owner;
  const BarSeries* bars = nullptr;
  const IndicatorSet* indicators = nullptr;  // may be null
};

// Where the executor reads bars and group membership. Implemented over the
// answer engine's SeriesCache (answer/plan_source.h) and in tests over CSVs.
class PlanSource {
 public:
  virtual ~PlanSource() = default;
  // All stored bars of `ticker` at `interval`. NotFound when none. With
  // `want_indicators` false the executor needs no IndicatorSet (bar fields,
  // returns), so a source may skip computing one.
  virtual Result<PlanSeries> Series(const std::string& ticker, Interval interval,
                                    bool want_indicators) const = 0;
  // Bars of `ticker` around [first, last] without indicators, for a question
  // about an intraday period (a year of 1-minute bars is ~100k bars; a day
  // is 390): either all stored bars, or a slice holding every stored bar
  // from a week before `first` to a day after `last` that starts at or
  // before `first` and ends at or after `first` unless it ends at the last
  // stored bar. NotFound when none. The default returns Series(...).
  virtual Result<PlanSeries> SeriesAround(const std::string& ticker, Interval interval, int64_t first,
                                          int64_t last) const {
    return Series(ticker, interval, false);
  }
  // Tickers stored at `interval`, sorted.
  virtual std::vector<std::string> Tickers(Interval interval) const = 0;
  // Tickers of a sector / sub-industry (kAll: every stored ticker), sorted.
  virtual std::vector<std::string> Members(SubjectKind kind, const std::string& name,
                                           Interval interval) const = 0;
};

// One subject's answer.
struct PlanRow {
  std::string ticker;
  std::optional<double> value;     // the number asked for (nullopt: none)
  std::optional<int64_t> ts;       // its bar (value/max/min/first/last), or start of a move
  std::optional<int64_t> ts_end;   // end of a move/drawdown/streak
  std::optional<bool> yes;         // check
  uint64_t count = 0;              // count / streak length
  uint64_t bars = 0;               // bars of the period examined (count)
  std::vector<int64_t> events;     // events: bar timestamps; count: the bars counted
  // Extra figures shown with the value (e.g. the two series of a check).
  std::vector<std::pair<std::string, double>> detail;
  std::string note;                // why there is no value, etc.
};

struct PlanResult {
  QuestionPlan plan;               // as executed (resolved subjects, period)
  std::vector<std::string> tickers;  // resolved subjects
  std::vector<PlanRow> rows;       // one per ticker; ranked order when ranked
  std::vector<std::string> notes;  // non-trading dates, range, warm-up, not understood
  std::vector<std::string> methods;  // how each figure was computed
  std::optional<int64_t> first_ts, last_ts;  // range of the data used
};

// True when some measure of the plan is an IndicatorSet column.
bool PlanNeedsIndicators(const QuestionPlan& plan);

Result<PlanResult> ExecutePlan(const QuestionPlan& plan, const PlanSource& source);

}  // namespace ohlcv
