#include "retrieval/window_match.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "retrieval/window_fields.h"
#include "util/time.h"

namespace ohlcv {
namespace {

// AND of two OR-lists: the intersection when both are set.
template <typename T>
bool IntersectList(const std::vector<T>& extra, std::vector<T>* list) {
  if (extra.empty()) return true;
  if (list->empty()) {
    *list = extra;
    return true;
  }
  std::vector<T> both;
  for (const T& v : *list) {
    if (std::find(extra.begin(), extra.end(), v) != extra.end()) both.push_back(v);
  }
  *list = std::move(both);
  return !list->empty();
}

bool Requested(const WindowFilter& f, PatternKind kind) {
  return std::find(f.patterns.begin(), f.patterns.end(), kind) != f.patterns.end();
}

bool InPeriod(const WindowFilter& f, int64_t ts) {
  return (!f.start_ts || ts >= *f.start_ts) && (!f.end_ts || ts <= *f.end_ts);
}

std::string Range(std::optional<int64_t> a, std::optional<int64_t> b) {
  return fmt::format("{}..{}", a ? FormatDate(*a) : std::string("start"),
                     b ? FormatDate(*b) : std::string("now"));
}

}  // namespace

bool MergeWindowFilters(const WindowFilter& extra, WindowFilter* filter) {
  bool ok = IntersectList(extra.tickers, &filter->tickers);
  ok = IntersectList(extra.sectors, &filter->sectors) && ok;
  ok = IntersectList(extra.patterns, &filter->patterns) && ok;
  if (extra.interval) {
    if (filter->interval && *filter->interval != *extra.interval) ok = false;
    filter->interval = extra.interval;
  }
  if (extra.start_ts) filter->start_ts = filter->start_ts ? std::max(*filter->start_ts, *extra.start_ts) : *extra.start_ts;
  if (extra.end_ts) filter->end_ts = filter->end_ts ? std::min(*filter->end_ts, *extra.end_ts) : *extra.end_ts;
  if (filter->start_ts && filter->end_ts && *filter->start_ts > *filter->end_ts) ok = false;
  filter->numeric.insert(filter->numeric.end(), extra.numeric.begin(), extra.numeric.end());
  filter->exclude_ids.insert(filter->exclude_ids.end(), extra.exclude_ids.begin(), extra.exclude_ids.end());
  return ok;
}

WindowMatch AssessMatch(const Window& w, const WindowFilter& filter) {
  WindowMatch m;
  double strength_sum = 0;
  int strength_parts = 0;
  if (!filter.patterns.empty()) {
    int any = 0, in_period = 0;
    for (const PatternEvent& e : w.patterns) {
      if (!Requested(filter, e.kind)) continue;
      ++any;
      if (InPeriod(filter, e.ts)) ++in_period;
    }
    m.has_pattern = any > 0;
    m.pattern_in_period = in_period > 0;
    m.pattern_events = in_period;
    strength_sum += std::min(in_period, 3) / 3.0;
    ++strength_parts;
  }
  for (const NumericCondition& c : filter.numeric) {
    if (!ConditionHolds(w, c)) {
      m.conditions_hold = false;
      continue;
    }
    const double v = *WindowFieldValue(w, c.field);
    strength_sum += std::min(1.0, std::fabs(v - c.value) / std::max(std::fabs(c.value), 1.0));
    ++strength_parts;
  }
  m.strength = strength_parts > 0 ? strength_sum / strength_parts : 0;
  return m;
}

void ExplainMatch(const Window& w, const WindowFilter& filter, std::vector<std::string>* why,
                  size_t max_events) {
  if (!filter.tickers.empty()) why->push_back("ticker " + w.ticker);
  if (!filter.sectors.empty()) why->push_back("sector " + w.sector);
  if (filter.start_ts || filter.end_ts) {
    why->push_back(fmt::format("{}..{} overlaps {}", FormatDate(w.start_ts), FormatDate(w.end_ts),
                               Range(filter.start_ts, filter.end_ts)));
  }
  if (!filter.patterns.empty()) {
    // Events in the asked period first: they are the reason the window ranks.
    std::vector<const PatternEvent*> events;
    for (const PatternEvent& e : w.patterns) {
      if (Requested(filter, e.kind)) events.push_back(&e);
    }
    std::stable_partition(events.begin(), events.end(),
                          [&](const PatternEvent* e) { return InPeriod(filter, e->ts); });
    for (size_t i = 0; i < events.size() && i < max_events; ++i) {
      const PatternEvent& e = *events[i];
      why->push_back(fmt::format("{} on {}{}", PatternKindName(e.kind), FormatDate(e.ts),
                                 InPeriod(filter, e.ts) ? "" : " (outside the period)"));
    }
    if (events.empty()) why->push_back("no requested pattern in this window");
  }
  for (const NumericCondition& c : filter.numeric) why->push_back(DescribeCondition(w, c));
}

}  // namespace ohlcv
