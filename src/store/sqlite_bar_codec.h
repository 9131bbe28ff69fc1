// How the embedded bar store (bar_store.cc, schema version 2) keeps bar
// values small on disk without losing a bit.
//
// The value columns of `bars` have no type affinity, so SQLite keeps what is
// bound. SQLite stores an INTEGER in 0-8 bytes by magnitude and a REAL always
// in 8, so:
//  - a price (open, high, low, close, adj_close) that is a whole number of
//    cents, i.e. exactly llround(p * 100) / 100.0 bit for bit (every price
//    parsed from "123.45", every synthetic price), is stored as the INTEGER
//    number of cents (3 bytes up to $83,886.07); any other price as REAL;
//  - a volume that is a whole number (|v| < 2^53, not -0) is stored as an
//    INTEGER, any other as REAL;
//  - NaN is NULL.
// Reading maps INTEGER back (cents / 100.0, resp. the integer as double) and
// gives the bound double back bit for bit; REAL is read as is. An encoded
// value compares equal (SQL `IS`) to the encoding of the same double, which
// keeps Upsert's "unchanged" test exact.
//
// The same encoders are registered as SQL functions ohlcv_price(x) and
// ohlcv_volume(x) on the writer connection, for the version-1 -> 2 migration
// (INSERT ... SELECT), so migrated and newly written rows are encoded alike.
//
// Thread-safety: pure functions.
#pragma once

#include "core/status.h"
#include "util/sqlite.h"

namespace ohlcv::store_internal {

void BindPrice(sqlite::Stmt& st, int i, double v);
void BindVolume(sqlite::Stmt& st, int i, double v);
double ReadPrice(const sqlite::Stmt& st, int col);
double ReadVolume(const sqlite::Stmt& st, int col);

// Registers ohlcv_price() and ohlcv_volume() on `db`.
Status RegisterBarCodecFunctions(sqlite::Db& db);

}  // namespace ohlcv::store_internal
