#include "store/bar_store.h"

#include "core/ticker.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <string>
#include <utility>

#include "store/bar_store_internal.h"
#include "store/sqlite_bar_codec.h"
#include "util/sqlite.h"

namespace ohlcv {
namespace store_internal {

std::string UpperTicker(std::string_view s) {
  // The one rule (core/ticker.h); a name it refuses is kept as given, so a
  // lookup of it finds nothing and an upsert of it fails on ParseTicker.
  auto t = ParseTicker(s);
  return t.ok() ? *t : std::string(s);
}

Status ValidateSeries(const BarSeries& s) {
  if (s.ticker.empty()) return Status::InvalidArgument("upsert: empty ticker");
  size_t n = s.ts.size();
  if (s.open.size() != n || s.high.size() != n || s.low.size() != n || s.close.size() != n ||
      s.volume.size() != n || s.adj_close.size() != n) {
    return Status::InvalidArgument("upsert " + s.ticker + ": columns of unequal length");
  }
  for (size_t i = 1; i < n; ++i) {
    if (s.ts[i] <= s.ts[i - 1]) {
      return Status::InvalidArgument("upsert " + s.ticker + ": timestamps not strictly increasing at " +
                                     std::to_string(i));
    }
  }
  return Status::Ok();
}

}  // namespace store_internal

namespace {

using store_internal::ValidateSeries;
constexpr auto Upper = store_internal::UpperTicker;

using SqliteDb = sqlite::Db;
using sqlite::Stmt;

constexpr int64_t kMinTs = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTs = std::numeric_limits<int64_t>::max();

// Tables every version has; the bars and series tables follow the version.
constexpr const char* kCreateCommon = R"sql(
CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(key, value) VALUES('data_version', 0);
CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
)sql";

// Version 2 (see bar_store.h): bars keyed by a small integer series id, value
// columns without affinity so the codec's integers stay integers
// (store/sqlite_bar_codec.h).
constexpr const char* kCreateV2 = R"sql(
CREATE TABLE IF NOT EXISTS series(
  id INTEGER PRIMARY KEY, ticker TEXT NOT NULL, interval INTEGER NOT NULL,
  bars INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
  UNIQUE(ticker, interval));
CREATE TABLE IF NOT EXISTS bars(
  series INTEGER NOT NULL, ts INTEGER NOT NULL,
  open, high, low, close, volume, adj_close,
  PRIMARY KEY(series, ts)) WITHOUT ROWID;
)sql";

// Version 1 -> 2, in Init's transaction: series ids from the (ticker,
// interval) pairs, every value re-encoded by the same codec as Upsert.
constexpr const char* kMigrateV1 = R"sql(
ALTER TABLE bars RENAME TO bars_v1;
DROP TABLE IF EXISTS series;
)sql";
constexpr const char* kMigrateV1Copy = R"sql(
INSERT INTO series(ticker, interval, bars, first_ts, last_ts)
  SELECT ticker, interval, COUNT(*), MIN(ts), MAX(ts) FROM bars_v1 GROUP BY ticker, interval
  ORDER BY ticker, interval;
INSERT INTO bars(series, ts, open, high, low, close, volume, adj_close)
  SELECT s.id, b.ts, ohlcv_price(b.open), ohlcv_price(b.high), ohlcv_price(b.low), ohlcv_price(b.close),
         ohlcv_volume(b.volume), ohlcv_price(b.adj_close)
  FROM series s JOIN bars_v1 b ON b.ticker = s.ticker AND b.interval = s.interval ORDER BY s.id, b.ts;
DROP TABLE bars_v1;
UPDATE schema_version SET version = 2;
)sql";

constexpr const char* kSeriesIdSql = "SELECT id FROM series WHERE ticker=?1 AND interval=?2";
constexpr const char* kNewSeriesSql =
    "INSERT INTO series(ticker, interval, bars, first_ts, last_ts) VALUES(?1, ?2, 0, ?3, ?4) "
    "ON CONFLICT(ticker, interval) DO NOTHING";
