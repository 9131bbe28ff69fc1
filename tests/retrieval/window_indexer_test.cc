#include "retrieval/window_indexer.h"

#include <gtest/gtest.h>

#include "retrieval_fixture.h"

namespace ohlcv {
namespace {

using testing::Day;
using testing::MakeWindow;

std::vector<Window> Windows(const std::string& ticker, int n) {
  std::vector<Window> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(MakeWindow(ticker, "Energy", Day(2015, 1, 5) + int64_t{i} * 86400, 0.01 * i, 50 + i % 30,
                             (i % 17) - 8.0));
  }
  return out;
}

TEST(WindowIndexerTest, IndexesInBatchesAndCounts) {
  auto store = testing::OpenTestStore(testing::MakeTempDir("ohlcv-indexer"));
  ASSERT_NE(store, nullptr);
  auto embedder = NewHashingEmbedder(testing::kTestDim);
  WindowIndexerOptions o;
  o.batch_size = 7;
  WindowIndexer indexer(*store, *embedder, o);
  auto ws = Windows("XOM", 30);
  ASSERT_TRUE(indexer.Index(ws).ok());
  ASSERT_TRUE(indexer.Index(std::span<const Window>()).ok());
  auto st = indexer.stats();
  EXPECT_EQ(st.calls, 2u);
  EXPECT_EQ(st.windows, 30u);
  EXPECT_EQ(st.batches, 5u);  // 7+7+7+7+2
  EXPECT_EQ(st.failed_batches, 0u);
  EXPECT_GE(st.embed_seconds, 0);
  EXPECT_EQ(*store->Count(), 30u);

  // Re-indexing is an upsert by id: no duplicates.
  ASSERT_TRUE(indexer.Index(ws).ok());
  EXPECT_EQ(*store->Count(), 30u);
}

TEST(WindowIndexerTest, ParallelEmbeddingStoresTheSameVectors) {
  auto store = testing::OpenTestStore(testing::MakeTempDir("ohlcv-indexer"));
  ASSERT_NE(store, nullptr);
  auto embedder = NewHashingEmbedder(testing::kTestDim);
  WindowIndexerOptions o;
  o.embed_threads = 4;
  WindowIndexer indexer(*store, *embedder, o);
  const int n = 4 * static_cast<int>(WindowIndexer::kMinSliceTexts) + 3;  // four slices
  auto ws = Windows("CVX", n);
  ASSERT_TRUE(indexer.Index(ws).ok());
  EXPECT_EQ(*store->Count(), static_cast<uint64_t>(n));
  // Each window's own summary vector finds it first, wherever its slice was.
  for (int i : {0, n / 4 + 1, n / 2, n - 1}) {
    auto q = embedder->EmbedOne(ws[i].summary);
    ASSERT_TRUE(q.ok());
    WindowFilter f;
    f.tickers = {"CVX"};
    f.start_ts = ws[i].start_ts;
    f.end_ts = ws[i].start_ts;
    auto hits = store->Search(VectorSpace::kText, *q, 50, f);
    ASSERT_TRUE(hits.ok());
    ASSERT_FALSE(hits->empty());
    bool found = false;
    for (const auto& h : *hits) {
      if (h.window.id == ws[i].id) {
        found = true;
        EXPECT_NEAR(h.score, 1.0, 1e-4) << ws[i].id;
      }
    }
    EXPECT_TRUE(found) << ws[i].id;
  }
}

TEST(WindowIndexerTest, EmbedderOfAnotherDimensionIsRejected) {
  auto store = testing::OpenTestStore(testing::MakeTempDir("ohlcv-indexer"));
  ASSERT_NE(store, nullptr);
  auto wrong = NewHashingEmbedder(testing::kTestDim / 2);
  WindowIndexer indexer(*store, *wrong);
  auto ws = Windows("XOM", 3);
  Status st = indexer.Index(ws);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(indexer.stats().failed_batches, 1u);
  EXPECT_EQ(*store->Count(), 0u);
}

}  // namespace
}  // namespace ohlcv
