#include "sources/remote_common.h"

#include "core/exchange.h"
#include "core/ticker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "sources/bar_check.h"
#include "util/time.h"

namespace ohlcv::remote {
namespace {

// New York's wall clock (core/exchange.h, date/tz), one per thread: a clock
// caches the current offset, so converting a reply's bars costs one tz
// lookup per daylight-saving switch.
LocalClock& NewYork() {
  thread_local LocalClock clock(*FindExchange("XNYS"));
  return clock;
}

}  // namespace

Result<std::vector<std::string>> PlanTickers(const FetchRequest& request, std::string_view source) {
  auto parsed = ParseTickerList(request.tickers);
  if (!parsed.ok()) return Status::InvalidArgument(fmt::format("{}: {}", source, parsed.status().message()));
  std::vector<std::string> out = std::move(*parsed);
  if (out.empty()) {
    return Status::InvalidArgument(fmt::format("{}: no tickers requested", source));
  }
  return out;
}

std::string BaseUrl(const std::string& configured, std::string_view default_url) {
  std::string url = configured.empty() ? std::string(default_url) : configured;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Result<std::string> ResolveApiKey(const std::string& from_options, const char* env_var,
                                  std::string_view source) {
  if (!from_options.empty()) return from_options;
  return Status::Unauthenticated(fmt::format(
      "{}: no API key; set {} (or {}_FILE naming a file that holds it)", source, env_var, env_var));
}

std::string Snippet(std::string_view body, size_t max_chars) {
  std::string out;
  for (char c : body.substr(0, max_chars)) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  if (body.size() > max_chars) out += "...";
  return out;
}

Result<nlohmann::json> ParseJsonObject(const std::string& body, std::string_view source,
                                       std::string_view ticker) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(fmt::format("{}:{}: malformed JSON reply: '{}'", source, ticker,
                                               Snippet(body)));
  }
  return j;
}

Status HttpError(const HttpResponse& response, std::string_view source, std::string_view ticker,
                 std::string_view detail) {
  std::string msg = fmt::format("{}:{}: HTTP {}", source, ticker, response.status);
  if (!detail.empty()) msg += fmt::format(": {}", detail);
  if (response.attempts > 1) msg += fmt::format(" (after {} attempts)", response.attempts);
  const long s = response.status;
  if (s == 401) return Status::Unauthenticated(std::move(msg));
  if (s == 403) return Status::PermissionDenied(std::move(msg));
  if (s == 404) return Status::NotFound(std::move(msg));
  if (s == 429) return Status::ResourceExhausted(std::move(msg));
  if (s >= 500) return Status::Unavailable(std::move(msg));
  return Status::InvalidArgument(std::move(msg));
}

double NumberFromText(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) return v;
  return kNaN;
}

int64_t UsEasternOffset(int64_t utc_ts) { return NewYork().Offset(utc_ts); }

int64_t UsEasternToUtc(int64_t local_ts) { return NewYork().ToUtc(local_ts); }

int64_t DayStart(int64_t ts) {
  int64_t d = ts / 86400;
  if (ts % 86400 < 0) --d;
  return d * 86400;
}

SeriesBuilder::SeriesBuilder(std::string_view source, std::string ticker,
                             const FetchRequest& request)
    : source_(source), request_(request) {
  series_.ticker = std::move(ticker);
  series_.interval = request.interval;
}

bool SeriesBuilder::InRange(int64_t ts) const {
  return !(request_.start && ts < *request_.start) && !(request_.end && ts > *request_.end);
}

void SeriesBuilder::Add(size_t reply_row, const Bar& bar) {
  ++rows_read_;
  if (!InRange(bar.ts)) return;
  series_.push_back(bar);
  reply_row_.push_back(static_cast<uint32_t>(reply_row));
}

void SeriesBuilder::Skip(size_t reply_row, std::string reason, std::optional<int64_t> ts) {
  ++rows_read_;
  if (ts && !InRange(*ts)) return;
  issues_.push_back(RowIssue{Where(reply_row), std::move(reason)});
}

std::string SeriesBuilder::Where(size_t reply_row) const {
  return fmt::format("{}:{}[{}]", source_, series_.ticker, reply_row);
}

Result<FetchResult> SeriesBuilder::Finish() && {
  CleanSeries(&series_, [this](size_t row) { return Where(reply_row_[row]); }, &issues_);
  // Skip() issues were appended before CleanSeries' ones; report by reply row.
  std::stable_sort(issues_.begin(), issues_.end(), [](const RowIssue& a, const RowIssue& b) {
    auto row = [](const std::string& w) {
      const size_t open = w.rfind('[');
      return open == std::string::npos ? 0L : std::strtol(w.c_str() + open + 1, nullptr, 10);
    };
    return row(a.where) < row(b.where);
  });
  if (request_.strict) OHLCV_RETURN_IF_ERROR(StrictStatus(issues_));
  FetchResult out;
  out.rows_read = rows_read_;
  out.issues = std::move(issues_);
  if (!series_.empty()) out.series.push_back(std::move(series_));
  return out;
}

}  // namespace ohlcv::remote
