// Source: where bars come from. Five implementations: CSV files/folders,
// Yahoo Finance, Alpha Vantage, Polygon.io and a seeded synthetic generator.
//
// A fetch is planned as units of work (a file for CSV, a ticker for remote
// APIs) so that the pipeline can run units in parallel and report progress.
// Every implementation is safe for concurrent Fetch calls on distinct units.
// Rows that fail validation (sources/bar_check.h) are skipped and reported as
// RowIssues; with FetchRequest::strict the first one fails the unit instead.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bar_series.h"
#include "core/status.h"
#include "net/http_client.h"

namespace ohlcv {

struct FetchRequest {
  std::vector<std::string> tickers;  // remote/synthetic: what to fetch; CSV: filter (empty = all)
  Interval interval = Interval::k1d;
  std::optional<int64_t> start;      // inclusive, UTC epoch seconds; nullopt = as far back as possible
  std::optional<int64_t> end;        // inclusive; nullopt = up to now / latest
  bool strict = false;               // any bad row fails the unit
};

// One skipped (or, under strict, fatal) input row.
struct RowIssue {
  std::string where;   // "path/AAPL.csv:17" or "yahoo:AAPL[42]"
  std::string reason;  // "high < low (10.2 < 10.5)"
};

struct FetchResult {
  std::vector<BarSeries> series;  // one per ticker found in the unit; bars sorted, unique
  std::vector<RowIssue> issues;   // skipped rows
  uint64_t rows_read = 0;         // data rows seen, good or bad
};

class Source {
 public:
  virtual ~Source() = default;

  // "csv", "yahoo", "alphavantage", "polygon", "synthetic".
  virtual std::string_view name() const = 0;

  // True when a unit can be fetched from a start time, so an ingest asks only
  // for the bars after the newest stored one (the remote APIs). False for
  // sources that are cheap and idempotent to read whole (files, the seeded
  // generator). Default false.
  virtual bool incremental() const { return false; }

  // The units a fetch of `request` is made of, in a stable order.
  virtual Result<std::vector<std::string>> Plan(const FetchRequest& request) = 0;

  // Fetches one unit returned by Plan. Errors: NotFound (no such ticker/file),
  // InvalidArgument (strict and a bad row; malformed input), Unavailable /
  // DeadlineExceeded / ResourceExhausted (remote side), Unauthenticated.
  virtual Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) = 0;

  // A cheap token that changes whenever Fetch(unit, ...) could return other
  // bars (CSV: the file's size, mtime and a hash of its tail). The pipeline
  // skips a unit whose token matches the one recorded after its last
  // complete ingest. nullopt (the default): no such token, always fetched.
  virtual Result<std::optional<std::string>> Fingerprint(const std::string& unit) {
    (void)unit;
    return std::optional<std::string>();
  }

  // True when the bars are generated (demo data), not market prices: the
  // pipeline flags the tickers it writes so status and answers can say so.
  virtual bool synthetic() const { return false; }
};

struct CsvSourceOptions {
  std::string path;  // a .csv file or a folder of them (non-recursive; *.csv, *.txt)
  // Ticker for files without a ticker column; default: the file name's stem, upper-cased.
  std::string ticker_override;
  // When confined, only files inside allowed_roots are read (sources/csv_paths.h;
  // no roots = nothing) and a symlink in a folder pointing outside is skipped.
  // The HTTP API confines; the CLI does not.
  bool confined = false;
  std::vector<std::string> allowed_roots;
  // Files larger than this are refused (InvalidArgument); 0 = no limit.
  uint64_t max_file_bytes = 0;
};

struct RemoteSourceOptions {
  std::string base_url;  // empty = the service's public URL; tests point it at loopback
  std::string api_key;   // Alpha Vantage / Polygon; NewSourceByName fills it from SourceConfig
  HttpClientOptions http;
  bool adjusted = true;  // Alpha Vantage TIME_SERIES_DAILY_ADJUSTED, Polygon adjusted=true
};

struct SyntheticSourceOptions {
  uint64_t seed = 42;
  int64_t start_ts = 1420070400;  // 2015-01-01; first bar
  size_t bars = 1260;             // per ticker when the request has no start and no end
  int64_t now_ts = 0;             // no bar after this; 0 = the clock (tests pin it)
};

std::unique_ptr<Source> NewCsvSource(CsvSourceOptions options);
std::unique_ptr<Source> NewYahooSource(RemoteSourceOptions options);
std::unique_ptr<Source> NewAlphaVantageSource(RemoteSourceOptions options);
std::unique_ptr<Source> NewPolygonSource(RemoteSourceOptions options);
std::unique_ptr<Source> NewSyntheticSource(SyntheticSourceOptions options);

}  // namespace ohlcv
