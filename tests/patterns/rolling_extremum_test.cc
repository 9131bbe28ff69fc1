#include "patterns/rolling_extremum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace ohlcv {
namespace {

// Brute-force twin: extremum of x[max(from, t - w + 1) .. t].
double Brute(const std::vector<double>& x, size_t from, size_t t, size_t w, bool want_max) {
  const size_t lo = std::max(from, t + 1 >= w ? t + 1 - w : size_t{0});
  double best = x[lo];
  for (size_t i = lo; i <= t; ++i) best = want_max ? std::max(best, x[i]) : std::min(best, x[i]);
  return best;
}

TEST(RollingExtremumTest, MatchesBruteForceWithTiesAndResets) {
  std::mt19937_64 rng(5);
  std::vector<double> x(3000);
  // Coarse values so ties are frequent.
  for (double& v : x) v = static_cast<double>(rng() % 20);
  for (size_t w : {1u, 2u, 3u, 20u, 120u, 252u}) {
    RollingMax hi(x, w);
    RollingMin lo(x, w);
    size_t from = 0;
    for (size_t t = 0; t < x.size(); ++t) {
      if (t % 997 == 500) {  // restart the window now and then
        hi.Reset();
        lo.Reset();
        from = t;
      }
      hi.Push(t);
      lo.Push(t);
      ASSERT_EQ(hi.value(), Brute(x, from, t, w, true)) << "w=" << w << " t=" << t;
      ASSERT_EQ(lo.value(), Brute(x, from, t, w, false)) << "w=" << w << " t=" << t;
    }
  }
}

TEST(RollingExtremumTest, PriorMeanExcludesTheCurrentBar) {
  const std::vector<double> x = {1, 2, 3, 4, 100};
  PriorMean m(x, 3);
  for (size_t t = 0; t < 4; ++t) {
    EXPECT_EQ(m.ready(t), t >= 3);
    m.Advance(t);
  }
  EXPECT_DOUBLE_EQ(m.mean(), 3.0);  // bars 1..3 before bar 4
}

}  // namespace
}  // namespace ohlcv
