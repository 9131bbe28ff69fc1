// Yahoo Finance chart API source (NewYahooSource in sources/source.h).
//
// GET {base}/v8/finance/chart/{symbol}?period1=&period2=&interval=&events=div,split
// Reply (documented format):
//   {"chart": {"result": [{"meta": {"symbol": "AAPL", "gmtoffset": -18000, ...},
//                          "timestamp": [1577975400, ...],
//                          "indicators": {"quote": [{"open": [...], "high": [...],
//                                                    "low": [...], "close": [...],
//                                                    "volume": [...]}],
//                                         "adjclose": [{"adjclose": [...]}]}}],
//              "error": null}}
//   errors: {"chart": {"result": null, "error": {"code": "Not Found",
//                                                "description": "No data found, symbol may be delisted"}}}
// Timestamps are the bar's start in UTC. Daily, weekly and monthly bars are
// re-stamped 00:00 UTC of their exchange-local date (timestamp + meta.gmtoffset);
// intraday bars keep the UTC timestamp. Rows with a null price are skipped
// and reported (Yahoo emits them for halts and holidays); a null volume is
// taken as 0 (indices have none). A reply without "timestamp" is an empty
// range: OK, no series.
#include <fmt/format.h>

#include <optional>
#include <utility>

#include "sources/remote_common.h"
#include "sources/source.h"
#include "util/time.h"

namespace ohlcv {
namespace {

constexpr std::string_view kName = "yahoo";
constexpr std::string_view kDefaultBase = "https://query1.finance.yahoo.com";
// period1 for "as far back as possible": 1900-01-01, before any listing.
constexpr int64_t kEarliest = -2208988800;

std::string_view YahooInterval(Interval interval) {
  switch (interval) {
    case Interval::k1m: return "1m";
    case Interval::k5m: return "5m";
    case Interval::k15m: return "15m";
    case Interval::k30m: return "30m";
    case Interval::k1h: return "60m";
    case Interval::k1d: return "1d";
    case Interval::k1wk: return "1wk";
    case Interval::k1mo: return "1mo";
  }
  return "";
}

// chart.error -> Status. Yahoo says "Not Found" for unknown symbols and empty
// ranges of delisted ones; everything else is a bad request or an outage.
Status ChartError(const nlohmann::json& error, const HttpResponse& response,
                  const std::string& ticker) {
  const std::string code = error.value("code", std::string());
  const std::string description = error.value("description", std::string());
  const std::string msg = fmt::format("{}:{}: {}{}{}", kName, ticker, code,
                                      description.empty() ? "" : ": ", description);
  if (code == "Not Found" || description.find("No data found") != std::string::npos) {
    return Status::NotFound(msg);
  }
  if (code == "Unauthorized") return Status::Unauthenticated(msg);
  if (code == "Too Many Requests" || response.status == 429) return Status::ResourceExhausted(msg);
  if (response.status >= 500) return Status::Unavailable(msg);
  return Status::InvalidArgument(msg);
}

// Array `name` of `obj`, or an empty array when absent. Throws (caught by
// the caller) when present but not an array.
const nlohmann::json& ArrayOrEmpty(const nlohmann::json& obj, const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!obj.is_object() || !obj.contains(name) || obj.at(name).is_null()) return kEmpty;
  const nlohmann::json& a = obj.at(name);
  if (!a.is_array()) throw nlohmann::json::type_error::create(302, std::string(name) + " is not an array", &a);
  return a;
}

// A timestamp entry as epoch seconds; nullopt unless a plausible integer
// (|ts| < ~300,000 years), which also keeps the arithmetic from overflowing.
std::optional<int64_t> EpochSeconds(const nlohmann::json& v) {
  constexpr int64_t kLimit = int64_t{10'000'000'000'000};
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u < static_cast<uint64_t>(kLimit)) return static_cast<int64_t>(u);
  } else if (v.is_number_integer()) {
    const int64_t x = v.get<int64_t>();
    if (x > -kLimit && x < kLimit) return x;
  }
  return std::nullopt;
}

