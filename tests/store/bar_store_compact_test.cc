// The compact bar table (schema version 2, store/sqlite_bar_codec.h): values
// come back bit for bit whatever they are, whole cents and volumes are kept
// as small integers, a store of 1-minute bars takes well under 50 bytes a
// bar, and a version-1 file is read as it is read-only and migrated by a
// writable open without changing a bar.
#include <sqlite3.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "store/bar_store.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

bool SameBits(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) || (a != a && b != b); }

void ExpectBitIdentical(const BarSeries& want, const BarSeries& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(want.ts[i], got.ts[i]);
    EXPECT_TRUE(SameBits(want.open[i], got.open[i])) << want.open[i] << " vs " << got.open[i];
    EXPECT_TRUE(SameBits(want.high[i], got.high[i])) << want.high[i] << " vs " << got.high[i];
    EXPECT_TRUE(SameBits(want.low[i], got.low[i]));
    EXPECT_TRUE(SameBits(want.close[i], got.close[i]));
    EXPECT_TRUE(SameBits(want.volume[i], got.volume[i])) << want.volume[i] << " vs " << got.volume[i];
    EXPECT_TRUE(SameBits(want.adj_close[i], got.adj_close[i]));
  }
}

std::unique_ptr<BarStore> Open(const std::string& path, bool read_only = false) {
  BarStoreOptions o;
  o.path = path;
  o.read_only = read_only;
  auto s = BarStore::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// Awkward values: cents, sub-cent prices, values whose *100 is not exact,
// huge and tiny numbers, fractional and huge volumes, NaN adj_close.
BarSeries AwkwardSeries() {
  BarSeries s;
  s.ticker = "ODD";
  s.interval = Interval::k1m;
  const double prices[] = {150.23, 0.1, 0.01, 1e-9, 123.456789, 1.005, 83886.07, 1e13, 3.0e300, 0.29,
                           4.35, 2.675, 100.0, 1234567.89, 5e-324};
  const double volumes[] = {0.0, 1.5, 1e6, 9007199254740993.0, 123.25, 4e18, 1e-3, 7.0};
  int64_t ts = 1700000000;
  for (double p : prices) {
    for (double v : volumes) {
      s.push_back(Bar{ts, p, p * 1.01, p * 0.99, p, v, (ts / 60) % 3 == 0 ? kNaN : p});
      ts += 60;
    }
  }
  return s;
}

TEST(CompactBarStoreTest, EveryValueComesBackBitForBitAndReupsertIsUnchanged) {
  const std::string path = testing::MakeTempDir("compact") + "/bars.db";
  auto store = Open(path);
  ASSERT_NE(store, nullptr);
  const BarSeries s = AwkwardSeries();
  auto up = store->Upsert(s);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->inserted, s.size());
  auto got = store->Load("ODD", Interval::k1m);
  ASSERT_TRUE(got.ok());
  ExpectBitIdentical(s, *got);
  auto again = store->Upsert(s);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, s.size());
  EXPECT_EQ(again->updated, 0u);

  // Whole cents and whole volumes are stored as integers, the rest as REAL.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT typeof(open), typeof(volume) FROM bars ORDER BY ts", -1, &st, nullptr),
            SQLITE_OK);
  size_t i = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const double p = s.open[i], v = s.volume[i];
    const bool cents = std::fabs(p) < 9e13 && std::nearbyint(p * 100) / 100 == p;
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), cents ? "integer" : "real") << p;
    const bool whole = std::fabs(v) < 9007199254740992.0 && std::trunc(v) == v;
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), whole ? "integer" : "real") << v;
    ++i;
  }
  EXPECT_EQ(i, s.size());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(CompactBarStoreTest, OneMinuteBarsTakeUnderFiftyBytesEach) {
  const std::string path = testing::MakeTempDir("compact") + "/bars.db";
  auto store = Open(path);
  ASSERT_NE(store, nullptr);
  // 4 tickers x 50 sessions x 390 minutes, prices in cents as real quotes are.
  uint64_t n = 0;
  for (const char* t : {"AAA", "BBB", "CCC", "DDD"}) {
    BarSeries s;
    s.ticker = t;
    s.interval = Interval::k1m;
    double px = 180.0;
    for (int d = 0; d < 50; ++d) {
      for (int m = 0; m < 390; ++m) {
        const int64_t ts = 1767225600 + int64_t{d} * 86400 + 52200 + m * 60;
        const double open = std::round(px * 100) / 100;
        px *= 1 + 0.0007 * std::sin(d * 390 + m * 0.7 + t[0]);
        const double close = std::round(px * 100) / 100;
        s.push_back(Bar{ts, open, std::max(open, close) + 0.03, std::min(open, close) - 0.02, close,
                        double(1000 + (m * 37 + d) % 5000), kNaN});
      }
    }
    ASSERT_TRUE(store->Upsert(s).ok());
    n += s.size();
  }
  store.reset();  // closes; the last connection checkpoints the WAL into the file
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto pragma = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    const int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  const int64_t used = (pragma("PRAGMA page_count") - pragma("PRAGMA freelist_count")) * pragma("PRAGMA page_size");
  sqlite3_close(db);
  const double per_bar = static_cast<double>(used) / static_cast<double>(n);
  RecordProperty("bytes_per_bar", std::to_string(per_bar));
  EXPECT_LT(per_bar, 50.0);
}

