#include "store/pg_bar_store.h"

#include "core/ticker.h"

#include <poll.h>

#include <atomic>
#include <set>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <thread>

#include "store/bar_store_internal.h"
#include "store/pg_bar_blocks.h"
#include "util/sqlite.h"

namespace ohlcv {
namespace {

using pg::Conn;
using pg::Params;
using pg::Rows;
using store_internal::BlockCopy;
using store_internal::CopyBuffer;
using store_internal::DecodeBlock;
using store_internal::kBarsPerBlock;
using store_internal::MergeBars;
using store_internal::UpperTicker;

constexpr int64_t kMinTs = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTs = std::numeric_limits<int64_t>::max();
constexpr const char* kChannel = "ohlcv_data_version";
// The data version's bump and its NOTIFY on kChannel, in one statement.
constexpr const char* kBumpNotifySql =
    "WITH v AS (UPDATE store_meta SET value = value + 1 WHERE key='data_version' RETURNING value) "
    "SELECT value, pg_notify('ohlcv_data_version', value::text) FROM v";

// The blocks that can hold bars in [$2, $3]: from the last block starting at
// or before $2 (it may reach into the span, or be the one to append to) to the
// last starting at or before $3. Two index range scans on (series, first_ts).
constexpr const char* kBlocksSql =
    "SELECT first_ts, last_ts, n::int8, data FROM bar_blocks WHERE series=$1 AND first_ts <= $3 AND "
    "first_ts >= coalesce((SELECT max(first_ts) FROM bar_blocks WHERE series=$1 AND first_ts <= $2), $2) "
    "ORDER BY first_ts";
constexpr const char* kSeriesIdSql = "SELECT id::int8 FROM bar_series WHERE ticker=$1 AND interval=$2";
constexpr const char* kLastTsSql =
    "SELECT last_ts FROM bar_series WHERE ticker=$1 AND interval=$2 AND bars > 0";
constexpr const char* kVersionSql = "SELECT value FROM store_meta WHERE key='data_version'";
constexpr const char* kTickerLockSql = "SELECT pg_advisory_xact_lock(hashtext('bars:' || $1))";
constexpr const char* kListSql =
    "SELECT ticker, interval, bars, first_ts, last_ts FROM bar_series WHERE bars > 0 "
    "ORDER BY ticker, interval";
constexpr const char* kDeleteBlocksSql =
    "DELETE FROM bar_blocks WHERE series=$1 AND first_ts >= $2 AND first_ts <= $3";

// The last result with rows of a multi-statement simple query (the others
// must succeed). An error anywhere fails the whole query (and its transaction).
Result<Rows> LastRows(Conn& c, const std::string& sql) {
  if (PQsendQuery(c.raw(), sql.c_str()) != 1) return c.ErrorStatus(nullptr, "send query");
  Rows last;
  bool have = false;
  Status err;
  while (PGresult* r = PQgetResult(c.raw())) {
    ExecStatusType t = PQresultStatus(r);
    if (t == PGRES_TUPLES_OK) {
      last = Rows(r);
      have = true;
      continue;
    }
    if (t != PGRES_COMMAND_OK && err.ok()) err = c.ErrorStatus(r, "query");
    PQclear(r);
  }
  if (!err.ok()) return err;
  if (!c.ok()) return c.ErrorStatus(nullptr, "query");
  if (!have) return Status::Internal("query returned no rows");
  return last;
}

// `s` as an SQL string literal, quoted and escaped for this connection.
Result<std::string> Literal(Conn& c, const std::string& s) {
  char* lit = PQescapeLiteral(c.raw(), s.data(), s.size());
  if (!lit) return c.ErrorStatus(nullptr, "escape");
  std::string out(lit);
  PQfreemem(lit);
  return out;
}

// Rolls back the connection's open transaction on scope exit unless done.
struct RollbackUnlessDone {
  explicit RollbackUnlessDone(Conn& conn) : c(conn) {}
  ~RollbackUnlessDone() {
    if (!done && c.ok() && c.InTransaction()) (void)c.Exec("ROLLBACK");
  }
  Conn& c;
  bool done = false;
};

class PgBarStoreImpl final : public PgBarStore {
 public:
  explicit PgBarStoreImpl(PgBarStoreOptions options)
      : options_(std::move(options)), pool_(options_.db) {}

