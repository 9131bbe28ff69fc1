// Tests of the FTS5 text rules (index/fts_query.cc): user text to a MATCH
// expression that cannot fail, and the document the index holds.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "index/fts_query.h"

namespace ohlcv {
namespace {

TEST(FtsQueryTest, QuotesEveryTokenAndDropsOperators) {
  using index_internal::SanitizeFtsQuery;
  EXPECT_EQ(SanitizeFtsQuery("AND OR \" * NEAR("), "\"and\" OR \"or\" OR \"near\"");
  EXPECT_EQ(SanitizeFtsQuery("golden-cross, RSI>70 rsi"), "\"golden\" OR \"cross\" OR \"rsi\" OR \"70\"");
  EXPECT_EQ(SanitizeFtsQuery("  \"*()^:  "), "");
  std::string many;
  for (int i = 0; i < 100; ++i) many += "w" + std::to_string(i) + " ";
  std::string out = SanitizeFtsQuery(many);
  EXPECT_EQ(std::count(out.begin(), out.end(), '"'), 2 * static_cast<long>(index_internal::kMaxFtsTokens));
}

TEST(FtsQueryTest, DocumentKeepsWordsDropsNumbersAndTemplateConnectives) {
  using index_internal::FtsDocument;
  EXPECT_EQ(FtsDocument("AAPL (Information Technology) 2019-03-01 to 2019-04-12: +12.3% rally (170.10 to "
                        "191.05); gap up 3 times, 2019-03-05 to 2019-03-20; RSI 71.2 overbought on 2019-04-02."),
            "AAPL Information Technology rally gap up RSI overbought");
  EXPECT_EQ(FtsDocument("golden-cross SMA50x200 on The 2nd"), "golden cross SMA50x200 2nd");
  EXPECT_EQ(FtsDocument("12 34.5 -- on to"), "");
}

}  // namespace
}  // namespace ohlcv
