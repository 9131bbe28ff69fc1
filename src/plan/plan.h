// QuestionPlan: what a question asks, typed, produced once (by the offline
// parser, plan_parser.h, by an LLM through PlanJsonSchema(), or sent by a
// program in the API) and read by everything after it: the executor
// (executor.h) computes it exactly from stored bars and the composer
// (plan_answer.h) phrases only the plan and its results.
//
// A plan = subjects + measure (with parameters) + operation + period
// (+ condition, ranking, answer form). Examples:
//   "What did Boeing open at on 2017-03-08?"
//     subjects [BA], measure open, operation value, period at 2017-03-08
//   "RSI(14) of MSFT on 2017-06-09"
//     measure {rsi, n 14}, operation value
//   "When did the 50-day cross below the 200-day in 2016?"
//     operation events, condition {sma 50 crosses_below sma 200}, period 2016
//   "Was PEP above its 200-day average on DATE?"
//     operation check, condition {close above sma 200}, form yes_no
//   "Top 5 banks by return in 2018"
//     subjects [industry "Diversified Banks", ...], measure close,
//     operation period_return, rank {k 5, descending}
//
// JSON (PlanToJson/PlanFromJson, schema in PlanJsonSchema(), docs/plan.md):
// enum values are the snake_case names of the *Name() functions below; dates
// are "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (UTC). PlanFromJson validates and
// names the bad field in its InvalidArgument message ("measure.kind: unknown
// measure 'rsx'").
//
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/interval.h"
#include "core/status.h"

