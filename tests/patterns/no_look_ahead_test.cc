// The no-look-ahead property, end to end: for a random series, running the
// indicator engine and every detector on the prefix [0, t] yields exactly the
// events with bar <= t of the full run, and the same trend states. Any
// detector (or indicator) that peeks at a later bar breaks this for some t.

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "indicators/indicator_set.h"
#include "patterns/pattern_detector.h"
#include "patterns/synthetic_bars.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using testing::Prefix;
using testing::SyntheticBars;

std::string Describe(const PatternEvent& e) {
  return std::string(PatternKindName(e.kind)) + "@" + std::to_string(e.bar);
}

void ExpectSameEvents(const std::vector<PatternEvent>& full, const std::vector<PatternEvent>& prefix,
                      size_t t) {
  std::vector<PatternEvent> expected;
  for (const PatternEvent& e : full) {
    if (e.bar <= t) expected.push_back(e);
  }
  ASSERT_EQ(expected.size(), prefix.size()) << "prefix ending at bar " << t;
  for (size_t i = 0; i < expected.size(); ++i) {
    const PatternEvent& a = expected[i];
    const PatternEvent& b = prefix[i];
    ASSERT_TRUE(a.kind == b.kind && a.bar == b.bar && a.ts == b.ts && a.ref_ts == b.ref_ts)
        << "t=" << t << ": full run has " << Describe(a) << ", prefix has " << Describe(b);
    EXPECT_DOUBLE_EQ(a.value, b.value) << Describe(a) << " t=" << t;
  }
}

// Runs the full series, then every prefix ending at a bar of `ends`.
void CheckPrefixes(const BarSeries& bars, const std::set<size_t>& ends) {
  const PatternOptions opt;
  IndicatorSet ind;
  ind.Compute(bars);
  std::vector<PatternEvent> full;
  DetectPatterns(bars, ind, opt, &full);
  std::vector<TrendState> full_trend;
  ComputeTrendStates(bars, ind, opt, &full_trend);
  ASSERT_EQ(full_trend.size(), bars.size());
  ASSERT_GT(full.size(), 100u);

  IndicatorSet prefix_ind;
  std::vector<PatternEvent> events;
  std::vector<TrendState> trend;
  for (size_t t : ends) {
    const BarSeries prefix = Prefix(bars, t + 1);
    prefix_ind.Compute(prefix);
    DetectPatterns(prefix, prefix_ind, opt, &events);
    ExpectSameEvents(full, events, t);
    ComputeTrendStates(prefix, prefix_ind, opt, &trend);
    ASSERT_EQ(trend.size(), t + 1);
    for (size_t i = 0; i <= t; ++i) ASSERT_EQ(trend[i], full_trend[i]) << "bar " << i << " t=" << t;
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Every early bar, then a random spread, then the last bar.
std::set<size_t> PrefixEnds(size_t n, uint64_t seed) {
  std::set<size_t> ends;
  for (size_t t = 0; t < std::min<size_t>(40, n); ++t) ends.insert(t);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 60; ++i) ends.insert(rng() % n);
  ends.insert(n - 1);
  return ends;
}

TEST(NoLookAheadTest, PrefixRunsMatchTheFullRun) {
  for (uint64_t seed : {1u, 2u}) {
    const BarSeries bars = SyntheticBars(1200, seed);
    CheckPrefixes(bars, PrefixEnds(bars.size(), seed));
    if (HasFatalFailure()) return;
  }
}

// Minimal reader for the shared CSVs (Date,High,Low,Open,Close,Volume,...);
// rows with an empty field are skipped. Timestamps are bar indices in days.
BarSeries ReadSharedCsv(const std::string& path) {
  BarSeries s;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string f[6];
    bool ok = true;
    for (std::string& cell : f) ok = ok && std::getline(row, cell, ',') && !cell.empty();
    if (!ok) continue;
    const int64_t ts = static_cast<int64_t>(s.size()) * 86'400;
    s.push_back(Bar{ts, std::stod(f[3]), std::stod(f[1]), std::stod(f[2]), std::stod(f[4]),
                    std::stod(f[5]), kNaN});
  }
  return s;
}

TEST(NoLookAheadTest, PrefixRunsMatchOnRealData) {
  OHLCV_REQUIRE_SHARED_DATA();
  for (const char* ticker : {"AAPL", "XOM"}) {
    const BarSeries bars = ReadSharedCsv(::ohlcv::testing::SharedDataDir() + "/" + ticker + ".csv");
    ASSERT_GT(bars.size(), 1000u) << ticker;
    CheckPrefixes(bars, PrefixEnds(bars.size(), 3));
    if (HasFatalFailure()) return;
  }
}

TEST(NoLookAheadTest, RandomSeriesExerciseEveryKind) {
  // Guards the property test above against passing vacuously: across a few
  // long random series every kind is reported at least once.
  std::array<size_t, static_cast<size_t>(PatternKind::kCount)> counts{};
  IndicatorSet ind;
  std::vector<PatternEvent> events;
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    const BarSeries bars = SyntheticBars(5000, seed);
    ind.Compute(bars);
    DetectPatterns(bars, ind, PatternOptions{}, &events);
    for (const PatternEvent& e : events) ++counts[static_cast<size_t>(e.kind)];
  }
  for (size_t k = 0; k < counts.size(); ++k) {
    EXPECT_GT(counts[k], 0u) << PatternKindName(static_cast<PatternKind>(k));
  }
}

}  // namespace
}  // namespace ohlcv
