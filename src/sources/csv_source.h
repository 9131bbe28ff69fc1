// CSV parsing behind NewCsvSource (declared in sources/source.h), exposed so
// that tests and the fuzz target can feed a buffer without touching files.
//
// Accepted input (issue 2, "Sources"):
//  - A header row, then one bar per row. Columns are found by name in any
//    order and case; punctuation, spaces and underscores in names are ignored
//    ("Adj Close" = "adj_close" = "AdjClose", "<DATE>" = "Date"):
//      time:   Date | Datetime | Timestamp | Time  (a separate "Time" column
//              beside "Date" is joined to it: "2019-03-01" + "14:30")
//      prices: Open, High, Low, Close; optional Adj Close / Adjusted Close
//      volume: Volume | Vol (integer or float text, "23651900.0")
//      ticker: optional Name | Ticker | Symbol; a file may hold several
//              tickers, giving one series each in order of first appearance.
//    Without a ticker column the ticker is `ticker_override`, else the file
//    name's stem, upper-cased ("data/brk-b.csv" -> "BRK-B").
//  - Times: anything util/time.h ParseTimestamp accepts (ISO dates,
//    date-times with offsets, YYYYMMDD, epoch seconds or milliseconds) plus
//    fractional epoch seconds ("1551398400.0"), from 1800 to 2300. Plain YYYY-MM-DD has a fast
//    path here; the rest goes through ParseTimestamp.
//  - RFC 4180 quoting (including "" escapes and quoted newlines), CRLF or LF,
//    a UTF-8 BOM, blank lines and all-empty rows (",,,"), trailing commas,
//    spaces around fields. Extra fields beyond the header are ignored.
//  - An empty buffer or a header with no rows is OK with no series.
// Rejected input: a header lacking Date/Open/High/Low/Close/Volume is
// InvalidArgument naming the missing columns and quoting the header found.
// Bad rows follow sources/bar_check.h: skipped and reported as
// RowIssue{"<name>:<line>", reason} (line numbers are 1-based, counting the
// header), or with FetchRequest::strict an InvalidArgument for the first one.
// Rows outside request.start/end or not in request.tickers are counted in
// rows_read but neither validated nor reported; a file without a ticker
// column whose ticker is filtered out is not parsed at all (rows_read 0). Each series' interval is
// request.interval (a CSV file does not say what its bars span).
//
// Thread-safety: pure functions; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "sources/source.h"

namespace ohlcv {

// Parses one CSV document. `name` is used in RowIssue::where and error
// messages and, unless `ticker_override` is non-empty, gives the default
// ticker (see above). `data` need not be NUL-terminated or valid UTF-8.
Result<FetchResult> ParseCsvBuffer(std::string_view data, const std::string& name,
                                   const FetchRequest& request,
                                   std::string_view ticker_override = {});

// Bytes at the end of a file hashed into its fingerprint.
inline constexpr size_t kFingerprintTailBytes = 4096;

// "size:mtime:tailhash" of a regular file: changes when the file is appended
// to, truncated, rewritten (new mtime) or its last kFingerprintTailBytes
// change. One fstat and one pread; NotFound / IOError like Fetch.
Result<std::string> CsvFileFingerprint(const std::string& path);

// The ticker a file stands for: its stem, trimmed and upper-cased.
std::string TickerFromFileName(std::string_view path);

// True when the first record of `head` (the start of a CSV document) has a
// ticker column (Name, Ticker or Symbol), so its rows may name any ticker.
bool CsvHeaderNamesTickers(std::string_view head);

}  // namespace ohlcv
