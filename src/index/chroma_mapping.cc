#include "index/chroma_mapping.h"

#include <cmath>

#include "index/window_rows.h"
#include "util/window_json.h"

namespace ohlcv::index_internal {
namespace {

using nlohmann::json;

std::string PatternKey(PatternKind kind) { return "p_" + std::string(PatternKindName(kind)); }

const char* OpName(NumericCondition::Op op) {
  switch (op) {
    case NumericCondition::Op::kGt:
      return "$gt";
    case NumericCondition::Op::kGe:
      return "$gte";
    case NumericCondition::Op::kLt:
      return "$lt";
    case NumericCondition::Op::kLe:
      return "$lte";
  }
  return "$gt";
}

json In(const char* key, const std::vector<std::string>& values) {
  // $in with one value is the same as $eq; Chroma accepts both.
  return json{{key, json{{"$in", values}}}};
}

// Chroma 1.0 takes a one-clause $and/$or but older servers asked for two;
// unwrapping a single clause suits both.
json Combine(const char* op, json clauses) {
  if (clauses.size() == 1) return std::move(clauses[0]);
  return json{{op, std::move(clauses)}};
}

}  // namespace

json WindowToChromaMetadata(const Window& w) {
  json m = json::object();
  m[kChromaIdKey] = w.id;
  m[kChromaTickerKey] = w.ticker;
  m["sector"] = w.sector;
  m["interval"] = static_cast<int>(w.interval);
  m["start_ts"] = w.start_ts;
  m[kChromaEndTsKey] = w.end_ts;
  for (const auto& f : NumericFields()) {
    double v = f.get(w);
    // Written as a JSON float (nlohmann keeps ".0"), so every numeric key has
    // one type across records; absent when not finite (JSON has no NaN).
    if (std::isfinite(v)) m[std::string(f.name)] = v;
  }
  for (const auto& e : w.patterns) m[PatternKey(e.kind)] = 1;
  json full = WindowToJson(w);
  full.erase("summary");
  m[kChromaWindowKey] = full.dump(-1, ' ', false, json::error_handler_t::replace);
  return m;
}

Result<Window> WindowFromChromaRecord(const json& metadata, const std::string& document) {
  std::string id = "?";
  if (metadata.is_object()) {
    auto it = metadata.find(kChromaIdKey);
    if (it != metadata.end() && it->is_string()) id = it->get<std::string>();
  }
  if (!metadata.is_object() || !metadata.contains(kChromaWindowKey) ||
      !metadata[kChromaWindowKey].is_string()) {
    return Status::Corruption("chroma record '" + id + "' has no window metadata");
  }
  json parsed = json::parse(metadata[kChromaWindowKey].get<std::string>(), nullptr, false);
  if (parsed.is_discarded()) {
    return Status::Corruption("chroma record '" + id + "': window metadata is not JSON");
  }
  auto w = WindowFromJson(parsed);
  if (!w.ok()) return w.status().WithContext("chroma record '" + id + "'");
  Window out = std::move(w).value();
  out.summary = document;
  return out;
}

Result<json> ChromaWhere(const WindowFilter& filter) {
  json clauses = json::array();
  if (!filter.tickers.empty()) clauses.push_back(In(kChromaTickerKey, filter.tickers));
  if (!filter.sectors.empty()) clauses.push_back(In("sector", filter.sectors));
  if (filter.interval) {
    clauses.push_back(json{{"interval", json{{"$eq", static_cast<int>(*filter.interval)}}}});
  }
  // n_bars is stored as a float like every numeric field (see above).
  if (filter.n_bars) clauses.push_back(json{{"n_bars", json{{"$eq", static_cast<double>(*filter.n_bars)}}}});
  // Overlap of [window.start_ts, window.end_ts] with the requested range.
  if (filter.start_ts) clauses.push_back(json{{kChromaEndTsKey, json{{"$gte", *filter.start_ts}}}});
  if (filter.end_ts) clauses.push_back(json{{"start_ts", json{{"$lte", *filter.end_ts}}}});
  if (!filter.patterns.empty()) {
    json any = json::array();
    for (auto k : filter.patterns) any.push_back(json{{PatternKey(k), json{{"$eq", 1}}}});
    clauses.push_back(Combine("$or", std::move(any)));
  }
  for (const auto& c : filter.numeric) {
    // The key comes from the whitelist, never from the caller.
    auto column = NumericColumn(c.field);
    if (!column) return Status::InvalidArgument("unknown numeric filter field '" + c.field + "'");
    if (!std::isfinite(c.value)) {
      return Status::InvalidArgument("numeric filter on '" + c.field + "' needs a finite value");
    }
    clauses.push_back(json{{std::string(*column), json{{OpName(c.op), c.value}}}});
  }
  if (!filter.exclude_ids.empty()) {
    clauses.push_back(json{{kChromaIdKey, json{{"$nin", filter.exclude_ids}}}});
  }
  if (clauses.empty()) return json();
  return Combine("$and", std::move(clauses));
}

}  // namespace ohlcv::index_internal
