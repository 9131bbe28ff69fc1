// How a Window is laid out in the local store's SQLite file (windows.db):
// the schema, the list of numeric metadata columns (which is also the
// whitelist of NumericCondition fields), and encoding/decoding of rows.
//
// Every numeric field of Window and WindowIndicators is its own REAL column
// (NaN stored as NULL), so filters are plain indexed-able SQL and a Window is
// rebuilt from columns without a JSON parse. Pattern events are kept whole in
// a compact text column and, for filtering, one row per distinct kind in
// window_patterns.
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
#include "util/sqlite.h"

namespace ohlcv::index_internal {

// Persisted: bump when the layout changes; a store with another version is
// refused with InvalidArgument (re-ingest into a new directory).
inline constexpr int kSchemaVersion = 1;

// Statements that create every table and index (idempotent).
std::string SchemaSql();

// A numeric metadata column: its name (== the Window/WindowIndicators member
// name and the NumericCondition field) and accessors.
struct NumericField {
  const char* name;
  double (*get)(const Window&);
  void (*set)(Window&, double);
};
std::span<const NumericField> NumericFields();
// The column a NumericCondition field maps to, or nullopt for an unknown
// field. Also accepts "start_ts" and "end_ts".
std::optional<std::string_view> NumericColumn(std::string_view field);

// Column list (prefixed with `alias.`) read by DecodeWindow, in order.
std::string WindowSelectColumns(std::string_view alias);
// Number of columns WindowSelectColumns yields.
int WindowSelectColumnCount();
// Rebuilds a Window from the columns starting at `first_col`.
Result<Window> DecodeWindow(const sqlite::Stmt& stmt, int first_col);

// "INSERT OR REPLACE INTO windows(...) VALUES(?...)"; BindWindowRow fills it.
std::string WindowInsertSql();
// Binds seq, label, the window's columns and the (already normalised) text
// vector. Shape is stored as given (Get returns it unchanged).
void BindWindowRow(sqlite::Stmt& stmt, const Window& w, int64_t seq, int64_t label,
                   std::span<const float> text_vec);

// "kind:bar:ts:ref_ts:value;..." and back.
std::string EncodePatterns(const std::vector<PatternEvent>& events);
Result<std::vector<PatternEvent>> DecodePatterns(std::string_view text);

// Floats to and from a BLOB (host byte order; the file is not portable
// across endianness, like the hnswlib files).
std::vector<float> BlobToFloats(std::span<const std::byte> blob);

}  // namespace ohlcv::index_internal
