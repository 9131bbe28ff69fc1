// Retry timing for HttpClient: exponential backoff with jitter, and the
// Retry-After header.
//
// Kept apart from the curl adapter so the arithmetic can be tested without a
// server. All functions are pure (the caller supplies the random draw) and
// thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ohlcv {

// Delay before retry number `retry` (0 = the first retry): initial * 2^retry,
// capped at max_backoff, then "equal jitter": a value in [d/2, d] chosen by
// `unit_random` in [0, 1). Jitter spreads the retries of many clients that
// failed together; keeping the lower half avoids hammering with ~0 waits.
// REQUIRES: retry >= 0, initial >= 0, max_backoff >= 0.
std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max_backoff, double unit_random);

// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now_seconds`). A date in the
// past gives 0. nullopt when the value is neither. The caller caps the result.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         int64_t now_seconds);

}  // namespace ohlcv
