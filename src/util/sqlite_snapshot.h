// Consistent copies of a live SQLite database (WAL mode, writers committing),
// for backups of the embedded stores.
//
// Thread-safety: free functions; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace ohlcv {

// Copies the SQLite database at `src_path` into `dest_path` through the online
// backup API on a separate read-only connection: every page is copied in one
// step inside one read transaction, so the copy is the database as of one
// commit even while a writer (WAL mode) keeps committing. The copy is written
// to dest_path + ".partial" and renamed. NotFound when src_path is missing.
Status SnapshotSqlite(const std::string& src_path, const std::string& dest_path);

// SELECT COUNT(*) FROM `table` of the database at `path` (opened read-only).
Result<int64_t> CountRows(const std::string& path, const std::string& table);

}  // namespace ohlcv
