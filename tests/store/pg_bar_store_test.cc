// What only the PostgreSQL store has: migrations, the LISTEN/NOTIFY data
// version, the pool, connection errors and URL redaction. The shared
// contract is in bar_store_test.cc (the conformance suite).
#include "store/pg_bar_store.h"

#include <libpq-fe.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/pg_server.h"

namespace ohlcv {
namespace {

constexpr int64_t kT0 = 1420070400;

BarSeries MakeSeries(const std::string& ticker, int n, double level = 100) {
  BarSeries s;
  s.ticker = ticker;
  for (int i = 0; i < n; ++i) {
    double c = level + i;
    s.push_back(Bar{kT0 + i * 86400, c, c + 1, c - 1, c, 100.0 + i, c});
  }
  return s;
}

std::string RunSql(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  std::string out;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  if (PQresultStatus(r) == PGRES_FATAL_ERROR) out = "ERROR " + std::string(PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
  return out;
}

class PgBarStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OHLCV_REQUIRE_PG(server_);
    std::string error;
    url_ = server_->NewDatabase(&error);
    ASSERT_FALSE(url_.empty()) << error;
  }
  Result<std::unique_ptr<PgBarStore>> Open(bool listen = true) {
    PgBarStoreOptions opt;
    opt.db.url = url_;
    opt.listen = listen;
    return PgBarStore::Open(opt);
  }
  testing::PgServer* server_ = nullptr;
  std::string url_;
};

TEST_F(PgBarStoreTest, MigratesOnceEvenWhenReplicasStartTogether) {
  constexpr int kReplicas = 6;
  std::vector<std::thread> threads;
  std::vector<Status> results(kReplicas);
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      auto store = Open();
      results[i] = store.status();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(RunSql(url_, "SELECT count(*) FROM schema_migrations"), std::to_string(pg::kSchemaVersion));
  EXPECT_EQ(RunSql(url_, "SELECT max(version) FROM schema_migrations"),
            std::to_string(pg::kSchemaVersion));
  EXPECT_EQ(RunSql(url_, "SELECT count(*) FROM store_meta"), "1");
}

TEST_F(PgBarStoreTest, RejectsNewerSchemaVersion) {
  ASSERT_TRUE(Open().ok());
  RunSql(url_, "INSERT INTO schema_migrations(version) VALUES(99)");
  auto st = Open();
  EXPECT_EQ(st.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.status().message().find("99"), std::string::npos) << st.status().ToString();
}

TEST_F(PgBarStoreTest, ReadOnlyOpenOfEmptyDatabaseIsNotFound) {
  PgBarStoreOptions opt;
  opt.db.url = url_;
  opt.read_only = true;
  EXPECT_EQ(PgBarStore::Open(opt).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(RunSql(url_, "SELECT count(*) FROM pg_tables WHERE tablename='bars'"), "0");
}

// Another replica's writes reach this handle's DataVersion through NOTIFY:
// after the first LISTEN no DataVersion call queries the server.
TEST_F(PgBarStoreTest, DataVersionFollowsOtherReplicasWithoutQueries) {
  auto reader = Open();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto writer = Open(/*listen=*/false);
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 200 && !(*reader)->listening(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE((*reader)->listening());
  const uint64_t queries = (*reader)->version_queries();
  for (uint64_t want = 1; want <= 5; ++want) {
    ASSERT_TRUE((*writer)->Upsert(MakeSeries("N" + std::to_string(want), 10)).ok());
    uint64_t seen = 0;
    for (int i = 0; i < 500 && seen < want; ++i) {
      seen = *(*reader)->DataVersion();
      if (seen < want) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_EQ(seen, want);
  }
  EXPECT_EQ((*reader)->version_queries(), queries) << "DataVersion polled the server";
  // The writer without a listener reads its own writes at once (and queries).
  EXPECT_EQ(*(*writer)->DataVersion(), 5u);
}

TEST_F(PgBarStoreTest, PoolReusesConnections) {
  auto store = Open(/*listen=*/false);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Upsert(MakeSeries("POOL", 50)).ok());
  const uint64_t before = (*store)->pool().connects();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE((*store)->Load("POOL", Interval::k1d).ok());
  EXPECT_EQ((*store)->pool().connects(), before);
}

// Same (ticker, interval, ts) upserted concurrently by two handles through the
// slow path: the per-ticker lock keeps the counts exact.
TEST_F(PgBarStoreTest, ConcurrentUpsertsOfOneTickerCountExactly) {
  auto a = Open(false);
  auto b = Open(false);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Upsert(MakeSeries("SAME", 10)).ok());
  UpsertStats sa, sb;
  std::thread t([&] { sa = *(*a)->Upsert(MakeSeries("SAME", 1000, 500)); });
  sb = *(*b)->Upsert(MakeSeries("SAME", 1000, 500));
  t.join();
  EXPECT_EQ(sa.inserted + sb.inserted, 990u);
  EXPECT_EQ(sa.updated + sb.updated, 10u);
  EXPECT_EQ(sa.unchanged + sb.unchanged, 1000u);
  auto loaded = (*a)->Load("SAME", Interval::k1d);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 1000u);
  EXPECT_EQ(loaded->close[0], 500.0);
}

// A database written by a schema-3 build (one row per bar, as migration 1
// created it) is moved into blocks by the first open: every value, NULL
// adj_close included, every count and the data version survive.
TEST_F(PgBarStoreTest, MigratesRowPerBarDatabaseIntoBlocks) {
  const std::string old_schema = R"sql(
CREATE TABLE schema_migrations(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE bars(ticker text NOT NULL, interval smallint NOT NULL, ts bigint NOT NULL,
  open float8, high float8, low float8, close float8, volume float8, adj_close float8,
  PRIMARY KEY(ticker, interval, ts));
CREATE TABLE store_meta(key text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO store_meta(key, value) VALUES('data_version', 7);
CREATE TABLE ingest_jobs(id text PRIMARY KEY, kind text NOT NULL, state text NOT NULL,
  tickers_done bigint NOT NULL DEFAULT 0, tickers_total bigint NOT NULL DEFAULT 0,
  bars bigint NOT NULL DEFAULT 0, windows bigint NOT NULL DEFAULT 0, errors text NOT NULL DEFAULT '[]',
  created_at float8 NOT NULL DEFAULT 0, started_at float8 NOT NULL DEFAULT 0,
  finished_at float8 NOT NULL DEFAULT 0, owner text NOT NULL DEFAULT '');
CREATE TABLE companies(ticker text PRIMARY KEY, name text NOT NULL DEFAULT '',
  sector text NOT NULL DEFAULT '', industry text NOT NULL DEFAULT '');
CREATE TABLE bar_state(key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
INSERT INTO schema_migrations(version) VALUES (1), (2), (3);
INSERT INTO bars SELECT 'OLD', 5, 1420070400 + i * 86400, 100 + i * 0.25, 101 + i * 0.25, 99 + i * 0.25,
  100.5 + i * 0.25, 1000 + i, CASE WHEN i % 10 = 3 THEN NULL ELSE 90 + i * 0.125 END
  FROM generate_series(0, 2999) i;
INSERT INTO bars SELECT 'OLD', 4, 1420070400 + i * 3600, i, i, i, i, i, i FROM generate_series(0, 9) i;
INSERT INTO bars VALUES ('ab', 5, 1420070400, 1.5, 2.5, 0.5, 2, 7, 2);
)sql";
  ASSERT_EQ(RunSql(url_, old_schema).rfind("ERROR", 0), std::string::npos);
  {
    // A read-only handle (the CLI's reads) does not migrate: a clear error.
    PgBarStoreOptions ro;
    ro.db.url = url_;
    ro.read_only = true;
    ro.listen = false;
    auto st = PgBarStore::Open(ro);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.status().message().find("schema version 3 is older than this build's"), std::string::npos)
        << st.status().ToString();
    EXPECT_NE(st.status().message().find("a writable open migrates it"), std::string::npos);
  }
  auto store = Open(/*listen=*/false);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(RunSql(url_, "SELECT max(version) FROM schema_migrations"), std::to_string(pg::kSchemaVersion));
  EXPECT_EQ(RunSql(url_, "SELECT count(*) FROM pg_tables WHERE tablename='bars'"), "0");
  EXPECT_EQ(*(*store)->DataVersion(), 7u);
  auto daily = (*store)->Load("OLD", Interval::k1d);
  ASSERT_TRUE(daily.ok()) << daily.status().ToString();
  ASSERT_EQ(daily->size(), 3000u);
  for (size_t i = 0; i < daily->size(); ++i) {
    ASSERT_EQ(daily->ts[i], 1420070400 + static_cast<int64_t>(i) * 86400);
    ASSERT_EQ(daily->open[i], 100 + i * 0.25);
    ASSERT_EQ(daily->close[i], 100.5 + i * 0.25);
    ASSERT_EQ(daily->volume[i], 1000.0 + i);
    if (i % 10 == 3) {
      ASSERT_TRUE(std::isnan(daily->adj_close[i])) << i;
    } else {
      ASSERT_EQ(daily->adj_close[i], 90 + i * 0.125) << i;
    }
  }
  EXPECT_EQ(RunSql(url_, "SELECT count(*) || ' ' || sum(n) FROM bar_blocks"), "5 3011");  // 1024+1024+952, 10, 1
  auto list = (*store)->ListTickers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].ticker, "OLD");  // byte order, as the SQLite store: 'O' < 'a'
  EXPECT_EQ((*list)[0].interval, Interval::k1h);
  EXPECT_EQ((*list)[0].bars, 10u);
  EXPECT_EQ((*list)[1].bars, 3000u);
  EXPECT_EQ((*list)[1].last_ts, 1420070400 + 2999 * 86400);
  // Re-upserting what was migrated is all unchanged (NaN equal to NaN).
  auto again = (*store)->Upsert(*daily);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 3000u);
  EXPECT_EQ(*(*store)->DataVersion(), 7u);
}

