// Tests of util/sqlite.h, the one SQLite wrapper (used by store/ and index/).
// They live with the store tests because store_tests links SQLite already.
#include "util/sqlite.h"

#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

TEST(SqliteTest, BindStepReadAndNanAsNull) {
  auto db = sqlite::Db::Open(":memory:", false, 1000);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT, b BLOB)").ok());
  {
    auto ins = (*db)->PrepareCached("INSERT INTO t VALUES(?, ?, ?, ?)");
    ASSERT_TRUE(ins.ok());
    std::string text = "hello";
    ins->BindInt(1, 7);
    ins->BindDouble(2, std::nan(""));
    ins->BindText(3, text);
    const float blob[2] = {1.5f, -2.0f};
    ins->BindBlob(4, blob, sizeof(blob));
    text = "clobbered";  // BindText copied the value
    ASSERT_TRUE(ins->Run().ok());
    EXPECT_EQ((*db)->Changes(), 1);
  }
  auto sel = (*db)->Prepare("SELECT i, d, s, b FROM t WHERE i = ?");
  ASSERT_TRUE(sel.ok());
  sel->BindAll(std::vector<sqlite::Value>{int64_t{7}});
  auto row = sel->Step();
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row);
  EXPECT_EQ(sel->Int(0), 7);
  EXPECT_TRUE(sel->IsNull(1));
  EXPECT_TRUE(std::isnan(sel->Double(1)));
  EXPECT_EQ(sel->Text(2), "hello");
  ASSERT_EQ(sel->Blob(3).size(), 2 * sizeof(float));
  row = sel->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);
}

TEST(SqliteTest, CachedStatementIsResetForTheNextBorrower) {
  auto db = sqlite::Db::Open(":memory:", false, 1000);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(i INTEGER); INSERT INTO t VALUES(1),(2),(3)").ok());
  const std::string sql = "SELECT i FROM t ORDER BY i";
  for (int round = 0; round < 3; ++round) {
    auto st = (*db)->PrepareCached(sql);
    ASSERT_TRUE(st.ok());
    auto row = st->Step();  // left mid-result on purpose: the destructor resets
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ(st->Int(0), 1) << "round " << round;
  }
  // A reset cached statement holds no read transaction: a write may follow.
  EXPECT_TRUE((*db)->Exec("DROP TABLE t").ok());
}

TEST(SqliteTest, ErrorsMapToStatusCodes) {
  EXPECT_EQ(sqlite::StatusFrom(SQLITE_BUSY, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(sqlite::StatusFrom(SQLITE_BUSY_SNAPSHOT, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(sqlite::StatusFrom(SQLITE_CORRUPT, "x").code(), StatusCode::kCorruption);
  EXPECT_EQ(sqlite::StatusFrom(SQLITE_NOTADB, "x").code(), StatusCode::kCorruption);
  EXPECT_EQ(sqlite::StatusFrom(SQLITE_READONLY, "x").code(), StatusCode::kIOError);  // not "authentication" (exit 5)
  EXPECT_EQ(sqlite::StatusFrom(SQLITE_IOERR, "x").code(), StatusCode::kIOError);

  auto db = sqlite::Db::Open(":memory:", false, 1000);
  ASSERT_TRUE(db.ok());
  auto bad = (*db)->Prepare("SELECT FROM nowhere");
  EXPECT_FALSE(bad.ok());
  Status st = (*db)->Exec("INSERT INTO missing VALUES(1)");
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_NE(st.message().find("missing"), std::string::npos) << st.message();

  // A file that is not a database is Corruption, not a generic I/O error.
  std::string dir = testing::MakeTempDir("sqlite_test");
  std::string path = dir + "/junk.db";
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::string junk(4096, 'x');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  auto junk = sqlite::Db::Open(path, true, 1000);
  Status read = junk.ok() ? (*junk)->Exec("SELECT * FROM sqlite_master") : junk.status();
  EXPECT_EQ(read.code(), StatusCode::kCorruption) << read.ToString();
  std::filesystem::remove_all(dir);
}

TEST(SqliteTest, OpenMissingReadOnlyFails) {
  auto db = sqlite::Db::Open("/nonexistent-dir-ohlcv/x.db", true, 1000);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace ohlcv
