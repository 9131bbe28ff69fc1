#include "net/backoff.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

using std::chrono::milliseconds;

TEST(BackoffDelayTest, DoublesWithEqualJitterAndCaps) {
  // u = 0.999.. gives the full doubled delay, u = 0 the lower half.
  EXPECT_EQ(BackoffDelay(0, milliseconds(200), milliseconds(5000), 0.0), milliseconds(100));
  EXPECT_EQ(BackoffDelay(0, milliseconds(200), milliseconds(5000), 0.99999), milliseconds(199));
  EXPECT_EQ(BackoffDelay(1, milliseconds(200), milliseconds(5000), 0.0), milliseconds(200));
  EXPECT_EQ(BackoffDelay(3, milliseconds(200), milliseconds(5000), 0.0), milliseconds(800));
  // 200 * 2^5 = 6400 is capped at 5000.
  EXPECT_EQ(BackoffDelay(5, milliseconds(200), milliseconds(5000), 0.0), milliseconds(2500));
  EXPECT_EQ(BackoffDelay(5, milliseconds(200), milliseconds(5000), 1.0), milliseconds(5000));
  // Huge retry counts neither overflow nor exceed the cap.
  EXPECT_LE(BackoffDelay(1000, milliseconds(200), milliseconds(5000), 1.0), milliseconds(5000));
  EXPECT_EQ(BackoffDelay(4, milliseconds(0), milliseconds(5000), 0.5), milliseconds(0));
}

TEST(BackoffDelayTest, JitterStaysInUpperHalf) {
  for (double u : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999}) {
    auto d = BackoffDelay(2, milliseconds(100), milliseconds(10000), u);
    EXPECT_GE(d, milliseconds(200));
    EXPECT_LE(d, milliseconds(400));
  }
}

TEST(ParseRetryAfterTest, Seconds) {
  EXPECT_EQ(ParseRetryAfter("120", 0), milliseconds(120000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", 0), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", 0), milliseconds(int64_t{999999999} * 1000));
}

TEST(ParseRetryAfterTest, HttpDate) {
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480.
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 30), milliseconds(30000));
  // A date in the past means "now".
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 30), milliseconds(0));
}

TEST(ParseRetryAfterTest, Garbage) {
  EXPECT_FALSE(ParseRetryAfter("", 0).has_value());
  EXPECT_FALSE(ParseRetryAfter("soon", 0).has_value());
  EXPECT_FALSE(ParseRetryAfter("-5", 0).has_value());
}

}  // namespace
}  // namespace ohlcv
