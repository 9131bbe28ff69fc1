// How the CLI lays an answer out for a reader (text mode; --json prints the
// API's JSON unchanged):
//
//   <the answer, word-wrapped at the terminal width; the generator's own
//    "Sources: [1] ..." paragraph dropped, since the sources follow once>
//
//   Figures                          (a table when there are two or more)
//     AAPL return 2019-01-02..2019-12-31    +86.16%
//
//   Understood: AAPL, 2019, 20-day high breakout
//   How this was computed:
//     return: AAPL close 2019-01-02..2019-12-31 -> return_pct 86.16
//   Sources (confidence 0.93):      ("confidence" only when it means something,
//     [1] AAPL 2019-01-02 to 2019-03-01   kb/question_scope.h)
//
// Kept apart from src/answer/ (the composer) on purpose: it renders an Answer.
#pragma once

#include <string>
#include <vector>

#include "answer/answer.h"

namespace ohlcv::cli {

// The answer text without a trailing "Sources: [1] T d to d; ..." paragraph
// that repeats `answer.sources`.
std::string AnswerBody(const Answer& answer);

// The parser's notes ("pattern: broke out -> breakout_20_high
// breakout_52w_high", "date: March 2019", "sector: tech -> Information
// Technology") in words: "20-day high breakout or 52-week high breakout,
// March 2019, Information Technology sector". Notes of other kinds are kept
// as they are.
std::string UnderstoodInWords(const std::vector<std::string>& notes);

// The whole text layout above; `width` 0 = no wrapping.
std::string RenderAnswerText(const Answer& answer, size_t width);

}  // namespace ohlcv::cli
