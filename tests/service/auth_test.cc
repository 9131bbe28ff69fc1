#include "service/api/auth.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

ServerRequest WithHeader(std::string name, std::string value) {
  ServerRequest r;
  r.headers.emplace_back(std::move(name), std::move(value));
  return r;
}

TEST(AuthTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("secret2", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("x", ""));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  // A presented value that repeats the key is not equal.
  EXPECT_FALSE(ConstantTimeEquals("abab", "ab"));
}

TEST(AuthTest, BearerAndApiKeyHeaders) {
  ApiKeyAuth auth({"k1", "k2"});
  int idx = -1;
  EXPECT_TRUE(auth.Check(WithHeader("authorization", "Bearer k2"), &idx).ok());
  EXPECT_EQ(idx, 1);
  EXPECT_TRUE(auth.Check(WithHeader("authorization", "bearer  k1 "), &idx).ok());
  EXPECT_EQ(idx, 0);
  EXPECT_TRUE(auth.Check(WithHeader("x-api-key", "k1"), &idx).ok());
  EXPECT_EQ(auth.Check(ServerRequest{}, &idx).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Check(WithHeader("authorization", "Basic azE6"), &idx).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Check(WithHeader("x-api-key", "k3"), &idx).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(auth.Check(WithHeader("authorization", "Bearer k"), &idx).code(), StatusCode::kPermissionDenied);
  // The error never echoes the key.
  Status st = auth.Check(WithHeader("x-api-key", "guess-123"), &idx);
  EXPECT_EQ(st.message().find("guess-123"), std::string::npos);
}

TEST(AuthTest, NoKeysMeansDisabled) {
  ApiKeyAuth auth({});
  int idx = 5;
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Check(ServerRequest{}, &idx).ok());
  EXPECT_EQ(idx, -1);
  EXPECT_FALSE(ApiKeyAuth({""}).enabled());
}

TEST(RateLimiterTest, TokenBucketPerKey) {
  RateLimiter limiter(/*rate=*/2, /*burst=*/3);
  auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("k0", t0, &retry)) << i;
  EXPECT_FALSE(limiter.Allow("k0", t0, &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.Allow("k1", t0, &retry));  // another key has its own bucket
  EXPECT_TRUE(limiter.Allow("k0", t0 + std::chrono::milliseconds(500), &retry));  // refilled one token
  EXPECT_FALSE(limiter.Allow("k0", t0 + std::chrono::milliseconds(500), &retry));
  // Refill caps at burst.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("k0", t0 + std::chrono::seconds(100), &retry));
  EXPECT_FALSE(limiter.Allow("k0", t0 + std::chrono::seconds(100), &retry));

  RateLimiter slow(0.1, 1);
  EXPECT_TRUE(slow.Allow("k0", t0, &retry));
  EXPECT_FALSE(slow.Allow("k0", t0, &retry));
  EXPECT_EQ(retry, 10);
  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(off.Allow("k0", t0, &retry));
}

TEST(RateLimiterTest, BucketsPerAddressStayBounded) {
  RateLimiter limiter(/*rate=*/1, /*burst=*/2);
  auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  // A flood from many addresses, each spending one token: buckets are not
  // full, so eviction falls back to dropping the least recently used half.
  for (size_t i = 0; i < RateLimiter::kMaxBuckets + 10; ++i) {
    EXPECT_TRUE(limiter.Allow("ip:10.0." + std::to_string(i), t0 + std::chrono::microseconds(i), &retry));
  }
  EXPECT_LE(limiter.bucket_count(), RateLimiter::kMaxBuckets);
  EXPECT_GE(limiter.bucket_count(), RateLimiter::kMaxBuckets / 2);
  // Once refilled, buckets are dropped first (they carry no state).
  auto later = t0 + std::chrono::seconds(10);
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(limiter.Allow("ip:busy", later, &retry));
  EXPECT_FALSE(limiter.Allow("ip:busy", later, &retry));
}

}  // namespace
}  // namespace ohlcv
