// Window fields by name: the value of a NumericCondition's field on one
// window, and whether the condition holds. Retrieval uses it to explain hits
// ("rsi14_max 72.1 > 70") and to rank exact matches by their margin; field
// names are those of core/window_fields.h, the one table of window fields
// that the store's columns and filters also come from.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/window.h"
#include "index/vector_store.h"

namespace ohlcv {

// The field's value on `w`, or nullopt for an unknown field name. May be NaN
// (an indicator still in warm-up).
std::optional<double> WindowFieldValue(const Window& w, std::string_view field);

// ">", ">=", "<", "<=".
std::string_view ConditionOpSymbol(NumericCondition::Op op);

// True when the field is known, its value is not NaN and `value op c.value`.
bool ConditionHolds(const Window& w, const NumericCondition& c);

// "rsi14_max 72.1 > 70" (the window's value, then the condition).
std::string DescribeCondition(const Window& w, const NumericCondition& c);

}  // namespace ohlcv
