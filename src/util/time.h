// Dates and times as UTC epoch seconds: parsing, formatting, periods.
//
// All functions are pure and thread-safe. No time zone database is used:
// inputs with an explicit offset (+02:00, Z) are converted to UTC, inputs
// without one are taken as UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ohlcv {

// Days since 1970-01-01 of a proleptic Gregorian date. REQUIRES: valid date.
int64_t DaysFromCivil(int year, unsigned month, unsigned day);

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate CivilFromDays(int64_t days);
CivilDate CivilFromTs(int64_t ts);

// Parses "2019-03-01", "2019-03-01 14:30[:00[.123]]", "2019-03-01T14:30:00Z",
// "...+02:00", "2019/03/01", "20190301" and epoch seconds ("1551398400",
// 10 digits or fewer; 13-digit values are taken as milliseconds).
// nullopt when the text is none of these or names an impossible date.
std::optional<int64_t> ParseTimestamp(std::string_view text);

// Like ParseTimestamp, but a bare date used as an inclusive END bound means
// the end of that day (23:59:59).
std::optional<int64_t> ParseEndTimestamp(std::string_view text);

// The one wording of a rejected date, for an API 400 and for a note in an
// answer alike: "'2019-02-30' is not a date (YYYY-MM-DD)". `text` is quoted
// as given, cut to 64 bytes.
std::string NotADate(std::string_view text);

// "2019-03-01".
std::string FormatDate(int64_t ts);
// "2019-03-01 14:30" when the time is not midnight, else "2019-03-01".
std::string FormatDateTime(int64_t ts);
// "2019-03-01T14:30:00Z".
std::string FormatIso8601(int64_t ts);
// "20190301" or "20190301T1430" (window ids).
std::string FormatCompact(int64_t ts);

// A period as users write it: "5d", "1mo", "6mo", "1y", "2y", "5y", "10y",
// "ytd", "max", also "30d", "12w". Returns the start timestamp relative to
// `now`; nullopt start for "max". InvalidArgument for anything else.
Result<std::optional<int64_t>> PeriodStart(std::string_view period, int64_t now);

// Current UTC epoch seconds.
int64_t NowSeconds();

}  // namespace ohlcv
