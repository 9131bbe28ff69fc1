// Phrase tables of the plan parser: token sequences -> measures, industries,
// short company names. Internal to src/plan/.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace ohlcv::plan_internal {

// Lower-case tokens of a question: letters/digits runs, "$12.5", "%", "10:30",
// ISO dates kept whole; "50-day" -> "50" "day"; "rsi(14)" -> "rsi" "14".
std::vector<std::string> Tokenize(std::string_view text);

// Replaces a token of 5+ letters that is within one edit (insertion,
// deletion, substitution, transposition) of exactly one keyword of the
// parser ("avrage" -> "average", "higest" -> "highest", "volumne" ->
// "volume"); tokens in `keep` (known tickers, lower case) are left alone.
void FixTypos(std::vector<std::string>& tokens, const std::set<std::string>& keep);

// Integer value of a token ("14", "two"), nullopt otherwise.
std::optional<int> SmallNumber(const std::string& tok);

// A measure phrase found at tokens [begin, end).
struct MeasureHit {
  Measure measure;
  size_t begin = 0, end = 0;
  bool bare_period = false;  // "the 50-day" with no noun: an SMA by convention
};

// Every measure phrase, longest match first at each position, left to right.
std::vector<MeasureHit> FindMeasures(const std::vector<std::string>& tokens);

// Slang phrase -> GICS sub-industries it means ("banks" -> Diversified Banks,
// Regional Banks). Phrases are lower-case token sequences joined by spaces.
const std::map<std::string, std::vector<std::string>>& IndustrySlang();

}  // namespace ohlcv::plan_internal
