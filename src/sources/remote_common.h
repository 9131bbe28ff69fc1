// Helpers shared by the three remote sources (Yahoo, Alpha Vantage,
// Polygon): planning tickers, API keys, base URLs, JSON bodies, HTTP status
// to Status mapping, US/Eastern clock conversion, and SeriesBuilder, which
// turns decoded reply rows into a validated FetchResult.
//
// Private to sources/: other folders include sources/source.h only.
// Thread-safety: free functions are pure; a SeriesBuilder is a per-fetch value needing external
// synchronization.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bar_series.h"
#include "core/status.h"
#include "net/http_client.h"
#include "sources/source.h"

namespace ohlcv::remote {

// Units for a remote fetch: the request's tickers, trimmed and upper-cased,
// duplicates removed, in request order. InvalidArgument when there are none
// or one holds characters no exchange symbol uses (allowed: A-Z 0-9 . - ^ = _ /).
Result<std::vector<std::string>> PlanTickers(const FetchRequest& request, std::string_view source);

// `configured` without trailing '/', or `default_url` when empty.
std::string BaseUrl(const std::string& configured, std::string_view default_url);

// The key from the options; Unauthenticated naming the setting (`env_var`)
// when it is empty. Keys reach sources only through the settings table.
Result<std::string> ResolveApiKey(const std::string& from_options, const char* env_var,
                                  std::string_view source);

// Parses a reply body. InvalidArgument "<source>:<ticker>: malformed JSON ..."
// (quoting the start of the body) when it is not JSON or not an object.
Result<nlohmann::json> ParseJsonObject(const std::string& body, std::string_view source,
                                       std::string_view ticker);

// Status for a non-2xx reply whose body said nothing more specific:
// 401 Unauthenticated, 403 PermissionDenied, 404 NotFound, 429
// ResourceExhausted, 5xx Unavailable, other InvalidArgument. `detail` (the
// service's own message, may be empty) is appended.
Status HttpError(const HttpResponse& response, std::string_view source, std::string_view ticker,
                 std::string_view detail);

// First characters of a body, one line, for error messages.
std::string Snippet(std::string_view body, size_t max_chars = 160);

// Numeric JSON value as double; NaN for null, strings that are not numbers
// and anything else. Strings are accepted because Alpha Vantage quotes
// numbers. Works for nlohmann::json and nlohmann::ordered_json.
double NumberFromText(const std::string& text);
template <typename Json>
double JsonNumber(const Json& value) {
  if (value.is_number()) return value.template get<double>();
  if (value.is_string()) return NumberFromText(value.template get_ref<const std::string&>());
  return kNaN;
}

// US/Eastern (America/New_York) offset from UTC in seconds at `utc_ts`:
// -14400 in daylight time, -18000 otherwise, from the tz database (date/tz
// through core/exchange.h's LocalClock, one per thread).
int64_t UsEasternOffset(int64_t utc_ts);
// Converts an Eastern wall-clock time (as epoch seconds of that wall clock
// read as UTC) to UTC. Nonexistent spring-forward times map forward;
// ambiguous fall-back times map to standard time.
int64_t UsEasternToUtc(int64_t local_ts);

// 00:00 UTC of the day containing `ts` (floor, also for negative ts).
int64_t DayStart(int64_t ts);

// Collects one ticker's reply rows, then validates them the shared way
// (sources/bar_check.h): Add() for decoded rows, Skip() for rows that could
// not be decoded (null fields, bad dates). Rows outside the request's
// [start, end] are counted but neither kept nor reported. RowIssue::where is
// "<source>:<ticker>[<reply row>]".
class SeriesBuilder {
 public:
  SeriesBuilder(std::string_view source, std::string ticker, const FetchRequest& request);

  void Add(size_t reply_row, const Bar& bar);
  // `ts` (the bar's timestamp, when it could be decoded) lets rows outside
  // the requested range go unreported, as Add() would drop them anyway.
  void Skip(size_t reply_row, std::string reason, std::optional<int64_t> ts = std::nullopt);

  // CleanSeries (CheckBar, sort, dedup) and the strict check. Returns one
  // series, or none when no bar survived (an empty range is OK, as for an
  // empty CSV file), or InvalidArgument under strict for a bad row.
  Result<FetchResult> Finish() &&;

 private:
  std::string Where(size_t reply_row) const;
  bool InRange(int64_t ts) const;

  std::string source_;
  FetchRequest request_;
  BarSeries series_;
  std::vector<uint32_t> reply_row_;  // series_ index -> reply row
  std::vector<RowIssue> issues_;
  uint64_t rows_read_ = 0;
};

// The shared frame of the keyed REST sources (Alpha Vantage, Polygon): one
// unit per ticker, a base URL, an API key from the options (the settings
// table's ALPHA_VANTAGE_API_KEY / POLYGON_API_KEY, through SourceConfig), the adjusted flag, and one HTTP client that is
// safe for concurrent Fetch calls.
class KeyedRestSource : public Source {
 public:
  std::string_view name() const final { return name_; }
  bool incremental() const final { return true; }
  Result<std::vector<std::string>> Plan(const FetchRequest& request) final {
    return PlanTickers(request, name_);
  }

 protected:
  KeyedRestSource(RemoteSourceOptions options, std::string_view name, std::string_view default_base,
                  const char* key_env)
      : name_(name),
        key_env_(key_env),
        base_(BaseUrl(options.base_url, default_base)),
        api_key_(std::move(options.api_key)),
        adjusted_(options.adjusted),
        http_(options.http) {}

  Result<std::string> Key() const { return ResolveApiKey(api_key_, key_env_, name_); }

  const std::string_view name_;
  const char* const key_env_;
  const std::string base_;
  const std::string api_key_;  // empty: every Fetch fails Unauthenticated, naming key_env_
  const bool adjusted_;
  HttpClient http_;
};

}  // namespace ohlcv::remote
