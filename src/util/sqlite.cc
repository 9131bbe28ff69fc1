#include "util/sqlite.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cmath>
#include <utility>

namespace ohlcv::sqlite {

Status StatusFrom(int rc, std::string message) {
  switch (rc & 0xff) {  // extended codes keep the primary code in the low byte
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_AUTH:
      return Status::PermissionDenied(std::move(message));
    // A read-only file or volume is an I/O condition, not an authorisation
    // failure (the CLI maps PermissionDenied to exit 5, "authentication").
    case SQLITE_READONLY:
    case SQLITE_PERM:
    default:
      return Status::IOError(std::move(message));
  }
}

namespace {

// True when `path`'s folder cannot be written (a read-only volume without a
// -shm file to share, or not ours) or is full (under 1 MiB free).
// A WAL with frames in it is never skipped: then the usual open is tried.
bool NeedsImmutable(const std::string& path) {
  struct stat wal;
  if (::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) return false;
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  if (dir.empty()) dir = "/";
  if (::access(dir.c_str(), W_OK) != 0) return ::access((path + "-shm").c_str(), F_OK) != 0;
  struct statvfs fs;
  return ::statvfs(dir.c_str(), &fs) == 0 && static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < (1u << 20);
}

// "file:<percent-escaped path>?immutable=1".
std::string ImmutableUri(const std::string& path) {
  std::string out = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "?immutable=1";
}

}  // namespace

// ---------------------------------------------------------------------- Stmt

Stmt::Stmt(Stmt&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(other.owned_) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    owned_ = other.owned_;
  }
  return *this;
}

Stmt::~Stmt() { Release(); }

void Stmt::Release() {
  if (!stmt_) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    Reset();  // back to the cache, ready for the next borrower
  }
  stmt_ = nullptr;
}

void Stmt::BindDouble(int i, double v) {
  if (std::isnan(v)) {
    sqlite3_bind_null(stmt_, i);
  } else {
    sqlite3_bind_double(stmt_, i, v);
  }
}

void Stmt::Bind(int i, const Value& v) {
  if (auto* p = std::get_if<int64_t>(&v)) {
    BindInt(i, *p);
  } else if (auto* d = std::get_if<double>(&v)) {
    BindDouble(i, *d);
  } else {
    BindText(i, std::get<std::string>(v));
  }
}

void Stmt::BindAll(std::span<const Value> values, int first) {
  for (size_t i = 0; i < values.size(); ++i) Bind(first + static_cast<int>(i), values[i]);
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFrom(rc, std::string("sqlite: ") + sqlite3_errmsg(db_));
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

// ------------------------------------------------------------------------ Db

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool read_only,
                                     int busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  std::string name = path;
  if (read_only && NeedsImmutable(path)) {
    // A WAL database on a read-only volume without its -shm file cannot be
    // opened read-only the usual way (SQLite would create the -shm);
    // nobody can write there either, so read it as immutable.
    name = ImmutableUri(path);
    flags |= SQLITE_OPEN_URI;
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);  // a handle is returned even on most failures
    return StatusFrom(rc, std::move(msg));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::make_unique<Db>(db);
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close_v2(db_);
}

Status Db::Exec(const std::string& sql) {
  // Transaction control runs per query on the read paths: keep it prepared.
  if (sql == "BEGIN" || sql == "COMMIT" || sql == "ROLLBACK" || sql == "BEGIN IMMEDIATE") {
    OHLCV_ASSIGN_OR_RETURN(Stmt stmt, PrepareCached(sql));
    return stmt.Run().WithContext(sql);
  }
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return StatusFrom(rc, "sqlite: " + msg + " (in: " + sql.substr(0, 60) + ")");
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error("prepare");
  return Stmt(db_, stmt, /*owned=*/true);
}

Result<Stmt> Db::PrepareCached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(db_, it->second, /*owned=*/false);
  // SQL built from filters comes in many shapes; past the cap it is
  // prepared per use rather than held forever.
  if (cache_.size() >= kMaxCachedStatements) return Prepare(sql);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error("prepare");
  cache_.emplace(sql, stmt);
  return Stmt(db_, stmt, /*owned=*/false);
}

Status Db::Error(std::string_view what) const {
  return StatusFrom(sqlite3_extended_errcode(db_),
                    "sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

}  // namespace ohlcv::sqlite
