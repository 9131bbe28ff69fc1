// PlanParser: question text -> QuestionPlan, offline and deterministic.
//
// Reuses the retrieval parser (retrieval/question.h) for tickers, company
// names, sectors and the date grammar, then reads what is asked from a table
// of phrases (plan_lexicon.cc): measures with their parameters ("RSI(14)",
// "50-day moving average", "upper Bollinger band", "shares changed hands"),
// operations ("average", "lowest", "how many", "first time", "biggest
// one-day drop", "when ... cross"), conditions ("above $100", "crossed below
// the 200-day"), rankings ("top 5", "which ... best"), yes/no openers ("Was",
// "Did") and intraday periods ("at 10:30 on DATE", "last hour", "last 90
// minutes", "this morning", "today").
//
// Subjects: tickers (an indicator word such as MACD is never a ticker), the
// company names and short names of the context plus a built-in list of
// short names ("Exxon", "Google", "Disney"), sectors, and GICS sub-industries
// from the words people use ("banks", "chipmakers", "airlines") when the
// context has an industries map. A capitalised word that is not a known
// ticker is named in not_understood, never replaced by a nearby ticker.
//
// Thread-safety: immutable after construction; Parse is safe concurrently.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "plan/plan.h"
#include "retrieval/question.h"

namespace ohlcv {

struct PlanContext {
  QuestionContext question;                       // tickers, names, sectors, latest_ts
  std::map<std::string, std::string> industries;  // ticker -> GICS sub-industry
  // Interval a ticker is asked about when the question names none: 1d when
  // stored, else its finest stored interval. Missing = 1d.
  std::map<std::string, Interval> default_interval;
};

class PlanParser {
 public:
  explicit PlanParser(PlanContext context);
  ~PlanParser();
  PlanParser(const PlanParser&) = delete;
  PlanParser& operator=(const PlanParser&) = delete;

  QuestionPlan Parse(std::string_view text) const { return ParseDetailed(text).plan; }

  struct Detailed {
    QuestionPlan plan;
    // True when the question asks something the executor answers exactly (a
    // subject and a named measure, date, condition or operation); false for
    // open questions ("Tell me about AAPL"), pattern searches and
    // predictions, which the retrieval composer answers.
    bool specific = false;
    QueryType type = QueryType::kGeneral;  // of the retrieval parser
  };
  Detailed ParseDetailed(std::string_view text) const;
  const PlanContext& context() const { return context_; }

 private:
  PlanContext context_;
  std::unique_ptr<QuestionParser> question_parser_;
  std::map<std::string, std::vector<std::string>> industry_words_;  // slang -> sub-industries present
  std::set<std::string> lower_tickers_;  // known tickers, lower case (never typo-corrected)
};

// Short company names -> ticker ("Exxon" -> XOM), merged into the context's
// names for tickers that are stored.
const std::map<std::string, std::string>& ShortCompanyNames();

}  // namespace ohlcv