constexpr const char* kAddSeriesSql =
    "UPDATE series SET bars = bars + ?2, first_ts = MIN(first_ts, ?3), last_ts = MAX(last_ts, ?4) WHERE id=?1";

// The WHERE makes an identical re-upsert a no-op (sqlite3_changes() == 0), so
// the caller can tell updated from unchanged rows; IS NOT treats NULLs
// (NaN adj_close) as equal to each other.
constexpr const char* kUpsertSql =
    "INSERT INTO bars(series, ts, open, high, low, close, volume, adj_close) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT(series, ts) DO UPDATE SET open=excluded.open, high=excluded.high, "
    "low=excluded.low, close=excluded.close, volume=excluded.volume, adj_close=excluded.adj_close "
    "WHERE open IS NOT excluded.open OR high IS NOT excluded.high OR low IS NOT excluded.low OR "
    "close IS NOT excluded.close OR volume IS NOT excluded.volume OR "
    "adj_close IS NOT excluded.adj_close";
constexpr const char* kExistingTsSql =
    "SELECT ts FROM bars WHERE series=?1 AND ts>=?2 AND ts<=?3 ORDER BY ts";
constexpr const char* kBumpVersionSql =
    "UPDATE meta SET value = value + 1 WHERE key = 'data_version'";

// Reads, by schema version (a read-only open of a version-1 file reads it as
// it is; a writable open migrates it).
struct ReadSql {
  const char* load;     // ?1 ticker, ?2 interval, ?3 start, ?4 end
  const char* last_ts;  // ?1 ticker, ?2 interval
  const char* list;     // ticker, interval, bars, first_ts, last_ts
};
constexpr ReadSql kReadV2 = {
    "SELECT ts, open, high, low, close, volume, adj_close FROM bars WHERE series = "
    "(SELECT id FROM series WHERE ticker=?1 AND interval=?2) AND ts>=?3 AND ts<=?4 ORDER BY ts",
    "SELECT MAX(ts) FROM bars WHERE series = (SELECT id FROM series WHERE ticker=?1 AND interval=?2)",
    "SELECT ticker, interval, bars, first_ts, last_ts FROM series WHERE bars > 0 ORDER BY ticker, interval"};
constexpr ReadSql kReadV1 = {
    "SELECT ts, open, high, low, close, volume, adj_close FROM bars "
    "WHERE ticker=?1 AND interval=?2 AND ts>=?3 AND ts<=?4 ORDER BY ts",
    "SELECT MAX(ts) FROM bars WHERE ticker=?1 AND interval=?2",
    "SELECT ticker, interval, COUNT(*), MIN(ts), MAX(ts) FROM bars GROUP BY ticker, interval "
    "ORDER BY ticker, interval"};
constexpr const char* kListV1Summary =
    "SELECT ticker, interval, bars, first_ts, last_ts FROM series ORDER BY ticker, interval";

// The smallest string greater than every string starting with `prefix`
// ("" = unbounded: a string above any key).
std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto c = static_cast<unsigned char>(end.back());
    if (c < 0xff) {
      end.back() = static_cast<char>(c + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\x7f') + std::string(8, '\xff');
}

// Rolls back an open transaction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction() {
    if (open_) (void)db_.Exec("ROLLBACK");
  }
  // IMMEDIATE takes the write lock now (waiting busy_timeout), so the
  // transaction cannot fail later on a read-to-write lock upgrade.
  Status BeginImmediate() {
    OHLCV_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    OHLCV_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    open_ = false;
    return Status::Ok();
  }

 private:
  SqliteDb& db_;
  bool open_ = false;
};

Status ConfigureConnection(SqliteDb& db, bool writer) {
  // See the durability paragraph of bar_store.h for why NORMAL.
  std::string pragmas = "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;";
  if (writer) {
    // 64 MB page cache so a whole-dataset ingest does not re-read B-tree pages;
    // a larger auto-checkpoint keeps checkpoints (which fsync) rarer during ingest.
    pragmas += "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4000; PRAGMA journal_size_limit=67108864;";
  } else {
    // mmap (256 MB of address space, not memory) lets a reader use the OS page
    // cache directly instead of copying pages into its small private cache.
    pragmas += "PRAGMA mmap_size=268435456;";
  }
  return db.Exec(pragmas);
}

