#include <cmath>

#include <gtest/gtest.h>

#include "embed/embedder.h"

namespace ohlcv {
namespace {

float Dot(std::span<const float> a, std::span<const float> b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return static_cast<float>(s);
}

TEST(HashingEmbedderTest, ShapeNameAndUnitRows) {
  auto e = NewHashingEmbedder(64);
  EXPECT_EQ(e->dimension(), 64u);
  EXPECT_EQ(e->name(), "hashing-64");
  const std::vector<std::string> texts = {"AAPL rallied", "", "!!!", "a b c d e f g"};
  std::vector<float> out;
  ASSERT_TRUE(e->Embed(texts, &out).ok());
  ASSERT_EQ(out.size(), 4u * 64);
  for (size_t i = 0; i < 4; ++i) {
    std::span<const float> row(out.data() + i * 64, 64);
    EXPECT_NEAR(Dot(row, row), 1.0f, 1e-5) << i;
  }
}

TEST(HashingEmbedderTest, DeterministicAndCaseInsensitive) {
  auto a = NewHashingEmbedder(128);
  auto b = NewHashingEmbedder(128);
  auto x = a->EmbedOne("Golden cross on MSFT");
  auto y = b->EmbedOne("golden CROSS on msft");
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_EQ(*x, *y);
}

TEST(HashingEmbedderTest, SharedWordsAndSpellingsScoreHigher) {
  auto e = NewHashingEmbedder(256);
  const auto a = *e->EmbedOne("apple stock rallied in march");
  const auto b = *e->EmbedOne("apple stock rally march");
  const auto c = *e->EmbedOne("utilities fell on rate fears");
  EXPECT_GT(Dot(a, b), 0.5f);
  EXPECT_GT(Dot(a, b), Dot(a, c) + 0.3f);
  const auto d = *e->EmbedOne("rallies");
  const auto f = *e->EmbedOne("rallied");
  const auto g = *e->EmbedOne("bond");
  EXPECT_GT(Dot(d, f), Dot(d, g));  // character 3-grams "<ra", "ral", "all", "lli"
}

TEST(HashingEmbedderTest, EmptyTextGetsTheFallbackNotZeros) {
  auto e = NewHashingEmbedder(32);
  const auto a = *e->EmbedOne("");
  const auto b = *e->EmbedOne(" ;; ");
  EXPECT_EQ(a, b);
  EXPECT_NEAR(Dot(a, a), 1.0f, 1e-5);
}

TEST(HashingEmbedderTest, EmbedReplacesPreviousOutput) {
  auto e = NewHashingEmbedder(16);
  std::vector<float> out(1000, 7.0f);
  const std::vector<std::string> one = {"x"};
  ASSERT_TRUE(e->Embed(one, &out).ok());
  EXPECT_EQ(out.size(), 16u);
  std::vector<float> none;
  ASSERT_TRUE(e->Embed({}, &none).ok());
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace ohlcv
