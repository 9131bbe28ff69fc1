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

TEST(VolumeTest, SpikeAtTwiceThePriorAverage) {
  Series s(40);
  s.volume[2] = 9000;   // before a full 20-bar history: not judged, and out of
                        // bar 25's window [5, 24]
  s.volume[25] = 2000;  // exactly 2x (inclusive)
  s.volume[30] = 1999;  // near miss... against an average lifted by bar 25
  const auto ev = RunKernel(DetectVolumeSpikes, s);
  EXPECT_EQ(BarsOf(ev, PatternKind::kVolumeSpike), V{25});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kVolumeSpike).value, 2.0);
}

TEST(VolumeTest, AverageExcludesTheSpikeBar) {
  Series s(30);
  // If bar 21 were in its own average, the mean would be 1050 and 2050 would
  // fall short of 2x; against the prior 20 bars (1000) it is a 2.05x spike.
  s.volume[21] = 2050;
  const auto ev = RunKernel(DetectVolumeSpikes, s);
  ASSERT_EQ(BarsOf(ev, PatternKind::kVolumeSpike), V{21});
  EXPECT_DOUBLE_EQ(FirstOf(ev, PatternKind::kVolumeSpike).value, 2.05);
}

TEST(VolumeTest, JustBelowTwiceIsANearMiss) {
  Series s(30);
  s.volume[24] = 1999.99;
  EXPECT_TRUE(RunKernel(DetectVolumeSpikes, s).empty());
}

TEST(VolumeTest, ZeroBaselineReportsNothing) {
  Series s(30);
  for (double& v : s.volume) v = 0;
  s.volume[25] = 500;
  EXPECT_TRUE(RunKernel(DetectVolumeSpikes, s).empty());
}

}  // namespace
}  // namespace ohlcv