TEST(CompactBarStoreTest, VersionOneFileIsReadThenMigratedBitForBit) {
  const std::string path = testing::MakeTempDir("compact") + "/bars.db";
  const BarSeries odd = AwkwardSeries();
  BarSeries daily;
  daily.ticker = "AAPL";
  daily.interval = Interval::k1d;
  for (int i = 0; i < 40; ++i) {
    const double c = 150.0 + i * 0.37 + (i % 3) * 0.001;  // some not whole cents
    daily.push_back(Bar{1546300800 + int64_t{i} * 86400, c - 0.5, c + 1, c - 1, c, 1e6 + i * 0.5, c * 0.97});
  }
  {
    // The version-1 layout, written the way version 1 did (REAL columns).
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const char* ddl = R"sql(
      PRAGMA journal_mode=WAL;
      CREATE TABLE schema_version(version INTEGER NOT NULL);
      INSERT INTO schema_version VALUES(1);
      CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO meta VALUES('data_version', 7);
      CREATE TABLE bars(ticker TEXT NOT NULL, interval INTEGER NOT NULL, ts INTEGER NOT NULL,
        open REAL, high REAL, low REAL, close REAL, volume REAL, adj_close REAL,
        PRIMARY KEY(ticker, interval, ts)) WITHOUT ROWID;
      CREATE TABLE state(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO state VALUES('ticker/ODD/synthetic', '1');
      CREATE TABLE series(ticker TEXT NOT NULL, interval INTEGER NOT NULL, bars INTEGER NOT NULL,
        first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, PRIMARY KEY(ticker, interval)) WITHOUT ROWID;)sql";
    ASSERT_EQ(sqlite3_exec(db, ddl, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO bars VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &st, nullptr),
              SQLITE_OK);
    for (const BarSeries* s : std::initializer_list<const BarSeries*>{&odd, &daily}) {
      for (size_t i = 0; i < s->size(); ++i) {
        sqlite3_bind_text(st, 1, s->ticker.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, static_cast<int>(s->interval));
        sqlite3_bind_int64(st, 3, s->ts[i]);
        const double v[] = {s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i], s->adj_close[i]};
        for (int k = 0; k < 6; ++k) {
          if (std::isnan(v[k])) {
            sqlite3_bind_null(st, 4 + k);
          } else {
            sqlite3_bind_double(st, 4 + k, v[k]);
          }
        }
        ASSERT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db);
        sqlite3_reset(st);
      }
      const std::string sum = "INSERT INTO series VALUES('" + s->ticker + "', " +
                              std::to_string(static_cast<int>(s->interval)) + ", " + std::to_string(s->size()) +
                              ", " + std::to_string(s->ts.front()) + ", " + std::to_string(s->ts.back()) + ")";
      ASSERT_EQ(sqlite3_exec(db, sum.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  auto check = [&](BarStore& store) {
    for (const BarSeries* s : std::initializer_list<const BarSeries*>{&odd, &daily}) {
      auto got = store.Load(s->ticker, s->interval);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ExpectBitIdentical(*s, *got);
      auto last = store.LastTimestamp(s->ticker, s->interval);
      ASSERT_TRUE(last.ok() && *last);
      EXPECT_EQ(**last, s->ts.back());
    }
    auto list = store.ListTickers();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].ticker, "AAPL");
    EXPECT_EQ((*list)[0].bars, daily.size());
    EXPECT_EQ((*list)[1].ticker, "ODD");
    EXPECT_EQ((*list)[1].bars, odd.size());
    EXPECT_EQ((*list)[1].first_ts, odd.ts.front());
    EXPECT_TRUE((*list)[1].synthetic);
  };
  {
    SCOPED_TRACE("read-only open of version 1");
    auto ro = Open(path, /*read_only=*/true);
    ASSERT_NE(ro, nullptr);
    check(*ro);
  }
  {
    SCOPED_TRACE("writable open migrates");
    auto rw = Open(path);
    ASSERT_NE(rw, nullptr);
    check(*rw);
    auto version = rw->DataVersion();
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, 7u);
    auto again = rw->Upsert(daily);  // the migrated encoding equals Upsert's
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->unchanged, daily.size());
    auto removed = rw->DeleteTicker("ODD");
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, odd.size());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kBarStoreSchemaVersion);
  sqlite3_finalize(st);
  sqlite3_close(db);
  auto reopened = Open(path, /*read_only=*/true);
  ASSERT_NE(reopened, nullptr);
  auto list = reopened->ListTickers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  auto got = reopened->Load("AAPL", Interval::k1d);
  ASSERT_TRUE(got.ok());
  ExpectBitIdentical(daily, *got);
}

}  // namespace
}  // namespace ohlcv
