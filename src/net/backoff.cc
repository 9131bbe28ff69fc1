#include "net/backoff.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace ohlcv {

std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max_backoff, double unit_random) {
  using std::chrono::milliseconds;
  const int64_t cap = std::max<int64_t>(0, max_backoff.count());
  int64_t d = std::max<int64_t>(0, initial.count());
  // Doubling stops at the cap, so large retry counts cannot overflow.
  for (int i = 0; i < retry && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  const double u = std::clamp(unit_random, 0.0, 1.0);
  const int64_t half = d / 2;
  return milliseconds(half + static_cast<int64_t>(u * static_cast<double>(d - half)));
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         int64_t now_seconds) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // More than 9 digits is far beyond any cap; clamp instead of overflowing.
    if (value.size() > 9) return std::chrono::milliseconds(int64_t{999999999} * 1000);
    return std::chrono::milliseconds(std::stoll(std::string(value)) * 1000);
  }
  // curl_getdate understands the RFC 7231 date formats (and is thread-safe).
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const int64_t delta = static_cast<int64_t>(when) - now_seconds;
  return std::chrono::milliseconds(std::max<int64_t>(0, delta) * 1000);
}

}  // namespace ohlcv
