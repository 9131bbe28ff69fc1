// IngestAndIndex into the shared vector store (a real PostgreSQL 15 and a
// real ChromaDB, testutil/): the path where full batches of windows are
// written on a helper thread while the workers go on (pipeline/ingest.cc,
// BatchIndexSink). Small batches make a run of six tickers many batches.
//  - every window is stored and none waits for ChromaDB at the end; the same
//    data again sends nothing;
//  - with ChromaDB gone the run reports the failure, records no mark for the
//    lost windows, and the next run (against a new ChromaDB) stores them all;
//  - marks are recorded as their batches succeed, not only at the end.
// Skipped, with a message, when either server's package is absent.
#include <gtest/gtest.h>

#include "embed/embedder.h"
#include "index/vector_store.h"
#include "pipeline/ingest.h"
#include "store/pg_conn.h"
#include "testutil/chroma_server.h"
#include "testutil/pg_server.h"
#include "testutil/test_paths.h"
#include "windows/shape_vector.h"

namespace ohlcv {
namespace {

using testing::ChromaServer;
using testing::PgServer;

constexpr size_t kDim = 16;

SharedVectorStoreOptions OptionsFor(const std::string& db, const ChromaServer& chroma) {
  SharedVectorStoreOptions o;
  o.database_url = db;
  o.chroma.host = chroma.host();
  o.chroma.port = chroma.port();
  o.chroma.collection_prefix = "ingest";
  o.chroma.embedder = {"hashing-16", kDim, kShapeDims};
  o.chroma.timeout_ms = 3000;
  o.chroma.max_retries = 0;
  return o;
}

int64_t PendingRows(const std::string& db) {
  pg::PgConfig config;
  config.url = db;
  auto conn = pg::Conn::Connect(config);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  auto rows = (*conn)->Query("SELECT count(*) FROM window_vectors_pending");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows->Int(0, 0) : -1;
}

std::unique_ptr<BarStore> OpenBars(const std::string& dir) {
  BarStoreOptions o;
  o.path = dir + "/bars.db";
  auto store = BarStore::Open(o);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

TEST(SharedIngestTest, BackgroundBatchesStoreEveryWindowAndAFailureIsRedone) {
  if (!ChromaServer::Installed()) GTEST_SKIP() << ChromaServer::NotInstalledMessage();
  if (!PgServer::Installed()) GTEST_SKIP() << PgServer::NotInstalledMessage();
  std::string error;
  const std::string db = PgServer::NewSharedDatabase(&error);
  ASSERT_FALSE(db.empty()) << error;
  const std::string dir = testing::MakeTempDir();
  auto bars = OpenBars(dir);
  auto source = NewSyntheticSource({});
  auto embedder = NewHashingEmbedder(kDim);
  IngestOptions options;
  options.threads = 2;
  FetchRequest req;
  req.tickers = {"AAA", "BBB", "CCC"};

  // ChromaDB goes away after the store opened: the run fails its units and
  // keeps their windows in PostgreSQL as pending, with no mark recorded.
  {
    ChromaServer gone;
    ASSERT_EQ(gone.Start(), "");
    auto vectors = OpenSharedVectorStore(OptionsFor(db, gone));
    ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
    gone.Stop();
    IndexTarget target{**vectors, *embedder, /*batch_windows=*/100};
    auto failed = IngestAndIndex(*source, req, *bars, target, options);
    EXPECT_TRUE(!failed.ok() || !failed->errors.empty()) << "an ingest without ChromaDB must not succeed";
    EXPECT_GT(PendingRows(db), 0);
  }

  ChromaServer chroma;
  ASSERT_EQ(chroma.Start(), "");
  auto vectors = OpenSharedVectorStore(OptionsFor(db, chroma));
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  IndexTarget target{**vectors, *embedder, /*batch_windows=*/100};
  req.tickers = {"AAA", "BBB", "CCC", "DDD", "EEE", "FFF"};
  auto run = IngestAndIndex(*source, req, *bars, target, options);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->errors.empty());
  EXPECT_GT(run->windows, 6u * 200);  // ~247 windows a ticker: a dozen batches of 100
  // Every window of the six tickers is stored (the three redone ones too),
  // and ChromaDB holds every vector: none is left pending.
  auto count = (*vectors)->Count();
  ASSERT_TRUE(count.ok());
  EXPECT_GE(*count, run->windows);
  EXPECT_EQ(PendingRows(db), 0);
  WindowFilter all;
  auto found = (*vectors)->Find(all, 1u << 20);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), *count);
  for (size_t i = 0; i < found->size(); i += found->size() / 7) {
    const Window& w = (*found)[i].window;
    auto hits = (*vectors)->Search(VectorSpace::kShape, w.shape, 1, WindowFilter{});
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_NEAR((*hits)[0].score, 1.0, 1e-4) << w.id;
  }
  // The same data again: nothing is written or sent.
  const uint64_t upserts = (*vectors)->stats().upserts;
  auto again = IngestAndIndex(*source, req, *bars, target, options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*vectors)->stats().upserts, upserts);
  EXPECT_EQ(PendingRows(db), 0);
}

size_t PendingMarks(BarStore& bars) {
  auto state = bars.ListState("ticker/");
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  size_t n = 0;
  for (const auto& [key, value] : *state) n += key.find("/pending/") != std::string::npos;
  return n;
}

// Marks are recorded batch by batch: while the run is still going, the
// pending marks of the first tickers, whose batches have succeeded, are
// already erased (a run killed now would redo only the rest). Before, they
// waited until nothing at all was buffered or in flight, i.e. the end.
TEST(SharedIngestTest, MarksAreRecordedAsTheirBatchesSucceed) {
  if (!ChromaServer::Installed()) GTEST_SKIP() << ChromaServer::NotInstalledMessage();
  if (!PgServer::Installed()) GTEST_SKIP() << PgServer::NotInstalledMessage();
  std::string error;
  const std::string db = PgServer::NewSharedDatabase(&error);
  ASSERT_FALSE(db.empty()) << error;
  ChromaServer chroma;
  ASSERT_EQ(chroma.Start(), "");
  const std::string dir = testing::MakeTempDir();
  auto bars = OpenBars(dir);
  auto source = NewSyntheticSource({});
  auto embedder = NewHashingEmbedder(kDim);
  auto vectors = OpenSharedVectorStore(OptionsFor(db, chroma));
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  IndexTarget target{**vectors, *embedder, /*batch_windows=*/100};
  IngestOptions options;
  options.threads = 1;  // units in order
  FetchRequest req;
  req.tickers = {"MA", "MB", "MC", "MD", "ME", "MF", "MG", "MH"};
  size_t marks_at_last_unit = 0, units_at_last_unit = 0;
  auto progress = [&](const IngestStats& so_far, const std::string&) {
    if (so_far.units_done != req.tickers.size()) return;
    // The last unit is analysed; the final batch is not flushed yet.
    units_at_last_unit = so_far.units_done;
    marks_at_last_unit = PendingMarks(*bars);
  };
  auto run = IngestAndIndex(*source, req, *bars, target, options, progress);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->errors.empty());
  ASSERT_EQ(units_at_last_unit, req.tickers.size());
  EXPECT_LT(marks_at_last_unit, req.tickers.size() - 2)
      << "the first tickers' batches succeeded long before; their marks should be erased";
  EXPECT_GT(marks_at_last_unit, 0u) << "the last ticker's windows were not durable yet";
  EXPECT_EQ(PendingMarks(*bars), 0u);
  EXPECT_EQ(PendingRows(db), 0);
}

}  // namespace
}  // namespace ohlcv
