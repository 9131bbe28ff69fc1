// ParseTicker: one rule for every entry point.
#include "core/ticker.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

TEST(ParseTickerTest, CanonicalForms) {
  EXPECT_EQ(*ParseTicker("aapl"), "AAPL");
  EXPECT_EQ(*ParseTicker("  brk.b\t"), "BRK.B");
  EXPECT_EQ(*ParseTicker("^gspc"), "^GSPC");
  EXPECT_EQ(*ParseTicker("eurusd=x"), "EURUSD=X");
  EXPECT_EQ(*ParseTicker("BF-B"), "BF-B");
  EXPECT_EQ(*ParseTicker("C"), "C");
}

TEST(ParseTickerTest, RejectsWhatNoEntryPointMayStore) {
  for (const char* bad : {"", "   ", "AA PL", "AAPL;DROP", "AAPL\n2", "\xc3\x84PPLE", "ABCDEFGHIJKLMNOPQ"}) {
    auto t = ParseTicker(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ParseTicker("ABCDEFGHIJKLMNOP").ok());  // 16 characters
}

TEST(ParseTickerTest, ListsSplitOnCommasAndSpacesAndDropDuplicates) {
  auto l = ParseTickerList({"aapl, msft", "GOOGL aapl", ""});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(*l, (std::vector<std::string>{"AAPL", "MSFT", "GOOGL"}));
  auto bad = ParseTickerList({"AAPL,MS;FT"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("MS;FT"), std::string::npos);
}

}  // namespace
}  // namespace ohlcv
