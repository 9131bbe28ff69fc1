// Alpha Vantage source (NewAlphaVantageSource in sources/source.h).
//
// GET {base}/query?function=TIME_SERIES_DAILY[_ADJUSTED]|TIME_SERIES_WEEKLY[_ADJUSTED]|
//     TIME_SERIES_MONTHLY[_ADJUSTED]|TIME_SERIES_INTRADAY&symbol=&outputsize=full
//     [&interval=5min]&apikey=
// Reply (documented format), newest first:
//   {"Meta Data": {"1. Information": "...", "2. Symbol": "IBM", ..., "5. Time Zone": "US/Eastern"},
//    "Time Series (Daily)": {"2024-01-05": {"1. open": "160.07", "2. high": "160.51",
//                                           "3. low": "158.51", "4. close": "159.16",
//                                           "5. volume": "4106123"}, ...}}
// Adjusted series add "5. adjusted close" (volume becomes "6. volume"); fields
// are matched by name after the "N. " prefix, so either layout decodes.
// Errors arrive with HTTP 200: {"Error Message": ...} (unknown symbol or bad
// call), {"Note": ...} / {"Information": ...} (rate limit, premium endpoint).
// Daily/weekly/monthly dates become 00:00 UTC; intraday times are US/Eastern
// wall clock (Meta Data time zone) and are converted to UTC. The API has no
// date-range parameters: the full history is fetched and filtered here.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>

#include "sources/remote_common.h"
#include "sources/source.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using Json = nlohmann::ordered_json;  // keeps the reply's row order for RowIssue::where

constexpr std::string_view kName = "alphavantage";
constexpr std::string_view kDefaultBase = "https://www.alphavantage.co";
constexpr const char* kKeyEnv = "ALPHA_VANTAGE_API_KEY";

struct Endpoint {
  std::string function;
  std::string interval;  // intraday only
};

Endpoint EndpointFor(Interval interval, bool adjusted) {
  const std::string suffix = adjusted ? "_ADJUSTED" : "";
  switch (interval) {
    case Interval::k1m: return {"TIME_SERIES_INTRADAY", "1min"};
    case Interval::k5m: return {"TIME_SERIES_INTRADAY", "5min"};
    case Interval::k15m: return {"TIME_SERIES_INTRADAY", "15min"};
    case Interval::k30m: return {"TIME_SERIES_INTRADAY", "30min"};
    case Interval::k1h: return {"TIME_SERIES_INTRADAY", "60min"};
    case Interval::k1d: return {"TIME_SERIES_DAILY" + suffix, ""};
    case Interval::k1wk: return {"TIME_SERIES_WEEKLY" + suffix, ""};
    case Interval::k1mo: return {"TIME_SERIES_MONTHLY" + suffix, ""};
  }
  return {};
}

// "1. open" -> "open", "5. adjusted close" -> "adjusted close".
std::string_view FieldName(std::string_view key) {
  const size_t dot = key.find(". ");
  return dot == std::string_view::npos ? key : key.substr(dot + 2);
}