Result<FetchResult> Decode(const nlohmann::json& result, const std::string& ticker,
                           const FetchRequest& request) {
  remote::SeriesBuilder builder(kName, ticker, request);
  const nlohmann::json& meta = result.contains("meta") ? result.at("meta") : nlohmann::json::object();
  int64_t gmtoffset = 0;  // seconds east of UTC; real ones are within +-14 h
  if (meta.is_object() && meta.contains("gmtoffset")) {
    if (auto off = EpochSeconds(meta.at("gmtoffset")); off && *off > -86400 && *off < 86400) {
      gmtoffset = *off;
    }
  }
  const nlohmann::json& ts = ArrayOrEmpty(result, "timestamp");
  if (ts.empty()) return std::move(builder).Finish();

  const nlohmann::json& indicators = result.at("indicators");
  const nlohmann::json& quote = indicators.at("quote").at(0);
  const nlohmann::json* cols[5] = {&ArrayOrEmpty(quote, "open"), &ArrayOrEmpty(quote, "high"),
                                   &ArrayOrEmpty(quote, "low"), &ArrayOrEmpty(quote, "close"),
                                   &ArrayOrEmpty(quote, "volume")};
  static constexpr const char* kColNames[5] = {"open", "high", "low", "close", "volume"};
  for (int c = 0; c < 5; ++c) {
    if (cols[c]->size() != ts.size()) {
      return Status::InvalidArgument(fmt::format(
          "{}:{}: malformed reply: {} timestamps but {} {} values", kName, ticker, ts.size(),
          cols[c]->size(), kColNames[c]));
    }
  }
  const nlohmann::json* adj = nullptr;
  if (indicators.contains("adjclose") && indicators.at("adjclose").is_array() &&
      !indicators.at("adjclose").empty()) {
    const nlohmann::json& a = ArrayOrEmpty(indicators.at("adjclose").at(0), "adjclose");
    if (a.size() == ts.size()) adj = &a;
  }

  const bool daily = !IsIntraday(request.interval);
  for (size_t i = 0; i < ts.size(); ++i) {
    const std::optional<int64_t> raw_ts = EpochSeconds(ts[i]);
    if (!raw_ts) {
      builder.Skip(i, fmt::format("bad timestamp '{}'", remote::Snippet(ts[i].dump(), 40)));
      continue;
    }
    const int64_t raw = *raw_ts;
    const int64_t bar_ts = daily ? remote::DayStart(raw + gmtoffset) : raw;
    std::string nulls;
    for (int c = 0; c < 4; ++c) {
      if ((*cols[c])[i].is_null()) nulls += nulls.empty() ? kColNames[c] : std::string("/") + kColNames[c];
    }
    if (!nulls.empty()) {
      builder.Skip(i, "null " + nulls + " (no trade reported)", bar_ts);
      continue;
    }
    Bar bar;
    bar.ts = bar_ts;
    bar.open = remote::JsonNumber((*cols[0])[i]);
    bar.high = remote::JsonNumber((*cols[1])[i]);
    bar.low = remote::JsonNumber((*cols[2])[i]);
    bar.close = remote::JsonNumber((*cols[3])[i]);
    bar.volume = (*cols[4])[i].is_null() ? 0.0 : remote::JsonNumber((*cols[4])[i]);
    bar.adj_close = adj != nullptr ? remote::JsonNumber((*adj)[i]) : kNaN;
    builder.Add(i, bar);
  }
  return std::move(builder).Finish();
}

class YahooSource final : public Source {
 public:
  explicit YahooSource(RemoteSourceOptions options)
      : base_(remote::BaseUrl(options.base_url, kDefaultBase)), http_(options.http) {}

  std::string_view name() const override { return kName; }
  bool incremental() const override { return true; }

  Result<std::vector<std::string>> Plan(const FetchRequest& request) override {
    return remote::PlanTickers(request, kName);
  }

  Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) override {
    const std::string_view interval = YahooInterval(request.interval);
    if (interval.empty()) {
      return Status::InvalidArgument(fmt::format("{}: unsupported interval", kName));
    }
    // Yahoo filters on the raw UTC stamp while daily bars are kept by local
    // date, so widen daily ranges by a day each side and filter afterwards.
    const bool daily = !IsIntraday(request.interval);
    int64_t period1 = request.start.value_or(kEarliest);
    int64_t period2 = request.end ? *request.end + 1 : NowSeconds();
    if (daily) {
      if (request.start) period1 = remote::DayStart(period1) - 86400;
      if (request.end) period2 = remote::DayStart(*request.end) + 2 * 86400;
    }
    HttpRequest req;
    req.url = fmt::format("{}/v8/finance/chart/{}?period1={}&period2={}&interval={}&events=div,split",
                          base_, UrlEncode(unit), period1, period2, interval);
    req.headers = {{"Accept", "application/json"}};
    auto response = http_.Send(req);
    if (!response.ok()) return response.status().WithContext(fmt::format("{}:{}", kName, unit));
    const HttpResponse& r = *response;

    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    const bool has_chart = !j.is_discarded() && j.is_object() && j.contains("chart") &&
                           j.at("chart").is_object();
    if (!has_chart) {
      if (r.status < 200 || r.status > 299) return remote::HttpError(r, kName, unit, remote::Snippet(r.body));
      return Status::InvalidArgument(fmt::format("{}:{}: malformed reply (no chart object): '{}'",
                                                 kName, unit, remote::Snippet(r.body)));
    }
    try {
      const nlohmann::json& chart = j.at("chart");
      if (chart.contains("error") && chart.at("error").is_object()) {
        return ChartError(chart.at("error"), r, unit);
      }
      if (r.status < 200 || r.status > 299) return remote::HttpError(r, kName, unit, "");
      if (!chart.contains("result") || !chart.at("result").is_array()) {
        return Status::InvalidArgument(
            fmt::format("{}:{}: malformed reply (no chart.result)", kName, unit));
      }
      if (chart.at("result").empty()) {
        return Status::NotFound(fmt::format("{}:{}: no data in reply", kName, unit));
      }
      return Decode(chart.at("result").at(0), unit, request);
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(fmt::format("{}:{}: malformed reply: {}", kName, unit, e.what()));
    }
  }

 private:
  const std::string base_;
  HttpClient http_;  // safe for concurrent use: Fetch may run on several threads
};

}  // namespace

std::unique_ptr<Source> NewYahooSource(RemoteSourceOptions options) {
  return std::make_unique<YahooSource>(std::move(options));
}

}  // namespace ohlcv
