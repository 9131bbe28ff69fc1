#include "util/sector_map.h"

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

SectorMap Small() {
  auto m = SectorMap::Parse(
      "ticker,sector\n"
      "AAPL,Information Technology\n"
      "msft,Information Technology\n"
      "JPM,Financials\n"
      "XOM,Energy\n"
      "JNJ,Health Care\n"
      "T,Communication Services\n"
      "O,Real Estate\n");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? std::move(m).value() : SectorMap();
}

TEST(SectorMapTest, LookupIsCaseInsensitive) {
  SectorMap m = Small();
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(m.Lookup("aapl"), "Information Technology");
  EXPECT_EQ(m.Lookup(" MSFT "), "Information Technology");
  EXPECT_EQ(m.Lookup("Jpm"), "Financials");
  EXPECT_EQ(m.Lookup("ZZZ"), std::nullopt);
}

TEST(SectorMapTest, SectorsAndTickersIn) {
  SectorMap m = Small();
  EXPECT_EQ(m.Sectors(), (std::vector<std::string>{"Communication Services", "Energy", "Financials",
                                                   "Health Care", "Information Technology",
                                                   "Real Estate"}));
  EXPECT_EQ(m.TickersIn("information technology"), (std::vector<std::string>{"AAPL", "MSFT"}));
  EXPECT_EQ(m.TickersIn("tech"), (std::vector<std::string>{"AAPL", "MSFT"}));
  EXPECT_EQ(m.TickersIn("banks"), (std::vector<std::string>{"JPM"}));
  EXPECT_TRUE(m.TickersIn("Utilities").empty());
}

TEST(SectorMapTest, ReverseLookupWithSynonyms) {
  SectorMap m = Small();
  EXPECT_EQ(m.FindSector("tech stocks"), "Information Technology");
  EXPECT_EQ(m.FindSector("Technology"), "Information Technology");
  EXPECT_EQ(m.FindSector("INFORMATION   technology sector"), "Information Technology");
  EXPECT_EQ(m.FindSector("healthcare"), "Health Care");
  EXPECT_EQ(m.FindSector("health-care names"), "Health Care");
  EXPECT_EQ(m.FindSector("banks"), "Financials");
  EXPECT_EQ(m.FindSector("financials"), "Financials");
  EXPECT_EQ(m.FindSector("energy"), "Energy");
  EXPECT_EQ(m.FindSector("telecom"), "Communication Services");
  EXPECT_EQ(m.FindSector("real estate"), "Real Estate");
  // Known synonyms of sectors absent from this map do not resolve.
  EXPECT_EQ(m.FindSector("utilities"), std::nullopt);
  EXPECT_EQ(m.FindSector("stocks"), std::nullopt);
  EXPECT_EQ(m.FindSector("apples"), std::nullopt);
  // An empty map resolves to GICS names.
  SectorMap empty;
  EXPECT_EQ(empty.FindSector("utilities"), "Utilities");
  EXPECT_EQ(empty.FindSector("consumer staples"), "Consumer Staples");
  EXPECT_EQ(empty.FindSector("consumer discretionary"), "Consumer Discretionary");
  EXPECT_EQ(empty.FindSector("industrials"), "Industrials");
  EXPECT_EQ(empty.FindSector("materials"), "Materials");
  EXPECT_EQ(empty.FindSector("communication services"), "Communication Services");
}

TEST(SectorMapTest, SynonymTableCoversTheGicsSectors) {
  EXPECT_EQ(SectorSynonym("tech"), "Information Technology");
  EXPECT_EQ(SectorSynonym("Banks"), "Financials");
  EXPECT_EQ(SectorSynonym("oil & gas"), "Energy");
  EXPECT_EQ(SectorSynonym("staples"), "Consumer Staples");
  EXPECT_EQ(SectorSynonym("reits"), "Real Estate");
  EXPECT_EQ(SectorSynonym("telecom"), "Communication Services");
  EXPECT_EQ(SectorSynonym("consumer"), std::nullopt);
}

TEST(SectorMapTest, SectorsMentionedInText) {
  SectorMap m = Small();
  EXPECT_EQ(m.SectorsMentioned("How did tech stocks do vs banks and Energy in 2019?"),
            (std::vector<std::string>{"Information Technology", "Financials", "Energy"}));
  EXPECT_EQ(m.SectorsMentioned("information technology and technology"),
            (std::vector<std::string>{"Information Technology"}));
  EXPECT_EQ(m.SectorsMentioned("real estate vs health care"),
            (std::vector<std::string>{"Real Estate", "Health Care"}));
  EXPECT_TRUE(m.SectorsMentioned("what did AAPL do in March").empty());
  EXPECT_TRUE(m.SectorsMentioned("").empty());
}

TEST(SectorMapTest, ParseAcceptsNoHeaderQuotesCrlfBomAndOverrides) {
  auto m = SectorMap::Parse(
      "\xEF\xBB\xBF"
      "AAPL,Information Technology\r\n"
      "\r\n"
      "\"BRK-B\",\"Financials\"\r\n"
      "aapl,Consumer Electronics\r\n");  // a later row overrides
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->size(), 2u);
  EXPECT_EQ(m->Lookup("brk-b"), "Financials");
  EXPECT_EQ(m->Lookup("AAPL"), "Consumer Electronics");

  auto bad = SectorMap::Parse("ticker,sector\nAAPL\n", "mine.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "mine.csv:2: expected ticker,sector, found \"AAPL\"");
}

TEST(SectorMapTest, LoadErrorsAndSharedFile) {
  EXPECT_EQ(SectorMap::Load("/nonexistent/sectors.csv").status().code(), StatusCode::kNotFound);
  OHLCV_REQUIRE_SHARED_DATA();
  auto m = SectorMap::Load(testing::SharedDir() + "/data/sp500_sectors.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->size(), 503u);
  EXPECT_EQ(m->Sectors().size(), 11u);
  EXPECT_EQ(m->Lookup("AAPL"), "Information Technology");
  EXPECT_EQ(m->Lookup("a"), "Health Care");
  EXPECT_EQ(m->TickersIn("tech").size(), 70u);
  EXPECT_EQ(m->FindSector("utilities"), "Utilities");
}

}  // namespace
}  // namespace ohlcv
