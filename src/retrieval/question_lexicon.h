// The question parser's vocabulary: pattern phrases, built-in sector
// synonyms, and the grammar of indicator conditions ("RSI above 70").
//
// Private to retrieval/question*.cc. Tables are written once here (one
// registration list per extensible set); the parser only walks them.
// Thread-safety: immutable tables and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/pattern.h"
#include "index/vector_store.h"
#include "retrieval/question_tokens.h"

namespace ohlcv::question_internal {

struct PatternPhrase {
  std::string_view phrase;          // lower-case words, single spaces
  std::vector<PatternKind> kinds;   // may be empty for pure big moves
  int big_move = 0;                 // +1 rally/surge, -1 sell-off/crash
};

// Every pattern phrase; the parser tries the longest match at each token.
const std::vector<PatternPhrase>& PatternPhrases();

// Built-in sector synonyms: lower-case phrase -> GICS sector name.
const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinSectorSynonyms();

// Words that may follow a sector phrase and belong to it ("tech stocks").
bool IsSectorSuffix(std::string_view lower);

// Parses an indicator condition starting at token i ("RSI above 70",
// "return greater than 10%", "fell more than 5%", "ADX between 20 and 40").
// On success consumes its tokens, appends one or two conditions plus a note,
// and returns true. `is_return` is set when the field is return_pct or
// max_drawdown_pct (a price-move condition rather than an indicator).
bool ConditionAt(std::vector<QToken>& tokens, size_t i, std::vector<NumericCondition>& out,
                 std::vector<std::string>& notes, bool& is_return);

std::string_view OpName(NumericCondition::Op op);  // ">", ">=", "<", "<="

}  // namespace ohlcv::question_internal
