#include "util/sqlite_snapshot.h"

#include <filesystem>

#include "util/sqlite.h"

namespace ohlcv {
namespace {
namespace fs = std::filesystem;
constexpr int kBusyTimeoutMs = 10000;
}  // namespace

Status SnapshotSqlite(const std::string& src_path, const std::string& dest_path) {
  std::error_code ec;
  if (!fs::exists(src_path, ec)) return Status::NotFound("no database at " + src_path);
  fs::path parent = fs::path(dest_path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return Status::IOError("cannot create " + parent.string() + ": " + ec.message());
  // A connection of our own: the store's connections stay free for queries
  // and the writer, and WAL lets this reader see one commit throughout.
  OHLCV_ASSIGN_OR_RETURN(auto src, sqlite::Db::Open(src_path, /*read_only=*/true, kBusyTimeoutMs));
  const std::string tmp = dest_path + ".partial";
  fs::remove(tmp, ec);
  Status st;
  {
    OHLCV_ASSIGN_OR_RETURN(auto dest, sqlite::Db::Open(tmp, /*read_only=*/false, kBusyTimeoutMs));
    sqlite3_backup* backup = sqlite3_backup_init(dest->handle(), "main", src->handle(), "main");
    if (!backup) return dest->Error("backup of " + src_path);
    // -1: all pages in one step, i.e. one read transaction on the source.
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) st = sqlite::StatusFrom(rc, "backup of " + src_path + ": " + sqlite3_errstr(rc));
    // The copy keeps the source's WAL journal mode; fold it into one file so
    // the backup is self-contained.
    if (st.ok()) st = dest->Exec("PRAGMA journal_mode=DELETE");
  }
  if (!st.ok()) {
    fs::remove(tmp, ec);
    return st;
  }
  fs::rename(tmp, dest_path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

Result<int64_t> CountRows(const std::string& path, const std::string& table) {
  OHLCV_ASSIGN_OR_RETURN(auto db, sqlite::Db::Open(path, /*read_only=*/true, kBusyTimeoutMs));
  OHLCV_ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT COUNT(*) FROM " + table));
  OHLCV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("no row from COUNT(*)");
  return stmt.Int(0);
}

}  // namespace ohlcv
