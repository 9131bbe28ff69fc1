// SQLite connection and statement wrappers private to index/ (the local
// vector store). Errors become Status; nothing throws.
//
// Ownership: Conn owns its sqlite3 handle, Stmt its sqlite3_stmt; both close
// on destruction and are move-only. A Stmt must not outlive its Conn.
//
// Thread-safety: needs external synchronization. One Conn (and its
// statements) is used by one thread at a time; the store keeps a pool of
// reader connections and one writer connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"

namespace ohlcv::index_internal {

// A value bound to a `?` parameter.
using SqlValue = std::variant<int64_t, double, std::string>;

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binders take 1-based indexes like SQLite. A NaN double binds NULL.
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v);
  // The text/blob is copied (SQLITE_TRANSIENT): the argument may die at once.
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const void* data, size_t bytes) {
    sqlite3_bind_blob(stmt_, i, data, static_cast<int>(bytes), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  void Bind(int i, const SqlValue& v);
  // Binds values to parameters first, first + 1, ...
  void BindAll(std::span<const SqlValue> values, int first = 1);

  // Next row: true with a row, false when done; error Status otherwise.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  // Resets for reuse and clears bindings.
  void Reset();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  // NULL reads as NaN (NaN is stored as NULL).
  double Double(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // Valid until the next Step/Reset or destruction.
  std::string_view Text(int col) const;
  std::span<const std::byte> Blob(int col) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Conn {
 public:
  // Opens `path`; read_only opens without write access. Sets WAL (writers),
  // busy timeout, synchronous=NORMAL (durable at checkpoint; WAL keeps the
  // database consistent across a crash) and a larger page cache.
  static Result<std::unique_ptr<Conn>> Open(const std::string& path, bool read_only,
                                            int busy_timeout_ms);
  // Takes ownership of an open handle; prefer Open().
  explicit Conn(sqlite3* db) : db_(db) {}
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Status Exec(const std::string& sql);
  Result<Stmt> Prepare(std::string_view sql);
  sqlite3* get() const { return db_; }
  Status Error(std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace ohlcv::index_internal
