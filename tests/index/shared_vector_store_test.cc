// Tests of the shared vector store (index/shared_vector_store.cc): windows
// and filters in a real PostgreSQL 15 server (testutil/pg_server.h), vectors
// in a real ChromaDB server (testutil/chroma_server.h).
//  - the conformance suite (the same checks as the local store, lexical
//    search included);
//  - what only this store has: an unchanged window is not sent again; a
//    ChromaDB that went away loses no window (the rows wait in PostgreSQL
//    and the next upsert sends them to the new server), deferred uploads
//    report their failures and lose nothing either; a schema-1 store
//    (a `vectors_stored` column) is migrated to the pending table.
// Skipped, with a message, when either server's package is absent.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "index/pg_window_rows.h"
#include "index/vector_store.h"
#include "index/vector_store_conformance.h"
#include "store/pg_conn.h"
#include "testutil/chroma_server.h"
#include "testutil/pg_server.h"

namespace ohlcv {
namespace {

using testing::ChromaServer;
using testing::ConformanceVector;
using testing::ConformanceWindow;
using testing::PgServer;
using testing::VectorStoreConformance;
using testing::VectorStoreUnderTest;

SharedVectorStoreOptions OptionsFor(const std::string& db_url, const ChromaServer& chroma,
                                    const std::string& prefix, const EmbedderIdentity& e) {
  SharedVectorStoreOptions o;
  o.database_url = db_url;
  o.chroma.host = chroma.host();
  o.chroma.port = chroma.port();
  o.chroma.collection_prefix = prefix;
  o.chroma.embedder = e;
  o.chroma.timeout_ms = 20000;
  return o;
}

// One database and one collection prefix per namespace, so a reopen of the
// same namespace sees the same data.
Result<std::unique_ptr<VectorStore>> OpenOnSharedServers(const std::string& ns, const EmbedderIdentity& e) {
  static std::map<std::string, std::string> databases;
  std::string error;
  PgServer* pg = PgServer::Shared(&error);
  if (!pg) return Status::Unavailable(error);
  ChromaServer* chroma = ChromaServer::Shared(&error);
  if (!chroma) return Status::Unavailable(error);
  auto it = databases.find(ns);
  if (it == databases.end()) {
    std::string url = pg->NewDatabase(&error);
    if (url.empty()) return Status::Unavailable(error);
    it = databases.emplace(ns, url).first;
  }
  std::string prefix = "shared_" + std::to_string(::getpid()) + "_" + ns;
  for (char& c : prefix) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return OpenSharedVectorStore(OptionsFor(it->second, *chroma, prefix, e));
}

std::vector<VectorStoreUnderTest> SharedStores() {
  if (!ChromaServer::Installed() || !PgServer::Installed()) return {};
  return {VectorStoreUnderTest{"shared", OpenOnSharedServers, /*supports_lexical=*/true}};
}

INSTANTIATE_TEST_SUITE_P(Shared, VectorStoreConformance, ::testing::ValuesIn(SharedStores()),
                         testing::VectorStoreUnderTestName);

#define REQUIRE_SERVERS()                                                                  \
  do {                                                                                     \
    if (!ChromaServer::Installed()) GTEST_SKIP() << ChromaServer::NotInstalledMessage();   \
    if (!PgServer::Installed()) GTEST_SKIP() << PgServer::NotInstalledMessage();           \
  } while (0)

constexpr size_t kDim = 8;
EmbedderIdentity TestEmbedder() { return {"shared-test-embedder", kDim, 4}; }

// Uploads give up quickly once the ChromaDB server is stopped.
SharedVectorStoreOptions FailFastOptions(const std::string& db, const ChromaServer& chroma,
                                         const std::string& prefix) {
  auto o = OptionsFor(db, chroma, prefix, TestEmbedder());
  o.chroma.max_retries = 1;
  o.chroma.timeout_ms = 2000;
  return o;
}

std::vector<Window> Windows(int first, int n) {
  std::vector<Window> out;
  for (int i = first; i < first + n; ++i) out.push_back(ConformanceWindow(i, i % 2 ? "AAPL" : "MSFT", "Tech"));
  return out;
}
std::vector<float> Embeddings(int first, int n) {
  std::vector<float> out;
  for (int i = first; i < first + n; ++i) {
    auto v = ConformanceVector(i, kDim);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

TEST(SharedStore, UnchangedWindowsAreNotSentAgain) {
  REQUIRE_SERVERS();
  auto store = OpenOnSharedServers("unchanged", TestEmbedder());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Upsert(Windows(0, 20), Embeddings(0, 20)).ok());
  EXPECT_EQ((*store)->stats().upserts, 20u);
  // The same windows again: nothing to write; one changed summary: one row.
  ASSERT_TRUE((*store)->Upsert(Windows(0, 20), Embeddings(0, 20)).ok());
  EXPECT_EQ((*store)->stats().upserts, 20u);
  auto changed = Windows(0, 20);
  changed[3].summary += " Changed.";
  ASSERT_TRUE((*store)->Upsert(changed, Embeddings(0, 20)).ok());
  EXPECT_EQ((*store)->stats().upserts, 21u);
  auto got = (*store)->Get(std::vector<std::string>{changed[3].id});
  ASSERT_TRUE(got.ok() && got->size() == 1);
  EXPECT_EQ((*got)[0].summary, changed[3].summary);
  EXPECT_EQ(*(*store)->Count(), 20u);
}

// Intraday sessions moved from UTC days to exchange time (issue 16): a shared
// store recorded under the old rule opens (re-recorded) without intraday
// windows, and is refused with a re-index message with them.
TEST(SharedStore, OldSessionRuleIsAcceptedOnlyWithoutIntradayWindows) {
  REQUIRE_SERVERS();
  std::string error;
  PgServer* pg = PgServer::Shared(&error);
  ASSERT_NE(pg, nullptr) << error;
  ChromaServer* chroma = ChromaServer::Shared(&error);
  ASSERT_NE(chroma, nullptr) << error;
  for (Interval iv : {Interval::k1d, Interval::k1m}) {
    const std::string db = pg->NewDatabase(&error);
    ASSERT_FALSE(db.empty()) << error;
    const std::string prefix = "sessions_" + std::to_string(::getpid()) + "_" + std::string(IntervalName(iv));
    SharedVectorStoreOptions o = OptionsFor(db, *chroma, prefix, TestEmbedder());
    o.windowing = "30 bars, stride 5";  // what the old rule recorded
    {
      auto s = OpenSharedVectorStore(o);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      std::vector<Window> one = {ConformanceWindow(0, "AAPL", "Tech", iv)};
      ASSERT_TRUE((*s)->Upsert(one, ConformanceVector(0, kDim)).ok());
    }
    o.windowing_intraday_legacy = o.windowing;
    o.windowing = "30 bars, stride 5, sessions in exchange time";
    auto s = OpenSharedVectorStore(o);
    if (iv == Interval::k1d) {
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      s->reset();
      SharedVectorStoreOptions old = OptionsFor(db, *chroma, prefix, TestEmbedder());
      old.windowing = "30 bars, stride 5";  // re-recorded: the old value alone is refused now
      EXPECT_FALSE(OpenSharedVectorStore(old).ok());
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(s.status().message().find("1 intraday windows cut by the old session rule"), std::string::npos)
          << s.status().message();
    }
  }
}

// ChromaDB stops mid-ingest: the upsert fails, but its windows are in
// PostgreSQL; a store opened against a new (empty) ChromaDB notices the
// missing vectors and the next upsert sends every window: nothing is lost.
TEST(SharedStore, ChromaLossLosesNoWindow) {
  REQUIRE_SERVERS();
  std::string error;
  const std::string db = PgServer::NewSharedDatabase(&error);
  ASSERT_FALSE(db.empty()) << error;
  ChromaServer first;
  ASSERT_EQ(first.Start(), "");
  {
    auto store = OpenSharedVectorStore(FailFastOptions(db, first, "resume"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Upsert(Windows(0, 30), Embeddings(0, 30)).ok());
    first.Stop();
    Status failed = (*store)->Upsert(Windows(30, 30), Embeddings(30, 30));
    EXPECT_FALSE(failed.ok());
    // The windows themselves are stored: filters and Find still see them.
    EXPECT_EQ(*(*store)->Count(), 60u);
  }
  ChromaServer second;
  ASSERT_EQ(second.Start(), "");
  auto store = OpenSharedVectorStore(OptionsFor(db, second, "resume", TestEmbedder()));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Upsert({}, {}).ok());  // resumes: sends every pending window
  EXPECT_EQ((*store)->stats().upserts, 0u);   // nothing new was written
  // Every window is found by an unfiltered (ChromaDB) search for its own vector.
  for (int i : {0, 17, 31, 59}) {
    auto hits = (*store)->Search(VectorSpace::kText, ConformanceVector(i, kDim), 1, WindowFilter{});
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].window.id, Windows(i, 1)[0].id);
    EXPECT_NEAR((*hits)[0].score, 1.0, 1e-4);
  }
}

// UpsertDeferred (what WindowIndexer uses) returns once the windows are in
// PostgreSQL and uploads their vectors in the background: Sync waits for the
// upload; an upload that fails (ChromaDB gone) is reported by the next
// UpsertDeferred or Sync, its windows stay pending, and a store on a new
// ChromaDB sends them all.
TEST(SharedStore, DeferredUploadsReportFailuresAndLoseNoWindow) {
  REQUIRE_SERVERS();
  std::string error;
  const std::string db = PgServer::NewSharedDatabase(&error);
  ASSERT_FALSE(db.empty()) << error;
  ChromaServer first;
  ASSERT_EQ(first.Start(), "");
  {
    auto store = OpenSharedVectorStore(FailFastOptions(db, first, "deferred"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->UpsertDeferred(Windows(0, 20), Embeddings(0, 20)).ok());
    ASSERT_TRUE((*store)->UpsertDeferred(Windows(20, 10), Embeddings(20, 10)).ok());
    ASSERT_TRUE((*store)->Sync().ok());
    EXPECT_EQ((*store)->stats().upserts, 30u);
    auto hit = (*store)->Search(VectorSpace::kText, ConformanceVector(25, kDim), 1, WindowFilter{});
    ASSERT_TRUE(hit.ok() && hit->size() == 1) << hit.status().ToString();
    EXPECT_EQ((*hit)[0].window.id, Windows(25, 1)[0].id);

    first.Stop();
    EXPECT_TRUE((*store)->UpsertDeferred(Windows(30, 20), Embeddings(30, 20)).ok());  // committed
    Status next = (*store)->UpsertDeferred(Windows(50, 10), Embeddings(50, 10));
    EXPECT_FALSE(next.ok()) << "the failed upload of the batch before is not reported";
    EXPECT_EQ(*(*store)->Count(), 60u);  // both batches' windows are in PostgreSQL
    EXPECT_TRUE((*store)->Sync().ok());  // reported once
    EXPECT_EQ((*store)->stats().upserts, 30u);
  }
  ChromaServer second;
  ASSERT_EQ(second.Start(), "");
  auto store = OpenSharedVectorStore(OptionsFor(db, second, "deferred", TestEmbedder()));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->UpsertDeferred({}, {}).ok());
  ASSERT_TRUE((*store)->Sync().ok());
  for (int i : {3, 29, 30, 49, 50, 59}) {
    auto hits = (*store)->Search(VectorSpace::kText, ConformanceVector(i, kDim), 1, WindowFilter{});
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    ASSERT_EQ(hits->size(), 1u) << i;
    EXPECT_EQ((*hits)[0].window.id, Windows(i, 1)[0].id);
  }
}

// A store written by schema 1 kept `vectors_stored` on each window row; a
// writable open moves the unsent ones into window_vectors_pending, drops the
// column, and the next upsert sends exactly those.
TEST(SharedStore, SchemaOneIsMigratedAndItsPendingWindowsSent) {
  REQUIRE_SERVERS();
  std::string error;
  PgServer* pg = PgServer::Shared(&error);
  ASSERT_NE(pg, nullptr) << error;
  ChromaServer* chroma = ChromaServer::Shared(&error);
  ASSERT_NE(chroma, nullptr) << error;
  const std::string db = pg->NewDatabase(&error);
  ASSERT_FALSE(db.empty()) << error;
  const auto options = OptionsFor(db, *chroma, "migrate_" + std::to_string(::getpid()), TestEmbedder());
  {
    auto store = OpenSharedVectorStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Upsert(Windows(0, 10), Embeddings(0, 10)).ok());
  }
  const std::string unsent = Windows(4, 1)[0].id;
  pg::PgConfig config;
  config.url = db;
  auto conn = pg::Conn::Connect(config);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // Schema 1 as it was: the column, its partial index, the version; one
  // window marked as not yet sent.
  ASSERT_TRUE((*conn)
                  ->Exec("ALTER TABLE windows ADD COLUMN vectors_stored boolean NOT NULL DEFAULT true; "
                         "UPDATE windows SET vectors_stored = false WHERE id = '" + unsent + "'; "
                         "CREATE INDEX windows_pending ON windows(seq) WHERE NOT vectors_stored; "
                         "DROP TABLE window_vectors_pending; "
                         "UPDATE window_store_meta SET value = '1' WHERE key = 'schema'")
                  .ok());
  auto store = OpenSharedVectorStore(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto pending = (*conn)->Query("SELECT id FROM window_vectors_pending");
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 1);
  EXPECT_EQ(pending->Text(0, 0), unsent);
  auto column = (*conn)->Query(
      "SELECT count(*) FROM information_schema.columns WHERE table_name = 'windows' AND column_name = 'vectors_stored'");
  ASSERT_TRUE(column.ok());
  EXPECT_EQ(column->Int(0, 0), 0);
  auto version = (*conn)->Query("SELECT value FROM window_store_meta WHERE key = 'schema'");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->Text(0, 0), std::to_string(index_internal::kPgWindowSchemaVersion));
  ASSERT_TRUE((*store)->Upsert({}, {}).ok());  // sends the pending one
  pending = (*conn)->Query("SELECT count(*) FROM window_vectors_pending");
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->Int(0, 0), 0);
  EXPECT_EQ(*(*store)->Count(), 10u);
}

