// Row validation shared by every Source: which bars are unusable, which are
// kept with a note, and how a series is put into strictly increasing time
// order with duplicates and out-of-order rows reported.
//
// Policy (issue 2, "Bad input"):
//  - Hard defects make a row unusable; it is skipped and reported as a
//    RowIssue (under FetchRequest::strict the first one fails the unit):
//    non-finite or non-positive open/high/low/close, non-finite or negative
//    volume, a non-finite or non-positive adj close (NaN = unknown is fine),
//    high < low, open or close more than kRangeTolerance outside [low, high],
//    a duplicate timestamp (the first row in input order is kept), a row out
//    of the input's order.
//  - Open or close slightly outside [low, high] (at most kRangeTolerance of
//    the price) is a real-data quirk: the published S&P 500 set has three such
//    bars (DXC 2018-06-01 close below low; CBOE and DIS 2020-01-10 open above
//    high). Default: KEEP the bar unchanged, so indicators match TA-Lib run
//    on the same file, and report it as a RowIssue whose reason starts with
//    kKeptPrefix. Such notes never fail a strict fetch. Consumers that need
//    low <= open,close <= high must widen the range themselves.
//  - Zero volume is valid (1,330 bars of the shared set have it).
//
// Thread-safety: all functions are pure; safe to call concurrently on
// distinct series.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bar_series.h"
#include "core/status.h"
#include "sources/source.h"

namespace ohlcv {

// Largest relative distance of open/close outside [low, high] that is kept
// (0.02 = 2% of the price). The shared set's worst case is 0.67% (DIS).
inline constexpr double kRangeTolerance = 0.02;

// Reasons of rows that were kept, not skipped, start with this prefix.
inline constexpr std::string_view kKeptPrefix = "kept: ";

inline bool IsKeptNote(const RowIssue& issue) {
  return std::string_view(issue.reason).substr(0, kKeptPrefix.size()) == kKeptPrefix;
}

// Returns why `bar` is unusable ("high < low (10.2 < 10.5)"), or nullopt when
// it may be stored. Does not look at the timestamp.
std::optional<std::string> CheckBar(const Bar& bar);

// For a bar that passed CheckBar: the note to report when open or close lies
// (slightly) outside [low, high], already prefixed with kKeptPrefix; nullopt
// when the bar is in range.
std::optional<std::string> RangeNote(const Bar& bar);

// Names row `i` of a series for RowIssue::where ("data/AAPL.csv:17",
// "yahoo:AAPL[42]"). Called only for rows that get an issue.
using RowWhere = std::function<std::string(size_t row)>;

// Puts `series` into strictly increasing timestamp order. Input sorted
// newest-first is reversed silently. Otherwise rows that repeat an earlier
// timestamp (in input order) are dropped as duplicates, and the fewest rows
// that break the input's order are dropped as out of order (the longest
// increasing run is kept). Each dropped row is appended to `issues` with
// where(original row index), ordered by row index. Returns the number of
// rows dropped. Linear time when the input is already sorted either way.
// REQUIRES: all columns of `series` have size() elements.
size_t SortAndDedup(BarSeries* series, const RowWhere& where, std::vector<RowIssue>* issues);

// CheckBar + RangeNote on every row, dropping unusable rows, then
// SortAndDedup. The one call a remote source needs after decoding a reply.
// Issues are ordered by row index within each phase.
void CleanSeries(BarSeries* series, const RowWhere& where, std::vector<RowIssue>* issues);

// OK when `issues` holds only kept notes; otherwise InvalidArgument
// "<where>: <reason>" for the first skipped row in `issues`.
Status StrictStatus(const std::vector<RowIssue>& issues);

}  // namespace ohlcv
