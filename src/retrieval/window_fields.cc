#include "retrieval/window_fields.h"

#include <cmath>

#include <fmt/format.h>

#include "core/window_fields.h"

namespace ohlcv {

std::optional<double> WindowFieldValue(const Window& w, std::string_view field) {
  const WindowField* f = FindWindowField(field);
  if (f == nullptr) return std::nullopt;
  return f->get(w);
}

std::string_view ConditionOpSymbol(NumericCondition::Op op) {
  switch (op) {
    case NumericCondition::Op::kGt: return ">";
    case NumericCondition::Op::kGe: return ">=";
    case NumericCondition::Op::kLt: return "<";
    case NumericCondition::Op::kLe: return "<=";
  }
  return "?";
}

bool ConditionHolds(const Window& w, const NumericCondition& c) {
  const auto v = WindowFieldValue(w, c.field);
  if (!v || std::isnan(*v)) return false;
  switch (c.op) {
    case NumericCondition::Op::kGt: return *v > c.value;
    case NumericCondition::Op::kGe: return *v >= c.value;
    case NumericCondition::Op::kLt: return *v < c.value;
    case NumericCondition::Op::kLe: return *v <= c.value;
  }
  return false;
}

std::string DescribeCondition(const Window& w, const NumericCondition& c) {
  const auto v = WindowFieldValue(w, c.field);
  const std::string value = !v ? std::string("?") : std::isnan(*v) ? std::string("n/a")
                                                                   : fmt::format("{:.4g}", *v);
  return fmt::format("{} {} {} {:g}", c.field, value, ConditionOpSymbol(c.op), c.value);
}

}  // namespace ohlcv
