// The WAL of windows.db stays bounded while windows are written (issue 18:
// it reached 550 MB during a re-ingest). The indexer thread checkpoints past
// LocalVectorStoreOptions::wal_checkpoint_bytes, but it runs at a lower
// priority and only between drain chunks; a writer that finds the WAL at
// twice the threshold after its commit resets it itself. A sampler thread
// records the WAL's size throughout a stream of upserts (an ingest's
// pattern) with a small threshold so the test writes many times the bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "index/vector_store.h"
#include "index/vector_store_conformance.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using testing::ConformanceVector;
using testing::ConformanceWindow;

constexpr size_t kDim = 16;
constexpr size_t kShapeDim = 4;

TEST(LocalVectorStoreWalTest, WalStaysUnderTwiceTheCheckpointSizeWhileWriting) {
  const std::string dir = testing::MakeTempDir("ohlcv-wal");
  LocalVectorStoreOptions o;
  o.dir = dir;
  o.embedder = {"test-embedder", kDim, kShapeDim};
  o.wal_checkpoint_bytes = 1 << 20;
  auto store = OpenLocalVectorStore(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  const fs::path wal = fs::path(dir) / "windows.db-wal";
  std::atomic<bool> done{false};
  std::atomic<uint64_t> max_seen{0};
  std::thread sampler([&] {
    while (!done.load()) {
      std::error_code ec;
      const uint64_t size = fs::file_size(wal, ec);
      if (!ec && size > max_seen.load()) max_seen.store(size);
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });

  // Batches of 64 windows; each adds ~0.3 MB of WAL (measured below), about
  // 20x the bound in all.
  constexpr int kBatch = 64, kBatches = 160;
  uint64_t max_batch_growth = 0, max_after_write = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<Window> ws;
    std::vector<float> emb;
    for (int i = b * kBatch; i < (b + 1) * kBatch; ++i) {
      ws.push_back(ConformanceWindow(i, "T" + std::to_string(i % 50), "Sector"));
      auto v = ConformanceVector(i, kDim);
      emb.insert(emb.end(), v.begin(), v.end());
    }
    std::error_code ec;
    const uint64_t before = fs::file_size(wal, ec);
    ASSERT_TRUE((*store)->Upsert(ws, emb).ok());
    const uint64_t after = fs::file_size(wal, ec);
    if (!ec && after > before) max_batch_growth = std::max(max_batch_growth, after - before);
    max_after_write = std::max(max_after_write, after);
  }
  done = true;
  sampler.join();
  auto count = (*store)->Count();
  ASSERT_TRUE(count.ok());
  ASSERT_EQ(*count, static_cast<uint64_t>(kBatch * kBatches));
  ASSERT_GT(max_batch_growth, 0u);
  // Written in all: many times the bound, so only checkpoints kept it small.
  ASSERT_GT(max_batch_growth * kBatches, 10 * 2 * o.wal_checkpoint_bytes);
  // After any write returns: under twice the threshold plus that write.
  EXPECT_LT(max_after_write, 2 * o.wal_checkpoint_bytes + max_batch_growth)
      << "largest batch added " << max_batch_growth << " bytes";
  // At any moment (mid-commit included): the same plus one more batch.
  EXPECT_LT(max_seen.load(), 2 * o.wal_checkpoint_bytes + 2 * max_batch_growth)
      << "largest batch added " << max_batch_growth << " bytes";
}

}  // namespace
}  // namespace ohlcv
