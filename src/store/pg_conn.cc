#include "store/pg_conn.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

namespace ohlcv::pg {
namespace {

// SQLSTATE class or code -> Status code; first match wins, "" is the rest.
struct SqlStateRule {
  std::string_view prefix;
  StatusCode code;
};
constexpr SqlStateRule kSqlStateRules[] = {
    {"08", StatusCode::kUnavailable},       // connection exceptions
    {"57P", StatusCode::kUnavailable},      // admin/crash shutdown, cannot connect now
    {"40001", StatusCode::kUnavailable},    // serialization failure: retry
    {"40P01", StatusCode::kUnavailable},    // deadlock detected: retry
    {"53300", StatusCode::kUnavailable},    // too many connections
    {"25006", StatusCode::kPermissionDenied},
    {"42501", StatusCode::kPermissionDenied},
    {"28", StatusCode::kUnauthenticated},   // invalid authorization
    {"23", StatusCode::kInvalidArgument},   // integrity constraint violation
    {"22", StatusCode::kInvalidArgument},   // data exception
};

StatusCode CodeForSqlState(std::string_view state) {
  for (const auto& rule : kSqlStateRules) {
    if (state.substr(0, rule.prefix.size()) == rule.prefix) return rule.code;
  }
  return StatusCode::kIOError;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

uint64_t ReadBe64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return be64toh(v);
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  // postgresql://user:secret@host/... -> postgresql://user:***@host/...
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    // key=value form: blank out password=...
    std::string out(url);
    size_t p = out.find("password=");
    if (p != std::string::npos) {
      size_t end = out.find(' ', p);
      out.replace(p, (end == std::string::npos ? out.size() : end) - p, "password=***");
    }
    return out;
  }
  size_t at = url.find('@', scheme + 3);
  size_t slash = url.find('/', scheme + 3);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

std::chrono::milliseconds RetryDelay(const PgConfig& config, int retry) {
  thread_local std::mt19937 rng(std::random_device{}());
  double d = static_cast<double>(config.initial_backoff.count()) * std::pow(2.0, std::min(retry, 20));
  d = std::min(d, static_cast<double>(config.max_backoff.count()));
  double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  return std::chrono::milliseconds(static_cast<int64_t>(d / 2 + unit * d / 2));
}

int64_t Rows::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  std::string_view t = Text(row, col);
  int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

double Rows::Double(int row, int col) const {
  if (IsNull(row, col)) return std::numeric_limits<double>::quiet_NaN();
  std::string_view t = Text(row, col);
  double v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

int64_t Rows::BinInt8(int row, int col) const {
  if (IsNull(row, col) || PQgetlength(r_.get(), row, col) != 8) return 0;
  return static_cast<int64_t>(ReadBe64(PQgetvalue(r_.get(), row, col)));
}

double Rows::BinFloat8(int row, int col) const {
  if (IsNull(row, col) || PQgetlength(r_.get(), row, col) != 8) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  uint64_t bits = ReadBe64(PQgetvalue(r_.get(), row, col));
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

Result<std::unique_ptr<Conn>> Conn::Connect(const PgConfig& config) {
  if (config.url.empty()) return Status::InvalidArgument("postgres: empty database URL");
  // The URL goes in as "dbname" with expand_dbname, so both URI and
  // key=value forms work; the explicit keys after it override.
  std::string timeout = std::to_string(config.connect_timeout_s);
  std::vector<const char*> keys = {"dbname", "connect_timeout", "application_name"};
  std::vector<const char*> values = {config.url.c_str(), timeout.c_str(),
                                     config.application_name.c_str()};
  if (!config.password.empty()) {
    keys.push_back("password");
    values.push_back(config.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!raw) return Status::ResourceExhausted("postgres: out of memory");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(raw));
    PQfinish(raw);
    StatusCode code = StatusCode::kUnavailable;
    if (msg.find("password authentication failed") != std::string::npos ||
        msg.find("no password supplied") != std::string::npos) {
      code = StatusCode::kUnauthenticated;
    } else if (msg.find("invalid") != std::string::npos && msg.find("URI") != std::string::npos) {
      code = StatusCode::kInvalidArgument;
    }
    return Status(code, "postgres " + RedactUrl(config.url) + ": " + msg);
  }
  auto conn = std::unique_ptr<Conn>(new Conn(raw));
  // Notices (e.g. "relation already exists, skipping") stay out of stderr.
  PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
  return conn;
}

Conn::~Conn() { PQfinish(raw_); }

bool Conn::InTransaction() const {
  PGTransactionStatusType t = PQtransactionStatus(raw_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Status Conn::ErrorStatus(const PGresult* r, std::string_view what) const {
  std::string msg = Trim(r ? PQresultErrorMessage(r) : PQerrorMessage(raw_));
  if (msg.empty()) msg = Trim(PQerrorMessage(raw_));
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  StatusCode code = state ? CodeForSqlState(state) : StatusCode::kIOError;
  if (PQstatus(raw_) != CONNECTION_OK) code = StatusCode::kUnavailable;
  return Status(code, std::string(what) + ": " + msg);
}

namespace {
// Takes ownership of `r`; OK when its status is one of the good ones.
Result<Rows> Check(const Conn& conn, PGresult* r, std::string_view what) {
  ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY) return Rows(r);
  Status st = conn.ErrorStatus(r, what);
  PQclear(r);
  return st;
}

std::string Shorten(std::string_view sql) {
  std::string s(sql.substr(0, 60));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > 60 ? s + "..." : s;
}

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  }
};
}  // namespace

Status Conn::Exec(std::string_view sql) {
  std::string q(sql);
  // PQexec returns the last statement's result; an error stops the batch.
  auto rows = Check(*this, PQexec(raw_, q.c_str()), Shorten(sql));
  return rows.status();
}

Result<Rows> Conn::Query(const std::string& sql, const Params& params) {
  ParamArrays p(params);
  return Check(*this,
               PQexecParams(raw_, sql.c_str(), static_cast<int>(p.values.size()), nullptr,
                            p.values.data(), nullptr, nullptr, 0),
               Shorten(sql));
}

Result<Rows> Conn::QueryPrepared(const std::string& name, const std::string& sql,
                                 const Params& params, bool binary) {
  if (!prepared_.count(name)) {
    OHLCV_RETURN_IF_ERROR(
        Check(*this, PQprepare(raw_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr),
              "prepare " + name)
            .status());
    prepared_.insert(name);
  }
  ParamArrays p(params);
  return Check(*this,
               PQexecPrepared(raw_, name.c_str(), static_cast<int>(p.values.size()), p.values.data(),
                              nullptr, nullptr, binary ? 1 : 0),
               name);
}

Status Conn::CopyIn(const std::string& copy_sql, std::string_view data) {
  PGresult* start = PQexec(raw_, copy_sql.c_str());
  if (!start || PQresultStatus(start) != PGRES_COPY_IN) {
    Status st = ErrorStatus(start, Shorten(copy_sql));
    PQclear(start);
    return st;
  }
  PQclear(start);
  constexpr size_t kChunk = 1 << 20;
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    if (PQputCopyData(raw_, data.data() + off, static_cast<int>(n)) != 1) {
      return ErrorStatus(nullptr, "copy data");
    }
  }
  if (PQputCopyEnd(raw_, nullptr) != 1) return ErrorStatus(nullptr, "copy end");
  Status result = Status::Ok();
  while (PGresult* r = PQgetResult(raw_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && result.ok()) result = ErrorStatus(r, "copy");
    PQclear(r);
  }
  if (result.ok() && !ok()) return ErrorStatus(nullptr, "copy");
  return result;
}

Pool::Lease::~Lease() {
  if (pool_ && conn_) pool_->Release(std::move(conn_));
}

Result<Pool::Lease> Pool::Acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->ok()) return Lease(this, std::move(conn));
    }
  }
  OHLCV_ASSIGN_OR_RETURN(auto conn, Conn::Connect(config_));
  ++connects_;
  return Lease(this, std::move(conn));
}

