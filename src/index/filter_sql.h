// Translates a WindowFilter into a SQL WHERE clause over the local store's
// `windows` table, with every user value bound as a parameter (never
// concatenated into the SQL text).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "index/vector_store.h"
#include "util/sqlite.h"

namespace ohlcv::index_internal {

struct SqlFilter {
  std::string where;               // e.g. "w.ticker IN (?,?) AND ..."; "1" when empty
  std::vector<sqlite::Value> params; // values for the `?` in `where`, in order
};

// `alias` names the windows table in the surrounding query ("w").
// InvalidArgument for a NumericCondition on a field that is not a numeric
// column (see window_rows.h NumericFields), or for a non-finite value.
Result<SqlFilter> BuildSqlFilter(const WindowFilter& filter, std::string_view alias);

}  // namespace ohlcv::index_internal
