// BarStore: the persistent home of every bar, one SQLite file in the data
// directory (`<data_dir>/bars.db`, WAL mode).
//
// Bars are keyed by (ticker, interval, ts); Upsert is idempotent, so ingesting
// the same data twice changes nothing. Each Upsert call is one transaction: a
// process killed mid-ingest leaves every ticker either fully before or fully
// after its upsert. DataVersion() increases with every committed change so
// caches can key on it.
//
// Durability: WAL journal with synchronous=NORMAL. A committed Upsert survives
// a crash of the process (SIGKILL, abort) because its WAL frames are already
// in the OS page cache; after an OS crash or power loss the last transactions
// committed since the previous checkpoint may be lost (rolled back as a whole,
// never half applied). FULL would fsync every commit, several ms each, for a
// guarantee an ingest that can simply be re-run does not need.
//
// Schema (version 2; persisted, bump kBarStoreSchemaVersion on any change):
//   schema_version(version)
//   meta(key, value)             -- 'data_version'
//   series(id, ticker, interval, bars, first_ts, last_ts)
//        -- one row per (ticker, interval), UNIQUE; `id` keys the bars; the
//        counts are kept in each Upsert/DeleteTicker transaction, so
//        ListTickers reads 537 rows instead of scanning every bar.
//   bars(series, ts, open, high, low, close, volume, adj_close)
//        PRIMARY KEY(series, ts) WITHOUT ROWID; interval is the persisted
//        Interval enum value; values encoded by store/sqlite_bar_codec.h
//        (whole cents and whole volumes as small integers, other values as
//        REAL, NaN as NULL; read back bit for bit): 34.5 bytes per
//        1-minute bar with whole-cent prices on disk, against 69.4 in
//        version 1 (docs/benchmarks.md, issue 16).
//   state(key, value)            -- small key/value records of the pipeline
//        (source fingerprints, pending-reindex marks, ticker flags).
// Version 1 (bars keyed by (ticker TEXT, interval, ts), REAL columns) is
// migrated to 2 by the first writable open, in one transaction, then
// VACUUMed; a read-only open of a version-1 file reads it as it is.
//
// Tickers are stored upper case; every call upper-cases the ticker it is given.
//
// Thread-safety: safe for concurrent use. Writers are serialized internally
// (one writer connection behind a mutex; other processes wait up to
// busy_timeout_ms); readers use a small pool of connections, run concurrently
// with a writer and see the last committed state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bar_series.h"
#include "core/status.h"

namespace ohlcv {

struct BarStoreOptions {
  std::string path;            // SQLite file; created with its folder when missing
  bool read_only = false;      // opens an existing file only; writes fail with IOError
  int busy_timeout_ms = 5000;  // how long a call waits for another writer's lock
  int max_idle_readers = 4;    // reader connections kept open between calls
};

// Persisted in the file (schema_version table): bump on any schema change.
inline constexpr int kBarStoreSchemaVersion = 2;

struct UpsertStats {
  uint64_t inserted = 0;   // new (ticker, interval, ts) keys
  uint64_t updated = 0;    // existing keys whose values changed
  uint64_t unchanged = 0;  // existing keys with identical values
};

struct TickerInfo {
  std::string ticker;
  Interval interval = Interval::k1d;
  uint64_t bars = 0;
  int64_t first_ts = 0;
  int64_t last_ts = 0;
  bool synthetic = false;  // generated demo data (SyntheticFlagKey); filled by ListTickers
};

// "ticker/<TICKER>/" (upper-cased): the prefix of a ticker's state keys.
std::string TickerStateKey(std::string_view ticker);
// TickerStateKey + "synthetic": present ("1") when the ticker's bars were
// last written by a generator (demo data), absent for market data.
inline std::string SyntheticFlagKey(std::string_view ticker) { return TickerStateKey(ticker) + "synthetic"; }

class BarStore {
 public:
  static Result<std::unique_ptr<BarStore>> Open(const BarStoreOptions& options);
  virtual ~BarStore() = default;

  // One transaction: all bars of the series or none. Bumps DataVersion() once
  // when anything was inserted or updated, not at all otherwise.
  // REQUIRES: series.ticker non-empty, timestamps strictly increasing, all
  // columns of equal length (InvalidArgument otherwise, nothing written).
  // Unavailable when another process held the write lock past busy_timeout_ms.
  virtual Result<UpsertStats> Upsert(const BarSeries& series) = 0;

  // Bars of one ticker in [start, end] (inclusive; nullopt = unbounded),
  // oldest first. NotFound when the store has no bar of that ticker/interval;
  // an empty series when it has bars but none in the range.
  virtual Result<BarSeries> Load(const std::string& ticker, Interval interval,
                                 std::optional<int64_t> start = std::nullopt,
                                 std::optional<int64_t> end = std::nullopt) = 0;

  // One entry per (ticker, interval), ordered by ticker then interval.
  virtual Result<std::vector<TickerInfo>> ListTickers() = 0;

  // Timestamp of the newest stored bar, nullopt when none.
  virtual Result<std::optional<int64_t>> LastTimestamp(const std::string& ticker,
                                                       Interval interval) = 0;

  // Removes every bar of the ticker (all intervals) and every state record
  // under TickerStateKey(ticker) (flags, pending marks), in one transaction;
  // returns how many bars.
  virtual Result<uint64_t> DeleteTicker(const std::string& ticker) = 0;

  // --- State records: small string values the pipeline keeps beside the
  // bars (CSV file fingerprints, "windows pending" marks, the synthetic flag).
  // Keys are opaque; by convention "ticker/<TICKER>/..." belongs to one
  // ticker (removed by DeleteTicker), "source/..." to a source unit.
  // Changing state does not bump DataVersion().

  // The value of `key`, nullopt when absent.
  virtual Result<std::optional<std::string>> GetState(const std::string& key) = 0;
  // Applies every change in one transaction: a value sets the key, nullopt
  // erases it. Empty `changes` is a no-op.
  virtual Status PutState(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) = 0;
  // Every (key, value) whose key starts with `prefix`, ordered by key.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListState(
      const std::string& prefix) = 0;

  // Monotonic counter bumped by every committed change.
  virtual Result<uint64_t> DataVersion() = 0;

  // Writes a consistent copy of the database to `dest_path` (SQLite backup API),
  // replacing any file there. The copy is written beside it and renamed into
  // place, so `dest_path` never holds a partial copy. Writers are not blocked.
  virtual Status Backup(const std::string& dest_path) = 0;

  // PRAGMA integrity_check: OK, or Corruption with SQLite's first findings.
  virtual Status CheckIntegrity() = 0;

  // Cheap liveness check for /ready: can the store be read right now?
  // (A shared store's server may go away; the embedded one reads its version.)
  virtual Status Ping() { return DataVersion().status(); }
};

}  // namespace ohlcv