// The reply's message fields, checked when no time series is present.
Status ReplyError(const Json& j, const std::string& ticker) {
  auto text = [&](const char* key) {
    const Json& v = j.at(key);
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  if (j.contains("Error Message")) {
    const std::string m = text("Error Message");
    const std::string msg = fmt::format("{}:{}: {}", kName, ticker, m);
    if (m.find("apikey") != std::string::npos || m.find("API key") != std::string::npos) {
      return Status::Unauthenticated(msg);
    }
    // Alpha Vantage answers an unknown symbol with "Invalid API call".
    if (m.find("Invalid API call") != std::string::npos) return Status::NotFound(msg);
    return Status::InvalidArgument(msg);
  }
  for (const char* key : {"Note", "Information"}) {
    if (j.contains(key)) {
      return Status::ResourceExhausted(
          fmt::format("{}:{}: Alpha Vantage refused the call: {}", kName, ticker, text(key)));
    }
  }
  return Status::InvalidArgument(fmt::format("{}:{}: malformed reply (no time series): '{}'", kName,
                                             ticker, remote::Snippet(j.dump())));
}

Result<FetchResult> Decode(const Json& series, bool eastern, const std::string& ticker,
                           const FetchRequest& request) {
  remote::SeriesBuilder builder(kName, ticker, request);
  const bool daily = !IsIntraday(request.interval);
  size_t row = 0;
  for (const auto& [key, fields] : series.items()) {
    const size_t i = row++;
    std::optional<int64_t> ts = ParseTimestamp(key);
    if (!ts) {
      builder.Skip(i, fmt::format("bad timestamp '{}'", key));
      continue;
    }
    const int64_t bar_ts = daily ? remote::DayStart(*ts) : (eastern ? remote::UsEasternToUtc(*ts) : *ts);
    if (!fields.is_object()) {
      builder.Skip(i, "row is not an object", bar_ts);
      continue;
    }
    Bar bar;
    bar.ts = bar_ts;
    bool seen[5] = {false, false, false, false, false};
    for (const auto& [name, value] : fields.items()) {
      const std::string_view f = FieldName(name);
      const double v = remote::JsonNumber(value);
      if (f == "open") { bar.open = v; seen[0] = true; }
      else if (f == "high") { bar.high = v; seen[1] = true; }
      else if (f == "low") { bar.low = v; seen[2] = true; }
      else if (f == "close") { bar.close = v; seen[3] = true; }
      else if (f == "volume") { bar.volume = v; seen[4] = true; }
      else if (f == "adjusted close") bar.adj_close = v;
    }
    static constexpr const char* kNames[5] = {"open", "high", "low", "close", "volume"};
    std::string missing;
    for (int c = 0; c < 5; ++c) {
      if (!seen[c]) missing += missing.empty() ? kNames[c] : std::string("/") + kNames[c];
    }
    if (!missing.empty()) {
      builder.Skip(i, "missing " + missing, bar_ts);
      continue;
    }
    builder.Add(i, bar);
  }
  return std::move(builder).Finish();
}

class AlphaVantageSource final : public remote::KeyedRestSource {
 public:
  explicit AlphaVantageSource(RemoteSourceOptions options)
      : KeyedRestSource(std::move(options), kName, kDefaultBase, kKeyEnv) {}

  Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) override {
    OHLCV_ASSIGN_OR_RETURN(const std::string key, Key());
    const Endpoint ep = EndpointFor(request.interval, adjusted_);
    if (ep.function.empty()) return Status::InvalidArgument(fmt::format("{}: unsupported interval", kName));
    std::string url = fmt::format("{}/query?function={}&symbol={}&outputsize=full&datatype=json", base_,
                                  ep.function, UrlEncode(unit));
    if (!ep.interval.empty()) url += "&interval=" + ep.interval;
    url += "&apikey=" + UrlEncode(key);

    HttpRequest req;
    req.url = std::move(url);
    auto response = http_.Send(req);
    if (!response.ok()) return response.status().WithContext(fmt::format("{}:{}", kName, unit));
    const HttpResponse& r = *response;
    if (r.status < 200 || r.status > 299) return remote::HttpError(r, kName, unit, remote::Snippet(r.body));

    const Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::InvalidArgument(fmt::format("{}:{}: malformed JSON reply: '{}'", kName, unit,
                                                 remote::Snippet(r.body)));
    }
    try {
      const Json* series = nullptr;
      bool eastern = false;
      for (const auto& [k, v] : j.items()) {
        if (k.find("Time Series") != std::string::npos && v.is_object()) series = &v;
        if (k == "Meta Data" && v.is_object()) {
          for (const auto& [mk, mv] : v.items()) {
            if (mk.find("Time Zone") != std::string::npos && mv == "US/Eastern") eastern = true;
          }
        }
      }
      if (series == nullptr) return ReplyError(j, unit);
      return Decode(*series, eastern, unit, request);
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(fmt::format("{}:{}: malformed reply: {}", kName, unit, e.what()));
    }
  }
};

}  // namespace

std::unique_ptr<Source> NewAlphaVantageSource(RemoteSourceOptions options) {
  return std::make_unique<AlphaVantageSource>(std::move(options));
}

}  // namespace ohlcv