// The file's schema version; 0 when it has none yet (a new file).
Result<int64_t> ReadSchemaVersion(SqliteDb& db) {
  OHLCV_ASSIGN_OR_RETURN(Stmt st, db.Prepare("SELECT version FROM schema_version"));
  auto row = st.Step();
  if (!row.ok()) return row.status().WithContext("read schema_version");
  return *row ? st.Int(0) : int64_t{0};
}

Status UnknownVersion(int64_t v) {
  return Status::InvalidArgument("bar store schema version " + std::to_string(v) +
                                 ", this build reads versions 1 and " +
                                 std::to_string(kBarStoreSchemaVersion));
}

class BarStoreImpl final : public BarStore {
 public:
  explicit BarStoreImpl(BarStoreOptions options) : options_(std::move(options)) {}

  Status Init() {
    namespace fs = std::filesystem;
    if (options_.path.empty()) return Status::InvalidArgument("bar store: empty path");
    std::error_code ec;
    if (options_.read_only) {
      if (!fs::exists(options_.path, ec)) {
        return Status::NotFound("bar store " + options_.path + " does not exist");
      }
      auto reader = AcquireReader();
      if (!reader.ok()) return reader.status();
      auto has_table = reader->db->Prepare("SELECT 1 FROM sqlite_master WHERE name='schema_version'");
      if (!has_table.ok()) return has_table.status();
      auto found = has_table->Step();
      if (!found.ok()) return found.status();
      if (!*found) return Status::Corruption("bar store has no schema version row");
      OHLCV_ASSIGN_OR_RETURN(int64_t v, ReadSchemaVersion(*reader->db));
      if (v == 0) return Status::Corruption("bar store has no schema version row");
      if (v != 1 && v != kBarStoreSchemaVersion) return UnknownVersion(v);
      read_ = v == 1 ? &kReadV1 : &kReadV2;
      legacy_summary_ = v == 1 && HasTable(*reader->db, "series");
      return Status::Ok();
    }
    fs::path parent = fs::path(options_.path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    OHLCV_ASSIGN_OR_RETURN(writer_, SqliteDb::Open(options_.path, false, options_.busy_timeout_ms));
    // journal_mode is persistent in the file; setting it needs no transaction.
    OHLCV_RETURN_IF_ERROR(writer_->Exec("PRAGMA journal_mode=WAL"));
    OHLCV_RETURN_IF_ERROR(ConfigureConnection(*writer_, /*writer=*/true));
    OHLCV_RETURN_IF_ERROR(store_internal::RegisterBarCodecFunctions(*writer_));
    bool migrated = false;
    {
      Transaction txn(*writer_);
      OHLCV_RETURN_IF_ERROR(txn.BeginImmediate());
      OHLCV_RETURN_IF_ERROR(writer_->Exec(kCreateCommon));
      OHLCV_ASSIGN_OR_RETURN(int64_t v, ReadSchemaVersion(*writer_));
      if (v == 1) {
        OHLCV_RETURN_IF_ERROR(writer_->Exec(kMigrateV1).WithContext("migrate schema 1 to 2"));
        OHLCV_RETURN_IF_ERROR(writer_->Exec(kCreateV2));
        OHLCV_RETURN_IF_ERROR(writer_->Exec(kMigrateV1Copy).WithContext("migrate schema 1 to 2"));
        migrated = true;
      } else if (v == 0 || v == kBarStoreSchemaVersion) {
        OHLCV_RETURN_IF_ERROR(writer_->Exec(kCreateV2));
        if (v == 0) {
          OHLCV_RETURN_IF_ERROR(writer_->Exec("INSERT INTO schema_version(version) VALUES(" +
                                              std::to_string(kBarStoreSchemaVersion) + ")"));
        }
      } else {
        return UnknownVersion(v);
      }
      OHLCV_RETURN_IF_ERROR(txn.Commit());
    }
    // The version-1 pages are free now; give them back to the file system once.
    if (migrated) OHLCV_RETURN_IF_ERROR(writer_->Exec("VACUUM").WithContext("vacuum after migration"));
    return Status::Ok();
  }

  Result<UpsertStats> Upsert(const BarSeries& series) override {
    OHLCV_RETURN_IF_ERROR(ValidateSeries(series));
    if (!writer_) return Status::IOError("bar store opened read-only");
    UpsertStats stats;
    if (series.empty()) return stats;
    OHLCV_ASSIGN_OR_RETURN(const std::string ticker, ParseTicker(series.ticker));
    const auto interval = static_cast<int64_t>(series.interval);

    std::lock_guard lock(write_mu_);
    SqliteDb& db = *writer_;
    Transaction txn(db);
    OHLCV_RETURN_IF_ERROR(txn.BeginImmediate());

    // The series' id, created on its first bars (the summary row is updated
    // below, in this transaction).
    int64_t id = 0;
    {
      OHLCV_ASSIGN_OR_RETURN(Stmt add, db.PrepareCached(kNewSeriesSql));
      add.BindText(1, ticker);
      add.BindInt(2, interval);
      add.BindInt(3, series.ts.front());
      add.BindInt(4, series.ts.back());
      OHLCV_RETURN_IF_ERROR(add.Run().WithContext("upsert " + ticker + ": series"));
      OHLCV_ASSIGN_OR_RETURN(Stmt get, db.PrepareCached(kSeriesIdSql));
      get.BindText(1, ticker);
      get.BindInt(2, interval);
      auto row = get.Step();
      if (!row.ok()) return row.status().WithContext("upsert " + ticker + ": series id");
      if (!*row) return Status::Corruption("upsert " + ticker + ": series row missing");
      id = get.Int(0);
    }

    // Keys already stored in the series' span: a merge against them tells an
    // insert (new key) from an update (changes() == 1 on an existing key).
    std::vector<int64_t> existing;
    {
      OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached(kExistingTsSql));
      st.BindInt(1, id);
      st.BindInt(2, series.ts.front());
      st.BindInt(3, series.ts.back());
      while (true) {
        auto row = st.Step();
        if (!row.ok()) return row.status().WithContext("upsert: read keys");
        if (!*row) break;
        existing.push_back(st.Int(0));
      }
    }

    OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached(kUpsertSql));
    st.BindInt(1, id);
    size_t e = 0;
    for (size_t i = 0; i < series.size(); ++i) {
      st.BindInt(2, series.ts[i]);
      store_internal::BindPrice(st, 3, series.open[i]);
      store_internal::BindPrice(st, 4, series.high[i]);
      store_internal::BindPrice(st, 5, series.low[i]);
      store_internal::BindPrice(st, 6, series.close[i]);
      store_internal::BindVolume(st, 7, series.volume[i]);
      store_internal::BindPrice(st, 8, series.adj_close[i]);
      OHLCV_RETURN_IF_ERROR(st.Run().WithContext("upsert " + ticker));
      st.Rewind();  // bindings stay; only ts and values change per row
      while (e < existing.size() && existing[e] < series.ts[i]) ++e;
      bool existed = e < existing.size() && existing[e] == series.ts[i];
      if (!existed) {
        ++stats.inserted;
      } else if (db.Changes() > 0) {
        ++stats.updated;
      } else {
        ++stats.unchanged;
      }
    }
    if (stats.inserted > 0) {
      // The per-series summary ListTickers reads, in the same transaction.
      OHLCV_ASSIGN_OR_RETURN(Stmt sum, db.PrepareCached(kAddSeriesSql));
      sum.BindInt(1, id);
      sum.BindInt(2, static_cast<int64_t>(stats.inserted));
      sum.BindInt(3, series.ts.front());
      sum.BindInt(4, series.ts.back());
      OHLCV_RETURN_IF_ERROR(sum.Run().WithContext("upsert " + ticker + ": series summary"));
    }
    if (stats.inserted + stats.updated > 0) {
      OHLCV_RETURN_IF_ERROR(db.Exec(kBumpVersionSql));
    }
    OHLCV_RETURN_IF_ERROR(txn.Commit());
    return stats;
  }

  Result<BarSeries> Load(const std::string& ticker_in, Interval interval,
                         std::optional<int64_t> start, std::optional<int64_t> end) override {
    OHLCV_ASSIGN_OR_RETURN(const std::string ticker, ParseTicker(ticker_in));
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    SqliteDb& db = *reader.db;
    BarSeries out;
    out.ticker = ticker;
    out.interval = interval;
    {
      OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached(read_->load));
      st.BindText(1, ticker);
      st.BindInt(2, static_cast<int64_t>(interval));
      st.BindInt(3, start.value_or(kMinTs));
      st.BindInt(4, end.value_or(kMaxTs));
      using store_internal::ReadPrice;
      while (true) {
        auto row = st.Step();
        if (!row.ok()) return row.status().WithContext("load " + ticker);
        if (!*row) break;
        out.push_back(Bar{st.Int(0), ReadPrice(st, 1), ReadPrice(st, 2), ReadPrice(st, 3), ReadPrice(st, 4),
                          store_internal::ReadVolume(st, 5), ReadPrice(st, 6)});
      }
    }
    if (out.empty()) {
      OHLCV_ASSIGN_OR_RETURN(auto last, LastTs(db, ticker, interval));
      if (!last) {
        return Status::NotFound("no " + std::string(IntervalName(interval)) + " bars for " + ticker);
      }
    }
    return out;
  }

  Result<std::vector<TickerInfo>> ListTickers() override {
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    SqliteDb& db = *reader.db;
    // The summary table when the file has it (kept in each Upsert's
    // transaction: microseconds); a scan of every bar otherwise.
    OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached(legacy_summary_ ? kListV1Summary : read_->list));
    std::vector<TickerInfo> out;
    while (true) {
      auto row = st.Step();
      if (!row.ok()) return row.status().WithContext("list tickers");
      if (!*row) break;
      TickerInfo info;
      info.ticker = std::string(st.Text(0));
      info.interval = static_cast<Interval>(st.Int(1));
      info.bars = static_cast<uint64_t>(st.Int(2));
      info.first_ts = st.Int(3);
      info.last_ts = st.Int(4);
      out.push_back(std::move(info));
    }
    st.Reset();
    if (!HasStateTable(db)) return out;
    OHLCV_ASSIGN_OR_RETURN(Stmt flags, db.PrepareCached(
                                           "SELECT key FROM state WHERE key >= 'ticker/' AND "
                                           "key < 'ticker0' AND key LIKE '%/synthetic'"));
    while (true) {
      auto row = flags.Step();
      if (!row.ok()) return row.status().WithContext("list tickers: flags");
      if (!*row) break;
      for (auto& info : out) {
        if (std::string_view(flags.Text(0)) == SyntheticFlagKey(info.ticker)) info.synthetic = true;
      }
    }
    return out;
  }

  Result<std::optional<int64_t>> LastTimestamp(const std::string& ticker,
                                               Interval interval) override {
    OHLCV_ASSIGN_OR_RETURN(const std::string canonical, ParseTicker(ticker));
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    return LastTs(*reader.db, canonical, interval);
  }

  Result<uint64_t> DeleteTicker(const std::string& ticker_in) override {
    if (!writer_) return Status::IOError("bar store opened read-only");
    OHLCV_ASSIGN_OR_RETURN(const std::string ticker, ParseTicker(ticker_in));
    std::lock_guard lock(write_mu_);
    SqliteDb& db = *writer_;
    Transaction txn(db);
    OHLCV_RETURN_IF_ERROR(txn.BeginImmediate());
    OHLCV_ASSIGN_OR_RETURN(
        Stmt st, db.PrepareCached("DELETE FROM bars WHERE series IN (SELECT id FROM series WHERE ticker=?1)"));
    st.BindText(1, ticker);
    OHLCV_RETURN_IF_ERROR(st.Run());
    auto deleted = static_cast<uint64_t>(db.Changes());
    {
      OHLCV_ASSIGN_OR_RETURN(Stmt sum, db.PrepareCached("DELETE FROM series WHERE ticker=?1"));
      sum.BindText(1, ticker);
      OHLCV_RETURN_IF_ERROR(sum.Run());
    }
    {
      OHLCV_ASSIGN_OR_RETURN(Stmt del, db.PrepareCached(
                                           "DELETE FROM state WHERE key >= ?1 AND key < ?2"));
      const std::string prefix = TickerStateKey(ticker);
      del.BindText(1, prefix);
      del.BindText(2, PrefixEnd(prefix));
      OHLCV_RETURN_IF_ERROR(del.Run());
    }
    if (deleted > 0) OHLCV_RETURN_IF_ERROR(db.Exec(kBumpVersionSql));
    OHLCV_RETURN_IF_ERROR(txn.Commit());
    return deleted;
  }

  Result<std::optional<std::string>> GetState(const std::string& key) override {
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    SqliteDb& db = *reader.db;
    if (!HasStateTable(db)) return std::optional<std::string>();
    OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached("SELECT value FROM state WHERE key=?1"));
    st.BindText(1, key);
    auto row = st.Step();
    if (!row.ok()) return row.status().WithContext("get state " + key);
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(std::string(st.Text(0)));
  }

  Status PutState(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) override {
    if (!writer_) return Status::PermissionDenied("bar store opened read-only");
    if (changes.empty()) return Status::Ok();
    std::lock_guard lock(write_mu_);
    SqliteDb& db = *writer_;
    Transaction txn(db);
    OHLCV_RETURN_IF_ERROR(txn.BeginImmediate());
    for (const auto& [key, value] : changes) {
      OHLCV_ASSIGN_OR_RETURN(
          Stmt st, db.PrepareCached(value ? "INSERT INTO state(key, value) VALUES(?1, ?2) "
                                            "ON CONFLICT(key) DO UPDATE SET value=excluded.value"
                                          : "DELETE FROM state WHERE key=?1"));
      st.BindText(1, key);
      if (value) st.BindText(2, *value);
      OHLCV_RETURN_IF_ERROR(st.Run().WithContext("put state " + key));
    }
    return txn.Commit();
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListState(
      const std::string& prefix) override {
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    SqliteDb& db = *reader.db;
    std::vector<std::pair<std::string, std::string>> out;
    if (!HasStateTable(db)) return out;
    OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached(
                                        "SELECT key, value FROM state WHERE key >= ?1 AND key < ?2 "
                                        "ORDER BY key"));
    st.BindText(1, prefix);
    st.BindText(2, PrefixEnd(prefix));
    while (true) {
      auto row = st.Step();
      if (!row.ok()) return row.status().WithContext("list state " + prefix);
      if (!*row) break;
      out.emplace_back(std::string(st.Text(0)), std::string(st.Text(1)));
    }
    return out;
  }

  Result<uint64_t> DataVersion() override {
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    SqliteDb& db = *reader.db;
    OHLCV_ASSIGN_OR_RETURN(Stmt st,
                           db.PrepareCached("SELECT value FROM meta WHERE key='data_version'"));
    auto row = st.Step();
    if (!row.ok()) return row.status().WithContext("data version");
    if (*row) return static_cast<uint64_t>(st.Int(0));
    return Status::Corruption("bar store meta has no data_version");
  }

  Status Backup(const std::string& dest_path) override {
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    const std::string tmp = dest_path + ".partial";
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(dest_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::filesystem::remove(tmp, ec);
    OHLCV_ASSIGN_OR_RETURN(auto dest, SqliteDb::Open(tmp, false, options_.busy_timeout_ms));
    sqlite3_backup* backup = sqlite3_backup_init(dest->handle(), "main", reader.db->handle(), "main");
    if (!backup) return dest->Error("backup init");
    // -1: copy every page in one step, inside one read transaction of the
    // source, so the copy is a consistent snapshot even while a writer runs.
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      Status st = sqlite::StatusFrom(rc, std::string("backup: ") + sqlite3_errstr(rc));
      dest.reset();
      std::filesystem::remove(tmp, ec);
      return st;
    }
    dest.reset();  // closes; the copy is complete on disk
    std::filesystem::rename(tmp, dest_path, ec);
    if (ec) return Status::IOError("backup: rename to " + dest_path + ": " + ec.message());
    return Status::Ok();
  }

  Status CheckIntegrity() override {
    OHLCV_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
    SqliteDb& db = *reader.db;
    OHLCV_ASSIGN_OR_RETURN(Stmt st, db.Prepare("PRAGMA integrity_check(10)"));
    std::string findings;
    while (true) {
      auto row = st.Step();
      if (!row.ok()) return row.status().WithContext("integrity check");
      if (!*row) break;
      std::string line(st.Text(0));
      if (line == "ok") continue;
      if (!findings.empty()) findings += "; ";
      findings += line;
    }
    if (!findings.empty()) return Status::Corruption("integrity_check: " + findings);
    return Status::Ok();
  }

 private:
  // A reader connection leased from the pool; returned to it on destruction.
  struct Reader {
    BarStoreImpl* owner = nullptr;
    std::unique_ptr<SqliteDb> db;
    Reader(BarStoreImpl* o, std::unique_ptr<SqliteDb> d) : owner(o), db(std::move(d)) {}
    Reader(Reader&& other) noexcept : owner(std::exchange(other.owner, nullptr)), db(std::move(other.db)) {}
    Reader& operator=(Reader&&) = delete;
    ~Reader() {
      if (owner && db) owner->Release(std::move(db));
    }
  };

  Result<Reader> AcquireReader() {
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return Reader(this, std::move(db));
      }
    }
    OHLCV_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(options_.path, /*read_only=*/true,
                                                   options_.busy_timeout_ms));
    OHLCV_RETURN_IF_ERROR(ConfigureConnection(*db, /*writer=*/false));
    return Reader(this, std::move(db));
  }

  void Release(std::unique_ptr<SqliteDb> db) {
    std::lock_guard lock(pool_mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_readers) idle_.push_back(std::move(db));
  }

  // False for a version-1 file opened read-only before any writable open
  // added the state table.
  static bool HasStateTable(SqliteDb& db) { return HasTable(db, "state"); }
  static bool HasTable(SqliteDb& db, const char* name) {
    auto st = db.PrepareCached("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
    if (!st.ok()) return false;
    st->BindText(1, name);
    auto row = st->Step();
    bool found = row.ok() && *row;
    st->Reset();
    return found;
  }

  Result<std::optional<int64_t>> LastTs(SqliteDb& db, const std::string& ticker, Interval interval) {
    OHLCV_ASSIGN_OR_RETURN(Stmt st, db.PrepareCached(read_->last_ts));
    st.BindText(1, ticker);
    st.BindInt(2, static_cast<int64_t>(interval));
    auto row = st.Step();
    if (!row.ok()) return row.status().WithContext("last timestamp");
    if (!*row) return db.Error("last timestamp");
    if (st.IsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(st.Int(0));
  }

  const BarStoreOptions options_;
  // Reads of the file's schema version: version 2, or a version-1 file opened
  // read-only (a writable open migrates it). legacy_summary_: that file has
  // the version-1 series summary table.
  const ReadSql* read_ = &kReadV2;
  bool legacy_summary_ = false;
  std::mutex write_mu_;              // serializes writes on writer_
  std::unique_ptr<SqliteDb> writer_;  // null when read-only; used under write_mu_
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_;  // guarded by pool_mu_
};

}  // namespace

std::string TickerStateKey(std::string_view ticker) { return "ticker/" + Upper(ticker) + "/"; }

Result<std::unique_ptr<BarStore>> BarStore::Open(const BarStoreOptions& options) {
  auto store = std::make_unique<BarStoreImpl>(options);
  OHLCV_RETURN_IF_ERROR(store->Init().WithContext("open bar store " + options.path));
  return std::unique_ptr<BarStore>(std::move(store));
}

}  // namespace ohlcv
