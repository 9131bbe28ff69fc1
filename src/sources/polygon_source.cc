// Polygon.io aggregates source (NewPolygonSource in sources/source.h).
//
// GET {base}/v2/aggs/ticker/{T}/range/{mult}/{timespan}/{from}/{to}
//     ?adjusted=true&sort=asc&limit=50000&apiKey=
// Reply (documented format):
//   {"ticker": "AAPL", "status": "OK", "queryCount": 2, "resultsCount": 2, "adjusted": true,
//    "results": [{"t": 1673240400000, "o": 130.465, "h": 133.41, "l": 129.89, "c": 130.15,
//                 "v": 70790813, "vw": 131.6292, "n": 645365}, ...],
//    "request_id": "...", "next_url": "https://api.polygon.io/v2/aggs/...?cursor=..."}
//   errors: {"status": "ERROR", "error": "Unknown API Key"} (401),
//           {"status": "NOT_AUTHORIZED", "message": "You are not entitled to this data..."} (403),
//           {"status": "ERROR", "error": "You've exceeded the maximum requests per minute..."} (429).
// `t` is the window start in Unix milliseconds. Daily and longer bars start
// at midnight US/Eastern and are re-stamped 00:00 UTC of that date; intraday
// bars keep the UTC time. next_url pages are followed (apiKey appended) up to
// kMaxPages. resultsCount 0 is an empty range: OK, no series. Polygon has no
// separate adjusted close (adjusted=true adjusts o/h/l/c for splits), so
// adj_close stays NaN.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "sources/remote_common.h"
#include "sources/source.h"
#include "util/time.h"

