// How the ChromaDB store lays a Window out as Chroma record metadata, and how
// a WindowFilter becomes a Chroma `where` clause. Private to index/ (used by
// chroma_vector_store.cc; unit-tested without a server).
//
// Metadata of one record (the same in the "_text" and "_shape" collections):
//   "window_id": id (a metadata copy, because `where` cannot address ids),
//   "ticker", "sector" (strings; sector "" when unknown),
//   "interval": Interval value (int; persisted, see core/interval.h),
//   "start_ts", "end_ts": ints (Chroma range filters work only on numbers),
//   one float per numeric field of window_rows.h NumericFields() (the same
//     whitelist the local store filters on), left out when NaN/infinite, so a
//     numeric condition on it never matches (like SQL NULL in the local store),
//   "p_<pattern name>": 1 for each pattern kind present (a pattern filter is
//     {"$or": [{"p_golden_cross": {"$eq": 1}}, ...]}),
//   "window": WindowToJson(w) as a string, without "summary" (the summary is
//     the record's document, so it is not stored twice).
// Get/Search rebuild the complete Window from "window" + document in one
// round trip, from either collection.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "core/window.h"
#include "index/vector_store.h"

namespace ohlcv::index_internal {

// Metadata keys used by the mapping (also by the store for Find and deletes).
inline constexpr const char* kChromaIdKey = "window_id";
inline constexpr const char* kChromaTickerKey = "ticker";
inline constexpr const char* kChromaEndTsKey = "end_ts";
inline constexpr const char* kChromaWindowKey = "window";

// The record metadata described above.
nlohmann::json WindowToChromaMetadata(const Window& w);

// Rebuilds the Window from a record's metadata and document (the summary).
// Corruption naming the record when "window" is missing or malformed.
Result<Window> WindowFromChromaRecord(const nlohmann::json& metadata, const std::string& document);

// The `where` clause for `filter`, or a null json when the filter is empty
// (Chroma rejects an empty where object). InvalidArgument for a numeric
// condition on an unknown field or with a non-finite value, with the same
// messages as the local store.
Result<nlohmann::json> ChromaWhere(const WindowFilter& filter);

}  // namespace ohlcv::index_internal
