// The window's numeric fields, written once. This table drives every place
// that lists them: the index's columns, inserts and decoding
// (index/window_rows.cc), the filters a VectorStore accepts and the ChromaDB
// metadata (index/), the explanation of a hit (retrieval/window_fields.h), and
// Window <-> JSON (util/window_json.cc).
//
// A field's name is its member name in Window or WindowIndicators, its column
// name and its NumericCondition field name. Appending a field is safe;
// removing or renaming one changes the index schema (bump its version).
//
// Thread-safety: immutable data.
#pragma once

#include <span>
#include <string_view>

#include "core/window.h"

namespace ohlcv {

enum class WindowFieldKind {
  kReal,       // double; NaN when unknown (JSON null)
  kCount,      // unsigned 32-bit count (start_bar, n_bars)
  kTimestamp,  // UTC epoch seconds; JSON also carries "<stem>_date"
  kTrend,      // TrendState; JSON "uptrend" | "downtrend" | "sideways"
};

struct WindowField {
  std::string_view name;
  WindowFieldKind kind;
  // A member of WindowIndicators (JSON: inside "indicators", optional) rather
  // than of Window (JSON: top level, required).
  bool indicator;
  // A numeric column of the index's windows table. start_ts and end_ts are
  // filterable too but are lead columns of their own, so false for them.
  bool column;
  // Unit shown beside a value in explanations: "%", "$", "" ...
  std::string_view unit;
  double (*get)(const Window&);
  void (*set)(Window&, double);
};

// Every field, in the index's column order (start_ts and end_ts first).
std::span<const WindowField> WindowFields();

// The field named `name`, or nullptr. Every field is filterable.
const WindowField* FindWindowField(std::string_view name);

}  // namespace ohlcv
