// Answer: what the answer engine returns for one question, and its JSON form
// (the service contract of POST /query).
//
// An answer never carries a figure that is not traceable: every number in
// `text` comes from a Fact, and every Fact from a Computation on stored bars
// (name, inputs, result), so a reader can redo the arithmetic. `sources`
// lists the retrieved windows the answer leans on; `no_data` marks answers
// that only say the store lacks the ticker or period asked about.
//
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "index/vector_store.h"
#include "plan/plan.h"
#include "retrieval/question.h"

namespace ohlcv {

struct AskRequest {
  std::string question;
  std::optional<QueryType> type;  // overrides the type inferred from the question
  size_t n_results = 5;           // sources (retrieved windows) wanted
  WindowFilter filters;           // ANDed with what the question says (API "filters")
  // A plan to execute instead of parsing the question (API "plan"); the
  // question may then be empty.
  std::optional<QuestionPlan> plan;
};

// One retrieved window the answer cites.
struct AnswerSource {
  std::string window_id;
  std::string ticker;
  std::string start_date;  // "2019-03-01"
  std::string end_date;
  double score = 0;        // fused retrieval score, higher is better
  bool exact = false;      // matched every requested pattern/condition exactly
  std::vector<std::string> why;
};

// One exact computation on stored bars: enough to redo it by hand.
struct Computation {
  std::string name;        // "return", "high_low", "max_drawdown", "indicator_at", ...
  nlohmann::json inputs;   // {"ticker": "AAPL", "start": "2019-01-02", "end": ..., "price": "close"}
  nlohmann::json result;   // {"return_pct": 86.16, "first_close": 157.92, ...}
};

// One figure as it appears in the answer text.
struct Fact {
  std::string label;  // "AAPL return 2019-01-02..2019-12-31"
  double value = 0;   // full precision; dates as epoch seconds
  std::string unit;   // "%", "USD", "count", "date", "ratio", "" (indicator points)
  std::string text;   // exactly as written in the answer: "+86.16%", "$157.92", "2019-03-01"
  size_t computation = 0;  // index into Answer::computations it came from
};

struct AnswerTimings {
  double parse_ms = 0, retrieve_ms = 0, compute_ms = 0, compose_ms = 0, generate_ms = 0, total_ms = 0;
};

struct Answer {
  std::string text;
  QueryType type = QueryType::kGeneral;
  std::vector<AnswerSource> sources;
  std::vector<Computation> computations;
  std::vector<Fact> facts;
  double confidence = 0;  // 0..1: retrieval scores and data coverage (answer_engine.h)
  std::vector<std::string> notes;
  bool no_data = false;   // the store lacks the ticker or period asked about
  AnswerTimings timings;
  std::string generator = "template";  // "template" or "llm:<model>"
  // Numbers in an LLM's reply that match no fact (nor the question, nor a
  // source date) within rounding; always empty for the template generator.
  std::vector<std::string> unverified_numbers;
  bool cached = false;    // served from the AnswerCache
  // The plan executed (plan/plan.h); nullopt when the question was answered
  // by the retrieval composer (patterns, predictions, open questions).
  std::optional<QuestionPlan> plan;
};

// {"answer", "query_type", "sources": [{"window_id", "ticker", "start_date",
//  "end_date", "score", "exact", "why"}], "confidence", "timings": {"parse_ms",
//  "retrieve_ms", "compute_ms", "compose_ms", "generate_ms", "total_ms"},
//  "computations": [{"name", "inputs", "result"}], "facts": [{"label",
//  "value", "unit", "text"}], "notes", "no_data", "generator",
//  "unverified_numbers", "cached", "plan"?}. NaN/inf values become null.
nlohmann::json AnswerToJson(const Answer& answer);

}  // namespace ohlcv