void Pool::Release(std::unique_ptr<Conn> conn) {
  if (!conn->ok() || conn->InTransaction()) return;  // closed by the unique_ptr
  std::lock_guard lock(mu_);
  if (static_cast<int>(idle_.size()) < config_.max_idle) idle_.push_back(std::move(conn));
}

Status Pool::Run(const std::function<Status(Conn&)>& fn) {
  Status last;
  for (int attempt = 0; attempt < std::max(1, config_.max_attempts); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(RetryDelay(config_, attempt - 1));
    auto lease = Acquire();
    if (!lease.ok()) {
      last = lease.status();
    } else {
      last = fn(**lease);
      if (last.ok()) return last;
    }
    if (last.code() != StatusCode::kUnavailable) return last;
    // A failed connection may leave healthy-looking idle ones from before the
    // outage: drop them all so the retry connects afresh.
    std::lock_guard lock(mu_);
    idle_.clear();
  }
  return last.WithContext("postgres: after " + std::to_string(std::max(1, config_.max_attempts)) +
                          " attempts");
}

Txn::~Txn() {
  if (open_) (void)conn_.Exec("ROLLBACK");
}

Status Txn::Begin(std::string_view mode) {
  OHLCV_RETURN_IF_ERROR(conn_.Exec(mode));
  open_ = true;
  return Status::Ok();
}

Status Txn::Commit() {
  open_ = false;  // a failed COMMIT ends the transaction too
  return conn_.Exec("COMMIT");
}

