#include "answer/answer_cache.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

Answer MakeAnswer(const std::string& text) {
  Answer a;
  a.text = text;
  return a;
}

TEST(AnswerCacheTest, NormalisesQuestions) {
  EXPECT_EQ(NormalizeQuestion("  How did  AAPL\tdo in 2019?? "), "how did aapl do in 2019");
  AskRequest a{"How did AAPL do?", std::nullopt, 5, {}};
  AskRequest b{"how did aapl   do", std::nullopt, 5, {}};
  EXPECT_EQ(AnswerCacheKey(a, 3), AnswerCacheKey(b, 3));
  EXPECT_NE(AnswerCacheKey(a, 3), AnswerCacheKey(a, 4));  // data version
  AskRequest c = a;
  c.n_results = 6;
  EXPECT_NE(AnswerCacheKey(a, 3), AnswerCacheKey(c, 3));
  AskRequest d = a;
  d.type = QueryType::kTechnical;
  EXPECT_NE(AnswerCacheKey(a, 3), AnswerCacheKey(d, 3));
  AskRequest e = a;
  e.filters.tickers = {"MSFT"};
  EXPECT_NE(AnswerCacheKey(a, 3), AnswerCacheKey(e, 3));
}

TEST(AnswerCacheTest, HitsMissesAndLruEviction) {
  AnswerCache cache({2, std::chrono::hours(1)});
  EXPECT_FALSE(cache.Get("a"));
  cache.Put("a", MakeAnswer("A"));
  cache.Put("b", MakeAnswer("B"));
  ASSERT_TRUE(cache.Get("a"));  // a is now most recent
  cache.Put("c", MakeAnswer("C"));  // evicts b
  EXPECT_FALSE(cache.Get("b"));
  EXPECT_EQ(cache.Get("a")->text, "A");
  EXPECT_EQ(cache.Get("c")->text, "C");
  auto s = cache.stats();
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.size, 2u);
}

TEST(AnswerCacheTest, EntriesExpireAfterTtl) {
  auto now = std::chrono::steady_clock::time_point{};
  AnswerCache cache({8, std::chrono::milliseconds(1000)}, [&now] { return now; });
  cache.Put("k", MakeAnswer("x"));
  now += std::chrono::milliseconds(999);
  EXPECT_TRUE(cache.Get("k"));
  now += std::chrono::milliseconds(2);
  EXPECT_FALSE(cache.Get("k"));
  EXPECT_EQ(cache.stats().expired, 1u);
  EXPECT_EQ(cache.stats().size, 0u);
}

TEST(AnswerCacheTest, ZeroCapacityDisables) {
  AnswerCache cache({0, std::chrono::hours(1)});
  cache.Put("k", MakeAnswer("x"));
  EXPECT_FALSE(cache.Get("k"));
}

}  // namespace
}  // namespace ohlcv