TEST(PgWindowRows, FilterBecomesNumberedParameters) {
  WindowFilter f;
  f.tickers = {"AAPL", "MSFT"};
  f.start_ts = 100;
  f.numeric.push_back({"rsi14_max", NumericCondition::Op::kGt, 70.5});
  auto pg = index_internal::BuildPgFilter(f, "w", 3);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->where, "w.ticker IN ($3,$4) AND w.end_ts >= $5 AND w.\"rsi14_max\" > $6");
  ASSERT_EQ(pg->params.size(), 4u);
  EXPECT_EQ(*pg->params[3], "70.5");
  EXPECT_EQ(index_internal::BuildPgFilter(WindowFilter{}, "w")->where, "true");
  f.numeric.push_back({"no_such_field", NumericCondition::Op::kGt, 1});
  EXPECT_EQ(index_internal::BuildPgFilter(f, "w").status().code(), StatusCode::kInvalidArgument);
}

TEST(PgWindowRows, TextArrayQuotesEveryElement) {
  std::vector<std::string> v = {"A_1d", "we\"ird\\", ""};
  EXPECT_EQ(index_internal::PgTextArray(v), "{\"A_1d\",\"we\\\"ird\\\\\",\"\"}");
}

}  // namespace
}  // namespace ohlcv
