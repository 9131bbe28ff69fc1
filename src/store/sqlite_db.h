// SqliteDb and Stmt: a thin RAII layer over the SQLite C API for store/.
//
// This is the one file pair of store/ that calls sqlite3_* directly (besides
// the backup in bar_store.cc); everything else speaks Status. A SqliteDb owns
// one connection and a cache of prepared statements keyed by their SQL text;
// statements are finalized before the connection is closed.
//
// Thread-safety: a SqliteDb needs external synchronization. Connections are
// opened with SQLITE_OPEN_NOMUTEX because each one is used by a single thread
// at a time (bar_store.cc leases them from a pool under its own mutex).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace ohlcv::store_internal {

// A prepared statement borrowed from a SqliteDb. Resets itself and clears its
// bindings when it goes out of scope, so the cached statement can be reused.
// REQUIRES: the owning SqliteDb outlives the Stmt.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  sqlite3_stmt* get() const { return stmt_; }
  // Binds are 1-based like SQLite. Text is bound SQLITE_STATIC: the caller
  // keeps it alive until the statement has been stepped and reset.
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  // NaN is bound as NULL (SQLite would do so too; said here on purpose).
  void BindDouble(int i, double v) {
    if (v != v) {
      sqlite3_bind_null(stmt_, i);
    } else {
      sqlite3_bind_double(stmt_, i, v);
    }
  }
  void Reset() { sqlite3_reset(stmt_); }

  int64_t ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  // NULL reads back as NaN.
  double ColumnDouble(int i) const;
  std::string ColumnText(int i) const;

 private:
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // Opens (or creates, unless read_only) the database at `path`.
  // IOError with SQLite's message on failure.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool read_only,
                                                int busy_timeout_ms);
  // Takes ownership of an open connection (Open is the usual way in).
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* handle() const { return db_; }

  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  // A cached prepared statement for `sql` (prepared on first use).
  Result<sqlite3_stmt*> Prepare(const std::string& sql);
  // Steps a statement that returns no row (or ignores rows): OK on DONE/ROW.
  Status StepDone(Stmt& stmt);
  // Status for the last error on this connection, prefixed with `what`.
  Status Error(std::string_view what) const;

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;  // finalized in ~SqliteDb
};

// Maps an SQLite result code to a Status code: BUSY/LOCKED -> Unavailable,
// CORRUPT/NOTADB -> Corruption, READONLY/PERM -> PermissionDenied, else IOError.
Status SqliteStatus(int rc, std::string message);

}  // namespace ohlcv::store_internal