namespace {

// One entry per schema version; never edit a shipped entry, append a new one.
constexpr const char* kMigrations[] = {
    // 1: bars and the data version (the bar store).
    R"sql(
CREATE TABLE bars(
  ticker text NOT NULL,
  interval smallint NOT NULL,
  ts bigint NOT NULL,
  open float8, high float8, low float8, close float8, volume float8, adj_close float8,
  PRIMARY KEY(ticker, interval, ts));
CREATE TABLE store_meta(key text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO store_meta(key, value) VALUES('data_version', 0);
)sql",
    // 2: state the replicas share: ingest jobs and company names/sectors.
    R"sql(
CREATE TABLE ingest_jobs(
  id text PRIMARY KEY,
  kind text NOT NULL,
  state text NOT NULL,
  tickers_done bigint NOT NULL DEFAULT 0,
  tickers_total bigint NOT NULL DEFAULT 0,
  bars bigint NOT NULL DEFAULT 0,
  windows bigint NOT NULL DEFAULT 0,
  errors text NOT NULL DEFAULT '[]',
  created_at float8 NOT NULL DEFAULT 0,
  started_at float8 NOT NULL DEFAULT 0,
  finished_at float8 NOT NULL DEFAULT 0,
  owner text NOT NULL DEFAULT '');
CREATE INDEX ingest_jobs_state ON ingest_jobs(state);
CREATE TABLE companies(
  ticker text PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  sector text NOT NULL DEFAULT '',
  industry text NOT NULL DEFAULT '');
)sql",
    // 3: the pipeline's state records (BarStore::GetState/PutState/ListState:
    // CSV fingerprints, pending-window marks, the synthetic flag).
    R"sql(
CREATE TABLE bar_state(key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
)sql",
    // 4: bars in per-series blocks (pg_bar_store.h): one row per up to
    // kBarsPerBlock bars instead of one per bar. Existing bars are encoded
    // here in SQL exactly as the store encodes them (56 bytes per bar: ts
    // int8, then open, high, low, close, volume, adj_close float8, all
    // big-endian as int8send/float8send write them; NULL becomes NaN).
    R"sql(
CREATE TABLE bar_series(
  id serial PRIMARY KEY,
  ticker text COLLATE "C" NOT NULL,
  interval smallint NOT NULL,
  bars bigint NOT NULL DEFAULT 0,
  first_ts bigint NOT NULL DEFAULT 0,
  last_ts bigint NOT NULL DEFAULT 0,
  UNIQUE(ticker, interval));
CREATE TABLE bar_blocks(
  series integer NOT NULL REFERENCES bar_series(id) ON DELETE CASCADE,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  n integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY(series, first_ts));
ALTER TABLE bar_blocks ALTER COLUMN data SET STORAGE EXTERNAL;
INSERT INTO bar_series(ticker, interval, bars, first_ts, last_ts)
  SELECT ticker, interval, count(*), min(ts), max(ts) FROM bars GROUP BY ticker, interval
  ORDER BY ticker COLLATE "C", interval;
INSERT INTO bar_blocks(series, first_ts, last_ts, n, data)
  SELECT s.id, min(b.ts), max(b.ts), count(*),
         string_agg(int8send(b.ts) || float8send(coalesce(b.open, 'NaN')) ||
                    float8send(coalesce(b.high, 'NaN')) || float8send(coalesce(b.low, 'NaN')) ||
                    float8send(coalesce(b.close, 'NaN')) || float8send(coalesce(b.volume, 'NaN')) ||
                    float8send(coalesce(b.adj_close, 'NaN')), ''::bytea ORDER BY b.ts)
  FROM (SELECT *, (row_number() OVER (PARTITION BY ticker, interval ORDER BY ts) - 1) / 1024 AS blk
        FROM bars) b
  JOIN bar_series s ON s.ticker = b.ticker COLLATE "C" AND s.interval = b.interval
  GROUP BY s.id, b.blk;
DROP TABLE bars;
)sql",
    // 5: the jobs list (newest first) and its retention read ingest_jobs by
    // creation time.
    R"sql(
CREATE INDEX ingest_jobs_created ON ingest_jobs(created_at DESC, id DESC);
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

constexpr int64_t kMigrationLock = 0x6f686c6376000001;  // "ohlcv" + 1

}  // namespace

Result<int> SchemaVersion(Conn& conn) {
  OHLCV_ASSIGN_OR_RETURN(Rows exists, conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (exists.Text(0, 0) != "t") return 0;
  OHLCV_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  return static_cast<int>(rows.Int(0, 0));
}

Status Migrate(Conn& conn) {
  Txn txn(conn);
  OHLCV_RETURN_IF_ERROR(txn.Begin());
  OHLCV_RETURN_IF_ERROR(
      conn.Query("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")").status());
  OHLCV_RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY, "
      "applied_at timestamptz NOT NULL DEFAULT now())"));
  OHLCV_ASSIGN_OR_RETURN(int current, SchemaVersion(conn));
  if (current > kSchemaVersion) {
    return Status::InvalidArgument("database schema version " + std::to_string(current) +
                                   ", this build reads up to version " +
                                   std::to_string(kSchemaVersion));
  }
  for (int v = current + 1; v <= kSchemaVersion; ++v) {
    OHLCV_RETURN_IF_ERROR(conn.Exec(kMigrations[v - 1]).WithContext("migration " + std::to_string(v)));
    OHLCV_RETURN_IF_ERROR(
        conn.Exec("INSERT INTO schema_migrations(version) VALUES(" + std::to_string(v) + ")"));
  }
  return txn.Commit();
}

}  // namespace ohlcv::pg
