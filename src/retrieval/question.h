// Question understanding: free text to retrieval filters.
//
// ParseQuestion turns "Which tech stocks broke out in March 2019?" into
// structured parts: tickers, sectors, a date range, pattern kinds, numeric
// conditions on window fields, a query type, unknown (misspelt) tickers and
// the leftover words for lexical search. It never fails: what it does not
// understand stays in text_terms. It is rule-based and deterministic; it
// knows only the tickers, company names and sectors the QuestionContext gives
// it (normally those in the store), so it makes no network or model call.
//
// What is recognised (tests/retrieval/question_test.cc has one test each):
//  - tickers known to the context, any case ("AAPL", "aapl", "$aapl",
//    "AAPL's"); lower-case words that are also symbols ("all", "low", "key")
//    count only when written in capitals or with '$'. An all-caps word of 2-5
//    letters that is neither a known ticker, a stopword nor an acronym (RSI,
//    ETF...) is reported in unknown_tickers with the closest known ticker or
//    company name as a suggestion: within one edit (transpositions count
//    one: "MSTF" -> MSFT), two for words of 5+ letters; none when nothing is
//    that close ("TSLA" gets none rather than CSRA).
//  - company names from context.company_names ("Apple" -> AAPL, "bank of
//    america" -> BAC). One-word names count only when capitalised ("Target"
//    the retailer, not "price target"); add short aliases ("Disney" -> DIS)
//    to the map yourself, none are guessed. A name whose ticker is not in
//    known_tickers ("Tesla" -> TSLA) is reported in unknown_tickers, so the
//    answer says the store lacks it instead of answering about others.
//  - sectors by name or synonym ("tech stocks" -> Information Technology).
//  - dates: years, "March 2019", "Mar 2019", "March 5, 2019", "Q3 2018",
//    "H1 2019", "second half of 2019", ISO dates, ranges ("from Jan 2018 to
//    June 2019", "between 2017 and 2018", "2018-2019", "March to June 2019",
//    "Jan-Mar 2019", "since 2018", "before 2019"), and
//    relative to context.latest_ts: "last 30 days", "past 6 months", "the last
//    year" (trailing 12 months), "last year" (previous calendar year), "this
//    year", "ytd", "now"/"currently" (the latest day). Ends are inclusive, at
//    23:59:59 of the last day.
//  - patterns and synonyms ("broke out" -> breakout_20_high, breakout_52w_high;
//    "golden cross", "oversold", "gap up", "volume spike", "squeeze", "doji"...).
//    Big moves without a pattern kind become conditions: "rally"/"surge" ->
//    return_pct >= big_move_pct, "sell-off"/"crash"/"plunge" -> return_pct
//    <= -big_move_pct; "uptrend"/"downtrend" are pattern kinds.
//  - indicator conditions: "RSI above 70", "RSI > 70", "RSI(14) below 30",
//    "ADX over 25", "return greater than 10%", "fell more than 10%",
//    "drawdown worse than 20%", "RSI between 40 and 60". RSI thresholds use the
//    window's RSI extremes: "RSI above/exceeded 70" means some bar of the window
//    had RSI > 70, so `>`/`>=` test rsi14_max and `<`/`<=` test rsi14_min;
//    "between" tests the last value rsi14. Other indicators test the window's
//    last value (adx14, macd, cci20, ...).
//  - the query type (QueryType below).
//
// Thread-safety: QuestionParser is immutable after construction and safe for
// concurrent use; ParseQuestion is a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/pattern.h"
#include "core/status.h"
#include "index/vector_store.h"

namespace ohlcv {

// Chosen in this order: comparison (compare, vs, versus, outperform...),
// prediction (predict, forecast, will, next, likely, after, expect...),
// comparison again when two or more sectors are named ("tech vs energy"),
// technical (indicator names, "technical", or overbought/oversold asked about
// now), pattern (any pattern or big-move word), else general.
enum class QueryType : uint8_t { kGeneral, kPattern, kComparison, kPrediction, kTechnical };

// "general", "pattern", "comparison", "prediction", "technical".
std::string_view QueryTypeName(QueryType type);
// Inverse of QueryTypeName, case-insensitive. InvalidArgument otherwise.
Result<QueryType> ParseQueryType(std::string_view name);

struct QuestionContext {
  std::set<std::string> known_tickers;  // upper case, e.g. from BarStore::ListTickers
  // Company name -> ticker, names as published ("Apple Inc.", "Bank of America
  // Corp"); suffixes such as Inc/Corp/Co/Ltd are dropped when matching.
  std::map<std::string, std::string> company_names;
  // Sector names as stored in windows ("Information Technology"). When
  // non-empty, built-in synonyms map only to names in this list.
  std::vector<std::string> sector_names;
  // Extra synonyms, lower-case phrase -> sector name ("chipmakers" -> ...).
  std::map<std::string, std::string> sector_synonyms;
  // Timestamp of the newest bar; relative dates ("last 30 days") resolve
  // against it and are ignored (with a note) when it is unset.
  std::optional<int64_t> latest_ts;
  // Return threshold, in %, for "rally"/"surge" and "sell-off"/"crash".
  double big_move_pct = 10.0;
};

struct ParsedQuestion {
  std::vector<std::string> tickers;  // upper case, order of mention, no duplicates
  std::vector<std::string> sectors;  // sector names, no duplicates
  std::optional<int64_t> start_ts;   // inclusive; nullopt = unbounded
  std::optional<int64_t> end_ts;     // inclusive; nullopt = unbounded
  std::vector<PatternKind> patterns;  // any of them (OR), no duplicates
  std::vector<NumericCondition> conditions;  // all of them (AND)
  QueryType type = QueryType::kGeneral;
  std::vector<std::string> unknown_tickers;  // as written, upper case
  std::vector<std::string> suggestions;      // parallel to unknown_tickers; "" when none
  // Written like dates but naming none ("2019-02-30", "2019-13-01"), as
  // written; ignored as filters, each with a note (util/time.h NotADate).
  std::vector<std::string> invalid_dates;
  std::string text_terms;  // leftover content words, lower case, space separated
  std::vector<std::string> notes;  // what was recognised, e.g. "date: March 2019"

  // True when any of tickers, sectors, dates, patterns or conditions is set.
  bool HasFilter() const;
};

// The parts of a parsed question that filter windows.
WindowFilter ToWindowFilter(const ParsedQuestion& q);

// Parses questions against one context. Build once (it indexes company names
// and sector synonyms), then call Parse from any thread.
class QuestionParser {
 public:
  explicit QuestionParser(QuestionContext context);
  ~QuestionParser();
  QuestionParser(const QuestionParser&) = delete;
  QuestionParser& operator=(const QuestionParser&) = delete;

  ParsedQuestion Parse(std::string_view text) const;

  const QuestionContext& context() const { return context_; }

 private:
  struct Lexicon;
  QuestionContext context_;
  std::unique_ptr<const Lexicon> lexicon_;
};

// One-off convenience: builds a QuestionParser and parses `text`.
ParsedQuestion ParseQuestion(std::string_view text, const QuestionContext& context);

}  // namespace ohlcv
