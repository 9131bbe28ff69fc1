#include <gtest/gtest.h>

#include "patterns/detector_kernels.h"
#include "patterns/pattern_fixture.h"

namespace ohlcv {
namespace {

using testing::BarsOf;
using testing::FirstOf;
using testing::RunKernel;
using testing::Series;
using V = std::vector<uint32_t>;

// SMA50 rising 0.1 per bar from bar 10 (unknown before), SMA20 1 above it,
// close 2 above it, ADX 30: "raw up" from bar 15 (needs SMA50 five bars back).
Series Rising(size_t n) {
  Series s(n);
  for (size_t t = 0; t < n; ++t) {
    const double base = 100 + 0.1 * static_cast<double>(t);
    s.close[t] = base + 2;
    if (t >= 10) {
      s.sma50[t] = base;
      s.sma20[t] = base + 1;
    }
    s.adx14[t] = 30;
  }
  return s;
}

std::vector<TrendState> States(const Series& s, const PatternOptions& opt = {}) {
  std::vector<TrendState> states;
  ComputeTrendStatesOnInputs(s.inputs(), opt, &states);
  return states;
}

TEST(TrendTest, UptrendConfirmedAfterFiveBars) {
  const Series s = Rising(30);
  const auto ev = RunKernel(DetectTrend, s);
  ASSERT_EQ(BarsOf(ev, PatternKind::kUptrend), V{19});  // raw up 15..19
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kUptrend).value, 30);  // ADX
  const auto states = States(s);
  ASSERT_EQ(states.size(), 30u);
  EXPECT_EQ(states[18], TrendState::kSideways);
  EXPECT_EQ(states[19], TrendState::kUp);
  EXPECT_EQ(states[29], TrendState::kUp);
}

TEST(TrendTest, FourBarsIsANearMiss) {
  Series s = Rising(30);
  for (size_t t = 19; t < 30; ++t) s.adx14[t] = 15;  // too weak from bar 19
  EXPECT_TRUE(RunKernel(DetectTrend, s).empty());
  for (TrendState st : States(s)) EXPECT_EQ(st, TrendState::kSideways);
}

TEST(TrendTest, FlickeringRawStateEmitsNothing) {
  Series s = Rising(60);
  for (size_t t = 0; t < 60; ++t) s.adx14[t] = t % 2 ? 30 : 10;  // up / sideways / up ...
  EXPECT_TRUE(RunKernel(DetectTrend, s).empty());
  // Three bars on, two off: never five in a row either.
  for (size_t t = 0; t < 60; ++t) s.adx14[t] = t % 5 < 3 ? 30 : 10;
  EXPECT_TRUE(RunKernel(DetectTrend, s).empty());
}

TEST(TrendTest, DowntrendAndSidewaysAfterAnUptrend) {
  Series s = Rising(60);
  // From bar 30 the ADX drops: raw sideways, confirmed at 34. From bar 40
  // SMA50 restarts at 110 and falls 0.2 per bar, with SMA20 and close below
  // it; it is below its value 5 bars earlier from bar 45, so raw down runs
  // from 45 and is confirmed at 49.
  for (size_t t = 30; t < 40; ++t) s.adx14[t] = 10;
  for (size_t t = 40; t < 60; ++t) {
    const double base = 110 - 0.2 * static_cast<double>(t - 40);
    s.sma50[t] = base;
    s.sma20[t] = base - 1;
    s.close[t] = base - 2;
    s.adx14[t] = 30;
  }
  const auto states = States(s);
  TrendTracker probe(s.inputs(), PatternOptions{});
  EXPECT_EQ(probe.RawState(44), TrendState::kSideways);
  EXPECT_EQ(probe.RawState(45), TrendState::kDown);
  const auto ev = RunKernel(DetectTrend, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kUptrend), V{19});
  EXPECT_EQ(BarsOf(ev, PatternKind::kSideways), V{34});
  EXPECT_EQ(BarsOf(ev, PatternKind::kDowntrend), V{49});
  // Events and states agree: an event exactly where the state changes.
  for (size_t t = 1; t < states.size(); ++t) {
    const bool changed = states[t] != states[t - 1];
    bool has_event = false;
    for (const PatternEvent& e : ev) has_event |= e.bar == t;
    EXPECT_EQ(changed, has_event) << "bar " << t;
  }
}

}  // namespace
}  // namespace ohlcv