// Daily updates append to the series' last block until it is full, so a
// series built one bar at a time takes as few blocks as one written at once.
TEST_F(PgBarStoreTest, OneBarAppendsFillTheLastBlock) {
  auto store = Open(/*listen=*/false);
  ASSERT_TRUE(store.ok());
  const BarSeries all = MakeSeries("DAILY", 1100);
  ASSERT_TRUE((*store)->Upsert(MakeSeries("DAILY", 1000)).ok());
  for (size_t i = 1000; i < all.size(); ++i) {
    BarSeries one;
    one.ticker = "DAILY";
    one.push_back(all.at(i));
    auto st = (*store)->Upsert(one);
    ASSERT_TRUE(st.ok());
    ASSERT_EQ(st->inserted, 1u);
  }
  EXPECT_EQ(RunSql(url_, "SELECT string_agg(n::text, ',' ORDER BY first_ts) FROM bar_blocks"), "1024,76");
  auto loaded = (*store)->Load("DAILY", Interval::k1d);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 1100u);
  EXPECT_EQ(loaded->close.back(), all.close.back());
}

TEST(PgBarStoreOpenTest, UnreachableServerIsUnavailableAndRedacted) {
  PgBarStoreOptions opt;
  opt.db.url = "postgresql://ohlcv:hunter2@127.0.0.1:1/ohlcv";
  opt.db.max_attempts = 2;
  opt.db.initial_backoff = std::chrono::milliseconds(10);
  auto st = PgBarStore::Open(opt);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kUnavailable) << st.status().ToString();
  EXPECT_EQ(st.status().message().find("hunter2"), std::string::npos) << st.status().ToString();
  EXPECT_NE(st.status().message().find("after 2 attempts"), std::string::npos) << st.status().ToString();
}

TEST(PgBarStoreOpenTest, RedactUrlHidesPasswords) {
  EXPECT_EQ(pg::RedactUrl("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(pg::RedactUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(pg::RedactUrl("host=h password=pw dbname=x"), "host=h password=*** dbname=x");
  EXPECT_EQ(pg::RedactUrl(""), "");
}

TEST(PgBarStoreOpenTest, RetryDelayGrowsAndIsCapped) {
  pg::PgConfig c;
  c.initial_backoff = std::chrono::milliseconds(100);
  c.max_backoff = std::chrono::milliseconds(1000);
  for (int i = 0; i < 50; ++i) {
    auto d0 = pg::RetryDelay(c, 0).count();
    EXPECT_GE(d0, 50);
    EXPECT_LE(d0, 100);
    auto d3 = pg::RetryDelay(c, 3).count();  // 800 ms before jitter
    EXPECT_GE(d3, 400);
    EXPECT_LE(d3, 800);
    auto d9 = pg::RetryDelay(c, 9).count();  // capped
    EXPECT_GE(d9, 500);
    EXPECT_LE(d9, 1000);
  }
}

}  // namespace
}  // namespace ohlcv
