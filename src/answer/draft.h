// GroundedDraft: everything an answer may say, before it is phrased.
//
// The composer (composer.h) fills a draft with computations on stored bars,
// the facts taken from them (each formatted once, here, in the form the
// answer text uses) and statements: sentences built only from those fact
// texts. A Generator (generator.h) turns the draft into the final text;
// the template generator joins the statements, an LLM rephrases them from
// the facts alone.
//
// Number formats (the evaluation relies on them): percentages "+12.34%"
// (always signed, 2 decimals), prices "$157.92", dates "2019-03-01",
// indicator values and correlations "72.35" (2 decimals), shares of a
// count "65%" (no decimals), counts "23".
//
// Thread-safety: plain values; DraftBuilder needs external synchronization.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "answer/answer.h"

namespace ohlcv {

struct GroundedDraft {
  std::string question;
  QueryType type = QueryType::kGeneral;
  std::vector<std::string> statements;  // sentences whose figures are fact texts
  std::vector<Fact> facts;
  std::vector<Computation> computations;
  std::vector<AnswerSource> sources;
  std::vector<std::string> notes;
  std::string disclaimer;   // set for predictions
  bool no_data = false;
  double coverage = 1.0;    // share of the asked period (and tickers) the store covers, 0..1
};

std::string FormatPct(double pct);       // "+12.34%"
std::string FormatPrice(double price);   // "$157.92"
std::string FormatValue(double v);       // "72.35"
std::string FormatShare(double share);   // 0.654 -> "65%"

// Adds computations and facts to a draft and returns the text to write.
class DraftBuilder {
 public:
  explicit DraftBuilder(GroundedDraft* draft) : d_(draft) {}

  // Returns the computation's index (facts refer to it).
  size_t Computation(std::string name, nlohmann::json inputs, nlohmann::json result);

  std::string Pct(size_t comp, std::string label, double pct);
  std::string Price(size_t comp, std::string label, double price);
  std::string Date(size_t comp, std::string label, int64_t ts);
  std::string Value(size_t comp, std::string label, double v, std::string unit = "");
  std::string Share(size_t comp, std::string label, double share);
  std::string Count(size_t comp, std::string label, size_t n);

  void Say(std::string sentence) { d_->statements.push_back(std::move(sentence)); }
  void Note(std::string note) { d_->notes.push_back(std::move(note)); }
  GroundedDraft& draft() { return *d_; }

 private:
  std::string Add(size_t comp, std::string label, double value, std::string unit, std::string text);
  GroundedDraft* d_;
};

}  // namespace ohlcv
