#include "retrieval/rank_fusion.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

TEST(RankFusionTest, ScoresAreSumsOfReciprocalRanks) {
  std::vector<std::vector<std::string>> lists = {{"a", "b", "c"}, {"c", "a"}};
  auto fused = ReciprocalRankFusion(lists);
  ASSERT_EQ(fused.size(), 3u);
  EXPECT_EQ(fused[0].id, "a");  // 1/61 + 1/62
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61 + 1.0 / 62);
  EXPECT_EQ(fused[0].ranks, (std::vector<int>{1, 2}));
  EXPECT_EQ(fused[1].id, "c");  // 1/63 + 1/61
  EXPECT_EQ(fused[1].ranks, (std::vector<int>{3, 1}));
  EXPECT_EQ(fused[2].id, "b");
  EXPECT_EQ(fused[2].ranks, (std::vector<int>{2, 0}));
  EXPECT_DOUBLE_EQ(fused[2].score, 1.0 / 62);
}

TEST(RankFusionTest, AgreementBeatsOneTopRank) {
  // "x" is first in one list only; "y" is second in both: RRF prefers consensus.
  std::vector<std::vector<std::string>> lists = {{"x", "y"}, {"z", "y"}};
  auto fused = ReciprocalRankFusion(lists);
  ASSERT_EQ(fused.size(), 3u);
  EXPECT_EQ(fused[0].id, "y");
  // x and z tie on score and best rank: the smaller id first.
  EXPECT_EQ(fused[1].id, "x");
  EXPECT_EQ(fused[2].id, "z");
}

TEST(RankFusionTest, WeightsKAndRepeats) {
  std::vector<std::vector<std::string>> lists = {{"a", "a", "b"}, {"b"}};
  RankFusionOptions o;
  o.k = 0;
  o.weights = {1.0, 3.0};
  auto fused = ReciprocalRankFusion(lists, o);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].id, "b");  // 1/3 + 3/1
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 3 + 3.0);
  EXPECT_EQ(fused[1].id, "a");  // the repeat does not count twice
  EXPECT_DOUBLE_EQ(fused[1].score, 1.0);
}

TEST(RankFusionTest, EmptyInputs) {
  EXPECT_TRUE(ReciprocalRankFusion({}).empty());
  std::vector<std::vector<std::string>> lists(3);
  EXPECT_TRUE(ReciprocalRankFusion(lists).empty());
}

}  // namespace
}  // namespace ohlcv
