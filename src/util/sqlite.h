// The one SQLite wrapper of ohlcv-rag: a connection (sqlite::Db) and a
// prepared statement (sqlite::Stmt) over the C API, speaking Status. store/
// (bar store) and index/ (local vector store) both use it; nothing else
// should call sqlite3_* directly except for what the wrapper does not cover
// (bar_store.cc's online backup uses handle()).
//
// Ownership: a Db owns its sqlite3 handle and a cache of prepared statements
// keyed by SQL text; the cache is finalized before the connection closes. A
// Stmt from Db::Prepare owns its statement (finalized on destruction); a
// Stmt from Db::PrepareCached borrows the cached one and, on destruction,
// resets it and clears its bindings so it can be reused. Both are move-only
// and must not outlive their Db.
//
// Errors: SQLite result codes map to Status codes in one place (StatusFrom):
// BUSY/LOCKED -> Unavailable, CORRUPT/NOTADB -> Corruption,
// READONLY/PERM/AUTH -> PermissionDenied, everything else IOError.
//
// Thread-safety: a Db and its statements need external synchronization.
// Connections are opened with SQLITE_OPEN_NOMUTEX because each one is used by
// one thread at a time (the stores lease them from pools under a mutex).
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "core/status.h"

namespace ohlcv::sqlite {

// A value bound to a `?` parameter.
using Value = std::variant<int64_t, double, std::string>;

// Maps an SQLite result code (primary or extended) to a Status; see above.
Status StatusFrom(int rc, std::string message);

class Stmt {
 public:
  Stmt() = default;
  // `owned`: finalize on destruction; otherwise reset and clear bindings.
  Stmt(sqlite3* db, sqlite3_stmt* stmt, bool owned) : db_(db), stmt_(stmt), owned_(owned) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binders take 1-based indexes like SQLite. A NaN double binds NULL.
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v);
  // Text and blobs are copied (SQLITE_TRANSIENT): the argument may die at once.
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const void* data, size_t bytes) {
    sqlite3_bind_blob(stmt_, i, data, static_cast<int>(bytes), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  void Bind(int i, const Value& v);
  // Binds values to parameters first, first + 1, ...
  void BindAll(std::span<const Value> values, int first = 1);

  // Next row: true with a row, false when done; an error Status otherwise.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  // Resets for reuse and clears bindings.
  void Reset();
  // Resets for another run with the same bindings (a loop that rebinds only
  // the parameters that change per row).
  void Rewind() { sqlite3_reset(stmt_); }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  // NULL reads as NaN (NaN is stored as NULL).
  double Double(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // Valid until the next Step/Reset or destruction.
  std::string_view Text(int col) const;
  std::span<const std::byte> Blob(int col) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  void Release();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = true;
};

class Db {
 public:
  // Opens (or, unless read_only, creates) the database at `path` with
  // extended result codes and the busy timeout. Pragmas (journal mode,
  // synchronous, caches) are the caller's choice: set them with Exec.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool read_only,
                                          int busy_timeout_ms);
  // Takes ownership of an open handle; prefer Open().
  explicit Db(sqlite3* db) : db_(db) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  // A new statement, finalized when the Stmt dies.
  Result<Stmt> Prepare(std::string_view sql);
  // The cached statement for `sql` (prepared once, SQLITE_PREPARE_PERSISTENT);
  // once kMaxCachedStatements are cached, a new owned statement instead.
  // REQUIRES: no other live Stmt borrows the same SQL text.
  Result<Stmt> PrepareCached(const std::string& sql);
  static constexpr size_t kMaxCachedStatements = 256;
  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // Status for the last error on this connection, prefixed with `what`.
  Status Error(std::string_view what) const;
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;  // finalized in ~Db
};

}  // namespace ohlcv::sqlite
