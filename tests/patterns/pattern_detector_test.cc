#include "patterns/pattern_detector.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "indicators/indicator_set.h"
#include "patterns/detector_kernels.h"
#include "patterns/synthetic_bars.h"

namespace ohlcv {
namespace {

TEST(PatternDetectorTest, RegistryListsEachFamilyOnce) {
  std::set<std::string> names;
  for (const DetectorEntry& d : RegisteredDetectors()) {
    EXPECT_NE(d.fn, nullptr);
    EXPECT_TRUE(names.insert(std::string(d.name)).second) << d.name;
  }
  EXPECT_EQ(names.size(), 11u);
}

TEST(PatternDetectorTest, EventsSortedByBarThenKindAndOutputCleared) {
  const BarSeries bars = testing::SyntheticBars(2000, 7);
  IndicatorSet ind;
  ind.Compute(bars);
  std::vector<PatternEvent> events(3);  // stale content must go
  DetectPatterns(bars, ind, PatternOptions{}, &events);
  ASSERT_FALSE(events.empty());
  for (size_t i = 1; i < events.size(); ++i) {
    const PatternEvent& a = events[i - 1];
    const PatternEvent& b = events[i];
    ASSERT_TRUE(a.bar < b.bar || (a.bar == b.bar && a.kind < b.kind))
        << "event " << i << " out of order (or a duplicate kind on one bar)";
  }
  for (const PatternEvent& e : events) {
    ASSERT_LT(e.bar, bars.size());
    EXPECT_EQ(e.ts, bars.ts[e.bar]);
    EXPECT_LE(e.ref_ts, e.ts);
  }
}

TEST(PatternDetectorTest, SizeMismatchAndEmptyInputGiveNoEvents) {
  const BarSeries bars = testing::SyntheticBars(300, 3);
  IndicatorSet ind;
  ind.Compute(testing::Prefix(bars, 100));
  std::vector<PatternEvent> events(2);
  DetectPatterns(bars, ind, PatternOptions{}, &events);
  EXPECT_TRUE(events.empty());
  std::vector<TrendState> trend(5);
  ComputeTrendStates(bars, ind, PatternOptions{}, &trend);
  EXPECT_TRUE(trend.empty());

  BarSeries empty;
  ind.Compute(empty);
  DetectPatterns(empty, ind, PatternOptions{}, &events);
  EXPECT_TRUE(events.empty());
}

TEST(PatternDetectorTest, EventRateIsBounded) {
  // No family floods: on a random walk each kind stays well below one event
  // per five bars, and trend-state changes are rarer than one per 10 bars
  // thanks to the confirmation run.
  const BarSeries bars = testing::SyntheticBars(5000, 11);
  IndicatorSet ind;
  ind.Compute(bars);
  std::vector<PatternEvent> events;
  DetectPatterns(bars, ind, PatternOptions{}, &events);
  std::array<size_t, static_cast<size_t>(PatternKind::kCount)> counts{};
  for (const PatternEvent& e : events) ++counts[static_cast<size_t>(e.kind)];
  for (size_t k = 0; k < counts.size(); ++k) {
    EXPECT_LT(counts[k], bars.size() / 5) << PatternKindName(static_cast<PatternKind>(k));
  }
  const size_t trend_changes = counts[static_cast<size_t>(PatternKind::kUptrend)] +
                               counts[static_cast<size_t>(PatternKind::kDowntrend)] +
                               counts[static_cast<size_t>(PatternKind::kSideways)];
  EXPECT_LT(trend_changes, bars.size() / 10);
}

}  // namespace
}  // namespace ohlcv
