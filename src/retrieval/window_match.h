// How one window matches a WindowFilter: the pieces Retriever uses to rank
// exact matches and to explain every hit. Also the AND of two filters (the
// parsed question's and the API's "filters").
//
// "Pattern in period": a filter with patterns and a date range asks for an
// event of those kinds DATED inside the range ("broke out in March 2019"),
// while the store's filter only asks that the window overlap the range and
// contain such an event anywhere. AssessMatch tells the two apart so the
// retriever can rank the first kind above the second.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/window.h"
#include "index/vector_store.h"

namespace ohlcv {

// ANDs `extra` into `*filter`: ticker/sector/pattern lists are intersected
// when both are non-empty (taken from `extra` when only it has one), date
// bounds are narrowed, numeric conditions and exclude_ids appended, the
// interval taken from `extra` when set. Returns false when the result can
// match nothing (disjoint lists, an empty date range, different intervals).
bool MergeWindowFilters(const WindowFilter& extra, WindowFilter* filter);

struct WindowMatch {
  bool conditions_hold = true;    // every numeric condition holds (true when none)
  bool has_pattern = true;        // an event of a requested kind (true when none asked)
  bool pattern_in_period = true;  // ... dated inside the filter's date range
  int pattern_events = 0;         // events of requested kinds, in the period when bounded
  // In [0, 1]: how strongly the window matches; the mean of min(events, 3) / 3
  // (when patterns are asked) and of each condition's relative margin
  // |value - threshold| / max(|threshold|, 1), capped at 1.
  double strength = 0;

  bool exact() const { return conditions_hold && has_pattern && pattern_in_period; }
};

WindowMatch AssessMatch(const Window& w, const WindowFilter& filter);

// Appends the reasons `w` passes `filter`: "ticker AAPL", "sector Energy",
// "2019-02-14..2019-03-27 overlaps 2019-03-01..2019-03-31", one
// "<pattern> on <date>" per requested event (in the period first, at most
// max_events), and one "rsi14_max 72.1 > 70" per condition.
void ExplainMatch(const Window& w, const WindowFilter& filter, std::vector<std::string>* why,
                  size_t max_events = 4);

}  // namespace ohlcv
