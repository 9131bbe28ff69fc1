// Whether a question is about the loaded market data at all, and whether an
// answer's confidence means something. Kept apart from question parsing and
// answer composition (src/plan/, src/answer/) on purpose: it is one rule
// applied to a finished answer.
//
// Out of scope ("hello", "clear", "what's the weather?"): the question names
// no stored ticker, sector, company, date or pattern (the parser left no note)
// and uses no market word (a table: price, return, volatility, breakout, RSI,
// ...). Such a question gets, instead of
// unrelated windows at a high confidence, an answer saying what the system can
// answer, what is loaded, and example questions built from that data, with
// confidence 0 and no sources.
//
// Confidence is meaningful only for an answer with computed figures (facts)
// to a question of which something was understood (a parser note): then it combines the asked period's data coverage (60%), the share of
// sources that matched every requested condition exactly (25%) and grounding
// (15%) (src/answer/answer_engine.cc, docs/answers.md). A summary without
// figures would still score 0.77-0.92 from coverage alone, so readers (CLI,
// web page) do not show it.
#pragma once

#include <string>
#include <vector>

#include "answer/answer.h"
#include "store/bar_store.h"

namespace ohlcv {

// True when `answer` (for `question`) is out of scope as described above.
bool IsOutOfScope(const std::string& question, const Answer& answer);

// Example questions built from what is loaded: the first stored daily ticker
// (AAPL when stored), the last full calendar year of its data, a second
// ticker to compare with. Empty when nothing is loaded.
std::vector<std::string> ExampleQuestions(const std::vector<TickerInfo>& tickers);

// Replaces `answer` by the out-of-scope answer: what can be asked, what is
// loaded (tickers, dates, intervals), ExampleQuestions; confidence 0, no
// sources, a note "out of scope".
void MakeOutOfScopeAnswer(const std::vector<TickerInfo>& tickers, Answer* answer);

// True when answer.confidence means something (see above).
bool ConfidenceIsMeaningful(const Answer& answer);

}  // namespace ohlcv
