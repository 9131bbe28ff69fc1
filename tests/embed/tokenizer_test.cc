#include "embed/tokenizer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  ForEachToken(text, [&](std::string_view t, uint64_t h) {
    EXPECT_EQ(h, WordHash(t)) << t;
    out.emplace_back(t);
  });
  return out;
}

TEST(TokenizerTest, LowerCasesAndSplitsOnNonAlphanumerics) {
  EXPECT_EQ(Tokens("AAPL 2019-03-01 to 2019-04-12: +8.4% (174.97), uptrend; RSI14 71.2"),
            (std::vector<std::string>{"aapl", "2019", "03", "01", "to", "2019", "04", "12", "8",
                                      "4", "174", "97", "uptrend", "rsi14", "71", "2"}));
  EXPECT_EQ(Tokens("sell-off"), (std::vector<std::string>{"sell", "off"}));
}

TEST(TokenizerTest, EmptyAndSeparatorOnlyTextsHaveNoTokens) {
  EXPECT_TRUE(Tokens("").empty());
  EXPECT_TRUE(Tokens(" ,.;-+%()\n\t").empty());
}

TEST(TokenizerTest, KeepsUtf8BytesInsideWords) {
  EXPECT_EQ(Tokens("Café Zürich"), (std::vector<std::string>{"café", "zürich"}));
}

TEST(TokenizerTest, SkipsTokensLongerThanTheLimit) {
  const std::string exact(kMaxTokenBytes, 'a');
  const std::string longer(kMaxTokenBytes + 1, 'b');
  EXPECT_EQ(Tokens("x " + exact + " " + longer + " y"),
            (std::vector<std::string>{"x", exact, "y"}));
}

TEST(TokenizerTest, IsTokenizerWordMatchesWhatTheTokenizerProduces) {
  EXPECT_TRUE(IsTokenizerWord("uptrend"));
  EXPECT_TRUE(IsTokenizerWord("q3"));
  EXPECT_FALSE(IsTokenizerWord("sell-off"));
  EXPECT_FALSE(IsTokenizerWord("Apple"));
  EXPECT_FALSE(IsTokenizerWord(""));
  EXPECT_FALSE(IsTokenizerWord(","));
}

}  // namespace
}  // namespace ohlcv
