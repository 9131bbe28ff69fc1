#include "service/api/auth.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

namespace ohlcv {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the presented value fully; fold the length difference in so
  // different lengths fail without an early return.
  volatile unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char cb = b.empty() ? 0 : static_cast<unsigned char>(b[i % b.size()]);
    diff = diff | (static_cast<unsigned char>(a[i]) ^ cb);
  }
  return diff == 0;
}

std::string_view PresentedKey(const ServerRequest& request) {
  std::string_view auth = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size()) {
    bool bearer = true;
    for (size_t i = 0; i < kBearer.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(auth[i])) != std::tolower(static_cast<unsigned char>(kBearer[i]))) {
        bearer = false;
      }
    }
    if (bearer) {
      std::string_view k = auth.substr(kBearer.size());
      while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
      while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
      return k;
    }
  }
  return request.Header("x-api-key");
}

ApiKeyAuth::ApiKeyAuth(std::vector<std::string> keys) : keys_(std::move(keys)) {
  keys_.erase(std::remove(keys_.begin(), keys_.end(), std::string()), keys_.end());
}

Status ApiKeyAuth::Check(const ServerRequest& request, int* key_index) const {
  *key_index = -1;
  if (keys_.empty()) return Status::Ok();
  std::string_view presented = PresentedKey(request);
  if (presented.empty()) {
    return Status::Unauthenticated("an API key is required (Authorization: Bearer <key> or X-API-Key)");
  }
  // Compare against every key, without stopping at the first match.
  int match = -1;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (ConstantTimeEquals(presented, keys_[i]) && match < 0) match = static_cast<int>(i);
  }
  if (match < 0) return Status::PermissionDenied("the API key is not valid");
  *key_index = match;
  return Status::Ok();
}

RateLimiter::RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(std::max(1.0, burst)) {}

bool RateLimiter::Allow(const std::string& bucket, Clock::time_point now, int* retry_after_seconds) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  if (buckets_.size() >= kMaxBuckets && !buckets_.count(bucket)) Evict(now);
  auto [it, inserted] = buckets_.try_emplace(bucket, Bucket{burst_, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  *retry_after_seconds = std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate_)));
  return false;
}

bool RateLimiter::HasToken(const std::string& bucket, Clock::time_point now, int* retry_after_seconds) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(bucket);
  if (it == buckets_.end()) return true;
  double elapsed = std::max(0.0, std::chrono::duration<double>(now - it->second.last).count());
  double tokens = std::min(burst_, it->second.tokens + elapsed * rate_);
  if (tokens >= 1) return true;
  *retry_after_seconds = std::max(1, static_cast<int>(std::ceil((1 - tokens) / rate_)));
  return false;
}

void RateLimiter::Evict(Clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& kv) {
    double elapsed = std::chrono::duration<double>(now - kv.second.last).count();
    return kv.second.tokens + elapsed * rate_ >= burst_;
  });
  if (buckets_.size() < kMaxBuckets) return;
  // Every bucket is in use (a flood from many addresses): forget the least
  // recently used half rather than grow without bound.
  std::vector<Clock::time_point> lasts;
  lasts.reserve(buckets_.size());
  for (const auto& kv : buckets_) lasts.push_back(kv.second.last);
  std::nth_element(lasts.begin(), lasts.begin() + lasts.size() / 2, lasts.end());
  Clock::time_point cut = lasts[lasts.size() / 2];
  std::erase_if(buckets_, [&](const auto& kv) { return kv.second.last <= cut; });
}

size_t RateLimiter::bucket_count() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace ohlcv
