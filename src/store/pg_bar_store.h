// PgBarStore: the BarStore in a PostgreSQL database, for several replicas on
// several hosts sharing one store (OHLCV_DATABASE_URL). Same contract as the
// embedded SQLite store (bar_store.h; the conformance suite in tests/store/
// runs against both), with these differences:
//
// - Layout (schema version 4): a series is a row of bar_series(id, ticker,
//   interval, bars, first_ts, last_ts) and its bars are bar_blocks rows of up
//   to 1,024 consecutive bars (series, first_ts, last_ts, n, data): `data` is
//   56 bytes per bar (ts int8, open, high, low, close, volume, adj_close
//   float8, big-endian, as int8send/float8send write them; NaN as the one
//   quiet NaN), stored uncompressed (STORAGE EXTERNAL). Blocks of a series
//   never overlap in time. One row per ~1,000 bars instead of one per bar is
//   what makes a first ingest ~850k bars/s here (docs/benchmarks.md); version
//   3 (one row per bar) is migrated in SQL by pg::Migrate.
// - Upsert: one transaction per series, serialized per ticker by an advisory
//   lock. It reads the blocks the new span can touch (those overlapping it,
//   plus the series' block before it when not full, to append to), merges in
//   memory counting inserted / updated / unchanged exactly (NaN equals NaN),
//   and only when something changed deletes those blocks and writes the
//   merged bars back by binary COPY, kBarsPerBlock to a block. A first
//   ingest reads nothing; a daily update rewrites the series' last block.
// - Reads use prepared statements with binary results on pooled connections.
// - Connection loss: every call is retried on a fresh connection with
//   exponential backoff (PgConfig::max_attempts). An Upsert whose COMMIT was
//   lost in transit is repeated; a repeat of a committed upsert reports its
//   rows as unchanged and does not bump the version again.
// - DataVersion: a row in store_meta bumped inside the writing transaction,
//   which also sends NOTIFY ohlcv_data_version with the new value. A
//   listener thread (one extra connection per store) LISTENs and keeps the
//   newest value in memory, so DataVersion() is an atomic load while the
//   listener is connected and a query only while it is not (then the error,
//   e.g. database down, is returned, which /ready reports).
// - Backup writes a SQLite bars.db copy (one REPEATABLE READ snapshot) with
//   the same bars and data version: a portable copy of the shared store.
//   Operators back up the database itself with pg_dump.
// - CheckIntegrity checks the connection and the schema version.
//
// Schema: pg::Migrate (pg_conn.h), version table schema_migrations.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>

#include "store/bar_store.h"
#include "store/pg_conn.h"

namespace ohlcv {

struct PgBarStoreOptions {
  pg::PgConfig db;
  bool read_only = false;  // writes fail with PermissionDenied; no migration
  bool listen = true;      // keep a LISTEN connection for DataVersion()
};

class PgBarStore : public BarStore {
 public:
  static Result<std::unique_ptr<PgBarStore>> Open(const PgBarStoreOptions& options);

  // DataVersion() calls that queried the server (the listener was down).
  virtual uint64_t version_queries() const = 0;
  // True while the LISTEN connection is up and the in-memory version current.
  virtual bool listening() const = 0;
  // The pool (the job store and migrate-store share its connections).
  virtual pg::Pool& pool() = 0;
};

}  // namespace ohlcv
