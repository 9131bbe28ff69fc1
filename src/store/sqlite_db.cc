#include "store/sqlite_db.h"

#include <cmath>

namespace ohlcv::store_internal {

double Stmt::ColumnDouble(int i) const {
  if (sqlite3_column_type(stmt_, i) == SQLITE_NULL) return std::nan("");
  return sqlite3_column_double(stmt_, i);
}

std::string Stmt::ColumnText(int i) const {
  const auto* p = sqlite3_column_text(stmt_, i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

Status SqliteStatus(int rc, std::string message) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::PermissionDenied(std::move(message));
    case SQLITE_CANTOPEN:
      return Status::IOError(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool read_only,
                                                 int busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);  // a handle is returned even on most failures
    return SqliteStatus(rc, std::move(msg));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::make_unique<SqliteDb>(db);
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteDb::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return SqliteStatus(rc, "sqlite: " + msg + " (in: " + sql.substr(0, 60) + ")");
}

Result<sqlite3_stmt*> SqliteDb::Prepare(const std::string& sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error("prepare");
  stmts_.emplace(sql, stmt);
  return stmt;
}

Status SqliteDb::StepDone(Stmt& stmt) {
  int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return Error("step");
}

Status SqliteDb::Error(std::string_view what) const {
  return SqliteStatus(sqlite3_extended_errcode(db_),
                      "sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

}  // namespace ohlcv::store_internal
