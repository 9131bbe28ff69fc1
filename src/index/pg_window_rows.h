// How a Window is laid out in the shared store's PostgreSQL table `windows`
// (index/shared_vector_store.cc): the schema, COPY rows, decoding and the
// WindowFilter as a WHERE clause. The PostgreSQL twin of window_rows.h: the
// numeric columns are the same list (core/window_fields.h via NumericFields),
// so a field added there is a column here too (with a schema version bump).
//
// One row per window: the filterable columns (ticker, sector, dates,
// pattern_mask, every numeric field as float8, NaN stored as NULL so a
// numeric filter never matches it, as in SQLite), what a hit needs (summary,
// pattern events, shape), the normalised text vector (the source of truth:
// ChromaDB's copy is derived and re-sent from here), a tsvector for lexical
// search (GIN index) and the content_hash of what ChromaDB was sent. Rows
// whose vectors ChromaDB still lacks are listed in the narrow table
// `window_vectors_pending` (id, seq): marking a batch stored deletes small
// rows there instead of rewriting each wide window row and its six index
// entries (schema 1 kept a `vectors_stored` column; Open migrates it).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/window.h"
#include "index/vector_store.h"
#include "store/pg_conn.h"

namespace ohlcv::index_internal {

// Persisted in window_store_meta('schema'): bump when the layout changes.
inline constexpr int kPgWindowSchemaVersion = 2;

// Moves a schema-1 store (`vectors_stored` column) to schema 2 (the pending
// table); run inside the schema transaction after PgWindowSchemaSql().
std::string PgWindowMigrateFrom1Sql();

// Statements that create the tables, indexes and sequence (idempotent).
std::string PgWindowSchemaSql();

// Columns of the staging table a COPY fills (text format), in row order.
std::string PgCopyColumns();
// "CREATE TEMP TABLE windows_in (...) ON COMMIT DROP".
std::string PgCopyTableSql();
// The INSERT ... SELECT FROM windows_in ON CONFLICT (id) DO UPDATE that
// moves staged rows into `windows` and lists each in window_vectors_pending.
std::string PgMergeSql();
// Appends one COPY text line. `text_vec`: normalised, embedder dimension.
void AppendPgCopyRow(std::string& out, const Window& w, int64_t seq, std::span<const float> text_vec,
                     int64_t content_hash);

// A hash of everything stored for a window (fields, summary, events,
// vectors): an unchanged window whose vectors are in ChromaDB is not sent again.
int64_t WindowContentHash(const Window& w, std::span<const float> text_vec);

// Columns read by DecodePgWindow (text results), alias `a` for windows.
std::string PgWindowSelectColumns(std::string_view a);
Result<Window> DecodePgWindow(const pg::Rows& rows, int row, int first_col);

// bytea in text results ("\x0a1b...") to bytes.
std::string DecodeBytea(std::string_view text);

struct PgFilter {
  std::string where;  // over windows `alias`; "true" when empty
  pg::Params params;  // for $first_param, $first_param+1, ...
};
// The WindowFilter as SQL with bound parameters (the same clauses as
// BuildSqlFilter, filter_sql.h). InvalidArgument as BuildSqlFilter.
Result<PgFilter> BuildPgFilter(const WindowFilter& filter, std::string_view alias, int first_param = 1);

// A text[] literal ({"a","b"}) for `= ANY($n::text[])`.
std::string PgTextArray(std::span<const std::string> values);

}  // namespace ohlcv::index_internal
