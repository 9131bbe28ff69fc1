// The exchange table and LocalClock (core/exchange.h): ticker suffixes, the
// override setting, and date/tz offsets at the daylight-saving switches
// (the US figures are those the hand-written US/Eastern rule was tested with).
#include "core/exchange.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

TEST(ExchangeTest, TickerSuffixNamesTheExchange) {
  EXPECT_EQ(ExchangeOfTicker("AAPL").code, "XNYS");
  EXPECT_EQ(ExchangeOfTicker("BRK.B").code, "XNYS");  // a share class, not an exchange
  EXPECT_EQ(ExchangeOfTicker("VOD.L").code, "XLON");
  EXPECT_EQ(ExchangeOfTicker("SAP.DE").code, "XETR");
  EXPECT_EQ(ExchangeOfTicker("MC.PA").code, "XPAR");
  EXPECT_EQ(ExchangeOfTicker("7203.T").code, "XTKS");
  EXPECT_EQ(ExchangeOfTicker("0700.HK").code, "XHKG");
  EXPECT_EQ(ExchangeOfTicker("BHP.AX").code, "XASX");
  EXPECT_EQ(ExchangeOfTicker("RY.TO").code, "XTSE");
  EXPECT_EQ(ExchangeOfTicker("INFY.NS").code, "XNSE");
  EXPECT_EQ(ExchangeOfTicker("BTC-USD").code, "UTC");
  EXPECT_EQ(ExchangeOfTicker("EURUSD=X").code, "UTC");
  EXPECT_EQ(ExchangeOfTicker("BHP.AX").zone, "Australia/Sydney");
  EXPECT_EQ(ExchangeOfTicker("AAPL").open_minutes, 9 * 60 + 30);
  EXPECT_EQ(ExchangeOfTicker("AAPL").close_minutes, 16 * 60);
}

TEST(ExchangeTest, SettingOverridesTheSuffix) {
  auto e = ResolveExchange("BHP.AX", "auto");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->code, "XASX");
  e = ResolveExchange("BHP.AX", "xlon");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->code, "XLON");
  e = ResolveExchange("AAPL", "NASDAQ");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->code, "XNAS");
  e = ResolveExchange("AAPL", "MARS");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("XASX"), std::string::npos) << e.status().message();
  EXPECT_TRUE(ValidateExchangeSetting("auto").ok()) << ValidateExchangeSetting("auto").message();
  EXPECT_FALSE(ValidateExchangeSetting("MARS").ok());
}

TEST(ExchangeTest, NewYorkOffsetsAtTheSwitches) {
  LocalClock ny(*FindExchange("XNYS"));
  // 2020-03-08 07:00 UTC (2:00 EST) starts daylight time; 2020-11-01 06:00 UTC ends it.
  EXPECT_EQ(ny.Offset(1583650800 - 1), -5 * 3600);
  EXPECT_EQ(ny.Offset(1583650800), -4 * 3600);
  EXPECT_EQ(ny.Offset(1604210400 - 1), -4 * 3600);
  EXPECT_EQ(ny.Offset(1604210400), -5 * 3600);
  // 2006 rules: first Sunday of April, last Sunday of October.
  EXPECT_EQ(ny.Offset(1143961200 - 1), -5 * 3600);
  EXPECT_EQ(ny.Offset(1143961200), -4 * 3600);
  EXPECT_EQ(ny.Abbreviation(1143961200), "EDT");
  EXPECT_EQ(ny.Abbreviation(1143961200 - 1), "EST");
  // 2024-03-11 10:30 EDT = 14:30 UTC.
  EXPECT_EQ(ny.Format(1710167400), "2024-03-11 10:30 EDT");
  EXPECT_EQ(ny.ToUtc(1710153000), 1710167400);  // 2024-03-11 10:30 read as UTC -> 14:30 UTC
  // 02:30 on 2024-03-10 does not exist: forward, 03:30 EDT = 07:30 UTC.
  EXPECT_EQ(ny.ToUtc(1710037800), 1710037800 + 5 * 3600);
  // 01:30 on 2024-11-03 happens twice: the later, 01:30 EST = 06:30 UTC.
  EXPECT_EQ(ny.ToUtc(1730597400), 1730597400 + 5 * 3600);
  EXPECT_EQ(ny.LocalDay(1710167400), 1710115200 / 86400);
}

TEST(ExchangeTest, LondonAndSydneyClocks) {
  LocalClock london(*FindExchange("XLON"));
  // 2024-03-31 01:00 UTC: GMT -> BST.
  EXPECT_EQ(london.Offset(1711846800 - 1), 0);
  EXPECT_EQ(london.Offset(1711846800), 3600);
  EXPECT_EQ(london.Abbreviation(1711846800), "BST");
  LocalClock sydney(*FindExchange("XASX"));
  // 2024-01-09 23:00 UTC is 2024-01-10 10:00 AEDT: the next local day.
  EXPECT_EQ(sydney.Offset(1704841200), 11 * 3600);
  EXPECT_EQ(sydney.Format(1704841200), "2024-01-10 10:00 AEDT");
  EXPECT_EQ(sydney.LocalDay(1704841200), 1704844800 / 86400);
  // Winter (AEST, UTC+10): 2024-07-10 10:00 local = 00:00 UTC.
  EXPECT_EQ(sydney.Format(1720569600), "2024-07-10 10:00 AEST");
  LocalClock mumbai(*FindExchange("XNSE"));
  EXPECT_EQ(mumbai.Offset(1704841200), 5 * 3600 + 1800);
}

}  // namespace
}  // namespace ohlcv
