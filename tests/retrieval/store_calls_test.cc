#include "retrieval/store_calls.h"

#include <gtest/gtest.h>

#include "retrieval_fixture.h"

namespace ohlcv {
namespace {

using testing::Day;
using testing::MakeWindow;

SectorMap Sectors() {
  SectorMap m;
  m.Add("AAPL", "Information Technology");
  m.Add("MSFT", "Information Technology");
  m.Add("XOM", "Energy");
  m.Add("CVX", "Energy");
  return m;
}

TEST(StoreCallsTest, SectorsGoToTheStoreAsTheirTickers) {
  const SectorMap map = Sectors();
  WindowFilter f;
  f.sectors = {"Energy"};
  f.start_ts = Day(2019, 1, 1);
  WindowFilter sent = StoreFilter(f, &map);
  EXPECT_TRUE(sent.sectors.empty());
  EXPECT_EQ(sent.tickers, (std::vector<std::string>{"CVX", "XOM"}));
  EXPECT_EQ(sent.start_ts, f.start_ts);
  f.sectors = {"Energy", "Information Technology"};
  EXPECT_EQ(StoreFilter(f, &map).tickers, (std::vector<std::string>{"AAPL", "CVX", "MSFT", "XOM"}));
  // Left alone: no map, tickers already named, a sector the map lacks.
  EXPECT_EQ(StoreFilter(f, nullptr).sectors, f.sectors);
  WindowFilter named = f;
  named.tickers = {"AAPL"};
  EXPECT_EQ(StoreFilter(named, &map).tickers, named.tickers);
  EXPECT_EQ(StoreFilter(named, &map).sectors, named.sectors);
  WindowFilter unknown;
  unknown.sectors = {"Energy", "Utilities"};
  EXPECT_EQ(StoreFilter(unknown, &map).sectors, unknown.sectors);
  EXPECT_TRUE(StoreFilter(unknown, &map).tickers.empty());
}

TEST(StoreCallsTest, KeepSectorsDropsHitsOfOtherSectors) {
  std::vector<SearchHit> hits = {{MakeWindow("XOM", "Energy", Day(2019, 1, 1), 0), 1},
                                 {MakeWindow("XOM", "Utilities", Day(2019, 2, 1), 0), 1},
                                 {MakeWindow("CVX", "Energy", Day(2019, 3, 1), 0), 1}};
  WindowFilter any;
  KeepSectors(any, &hits);
  EXPECT_EQ(hits.size(), 3u);
  WindowFilter energy;
  energy.sectors = {"Energy"};
  KeepSectors(energy, &hits);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].window.ticker, "CVX");
}

TEST(StoreCallsTest, LexicalTextKeepsOnlyWordsThatCanRank) {
  ParsedQuestion q;
  q.tickers = {"NFLX"};
  q.text_terms = "maximum drawdown";
  EXPECT_EQ(LexicalText(q, "What was the maximum drawdown of NFLX in 2018?"), "maximum");
  q.text_terms = "rsi volatility";
  EXPECT_EQ(LexicalText(q, "RSI and volatility of NFLX"), "");  // skip BM25 altogether
  q.text_terms = "earnings season";
  EXPECT_EQ(LexicalText(q, "x"), "earnings season");
  // No filter and no leftover words: the question itself, template words out.
  ParsedQuestion open;
  EXPECT_EQ(LexicalText(open, "Steep DECLINE with high volume"), "steep decline with");
  EXPECT_EQ(LexicalText(q, ""), "earnings season");
}

TEST(StoreCallsTest, FindMostRecentEqualsOneFind) {
  auto dir = testing::MakeTempDir("ohlcv-store-calls");
  auto store = testing::OpenTestStore(dir);
  ASSERT_NE(store, nullptr);
  // 3 tickers x ~3 years of windows every 5 days; one in four has a breakout.
  std::vector<Window> windows;
  int n = 0;
  for (const char* t : {"AAPL", "MSFT", "XOM"}) {
    for (int64_t start = Day(2017, 1, 2); start < Day(2020, 1, 1); start += 5 * 86400) {
      Window w = MakeWindow(t, std::string(t) == "XOM" ? "Energy" : "Information Technology", start, n * 0.1);
      if (n++ % 4 == 0) testing::AddEvent(&w, PatternKind::kBreakout20High, start + 10 * 86400);
      windows.push_back(std::move(w));
    }
  }
  std::vector<float> emb(windows.size() * testing::kTestDim, 0.1f);
  ASSERT_TRUE(store->Upsert(windows, emb).ok());
  const int64_t latest = windows.back().end_ts;

  std::vector<WindowFilter> filters(4);
  filters[0].patterns = {PatternKind::kBreakout20High};                       // everything, recent first
  filters[1].start_ts = Day(2018, 1, 1);                                      // a bounded range
  filters[1].end_ts = Day(2018, 12, 31);
  filters[1].patterns = {PatternKind::kBreakout20High};
  filters[2].tickers = {"AAPL", "MSFT", "XOM", "A", "B", "C", "D", "E", "F"};  // many tickers
  filters[2].numeric = {{"rsi14_max", NumericCondition::Op::kGt, 50}};
  filters[3].sectors = {"Energy"};
  filters[3].start_ts = Day(2019, 6, 1);
  for (size_t i = 0; i < filters.size(); ++i) {
    for (size_t limit : {1, 5, 40, 100, 1000}) {
      SCOPED_TRACE(::testing::Message() << "filter " << i << " limit " << limit);
      auto want = store->Find(filters[i], limit);
      auto got = FindMostRecent(*store, filters[i], limit, latest);
      ASSERT_TRUE(want.ok() && got.ok());
      ASSERT_EQ(got->size(), want->size());
      for (size_t k = 0; k < got->size(); ++k) EXPECT_EQ((*got)[k].window.id, (*want)[k].window.id);
    }
  }
  // No end anywhere: a plain Find.
  auto plain = FindMostRecent(*store, filters[0], 10, std::nullopt);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), 10u);
}

}  // namespace
}  // namespace ohlcv
