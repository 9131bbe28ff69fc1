// Tokens of a question, and the small word lists the question parser shares.
//
// Private to retrieval/question*.cc. Tokenize splits free text into words,
// numbers, ISO dates and comparison symbols, remembering the original spelling
// (case matters for ticker detection) and a lower-case form for matching.
// Every later pass marks the tokens it used as consumed, so one token feeds
// one meaning and the leftovers become the lexical search terms.
//
// Thread-safety: pure functions over values; the word lists are immutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ohlcv::question_internal {

struct QToken {
  enum class Kind : uint8_t { kWord, kNumber, kDate, kSymbol };
  Kind kind = Kind::kWord;
  std::string text;   // original spelling, without a leading '$' or trailing "'s"
  std::string lower;  // lower-case text (symbols: ">", ">=", "<", "<=", "=")
  bool dollar = false;      // written "$AAPL"
  bool possessive = false;  // written "AAPL's"
  double number = 0;        // kNumber: the value (sign included)
  bool percent = false;     // kNumber followed by '%'
  bool not_a_date = false;  // kWord written like a date (YYYY-MM-DD, YYYY/MM/DD) naming none ("2019-02-30")
  bool consumed = false;
};

// Splits `text` into tokens. Hyphenated words ("sell-off", "52-week") become
// separate tokens unless `keep_joined(upper-case joined word)` says to keep
// them whole (a known ticker such as "BRK-B"). Never fails; bytes that are
// not ASCII letters, digits or known punctuation separate tokens.
std::vector<QToken> Tokenize(std::string_view text,
                             const std::function<bool(const std::string&)>& keep_joined);

// Lower-case English function words and question words ("the", "which",
// "did", ...) that carry no filter and no search weight.
bool IsStopword(std::string_view lower);

// Lower-case common words that are also S&P 500 symbols ("all", "key", "low",
// "now", "cost"): such words count as tickers only when written in capitals.
bool IsCommonWord(std::string_view lower);

// Upper-case acronyms that look like tickers but are not (RSI, MACD, ETF,
// USA, CEO...): never reported as unknown tickers.
bool IsKnownAcronym(std::string_view upper);

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

// Edit distance with adjacent transpositions (optimal string alignment:
// "MSTF" -> "MSFT" is 1), capped: returns cap + 1 once it exceeds cap.
size_t EditDistance(std::string_view a, std::string_view b, size_t cap);

// Matches `phrase` (lower-case words separated by single spaces) against the
// unconsumed tokens starting at `i`. A token matches a phrase word when equal,
// or, for the last word only, when it is the word plus "s"/"es" (plurals).
// Returns the number of tokens matched, 0 when it does not match.
size_t MatchPhrase(const std::vector<QToken>& tokens, size_t i, std::string_view phrase);

// Marks tokens [i, i + n) consumed.
void Consume(std::vector<QToken>& tokens, size_t i, size_t n);

}  // namespace ohlcv::question_internal
