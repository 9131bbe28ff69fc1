// BarStore state records (GetState/PutState/ListState), their removal with
// DeleteTicker, and the per-series summary ListTickers reads.
#include <gtest/gtest.h>

#include "store/bar_store.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

BarSeries Series(const std::string& ticker, int64_t first_day, size_t n) {
  BarSeries s;
  s.ticker = ticker;
  for (size_t i = 0; i < n; ++i) {
    double p = 100 + static_cast<double>(i);
    s.push_back(Bar{(first_day + static_cast<int64_t>(i)) * 86400, p, p + 1, p - 1, p, 1000, p});
  }
  return s;
}

std::unique_ptr<BarStore> Open(const std::string& path, bool read_only = false) {
  BarStoreOptions o;
  o.path = path;
  o.read_only = read_only;
  auto s = BarStore::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(BarStoreStateTest, PutGetListAndEraseInOneTransaction) {
  auto store = Open(testing::MakeTempDir() + "/bars.db");
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->GetState("source/csv/a.csv")->has_value());
  ASSERT_TRUE(store->PutState({{"source/csv/a.csv", std::string("1:2:3")},
                               {TickerStateKey("aapl") + "synthetic", std::string("1")},
                               {TickerStateKey("AAPLX") + "pending/1d", std::string("42")}})
                  .ok());
  EXPECT_EQ(store->GetState("source/csv/a.csv")->value(), "1:2:3");
  auto ticker = store->ListState(TickerStateKey("AAPL"));
  ASSERT_TRUE(ticker.ok());
  ASSERT_EQ(ticker->size(), 1u);  // "ticker/AAPL/" does not match "ticker/AAPLX/"
  EXPECT_EQ((*ticker)[0].first, "ticker/AAPL/synthetic");
  ASSERT_TRUE(store->PutState({{"source/csv/a.csv", std::nullopt}}).ok());
  EXPECT_FALSE(store->GetState("source/csv/a.csv")->has_value());
  // State does not move the data version.
  EXPECT_EQ(*store->DataVersion(), 0u);
}

TEST(BarStoreStateTest, DeleteTickerRemovesItsStateAndSummaryOnly) {
  const std::string path = testing::MakeTempDir() + "/bars.db";
  auto store = Open(path);
  ASSERT_TRUE(store->Upsert(Series("AAA", 18000, 10)).ok());
  ASSERT_TRUE(store->Upsert(Series("BBB", 18000, 5)).ok());
  // An overlapping upsert extends the summary by the new bars only.
  ASSERT_TRUE(store->Upsert(Series("AAA", 18005, 10)).ok());
  ASSERT_TRUE(store->PutState({{SyntheticFlagKey("AAA"), std::string("1")},
                               {SyntheticFlagKey("BBB"), std::string("1")}})
                  .ok());
  auto list = store->ListTickers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].bars, 15u);
  EXPECT_EQ((*list)[0].first_ts, 18000 * 86400);
  EXPECT_EQ((*list)[0].last_ts, 18014 * 86400);
  EXPECT_TRUE((*list)[0].synthetic);
  EXPECT_EQ((*list)[1].bars, 5u);

  EXPECT_EQ(*store->DeleteTicker("aaa"), 15u);
  EXPECT_FALSE(store->GetState(SyntheticFlagKey("AAA"))->has_value());
  EXPECT_TRUE(store->GetState(SyntheticFlagKey("BBB"))->has_value());
  list = store->ListTickers();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].ticker, "BBB");

  // A read-only open sees the same summary.
  store.reset();
  auto ro = Open(path, /*read_only=*/true);
  list = ro->ListTickers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].bars, 5u);
  EXPECT_TRUE((*list)[0].synthetic);
}

}  // namespace
}  // namespace ohlcv
