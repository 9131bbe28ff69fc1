// BarStore: the persistent home of every bar, one SQLite file in the data
// directory (`<data_dir>/bars.db`, WAL mode).
//
// Bars are keyed by (ticker, interval, ts); Upsert is idempotent, so ingesting
// the same data twice changes nothing. Each Upsert call is one transaction: a
// process killed mid-ingest leaves every ticker either fully before or fully
// after its upsert. DataVersion() increases with every committed change so
// caches can key on it.
//
// Thread-safety: safe for concurrent use. Writers are serialized internally;
// readers run concurrently with a writer and see the last committed state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bar_series.h"
#include "core/status.h"

namespace ohlcv {

struct BarStoreOptions {
  std::string path;            // SQLite file; created with its folder when missing
  bool read_only = false;
  int busy_timeout_ms = 5000;  // how long a call waits for another writer's lock
};

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
};

class BarStore {
 public:
  static Result<std::unique_ptr<BarStore>> Open(const BarStoreOptions& options);
  virtual ~BarStore() = default;

  // REQUIRES: series.ticker non-empty, timestamps strictly increasing.
  virtual Result<UpsertStats> Upsert(const BarSeries& series) = 0;

  // Bars of one ticker in [start, end] (inclusive; nullopt = unbounded),
  // oldest first. NotFound when the store has no bar of that ticker/interval.
  virtual Result<BarSeries> Load(const std::string& ticker, Interval interval,
                                 std::optional<int64_t> start = std::nullopt,
                                 std::optional<int64_t> end = std::nullopt) = 0;

  virtual Result<std::vector<TickerInfo>> ListTickers() = 0;

  // Timestamp of the newest stored bar, nullopt when none.
  virtual Result<std::optional<int64_t>> LastTimestamp(const std::string& ticker,
                                                       Interval interval) = 0;

  // Removes every bar of the ticker (all intervals); returns how many.
  virtual Result<uint64_t> DeleteTicker(const std::string& ticker) = 0;

  // Monotonic counter bumped by every committed change.
  virtual Result<uint64_t> DataVersion() = 0;

  // Writes a consistent copy of the database to `dest_path` (SQLite backup API).
  virtual Status Backup(const std::string& dest_path) = 0;
};

}  // namespace ohlcv
