#include "pipeline/ingest.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>

#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

std::unique_ptr<BarStore> OpenStore(const std::string& dir) {
  BarStoreOptions o;
  o.path = dir + "/bars.db";
  auto store = BarStore::Open(o);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

TEST(IngestTest, SyntheticIngestIsIdempotentAndFeedsTheSink) {
  std::string dir = testing::MakeTempDir();
  auto store = OpenStore(dir);
  auto source = NewSyntheticSource({});
  FetchRequest req;
  req.tickers = {"AAA", "BBB", "CCC"};
  IngestOptions options;
  options.threads = 2;
  std::mutex mu;
  std::map<std::string, size_t> sunk;
  size_t progress_calls = 0;
  auto sink = [&](const BarSeries& bars, std::span<const Window> windows) {
    std::lock_guard lock(mu);
    sunk[bars.ticker] += windows.size();
    for (const auto& w : windows) EXPECT_EQ(w.ticker, bars.ticker);
    return Status::Ok();
  };
  auto progress = [&](const IngestStats& s, const std::string&) {
    ++progress_calls;
    EXPECT_LE(s.units_done, s.units_total);
  };
  auto first = RunIngest(*source, req, *store, options, progress, sink);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->units_total, 3u);
  EXPECT_EQ(first->tickers, 3u);
  EXPECT_EQ(first->bars_inserted, 3u * SyntheticSourceOptions{}.bars);
  EXPECT_EQ(first->bars_unchanged, 0u);
  EXPECT_TRUE(first->errors.empty());
  EXPECT_EQ(progress_calls, 3u);
  ASSERT_EQ(sunk.size(), 3u);
  size_t windows = 0;
  for (auto& [t, n] : sunk) windows += n;
  EXPECT_EQ(first->windows, windows);
  EXPECT_GT(windows, 3u * 200);  // 1,260 bars at stride 5 give ~247 windows each

  // The same data again changes nothing (incremental: nothing newer to fetch).
  auto version = store->DataVersion();
  auto second = RunIngest(*source, req, *store, options, {}, sink);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->bars_inserted, 0u);
  EXPECT_EQ(second->bars_updated, 0u);
  EXPECT_EQ(*store->DataVersion(), *version);
  // Nothing changed, so no window is rebuilt or handed to the sink again.
  EXPECT_EQ(second->windows, 0u);
  EXPECT_EQ(second->tickers_unchanged, 3u);
}

TEST(IngestTest, BadCsvRowsAreSkippedAndCountedOrFailUnderStrict) {
  std::string dir = testing::MakeTempDir();
  std::string csv = dir + "/XYZ.csv";
  {
    std::ofstream out(csv);
    out << "Date,Open,High,Low,Close,Volume\n"
        << "2020-01-02,10,11,9,10.5,1000\n"
        << "2020-01-03,10.5,10,11,10.2,1000\n"  // high < low
        << "2020-01-06,10.2,10.8,10.1,10.6,1200\n";
  }
  auto store = OpenStore(dir);
  auto source = NewCsvSource({csv, ""});
  FetchRequest req;
  auto stats = RunIngest(*source, req, *store, {}, {}, {});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows_read, 3u);
  EXPECT_EQ(stats->rows_skipped, 1u);
  EXPECT_EQ(stats->bars_inserted, 2u);
  ASSERT_EQ(stats->issues.size(), 1u);
  EXPECT_NE(stats->issues[0].where.find("XYZ.csv:3"), std::string::npos) << stats->issues[0].where;

  req.strict = true;
  auto strict = RunIngest(*source, req, *store, {}, {}, {});
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(strict.status().message().find("XYZ.csv:3"), std::string::npos) << strict.status().message();
}

TEST(IngestTest, SinkFailureFailsOnlyThatUnit) {
  std::string dir = testing::MakeTempDir();
  auto store = OpenStore(dir);
  auto source = NewSyntheticSource({});
  FetchRequest req;
  req.tickers = {"GOOD", "BAD"};
  auto sink = [](const BarSeries& bars, std::span<const Window>) {
    return bars.ticker == "BAD" ? Status::Unavailable("index down") : Status::Ok();
  };
  auto stats = RunIngest(*source, req, *store, {}, {}, sink);
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->errors.size(), 1u);
  EXPECT_EQ(stats->errors[0].unit, "BAD");
  EXPECT_EQ(stats->errors[0].status.code(), StatusCode::kUnavailable);
  // The bars are stored either way; the index can catch up on the next ingest.
  EXPECT_TRUE(store->Load("BAD", Interval::k1d).ok());
}

}  // namespace
}  // namespace ohlcv