  ~PgBarStoreImpl() override {
    {
      std::lock_guard lock(listen_mu_);
      stop_ = true;
    }
    listen_cv_.notify_all();
    if (listener_.joinable()) listener_.join();
  }

  Status Init() {
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      if (options_.read_only) {
        OHLCV_ASSIGN_OR_RETURN(int v, pg::SchemaVersion(c));
        if (v == 0) return Status::NotFound("database has no ohlcv schema");
        if (v > pg::kSchemaVersion) {
          return Status::InvalidArgument("database schema version " + std::to_string(v) +
                                         ", this build reads up to version " +
                                         std::to_string(pg::kSchemaVersion));
        }
        if (v < pg::kSchemaVersion) {
          // A read-only handle does not migrate, and this build reads only
          // the current layout (bars in blocks since version 4).
          return Status::InvalidArgument(
              "database schema version " + std::to_string(v) + " is older than this build's " +
              std::to_string(pg::kSchemaVersion) +
              ": a writable open migrates it (start `ohlcv-rag serve` or run `ohlcv-rag ingest` against it once)");
        }
        return Status::Ok();
      }
      return pg::Migrate(c);
    }));
    OHLCV_ASSIGN_OR_RETURN(uint64_t v, QueryVersion());
    RaiseVersion(v);
    if (options_.listen) {
      listener_ = std::thread([this] { ListenLoop(); });
      // The first LISTEN usually takes a few ms; DataVersion() queries until then.
    }
    return Status::Ok();
  }

  // One transaction under the ticker's lock: read the blocks the span can
  // touch, merge in memory (counting inserted / updated / unchanged exactly),
  // and when anything changed replace those blocks by binary COPY. A first
  // ingest reads no block; a daily update rewrites the series' last block.
  Result<UpsertStats> Upsert(const BarSeries& series) override {
    OHLCV_RETURN_IF_ERROR(store_internal::ValidateSeries(series));
    if (options_.read_only) return Status::IOError("bar store opened read-only");
    UpsertStats stats;
    if (series.empty()) return stats;
    OHLCV_ASSIGN_OR_RETURN(const std::string ticker, ParseTicker(series.ticker));
    const std::string interval = std::to_string(static_cast<int>(series.interval));
    const int64_t t0 = series.ts.front(), t1 = series.ts.back();
    uint64_t new_version = 0;
    Status st = pool_.Run([&](Conn& c) -> Status {
      stats = UpsertStats{};
      new_version = 0;
      // Round trips dominate a per-ticker transaction: BEGIN, the ticker
      // lock and the series row go in one simple query.
      RollbackUnlessDone guard(c);
      OHLCV_ASSIGN_OR_RETURN(std::string lit, Literal(c, ticker));
      OHLCV_ASSIGN_OR_RETURN(
          Rows id_row,
          LastRows(c, "BEGIN; SELECT pg_advisory_xact_lock(hashtext('bars:' || " + lit +
                          ")); INSERT INTO bar_series(ticker, interval) VALUES(" + lit + ", " + interval +
                          ") ON CONFLICT DO NOTHING; SELECT id FROM bar_series WHERE ticker=" + lit +
                          " AND interval=" + interval));
      if (id_row.size() != 1) return Status::Internal("no bar_series row after insert");
      const int64_t id = id_row.Int(0, 0);
      const std::string sid = std::to_string(id);
      OHLCV_ASSIGN_OR_RETURN(Rows blocks, c.QueryPrepared("blocks", kBlocksSql,
                                                          {sid, std::to_string(t0), std::to_string(t1)},
                                                          /*binary=*/true));
      // The first block may end before the span; it is rewritten only to
      // append to it (not full), never when full.
      int first = 0;
      if (blocks.size() > 0 && blocks.BinInt8(0, 1) < t0 &&
          blocks.BinInt8(0, 2) >= static_cast<int64_t>(kBarsPerBlock)) {
        first = 1;
      }
      BarSeries old;
      for (int r = first; r < blocks.size(); ++r) {
        OHLCV_RETURN_IF_ERROR(DecodeBlock(blocks.Text(r, 3), blocks.BinInt8(r, 2), kMinTs, kMaxTs, old));
      }
      const BarSeries merged = MergeBars(old, series, stats);
      guard.done = true;
      if (stats.inserted + stats.updated == 0) return c.Exec("COMMIT");
      if (first < blocks.size()) {
        OHLCV_RETURN_IF_ERROR(c.QueryPrepared("delete_blocks", kDeleteBlocksSql,
                                              {sid, std::to_string(blocks.BinInt8(first, 0)),
                                               std::to_string(blocks.BinInt8(blocks.size() - 1, 0))})
                                  .status());
      }
      CopyBuffer buf;
      BlockCopy(static_cast<int32_t>(id), merged, buf);
      OHLCV_RETURN_IF_ERROR(
          c.CopyIn("COPY bar_blocks(series, first_ts, last_ts, n, data) FROM STDIN (FORMAT binary)", buf.Finish()));
      // The series totals, the version bump, its NOTIFY and COMMIT in one round trip.
      OHLCV_ASSIGN_OR_RETURN(
          Rows bumped,
          LastRows(c, "UPDATE bar_series SET bars = bars + " + std::to_string(stats.inserted) +
                          ", first_ts = CASE WHEN bars = 0 THEN " + std::to_string(t0) + " ELSE least(first_ts, " +
                          std::to_string(t0) + ") END, last_ts = CASE WHEN bars = 0 THEN " + std::to_string(t1) +
                          " ELSE greatest(last_ts, " + std::to_string(t1) + ") END WHERE id=" + sid + "; " +
                          kBumpNotifySql + "; COMMIT"));
      if (bumped.size() != 1) return Status::Corruption("store_meta has no data_version");
      new_version = static_cast<uint64_t>(bumped.Int(0, 0));
      return Status::Ok();
    });
    if (!st.ok()) return st.WithContext("upsert " + ticker);
    RaiseVersion(new_version);
    return stats;
  }

  Result<BarSeries> Load(const std::string& ticker_in, Interval interval,
                         std::optional<int64_t> start, std::optional<int64_t> end) override {
    const std::string ticker = UpperTicker(ticker_in);
    BarSeries out;
    bool found = false;
    Status st = pool_.Run([&](Conn& c) -> Status {
      out = BarSeries{};
      out.ticker = ticker;
      out.interval = interval;
      OHLCV_ASSIGN_OR_RETURN(found, LoadIn(c, start.value_or(kMinTs), end.value_or(kMaxTs), out));
      return Status::Ok();
    });
    if (!st.ok()) return st.WithContext("load " + ticker);
    if (!found) return Status::NotFound("no " + std::string(IntervalName(interval)) + " bars for " + ticker);
    return out;
  }

  Result<std::vector<TickerInfo>> ListTickers() override {
    std::vector<TickerInfo> out;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      out.clear();
      OHLCV_ASSIGN_OR_RETURN(Rows rows, c.QueryPrepared("list", kListSql, {}));
      OHLCV_ASSIGN_OR_RETURN(Rows flags,
                             c.QueryPrepared("list_synthetic",
                                             "SELECT key FROM bar_state WHERE key LIKE 'ticker/%/synthetic'", {}));
      std::set<std::string, std::less<>> synthetic;
      for (int i = 0; i < flags.size(); ++i) synthetic.insert(std::string(flags.Text(i, 0)));
      for (int i = 0; i < rows.size(); ++i) {
        TickerInfo info;
        info.ticker = std::string(rows.Text(i, 0));
        info.synthetic = synthetic.count(SyntheticFlagKey(info.ticker)) > 0;
        info.interval = static_cast<Interval>(rows.Int(i, 1));
        info.bars = static_cast<uint64_t>(rows.Int(i, 2));
        info.first_ts = rows.Int(i, 3);
        info.last_ts = rows.Int(i, 4);
        out.push_back(std::move(info));
      }
      return Status::Ok();
    }).WithContext("list tickers"));
    return out;
  }

  Result<std::optional<int64_t>> LastTimestamp(const std::string& ticker,
                                               Interval interval) override {
    std::optional<int64_t> last;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      OHLCV_ASSIGN_OR_RETURN(last, LastTs(c, UpperTicker(ticker), interval));
      return Status::Ok();
    }).WithContext("last timestamp"));
    return last;
  }

  Result<uint64_t> DeleteTicker(const std::string& ticker_in) override {
    if (options_.read_only) return Status::IOError("bar store opened read-only");
    const std::string ticker = UpperTicker(ticker_in);
    uint64_t deleted = 0, new_version = 0;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      deleted = new_version = 0;
      pg::Txn txn(c);
      OHLCV_RETURN_IF_ERROR(txn.Begin());
      OHLCV_RETURN_IF_ERROR(c.QueryPrepared("ticker_lock", kTickerLockSql, {ticker}).status());
      OHLCV_ASSIGN_OR_RETURN(
          Rows rows, c.QueryPrepared("delete", "WITH d AS (DELETE FROM bar_series WHERE ticker=$1 RETURNING bars) "
                                               "SELECT coalesce(sum(bars), 0) FROM d",
                                     {ticker}));
      deleted = static_cast<uint64_t>(rows.Int(0, 0));
      // Its state records go in the same transaction (BarStore::DeleteTicker).
      OHLCV_RETURN_IF_ERROR(c.QueryPrepared("delete_state", "DELETE FROM bar_state WHERE starts_with(key, $1)",
                                            {TickerStateKey(ticker)})
                                .status());
      if (deleted > 0) {
        OHLCV_ASSIGN_OR_RETURN(new_version, BumpVersion(c));
      }
      return txn.Commit();
    }).WithContext("delete " + ticker));
    RaiseVersion(new_version);
    return deleted;
  }

  Result<std::optional<std::string>> GetState(const std::string& key) override {
    std::optional<std::string> value;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      OHLCV_ASSIGN_OR_RETURN(Rows rows, c.QueryPrepared("get_state", "SELECT value FROM bar_state WHERE key=$1", {key}));
      value.reset();
      if (rows.size() > 0) value = std::string(rows.Text(0, 0));
      return Status::Ok();
    }).WithContext("get state " + key));
    return value;
  }

  Status PutState(const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) override {
    if (changes.empty()) return Status::Ok();
    if (options_.read_only) return Status::IOError("bar store opened read-only");
    return pool_.Run([&](Conn& c) -> Status {
      pg::Txn txn(c);
      OHLCV_RETURN_IF_ERROR(txn.Begin());
      for (const auto& [key, value] : changes) {
        if (value) {
          OHLCV_RETURN_IF_ERROR(c.QueryPrepared("put_state",
                                                "INSERT INTO bar_state(key, value) VALUES($1, $2) "
                                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                                {key, *value})
                                    .status());
        } else {
          OHLCV_RETURN_IF_ERROR(
              c.QueryPrepared("erase_state", "DELETE FROM bar_state WHERE key=$1", {key}).status());
        }
      }
      return txn.Commit();
    }).WithContext("put state");
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListState(const std::string& prefix) override {
    std::vector<std::pair<std::string, std::string>> out;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      out.clear();
      OHLCV_ASSIGN_OR_RETURN(Rows rows, c.QueryPrepared("list_state",
                                                        "SELECT key, value FROM bar_state WHERE starts_with(key, $1) "
                                                        "ORDER BY key",
                                                        {prefix}));
      for (int i = 0; i < rows.size(); ++i) out.emplace_back(rows.Text(i, 0), rows.Text(i, 1));
      return Status::Ok();
    }).WithContext("list state " + prefix));
    return out;
  }

  Result<uint64_t> DataVersion() override {
    if (listening_.load(std::memory_order_acquire)) return version_.load(std::memory_order_acquire);
    ++version_queries_;
    OHLCV_ASSIGN_OR_RETURN(uint64_t v, QueryVersion());
    RaiseVersion(v);
    return version_.load();
  }

  Status Backup(const std::string& dest_path) override {
    namespace fs = std::filesystem;
    const std::string tmp = dest_path + ".partial";
    std::error_code ec;
    fs::path parent = fs::path(dest_path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    Status st = pool_.Run([&](Conn& c) -> Status {
      fs::remove(tmp, ec);
      fs::remove(tmp + "-wal", ec);
      fs::remove(tmp + "-shm", ec);
      BarStoreOptions so;
      so.path = tmp;
      OHLCV_ASSIGN_OR_RETURN(auto copy, BarStore::Open(so));
      pg::Txn txn(c);
      // One snapshot for the list, every series and the version.
      OHLCV_RETURN_IF_ERROR(txn.Begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
      OHLCV_ASSIGN_OR_RETURN(Rows version, c.Query(kVersionSql));
      OHLCV_ASSIGN_OR_RETURN(Rows list, c.Query(kListSql));
      for (int i = 0; i < list.size(); ++i) {
        BarSeries s;
        s.ticker = std::string(list.Text(i, 0));
        s.interval = static_cast<Interval>(list.Int(i, 1));
        OHLCV_RETURN_IF_ERROR(LoadIn(c, kMinTs, kMaxTs, s).status());
        OHLCV_RETURN_IF_ERROR(copy->Upsert(s).status());
      }
      OHLCV_RETURN_IF_ERROR(txn.Commit());
      copy.reset();
      // The copy carries the shared store's version, not its own count.
      OHLCV_ASSIGN_OR_RETURN(auto db, sqlite::Db::Open(tmp, false, 5000));
      OHLCV_RETURN_IF_ERROR(db->Exec("UPDATE meta SET value=" + std::to_string(version.Int(0, 0)) +
                                     " WHERE key='data_version'; PRAGMA wal_checkpoint(TRUNCATE);"));
      return Status::Ok();
    });
    if (!st.ok()) {
      fs::remove(tmp, ec);
      return st.WithContext("backup");
    }
    fs::rename(tmp, dest_path, ec);
    if (ec) return Status::IOError("backup: rename to " + dest_path + ": " + ec.message());
    fs::remove(tmp + "-wal", ec);
    fs::remove(tmp + "-shm", ec);
    return Status::Ok();
  }

  Status CheckIntegrity() override {
    return pool_.Run([&](Conn& c) -> Status {
      OHLCV_ASSIGN_OR_RETURN(int v, pg::SchemaVersion(c));
      if (v != pg::kSchemaVersion) {
        return Status::Corruption("database schema version " + std::to_string(v) + ", expected " +
                                  std::to_string(pg::kSchemaVersion));
      }
      OHLCV_ASSIGN_OR_RETURN(Rows rows, c.Query(kVersionSql));
      if (rows.size() != 1) return Status::Corruption("store_meta has no data_version");
      return Status::Ok();
    });
  }

  // One attempt, no retry: readiness must answer within the probe's timeout.
  Status Ping() override {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    return (*lease)->QueryPrepared("ping", "SELECT 1", {}).status().WithContext("ping");
  }

  uint64_t version_queries() const override { return version_queries_.load(); }
  bool listening() const override { return listening_.load(); }
  pg::Pool& pool() override { return pool_; }

 private:
  // Bars of out.ticker / out.interval in [start, end] appended to `out`;
  // false when the store has no bar of that series.
  static Result<bool> LoadIn(Conn& c, int64_t start, int64_t end, BarSeries& out) {
    OHLCV_ASSIGN_OR_RETURN(Rows id, c.QueryPrepared("series_id", kSeriesIdSql,
                                                    {out.ticker, std::to_string(static_cast<int>(out.interval))},
                                                    /*binary=*/true));
    if (id.size() != 1) return false;
    OHLCV_ASSIGN_OR_RETURN(Rows blocks, c.QueryPrepared("blocks", kBlocksSql,
                                                        {std::to_string(id.BinInt8(0, 0)), std::to_string(start),
                                                         std::to_string(end)},
                                                        /*binary=*/true));
    size_t n = 0;
    for (int r = 0; r < blocks.size(); ++r) n += static_cast<size_t>(blocks.BinInt8(r, 2));
    out.reserve(out.size() + n);
    for (int r = 0; r < blocks.size(); ++r) {
      OHLCV_RETURN_IF_ERROR(DecodeBlock(blocks.Text(r, 3), blocks.BinInt8(r, 2), start, end, out));
    }
    return true;
  }

  static Result<std::optional<int64_t>> LastTs(Conn& c, const std::string& ticker, Interval interval) {
    OHLCV_ASSIGN_OR_RETURN(Rows rows, c.QueryPrepared("last_ts", kLastTsSql,
                                                      {ticker, std::to_string(static_cast<int>(interval))}));
    if (rows.size() != 1 || rows.IsNull(0, 0)) return std::optional<int64_t>();
    return std::optional<int64_t>(rows.Int(0, 0));
  }

  // In the caller's transaction: bump and announce (NOTIFY is delivered at commit).
  static Result<uint64_t> BumpVersion(Conn& c) {
    OHLCV_ASSIGN_OR_RETURN(Rows rows, c.QueryPrepared("bump_notify", kBumpNotifySql, {}));
    if (rows.size() != 1) return Status::Corruption("store_meta has no data_version");
    return static_cast<uint64_t>(rows.Int(0, 0));
  }

  Result<uint64_t> QueryVersion() {
    uint64_t v = 0;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      OHLCV_ASSIGN_OR_RETURN(Rows rows, c.QueryPrepared("version", kVersionSql, {}));
      if (rows.size() != 1) return Status::Corruption("store_meta has no data_version");
      v = static_cast<uint64_t>(rows.Int(0, 0));
      return Status::Ok();
    }).WithContext("data version"));
    return v;
  }

  void RaiseVersion(uint64_t v) {
    uint64_t cur = version_.load();
    while (v > cur && !version_.compare_exchange_weak(cur, v)) {
    }
  }

  // Waits `d` unless the store is closing; false when closing.
  bool SleepUnlessStopped(std::chrono::milliseconds d) {
    std::unique_lock lock(listen_mu_);
    return !listen_cv_.wait_for(lock, d, [&] { return stop_; });
  }

  bool Stopped() {
    std::lock_guard lock(listen_mu_);
    return stop_;
  }

  // The LISTEN connection: LISTEN first, then read the version, so no bump
  // between the two is missed; then every notification raises version_.
  // On loss: not listening (DataVersion queries), reconnect with backoff.
  void ListenLoop() {
    int failures = 0;
    while (!Stopped()) {
      auto conn = Conn::Connect(options_.db);
      Status st = conn.status();
      if (st.ok()) st = (*conn)->Exec(std::string("LISTEN ") + kChannel);
      if (st.ok()) {
        auto rows = (*conn)->Query(kVersionSql);
        st = rows.status();
        if (st.ok() && rows->size() == 1) RaiseVersion(static_cast<uint64_t>(rows->Int(0, 0)));
      }
      if (!st.ok()) {
        listening_ = false;
        if (!SleepUnlessStopped(pg::RetryDelay(options_.db, std::min(failures++, 5)))) return;
        continue;
      }
      failures = 0;
      listening_ = true;
      PGconn* raw = (*conn)->raw();
      while (!Stopped()) {
        pollfd p{PQsocket(raw), POLLIN, 0};
        int r = poll(&p, 1, 200);
        if (r < 0 && errno != EINTR) break;
        if (r > 0) {
          if (PQconsumeInput(raw) != 1) break;
          while (PGnotify* n = PQnotifies(raw)) {
            RaiseVersion(std::strtoull(n->extra, nullptr, 10));
            PQfreemem(n);
          }
        }
        if (PQstatus(raw) != CONNECTION_OK) break;
      }
      listening_ = false;
    }
  }

  const PgBarStoreOptions options_;
  pg::Pool pool_;
  std::atomic<uint64_t> version_{0};
  std::atomic<uint64_t> version_queries_{0};
  std::atomic<bool> listening_{false};
  std::mutex listen_mu_;
  std::condition_variable listen_cv_;
  bool stop_ = false;  // guarded by listen_mu_
  std::thread listener_;
};

}  // namespace

Result<std::unique_ptr<PgBarStore>> PgBarStore::Open(const PgBarStoreOptions& options) {
  auto store = std::make_unique<PgBarStoreImpl>(options);
  OHLCV_RETURN_IF_ERROR(store->Init().WithContext("open bar store " + pg::RedactUrl(options.db.url)));
  return std::unique_ptr<PgBarStore>(std::move(store));
}

}  // namespace ohlcv