namespace ohlcv {

// Who the question is about.
enum class SubjectKind : uint8_t {
  kTicker,    // name = "AAPL"
  kSector,    // name = GICS sector, "Financials"
  kIndustry,  // name = GICS sub-industry, "Regional Banks"
  kAll,       // every stored ticker; name ignored
};

struct Subject {
  SubjectKind kind = SubjectKind::kTicker;
  std::string name;
  std::string as_written;  // what the question said ("Exxon", "banks"); may be empty
};

// The series a question is about. Every kind is one value per bar.
enum class MeasureKind : uint8_t {
  // bar fields
  kOpen, kHigh, kLow, kClose, kAdjClose, kVolume,
  kDollarVolume,  // close * volume
  // derived series
  kReturn,      // close / previous close - 1, in % (bar return); n > 1: over n bars
  kGap,         // open / previous close - 1, in %
  kTrueRange,   // max(high, prev close) - min(low, prev close)
  kRange,       // high - low
  // indicators (n = period; 0 = the default shown)
  kSma,         // n default 20
  kEma,         // n default 12
  kRsi,         // n default 14, Wilder
  kMacd, kMacdSignal, kMacdHist,          // 12, 26, 9 (fixed)
  kBbUpper, kBbMiddle, kBbLower, kBbPercentB, kBbBandwidth,  // 20, 2 (fixed)
  kAtr,         // n default 14, Wilder
  kAdx, kPlusDi, kMinusDi,                // 14 (fixed)
  kStochK, kStochD,                       // 14, 3, 3 (fixed)
  kWillR,       // 14 (fixed)
  kCci,         // 20 (fixed)
  kObv, kMfi, kRoc, kVwap,                // mfi 14, roc 10, vwap 20 (fixed)
  kVolatility,  // 20-bar annualised stdev of log returns, % (fixed)
  kDrawdown,    // close / running max - 1, %
  kCount
};

struct Measure {
  MeasureKind kind = MeasureKind::kClose;
  int n = 0;  // period for sma/ema/rsi/atr/return; 0 = default
};

// What to compute over the period.
enum class Operation : uint8_t {
  kValue,          // the measure at `period.at` (or the last bar of the period)
  kMax, kMin,      // with its date
  kMean, kMedian, kSum,
  kCount,          // bars where `condition` holds
  kFirst, kLast,   // first/last bar where `condition` holds
  kBiggestRise, kBiggestDrop,  // largest close-to-close move over measure.n (default 1) bars, %, with dates
  kStreak,         // longest run of bars where `condition` holds (default: close up)
  kEvents,         // every bar where `condition` starts to hold (crosses)
  kCheck,          // yes/no: does `condition` hold at `period.at`
  kPeriodReturn,   // close at end / close before start - 1, %
  kVolatility,     // annualised stdev of daily log returns in the period, %
  kMaxDrawdown,    // worst peak-to-trough of closes in the period, %, with dates
  kCorrelation,    // of daily returns of the first two subjects
  kCount_
};

enum class Comparator : uint8_t { kAbove, kBelow, kCrossesAbove, kCrossesBelow };

// `left` compared with `right` (a series) or `level` (a number); exactly one
// of them is set. "close above 100", "sma 50 crosses_below sma 200".
struct Condition {
  Measure left;
  Comparator op = Comparator::kAbove;
  std::optional<Measure> right;
  std::optional<double> level;
};

// Dates are epoch seconds (UTC), inclusive. `at` is for value/check; start
// and end bound everything else; unset start/end = the whole stored range.
struct Period {
  std::optional<int64_t> start;
  std::optional<int64_t> end;
  std::optional<int64_t> at;
  Interval interval = Interval::k1d;
  std::string as_written;  // "2017", "March 2019"; may be empty
};

struct Ranking {
  int k = 0;               // 0 = no ranking; top/bottom k of the subjects
  bool descending = true;  // true = top (largest first)
};

enum class AnswerForm : uint8_t { kNumber, kDate, kYesNo, kRankedList, kTable, kList };

struct QuestionPlan {
  std::vector<Subject> subjects;  // empty = the whole store with a ranking, else invalid
  Measure measure;
  Operation operation = Operation::kValue;
  std::optional<Condition> condition;
  Period period;
  Ranking rank;
  AnswerForm form = AnswerForm::kNumber;
  // Parts of the question the parser did not understand, as written; the
  // answer names them.
  std::vector<std::string> not_understood;
  std::string question;  // the original text, when parsed from one
};

// snake_case names, used in JSON and in answers. Inverse functions return
// nullopt for unknown names (case-insensitive).
std::string_view SubjectKindName(SubjectKind k);
std::string_view MeasureKindName(MeasureKind k);
std::string_view OperationName(Operation op);
std::string_view ComparatorName(Comparator c);
std::string_view AnswerFormName(AnswerForm f);
std::optional<SubjectKind> ParseSubjectKind(std::string_view s);
std::optional<MeasureKind> ParseMeasureKind(std::string_view s);
std::optional<Operation> ParseOperation(std::string_view s);
std::optional<Comparator> ParseComparator(std::string_view s);
std::optional<AnswerForm> ParseAnswerForm(std::string_view s);

// The period a measure uses when n == 0 (sma 20, ema 12, rsi 14, atr 14,
// return 1), or its fixed period; 0 for bar fields.
int DefaultMeasurePeriod(MeasureKind k);
// Bars before the first defined value of the measure (TA-Lib warm-up), e.g.
// rsi n -> n, sma n -> n - 1, macd -> 33.
int MeasureWarmUp(const Measure& m);
// "RSI(14)", "SMA(200)", "close", "volume".
std::string MeasureLabel(const Measure& m);
// One line of how it is computed: "RSI(14), Wilder smoothing, on closes".
std::string MeasureMethod(const Measure& m);

// Structural checks: measure period in range (1..1000), condition present for
// count/first/last/events/check/streak-with-condition, exactly one of
// right/level, at least two subjects for correlation, start <= end, k >= 0.
// InvalidArgument naming the field.
Status ValidatePlan(const QuestionPlan& plan);

// JSON string of the plan (compact). Unset optionals are omitted.
std::string PlanToJson(const QuestionPlan& plan);
// Parses and validates (ValidatePlan). InvalidArgument naming the bad field
// ("period.start: expected YYYY-MM-DD"), or for malformed JSON.
Result<QuestionPlan> PlanFromJson(std::string_view json);
// JSON Schema (draft 2020-12) of the plan object, for the OpenAI tools API
// and docs/plan.md.
const std::string& PlanJsonSchema();

}  // namespace ohlcv