namespace ohlcv {
namespace {

constexpr std::string_view kName = "polygon";
constexpr std::string_view kDefaultBase = "https://api.polygon.io";
constexpr const char* kKeyEnv = "POLYGON_API_KEY";
// 50,000 bars a page: 200 pages is ~10M bars, far beyond any sane request;
// the bound stops a server that keeps returning next_url.
constexpr int kMaxPages = 200;

struct Span {
  int multiplier = 0;
  std::string_view timespan;
};

Span SpanFor(Interval interval) {
  switch (interval) {
    case Interval::k1m: return {1, "minute"};
    case Interval::k5m: return {5, "minute"};
    case Interval::k15m: return {15, "minute"};
    case Interval::k30m: return {30, "minute"};
    case Interval::k1h: return {1, "hour"};
    case Interval::k1d: return {1, "day"};
    case Interval::k1wk: return {1, "week"};
    case Interval::k1mo: return {1, "month"};
  }
  return {};
}

// The reply's status/error fields -> Status; OK when the page carries data.
Status PageStatus(const nlohmann::json& j, const HttpResponse& r, const std::string& ticker) {
  const std::string status = j.contains("status") && j.at("status").is_string()
                                 ? j.at("status").get<std::string>()
                                 : std::string();
  std::string text;
  for (const char* key : {"error", "message"}) {
    if (j.contains(key) && j.at(key).is_string()) {
      text = j.at(key).get<std::string>();
      break;
    }
  }
  const bool http_ok = r.status >= 200 && r.status <= 299;
  if (http_ok && status != "ERROR" && status != "NOT_AUTHORIZED") return Status::Ok();
  const std::string msg = fmt::format("{}:{}: {}{}{}", kName, ticker, status.empty() ? "error" : status,
                                      text.empty() ? "" : ": ", text);
  if (status == "NOT_AUTHORIZED" || r.status == 403) return Status::PermissionDenied(msg);
  if (r.status == 401 || text.find("API Key") != std::string::npos) return Status::Unauthenticated(msg);
  if (r.status == 429 || text.find("exceeded the maximum requests") != std::string::npos) {
    return Status::ResourceExhausted(msg);
  }
  if (!http_ok) return remote::HttpError(r, kName, ticker, text.empty() ? status : text);
  return Status::InvalidArgument(msg);
}

// Result field "t" in Unix ms; nullopt when absent or not a plausible time.
std::optional<int64_t> Millis(const nlohmann::json& r) {
  if (!r.contains("t")) return std::nullopt;
  const nlohmann::json& t = r.at("t");
  // Beyond ~285,000 years either way is garbage (and would overflow below).
  constexpr int64_t kLimit = int64_t{9'000'000'000'000'000};
  if (t.is_number_integer() && !t.is_number_unsigned()) {
    const int64_t v = t.get<int64_t>();
    if (v > -kLimit && v < kLimit) return v;
  } else if (t.is_number_unsigned()) {
    const uint64_t v = t.get<uint64_t>();
    if (v < static_cast<uint64_t>(kLimit)) return static_cast<int64_t>(v);
  } else if (t.is_number_float()) {
    const double d = t.get<double>();
    if (std::isfinite(d) && std::abs(d) < 9e15) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

// Appends one page's results; `row` numbers reply rows across pages.
void DecodePage(const nlohmann::json& results, bool daily, size_t* row,
                remote::SeriesBuilder* builder) {
  for (const nlohmann::json& r : results) {
    const size_t i = (*row)++;
    if (!r.is_object()) {
      builder->Skip(i, "result is not an object");
      continue;
    }
    std::optional<int64_t> bar_ts;
    if (std::optional<int64_t> ms = Millis(r); ms) {
      const int64_t utc = *ms >= 0 ? *ms / 1000 : -((-*ms + 999) / 1000);
      bar_ts = daily ? remote::DayStart(utc + remote::UsEasternOffset(utc)) : utc;
    }
    std::string missing = bar_ts ? "" : "t";
    for (const char* f : {"o", "h", "l", "c", "v"}) {
      if (!r.contains(f) || !r.at(f).is_number()) missing += missing.empty() ? f : std::string("/") + f;
    }
    if (!missing.empty()) {
      builder->Skip(i, "missing or non-numeric " + missing, bar_ts);
      continue;
    }
    Bar bar;
    bar.ts = *bar_ts;
    bar.open = r.at("o").get<double>();
    bar.high = r.at("h").get<double>();
    bar.low = r.at("l").get<double>();
    bar.close = r.at("c").get<double>();
    bar.volume = r.at("v").get<double>();
    builder->Add(i, bar);
  }
}

class PolygonSource final : public remote::KeyedRestSource {
 public:
  explicit PolygonSource(RemoteSourceOptions options)
      : KeyedRestSource(std::move(options), kName, kDefaultBase, kKeyEnv) {}

  Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) override {
    OHLCV_ASSIGN_OR_RETURN(const std::string key, Key());
    const Span span = SpanFor(request.interval);
    if (span.multiplier == 0) return Status::InvalidArgument(fmt::format("{}: unsupported interval", kName));
    const bool daily = !IsIntraday(request.interval);
    const int64_t start = request.start.value_or(0);
    const int64_t end = request.end.value_or(NowSeconds());
    // Dates for daily ranges (Polygon reads them in exchange time); Unix ms
    // for intraday so partial days are exact.
    const std::string from = daily ? FormatDate(start) : std::to_string(start * 1000);
    const std::string to = daily ? FormatDate(end) : std::to_string(end * 1000 + 999);
    std::string url = fmt::format(
        "{}/v2/aggs/ticker/{}/range/{}/{}/{}/{}?adjusted={}&sort=asc&limit=50000&apiKey={}", base_,
        UrlEncode(unit), span.multiplier, span.timespan, from, to, adjusted_ ? "true" : "false",
        UrlEncode(key));

    remote::SeriesBuilder builder(kName, unit, request);
    size_t row = 0;
    for (int page = 0;; ++page) {
      if (page == kMaxPages) {
        return Status::ResourceExhausted(fmt::format(
            "{}:{}: more than {} pages of results; narrow the date range", kName, unit, kMaxPages));
      }
      HttpRequest req;
      req.url = url;
      auto response = http_.Send(req);
      if (!response.ok()) return response.status().WithContext(fmt::format("{}:{}", kName, unit));
      const HttpResponse& r = *response;
      const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        if (r.status < 200 || r.status > 299) {
          return remote::HttpError(r, kName, unit, remote::Snippet(r.body));
        }
        return Status::InvalidArgument(fmt::format("{}:{}: malformed JSON reply (page {}): '{}'", kName,
                                                   unit, page + 1, remote::Snippet(r.body)));
      }
      OHLCV_RETURN_IF_ERROR(PageStatus(j, r, unit));
      if (j.contains("results") && !j.at("results").is_null()) {
        if (!j.at("results").is_array()) {
          return Status::InvalidArgument(
              fmt::format("{}:{}: malformed reply: results is not an array", kName, unit));
        }
        DecodePage(j.at("results"), daily, &row, &builder);
      }
      if (!j.contains("next_url") || !j.at("next_url").is_string() ||
          j.at("next_url").get_ref<const std::string&>().empty()) {
        break;
      }
      const std::string& next = j.at("next_url").get_ref<const std::string&>();
      url = next + (next.find('?') == std::string::npos ? "?" : "&") + "apiKey=" + UrlEncode(key);
    }
    return std::move(builder).Finish();
  }
};

}  // namespace

std::unique_ptr<Source> NewPolygonSource(RemoteSourceOptions options) {
  return std::make_unique<PolygonSource>(std::move(options));
}

}  // namespace ohlcv
