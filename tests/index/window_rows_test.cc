// Tests of the local store's row layout (index/window_rows.h) and of what
// schema version 2 changed: compact pattern blobs, the pattern bitmask, the
// contentless FTS index kept consistent through replacements and deletions,
// and the shared StoreCounters.
#include <sqlite3.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "index/filter_sql.h"
#include "index/vector_store.h"
#include "index/vector_store_conformance.h"
#include "index/window_rows.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using index_internal::DecodePatterns;
using index_internal::EncodePatterns;
using testing::ConformanceVector;
using testing::ConformanceWindow;

std::span<const std::byte> Bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(WindowRowsTest, PatternBlobRoundTripsExactly) {
  std::vector<PatternEvent> events = {
      {PatternKind::kGoldenCross, 1257, 1609459200, 1609459200, 201.125},
      {PatternKind::kSupport, 3, 1420070400, 1419984000, -0.0},  // earlier bar, earlier ts
      {PatternKind::kEveningStar, 0, -86400, 4102444800, std::numeric_limits<double>::quiet_NaN()},
      {PatternKind::kUptrend, 4000000000u, 0, 0, 1e-300},
  };
  const std::string blob = EncodePatterns(events);
  EXPECT_LT(blob.size(), events.size() * 24);  // compact: well under fixed-width (29 bytes an event)
  auto back = DecodePatterns(Bytes(blob));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const auto &a = events[i], &b = (*back)[i];
    EXPECT_EQ(a.kind, b.kind) << i;
    EXPECT_EQ(a.bar, b.bar) << i;
    EXPECT_EQ(a.ts, b.ts) << i;
    EXPECT_EQ(a.ref_ts, b.ref_ts) << i;
    EXPECT_EQ(std::memcmp(&a.value, &b.value, sizeof(double)), 0) << i;  // bit-exact, NaN and -0 too
  }
  EXPECT_TRUE(DecodePatterns({}).value().empty());
  EXPECT_TRUE(EncodePatterns({}).empty());
}

TEST(WindowRowsTest, DamagedPatternBlobIsCorruption) {
  const std::string blob = EncodePatterns({{PatternKind::kDoji, 7, 1500000000, 1500000000, 1.5}});
  for (size_t cut = 1; cut < blob.size(); ++cut) {
    EXPECT_EQ(DecodePatterns(Bytes(blob.substr(0, cut))).status().code(), StatusCode::kCorruption) << cut;
  }
  std::string bad_kind = blob;
  bad_kind[0] = static_cast<char>(PatternKind::kCount);
  EXPECT_EQ(DecodePatterns(Bytes(bad_kind)).status().code(), StatusCode::kCorruption);
}

TEST(WindowRowsTest, PatternMaskAndFilter) {
  std::vector<PatternEvent> events = {{PatternKind::kUptrend}, {PatternKind::kEveningStar},
                                      {PatternKind::kUptrend}};
  EXPECT_EQ(index_internal::PatternMask(events),
            (int64_t{1} << 0) | (int64_t{1} << static_cast<int>(PatternKind::kEveningStar)));
  WindowFilter f;
  f.patterns = {PatternKind::kGapUp, PatternKind::kGapDown};
  f.n_bars = 30;
  auto sql = index_internal::BuildSqlFilter(f, "w");
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->where, "w.n_bars = ? AND (w.pattern_mask & ?) != 0");
  ASSERT_EQ(sql->params.size(), 2u);
  EXPECT_EQ(std::get<double>(sql->params[0]), 30.0);
  EXPECT_EQ(std::get<int64_t>(sql->params[1]), (int64_t{1} << 18) | (int64_t{1} << 19));
}

// Runs FTS5's own integrity check (which, for a contentless table, checks
// the index against itself) and counts the index's rows for `term`.
void CheckFts(const std::string& db_path, const std::string& term, int64_t expected_docs) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "INSERT INTO windows_fts(windows_fts) VALUES('integrity-check')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM windows_fts WHERE windows_fts MATCH ?", -1, &st,
                               nullptr),
            SQLITE_OK);
  sqlite3_bind_text(st, 1, term.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), expected_docs) << term;
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// The FTS index stores no copy of the summaries, so replacing or deleting a
// window must remove exactly its old terms.
TEST(WindowRowsTest, ContentlessFtsFollowsReplacementsAndDeletes) {
  const std::string dir = testing::MakeTempDir();
  LocalVectorStoreOptions o;
  o.dir = dir;
  o.embedder = {"rows-test", 8, 4};
  auto opened = OpenLocalVectorStore(o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  VectorStore& store = **opened;
  std::vector<Window> ws;
  std::vector<float> emb;
  for (int i = 0; i < 20; ++i) {
    ws.push_back(ConformanceWindow(i, i < 10 ? "AAA" : "BBB", "Energy"));
    ws.back().summary = "alpha window " + std::to_string(i);
    auto v = ConformanceVector(i, 8);
    emb.insert(emb.end(), v.begin(), v.end());
  }
  ASSERT_TRUE(store.Upsert(ws, emb).ok());
  // Replace two windows (one of them twice in the same batch) with new text.
  std::vector<Window> again = {ws[3], ws[12], ws[3]};
  again[0].summary = "beta";
  again[1].summary = "beta gamma";
  again[2].summary = "gamma delta";
  std::vector<float> emb3(emb.begin(), emb.begin() + 3 * 8);
  ASSERT_TRUE(store.Upsert(again, emb3).ok());
  auto hits = store.LexicalSearch("alpha", 100, {});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  EXPECT_EQ(hits->size(), 18u);
  auto got = store.Get(std::vector<std::string>{ws[3].id});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].summary, "gamma delta");  // the last copy in a batch wins
  ASSERT_TRUE(store.DeleteTicker("BBB").ok());
  EXPECT_EQ(store.LexicalSearch("alpha", 100, {})->size(), 9u);
  EXPECT_EQ(store.LexicalSearch("beta", 100, {})->size(), 0u);
  EXPECT_EQ(*store.Count(), 10u);
  CheckFts(dir + "/windows.db", "alpha", 9);
  CheckFts(dir + "/windows.db", "gamma", 1);
  CheckFts(dir + "/windows.db", "bbb", 0);

  const VectorStoreStats s = store.stats();
  EXPECT_EQ(s.upserts, 23u);
  EXPECT_EQ(s.lexical_searches, 3u);
  EXPECT_EQ(s.gets, 1u);
  EXPECT_EQ(s.errors, 0u);
}

TEST(StoreCountersTest, SnapshotReadsEveryCounter) {
  StoreCounters c;
  StoreCounters::Add(c.upserts, 5);
  StoreCounters::Add(c.searches);
  StoreCounters::Add(c.searches);
  StoreCounters::Add(c.lexical_searches);
  StoreCounters::Add(c.gets, 3);
  StoreCounters::Add(c.errors, 2);
  const VectorStoreStats s = c.Snapshot();
  EXPECT_EQ(s.upserts, 5u);
  EXPECT_EQ(s.searches, 2u);
  EXPECT_EQ(s.lexical_searches, 1u);
  EXPECT_EQ(s.gets, 3u);
  EXPECT_EQ(s.errors, 2u);
}

}  // namespace
}  // namespace ohlcv
