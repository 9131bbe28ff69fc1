// API-key authentication and per-key rate limiting for /api/ routes.
//
// A key is taken from `Authorization: Bearer K` or `X-API-Key: K`. It is
// compared with every configured key in constant time (time does not depend
// on where the first differing byte is, nor on which key matched), so the
// reply time leaks nothing about the keys. Keys are never logged: callers log
// KeyId() (a short non-reversible tag) instead.
//
// RateLimiter: one token bucket per client identity (rate tokens/s, burst
// tokens). The identity is the matched key ("key:<index>") when keys are
// configured, else the client IP ("ip:<address>") so a loopback or
// --insecure server still cannot be flooded by one client. IPs are not a
// bounded set: once kMaxBuckets buckets exist, full ones (indistinguishable
// from new ones) are dropped, and if none is full the oldest half goes.
//
// Thread-safety: ApiKeyAuth is immutable after construction; RateLimiter is
// safe for concurrent use (one mutex, held for a few arithmetic operations).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "service/http/http_types.h"

namespace ohlcv {

// Constant-time equality for secrets (length differences also take the same
// time as a full comparison of the provided value).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

class ApiKeyAuth {
 public:
  explicit ApiKeyAuth(std::vector<std::string> keys);

  bool enabled() const { return !keys_.empty(); }
  // OK with *key_index set to the matching key; Unauthenticated when no key
  // was presented; PermissionDenied when it matches none. Always OK when
  // !enabled() (*key_index = -1).
  Status Check(const ServerRequest& request, int* key_index) const;

 private:
  std::vector<std::string> keys_;
};

// The presented key ("" when none): Bearer token or X-API-Key.
std::string_view PresentedKey(const ServerRequest& request);

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // rate <= 0 disables limiting.
  RateLimiter(double rate_per_second, double burst);

  static constexpr size_t kMaxBuckets = 10000;

  // Takes a token from the bucket named `bucket`; when empty returns false and
  // sets *retry_after_seconds (>= 1, rounded up) for Retry-After.
  bool Allow(const std::string& bucket, Clock::time_point now, int* retry_after_seconds);
  // Like Allow without taking a token: false (and *retry_after_seconds set)
  // when the bucket is empty. Used to refuse addresses that keep failing
  // authentication before their next key is even checked.
  bool HasToken(const std::string& bucket, Clock::time_point now, int* retry_after_seconds);

  size_t bucket_count() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  void Evict(Clock::time_point now);  // REQUIRES: mu_ held

  const double rate_, burst_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_; at most kMaxBuckets
};

}  // namespace ohlcv
