#include "index/filter_sql.h"

#include <cmath>

#include <fmt/format.h>

#include "index/window_rows.h"

namespace ohlcv::index_internal {
namespace {

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

const char* OpSql(NumericCondition::Op op) {
  switch (op) {
    case NumericCondition::Op::kGt: return ">";
    case NumericCondition::Op::kGe: return ">=";
    case NumericCondition::Op::kLt: return "<";
    case NumericCondition::Op::kLe: return "<=";
  }
  return ">";
}

}  // namespace

Result<SqlFilter> BuildSqlFilter(const WindowFilter& filter, std::string_view a) {
  SqlFilter out;
  std::vector<std::string> parts;
  if (!filter.tickers.empty()) {
    parts.push_back(fmt::format("{}.ticker IN ({})", a, Placeholders(filter.tickers.size())));
    for (const auto& t : filter.tickers) out.params.emplace_back(t);
  }
  if (!filter.sectors.empty()) {
    parts.push_back(fmt::format("{}.sector IN ({})", a, Placeholders(filter.sectors.size())));
    for (const auto& s : filter.sectors) out.params.emplace_back(s);
  }
  if (filter.interval) {
    parts.push_back(fmt::format("{}.bar_interval = ?", a));
    out.params.emplace_back(static_cast<int64_t>(*filter.interval));
  }
  if (filter.n_bars) {
    parts.push_back(fmt::format("{}.n_bars = ?", a));
    out.params.emplace_back(static_cast<double>(*filter.n_bars));
  }
  // Overlap of [window.start_ts, window.end_ts] with the requested range.
  if (filter.start_ts) {
    parts.push_back(fmt::format("{}.end_ts >= ?", a));
    out.params.emplace_back(*filter.start_ts);
  }
  if (filter.end_ts) {
    parts.push_back(fmt::format("{}.start_ts <= ?", a));
    out.params.emplace_back(*filter.end_ts);
  }
  if (!filter.patterns.empty()) {
    // Every kind is in some 3-25% of windows, so an index per kind would
    // not select; a bit test on the row is cheaper than a lookup.
    parts.push_back(fmt::format("({}.pattern_mask & ?) != 0", a));
    out.params.emplace_back(PatternMask(filter.patterns));
  }
  for (const auto& c : filter.numeric) {
    auto column = NumericColumn(c.field);
    if (!column) {
      return Status::InvalidArgument("unknown numeric filter field '" + c.field + "'");
    }
    if (!std::isfinite(c.value)) {
      return Status::InvalidArgument("numeric filter on '" + c.field + "' needs a finite value");
    }
    // The column name comes from our whitelist, never from the caller.
    parts.push_back(fmt::format("{}.\"{}\" {} ?", a, *column, OpSql(c.op)));
    out.params.emplace_back(c.value);
  }
  if (!filter.exclude_ids.empty()) {
    parts.push_back(fmt::format("{}.id NOT IN ({})", a, Placeholders(filter.exclude_ids.size())));
    for (const auto& id : filter.exclude_ids) out.params.emplace_back(id);
  }
  if (parts.empty()) {
    out.where = "1";
  } else {
    out.where = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) out.where += " AND " + parts[i];
  }
  return out;
}

}  // namespace ohlcv::index_internal
