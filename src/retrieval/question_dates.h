// Date expressions in questions: "in 2019", "March 2019", "Q3 2018", "H1 2019",
// ISO dates, ranges ("from Jan 2018 to June 2019", "between 2017 and 2018",
// "since 2018") and periods relative to the latest bar ("last 30 days").
//
// Private to retrieval/question*.cc. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "retrieval/question_tokens.h"

namespace ohlcv::question_internal {

struct DateRange {
  std::optional<int64_t> start;  // inclusive, UTC epoch seconds; nullopt = open
  std::optional<int64_t> end;    // inclusive (23:59:59 of the last day); nullopt = open
};

// Finds every date expression among the unconsumed tokens, consumes it (with
// its range words: from/to/between/and/since/before...), appends a note per
// expression and returns the ranges in order of appearance. Relative
// expressions need `latest_ts`; without it they are left alone and noted.
std::vector<DateRange> ExtractDates(std::vector<QToken>& tokens, std::optional<int64_t> latest_ts,
                                    std::vector<std::string>& notes);

}  // namespace ohlcv::question_internal
