#include "index/sqlite_conn.h"

#include <cmath>
#include <utility>

namespace ohlcv::index_internal {

Stmt::Stmt(Stmt&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Stmt::~Stmt() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Stmt::BindDouble(int i, double v) {
  if (std::isnan(v)) {
    sqlite3_bind_null(stmt_, i);
  } else {
    sqlite3_bind_double(stmt_, i, v);
  }
}

void Stmt::Bind(int i, const SqlValue& v) {
  if (auto* p = std::get_if<int64_t>(&v)) {
    BindInt(i, *p);
  } else if (auto* d = std::get_if<double>(&v)) {
    BindDouble(i, *d);
  } else {
    BindText(i, std::get<std::string>(v));
  }
}

void Stmt::BindAll(std::span<const SqlValue> values, int first) {
  for (size_t i = 0; i < values.size(); ++i) Bind(first + static_cast<int>(i), values[i]);
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  StatusCode code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? StatusCode::kUnavailable
                    : (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) ? StatusCode::kCorruption
                                                                     : StatusCode::kIOError;
  return Status(code, std::string("sqlite: ") + sqlite3_errmsg(db_));
}

Status Stmt::Run() {
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

double Stmt::Double(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nan("");
  return sqlite3_column_double(stmt_, col);
}

std::string_view Stmt::Text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::span<const std::byte> Stmt::Blob(int col) const {
  auto* p = static_cast<const std::byte*>(sqlite3_column_blob(stmt_, col));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& path, bool read_only,
                                         int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IOError("cannot open " + path + ": " + msg);
  }
  auto conn = std::make_unique<Conn>(db);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  if (!read_only) {
    OHLCV_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
  }
  OHLCV_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
                                   " PRAGMA temp_store=MEMORY;"));
  return conn;
}

Conn::~Conn() {
  if (db_) sqlite3_close_v2(db_);
}

Status Conn::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    StatusCode code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? StatusCode::kUnavailable
                      : (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) ? StatusCode::kCorruption
                                                                       : StatusCode::kIOError;
    return Status(code, "sqlite: " + msg);
  }
  return Status::Ok();
}

Result<Stmt> Conn::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error("prepare");
  return Stmt(db_, stmt);
}

Status Conn::Error(std::string_view context) const {
  return Status::IOError("sqlite " + std::string(context) + ": " + sqlite3_errmsg(db_));
}

}  // namespace ohlcv::index_internal
