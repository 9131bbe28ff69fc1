// The one libpq wrapper of ohlcv-rag: a connection (pg::Conn), a query
// result (pg::Rows), a small connection pool with retry on connection loss
// (pg::Pool) and the shared schema's migrations (pg::Migrate). The
// PostgreSQL bar store (pg_bar_store.h) and the shared job store
// (service/api/pg_job_store.h) use it; nothing else calls PQ* directly.
//
// Errors: a lost or refused connection (CONNECTION_BAD, SQLSTATE class 08,
// 57P0x shutdowns) and serialization failures/deadlocks map to Unavailable,
// which Pool::Run retries; 25006 (read-only transaction) and 42501 map to
// PermissionDenied; integrity violations (class 23) to InvalidArgument;
// everything else to IOError. Messages never contain the password.
//
// Thread-safety: a Conn needs external synchronization (one thread at a
// time); a Pool is safe for concurrent use.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ohlcv::pg {

struct PgConfig {
  // libpq connection URI (postgresql://user@host:port/db?sslmode=...) or a
  // key=value string. A password in it works, but the secret belongs in
  // `password` (OHLCV_DATABASE_PASSWORD / _FILE / /run/secrets/db_password).
  std::string url;
  std::string password;                  // empty: none, or the URL's
  int connect_timeout_s = 5;             // per connection attempt
  int max_idle = 4;                      // idle connections the pool keeps
  int max_attempts = 4;                  // attempts of a call that lost its connection
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  std::string application_name = "ohlcv-rag";
};

// The URL with any password removed (for logs, /ready and errors).
std::string RedactUrl(std::string_view url);

// Delay before retry `retry` (0-based): initial * 2^retry capped at max,
// with equal jitter (a value in [d/2, d]).
std::chrono::milliseconds RetryDelay(const PgConfig& config, int retry);

// A query result (owns the PGresult). Column accessors take 0-based indexes.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view Text(int row, int col) const {
    return {PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col))};
  }
  // Text-format integer / double (NULL -> 0 / NaN).
  int64_t Int(int row, int col) const;
  double Double(int row, int col) const;
  // Binary-format int8 / float8 (results of Conn::QueryBinary); NULL -> 0 / NaN.
  int64_t BinInt8(int row, int col) const;
  double BinFloat8(int row, int col) const;

 private:
  std::shared_ptr<PGresult> r_;
};

// Parameters are passed as text; nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

class Conn {
 public:
  static Result<std::unique_ptr<Conn>> Connect(const PgConfig& config);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Simple query protocol; `sql` may hold several statements; no parameters.
  Status Exec(std::string_view sql);
  // One statement with parameters ($1, $2, ...), text results.
  Result<Rows> Query(const std::string& sql, const Params& params = {});
  // A named prepared statement, prepared on this connection on first use.
  // `binary`: results in binary format (read with Rows::Bin*).
  Result<Rows> QueryPrepared(const std::string& name, const std::string& sql, const Params& params,
                             bool binary = false);
  // COPY ... FROM STDIN: sends `data` (in the format the COPY names) and waits.
  Status CopyIn(const std::string& copy_sql, std::string_view data);

  // False once the connection is lost; the pool then discards it.
  bool ok() const { return PQstatus(raw_) == CONNECTION_OK; }
  // True while a transaction is open or aborted (a lease must not go back).
  bool InTransaction() const;
  PGconn* raw() { return raw_; }

  // Status of a failed result (or of the connection when `r` is null).
  Status ErrorStatus(const PGresult* r, std::string_view what) const;

 private:
  explicit Conn(PGconn* raw) : raw_(raw) {}
  PGconn* raw_;
  std::set<std::string> prepared_;
};

// Connections to one database. Acquire() hands out an idle connection or
// opens a new one; a lease returns it on destruction unless it broke or a
// transaction was left open (then it is closed).
class Pool {
 public:
  explicit Pool(PgConfig config) : config_(std::move(config)) {}
  ~Pool() = default;

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Conn* operator->() { return conn_.get(); }
    Conn& operator*() { return *conn_; }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  Result<Lease> Acquire();

  // Runs `fn` on a leased connection. When it fails with Unavailable (lost
  // connection, server restarting, deadlock), waits RetryDelay and runs it
  // again on a fresh connection, up to config.max_attempts in all. `fn` must
  // be safe to repeat: each attempt is a whole transaction.
  Status Run(const std::function<Status(Conn&)>& fn);

  const PgConfig& config() const { return config_; }
  // Connections opened so far (tests check reuse).
  uint64_t connects() const { return connects_.load(); }

 private:
  void Release(std::unique_ptr<Conn> conn);
  const PgConfig config_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_;  // guarded by mu_
  std::atomic<uint64_t> connects_{0};
};

// Rolls back an open transaction unless Commit() succeeded.
class Txn {
 public:
  explicit Txn(Conn& conn) : conn_(conn) {}
  ~Txn();
  Status Begin(std::string_view mode = "BEGIN");
  Status Commit();

 private:
  Conn& conn_;
  bool open_ = false;
};

// The shared schema, one migration per version; Migrate applies the pending
// ones in one transaction under an advisory lock (replicas starting together
// migrate once). InvalidArgument when the database is newer than this build.
inline constexpr int kSchemaVersion = 5;
Status Migrate(Conn& conn);
// 0 for a database without the ohlcv schema.
Result<int> SchemaVersion(Conn& conn);

}  // namespace ohlcv::pg
