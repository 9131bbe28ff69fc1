// How a Window is laid out in the local store's SQLite file (windows.db):
// the schema, the list of numeric metadata columns (which is also the
// whitelist of NumericCondition fields), and encoding/decoding of rows.
//
// One window is three rows sharing its label (the HNSW label, also the
// rowid of each table and of the FTS5 index):
//   windows         the filterable part: ids, ticker, sector, dates, a
//                   bitmask of its pattern kinds and every numeric field of
//                   Window and WindowIndicators as its own REAL column (NaN
//                   stored as NULL). ~500 bytes, so filter scans touch few pages.
//   window_docs     what only a fetched hit needs: summary and the pattern
//                   events (binary, see EncodePatterns).
//   window_vectors  the normalised text vector and the shape vector, read by
//                   exact scans and index rebuilds only.
// windows_fts is contentless (the summary is stored once, in window_docs)
// and holds FtsDocument(summary), not the summary: removing a row from it
// needs those exact values again, see ForgetFtsRows().
//
// Thread-safety: pure functions over caller-owned statements.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/window.h"
#include "core/window_fields.h"
#include "util/sqlite.h"

namespace ohlcv::index_internal {

// Persisted: bump when the layout changes; a store with another version is
// refused with InvalidArgument (re-ingest into a new directory).
// Version 2: windows split into windows/window_docs/window_vectors, label is
// the rowid, pattern kinds as a bitmask column, contentless FTS5.
// Version 3: the FTS index holds FtsDocument(summary); a version-2 store is
// brought to 3 on a writable open by RebuildFts (its rows are unchanged).
inline constexpr int kSchemaVersion = 3;

// Statements that create every table and index (idempotent).
std::string SchemaSql();

// Bit i set when the window has an event of PatternKind i (kCount <= 63).
int64_t PatternMask(const std::vector<PatternEvent>& events);
int64_t PatternMask(std::span<const PatternKind> kinds);

// Binds one window's FTS values (label, FtsDocument(summary), ticker, sector)
// to `fts` and runs it: a statement prepared from kFtsInsertSql, or the
// matching 'delete' command ForgetFtsRows uses.
inline constexpr const char* kFtsInsertSql =
    "INSERT INTO windows_fts(rowid, summary, ticker, sector) VALUES(?, ?, ?, ?)";
Status RunFtsRow(sqlite::Stmt& fts, int64_t label, std::string_view summary, std::string_view ticker,
                 std::string_view sector);

// Removes the FTS rows of the windows matching `where` (over windows w, one
// `?` bound to `param`), from their stored values, as a contentless FTS5
// table requires. Run before the rows change.
Status ForgetFtsRows(sqlite::Db& db, std::string_view where, const sqlite::Value& param);

// Empties the FTS index and indexes every stored window again.
Status RebuildFts(sqlite::Db& db);

// The numeric metadata columns, in table order: the fields of
// core/window_fields.h with `column` set.
std::span<const WindowField> NumericFields();
// The column a NumericCondition field maps to, or nullopt for an unknown
// field. Also accepts "start_ts" and "end_ts".
std::optional<std::string_view> NumericColumn(std::string_view field);

// Column list read by DecodeWindow, in order, over the tables joined by
// WindowFrom(alias): windows `alias`, window_docs `alias`d, window_vectors `alias`v.
std::string WindowSelectColumns(std::string_view alias);
// "windows w JOIN window_docs wd ON ... JOIN window_vectors wv ON ..." for alias "w".
std::string WindowFrom(std::string_view alias);
// Number of columns WindowSelectColumns yields.
int WindowSelectColumnCount();
// Rebuilds a Window from the columns starting at `first_col`.
Result<Window> DecodeWindow(const sqlite::Stmt& stmt, int first_col);

// "INSERT OR REPLACE INTO windows(...) VALUES(?...)"; BindWindowRow fills it.
std::string WindowInsertSql();
// Binds seq, label and the window's filterable columns.
void BindWindowRow(sqlite::Stmt& stmt, const Window& w, int64_t seq, int64_t label);
// "INSERT OR REPLACE INTO window_docs(label, patterns, summary) VALUES(?, ?, ?)".
std::string DocInsertSql();
// "INSERT OR REPLACE INTO window_vectors(label, text_vec, shape) VALUES(?, ?, ?)".
// text_vec is stored already normalised; shape as given (Get returns it unchanged).
std::string VectorInsertSql();

// Pattern events to a compact blob and back: per event the kind byte, then
// zigzag varints of bar and ts (deltas from the previous event) and of
// ref_ts - ts, then the value's 8 bytes. About 15 bytes an event against
// ~40 as text; exact round trip (NaN included).
std::string EncodePatterns(const std::vector<PatternEvent>& events);
Result<std::vector<PatternEvent>> DecodePatterns(std::span<const std::byte> blob);

// Floats to and from a BLOB (host byte order; the file is not portable
// across endianness, like the hnswlib files).
std::vector<float> BlobToFloats(std::span<const std::byte> blob);

}  // namespace ohlcv::index_internal
