#include "sources/bar_check.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "util/time.h"

namespace ohlcv {
namespace {

std::optional<std::string> CheckPrice(double v, std::string_view name) {
  if (!std::isfinite(v)) return fmt::format("non-finite {} ({})", name, v);
  if (v <= 0) return fmt::format("non-positive {} ({})", name, v);
  return std::nullopt;
}

// Describes open/close outside [lo, hi]; empty when inside.
std::string RangeText(const Bar& bar, double lo, double hi) {
  std::string out;
  auto add = [&](double v, std::string_view name) {
    if (v > hi) {
      if (!out.empty()) out += "; ";
      out += fmt::format("{} {} above high {}", name, v, bar.high);
    } else if (v < lo) {
      if (!out.empty()) out += "; ";
      out += fmt::format("{} {} below low {}", name, v, bar.low);
    }
  };
  add(bar.open, "open");
  add(bar.close, "close");
  return out;
}

// Dates for reasons; raw seconds when far outside any calendar we print.
std::string TsText(int64_t ts) {
  constexpr int64_t kLimit = 100'000'000'000;  // about year 5100
  return ts > -kLimit && ts < kLimit ? FormatDateTime(ts) : std::to_string(ts);
}

// Rebuilds every column of `s` from rows `keep` (indices into the old columns).
void Gather(BarSeries* s, const std::vector<uint32_t>& keep) {
  auto pick = [&](auto& col) {
    std::remove_reference_t<decltype(col)> out;
    out.reserve(keep.size());
    for (uint32_t i : keep) out.push_back(col[i]);
    col = std::move(out);
  };
  pick(s->ts);
  pick(s->open);
  pick(s->high);
  pick(s->low);
  pick(s->close);
  pick(s->volume);
  pick(s->adj_close);
}

void ReverseAll(BarSeries* s) {
  std::reverse(s->ts.begin(), s->ts.end());
  std::reverse(s->open.begin(), s->open.end());
  std::reverse(s->high.begin(), s->high.end());
  std::reverse(s->low.begin(), s->low.end());
  std::reverse(s->close.begin(), s->close.end());
  std::reverse(s->volume.begin(), s->volume.end());
  std::reverse(s->adj_close.begin(), s->adj_close.end());
}

// Indices (into `rows`) of a longest strictly increasing subsequence of
// ts[rows[k]], in order. Patience sorting, O(n log n).
std::vector<uint32_t> LongestIncreasing(const std::vector<int64_t>& ts,
                                        const std::vector<uint32_t>& rows) {
  std::vector<uint32_t> tails;               // k of the smallest tail of each length
  std::vector<int32_t> prev(rows.size(), -1);
  for (uint32_t k = 0; k < rows.size(); ++k) {
    int64_t v = ts[rows[k]];
    auto it = std::lower_bound(tails.begin(), tails.end(), v,
                               [&](uint32_t t, int64_t x) { return ts[rows[t]] < x; });
    if (it != tails.begin()) prev[k] = static_cast<int32_t>(*(it - 1));
    if (it == tails.end()) {
      tails.push_back(k);
    } else {
      *it = k;
    }
  }
  std::vector<uint32_t> out(tails.size());
  int32_t k = tails.empty() ? -1 : static_cast<int32_t>(tails.back());
  for (size_t i = out.size(); i-- > 0;) {
    out[i] = static_cast<uint32_t>(k);
    k = prev[k];
  }
  return out;
}

}  // namespace

std::optional<std::string> CheckBar(const Bar& bar) {
  if (auto r = CheckPrice(bar.open, "open")) return r;
  if (auto r = CheckPrice(bar.high, "high")) return r;
  if (auto r = CheckPrice(bar.low, "low")) return r;
  if (auto r = CheckPrice(bar.close, "close")) return r;
  if (!std::isfinite(bar.volume)) return fmt::format("non-finite volume ({})", bar.volume);
  if (bar.volume < 0) return fmt::format("negative volume ({})", bar.volume);
  if (!std::isnan(bar.adj_close)) {
    if (auto r = CheckPrice(bar.adj_close, "adj close")) return r;
  }
  if (bar.high < bar.low) return fmt::format("high < low ({} < {})", bar.high, bar.low);
  std::string far = RangeText(bar, bar.low * (1 - kRangeTolerance), bar.high * (1 + kRangeTolerance));
  if (!far.empty()) return far;
  return std::nullopt;
}

std::optional<std::string> RangeNote(const Bar& bar) {
  std::string text = RangeText(bar, bar.low, bar.high);
  if (text.empty()) return std::nullopt;
  return std::string(kKeptPrefix) + text;
}

size_t SortAndDedup(BarSeries* series, const RowWhere& where, std::vector<RowIssue>* issues) {
  const std::vector<int64_t>& ts = series->ts;
  const size_t n = ts.size();
  size_t up = 0, down = 0;
  for (size_t i = 1; i < n; ++i) {
    up += ts[i] > ts[i - 1];
    down += ts[i] < ts[i - 1];
  }
  if (n < 2 || up == n - 1) return 0;
  if (down == n - 1) {
    ReverseAll(series);
    return 0;
  }

  // Rows in the order the input meant them: reversed when mostly newest-first.
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = down > up ? static_cast<uint32_t>(n - 1 - i) : i;

  // Duplicates: for each timestamp the first row in input order wins.
  std::vector<uint32_t> by_ts(n);
  for (uint32_t i = 0; i < n; ++i) by_ts[i] = i;
  std::sort(by_ts.begin(), by_ts.end(), [&](uint32_t a, uint32_t b) {
    return ts[a] != ts[b] ? ts[a] < ts[b] : a < b;
  });
  std::vector<int64_t> first_of(n, -1);  // row -> the row it duplicates, or -1
  for (size_t k = 1; k < n; ++k) {
    if (ts[by_ts[k]] == ts[by_ts[k - 1]]) {
      first_of[by_ts[k]] = first_of[by_ts[k - 1]] >= 0 ? first_of[by_ts[k - 1]] : by_ts[k - 1];
    }
  }

  std::vector<uint32_t> unique_rows;
  unique_rows.reserve(n);
  for (uint32_t r : order)
    if (first_of[r] < 0) unique_rows.push_back(r);
  std::vector<uint32_t> lis = LongestIncreasing(ts, unique_rows);

  std::vector<char> kept(n, 0);
  std::vector<uint32_t> keep;
  keep.reserve(lis.size());
  for (uint32_t k : lis) {
    keep.push_back(unique_rows[k]);
    kept[unique_rows[k]] = 1;
  }

  // Reasons, emitted by row index for readable reports.
  std::vector<std::pair<uint32_t, std::string>> found;
  int64_t last_kept = INT64_MIN;
  for (uint32_t r : order) {
    if (kept[r]) {
      last_kept = ts[r];
    } else if (first_of[r] >= 0) {
      found.emplace_back(r, fmt::format("duplicate timestamp {} (kept {})", TsText(ts[r]),
                                        where(static_cast<size_t>(first_of[r]))));
    } else if (last_kept == INT64_MIN) {
      found.emplace_back(r, fmt::format("timestamp {} out of order (at the start)",
                                        TsText(ts[r])));
    } else {
      found.emplace_back(r, fmt::format("timestamp {} out of order (after {})",
                                        TsText(ts[r]), TsText(last_kept)));
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [r, reason] : found) issues->push_back(RowIssue{where(r), std::move(reason)});

  Gather(series, keep);
  return found.size();
}

void CleanSeries(BarSeries* series, const RowWhere& where, std::vector<RowIssue>* issues) {
  std::vector<uint32_t> good;
  good.reserve(series->size());
  for (size_t i = 0; i < series->size(); ++i) {
    Bar bar = series->at(i);
    if (auto reason = CheckBar(bar)) {
      issues->push_back(RowIssue{where(i), std::move(*reason)});
      continue;
    }
    if (auto note = RangeNote(bar)) issues->push_back(RowIssue{where(i), std::move(*note)});
    good.push_back(static_cast<uint32_t>(i));
  }
  if (good.size() == series->size()) {
    SortAndDedup(series, where, issues);
    return;
  }
  Gather(series, good);
  // Row indices after Gather differ from the input's; map them back.
  SortAndDedup(series, [&](size_t row) { return where(good[row]); }, issues);
}

Status StrictStatus(const std::vector<RowIssue>& issues) {
  for (const RowIssue& issue : issues) {
    if (!IsKeptNote(issue)) return Status::InvalidArgument(issue.where + ": " + issue.reason);
  }
  return Status::Ok();
}

}  // namespace ohlcv
