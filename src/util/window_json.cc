#include "util/window_json.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/window_fields.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using nlohmann::json;

constexpr double kNaNValue = std::numeric_limits<double>::quiet_NaN();

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

Status FieldError(const std::string& path, std::string_view what) {
  return Status::InvalidArgument("window JSON: '" + path + "': " + std::string(what));
}

// Typed reads of one member of an object; `prefix` makes error paths like
// "patterns[2].ts".
class Reader {
 public:
  Reader(const json& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  std::string Path(const char* key) const { return prefix_ + key; }
  const json* Find(const char* key) const {
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }

  Status Double(const char* key, bool required, double* out) const {
    const json* v = Find(key);
    if (v == nullptr) {
      if (required) return FieldError(Path(key), "missing");
      *out = kNaNValue;
      return Status::Ok();
    }
    if (v->is_null()) {
      *out = kNaNValue;
      return Status::Ok();
    }
    if (!v->is_number()) return FieldError(Path(key), "expected a number or null");
    *out = v->get<double>();
    return Status::Ok();
  }

  Status Int(const char* key, bool required, int64_t* out) const {
    const json* v = Find(key);
    if (v == nullptr) return required ? FieldError(Path(key), "missing") : Status::Ok();
    if (v->is_number_unsigned()) {
      if (v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return FieldError(Path(key), "out of range");
      *out = static_cast<int64_t>(v->get<uint64_t>());
      return Status::Ok();
    }
    if (!v->is_number_integer()) return FieldError(Path(key), "expected an integer");
    *out = v->get<int64_t>();
    return Status::Ok();
  }

  Status U32(const char* key, bool required, uint32_t* out) const {
    int64_t x = *out;
    OHLCV_RETURN_IF_ERROR(Int(key, required, &x));
    if (x < 0 || x > std::numeric_limits<uint32_t>::max())
      return FieldError(Path(key), "out of range for an unsigned 32-bit count");
    *out = static_cast<uint32_t>(x);
    return Status::Ok();
  }

  Status String(const char* key, bool required, std::string* out) const {
    const json* v = Find(key);
    if (v == nullptr) return required ? FieldError(Path(key), "missing") : Status::Ok();
    if (!v->is_string()) return FieldError(Path(key), "expected a string");
    *out = v->get<std::string>();
    return Status::Ok();
  }

 private:
  const json& obj_;
  std::string prefix_;
};

Result<PatternEvent> ParseEvent(const json& j, const std::string& prefix) {
  if (!j.is_object()) {
    return FieldError(prefix.empty() ? "event" : prefix.substr(0, prefix.size() - 1),
                      "expected an object");
  }
  Reader r(j, prefix);
  PatternEvent e;
  std::string kind;
  OHLCV_RETURN_IF_ERROR(r.String("kind", true, &kind));
  Result<PatternKind> k = ParsePatternKind(kind);
  if (!k.ok()) return FieldError(r.Path("kind"), "unknown pattern '" + kind + "'");
  e.kind = *k;
  OHLCV_RETURN_IF_ERROR(r.Int("ts", true, &e.ts));
  e.ref_ts = e.ts;
  OHLCV_RETURN_IF_ERROR(r.Int("ref_ts", false, &e.ref_ts));
  OHLCV_RETURN_IF_ERROR(r.U32("bar", false, &e.bar));
  e.value = 0;
  if (r.Find("value") != nullptr) OHLCV_RETURN_IF_ERROR(r.Double("value", false, &e.value));
  return e;
}

}  // namespace

Result<TrendState> ParseTrendState(std::string_view name) {
  for (TrendState t : {TrendState::kDown, TrendState::kSideways, TrendState::kUp}) {
    if (TrendStateName(t) == name) return t;
  }
  return Status::InvalidArgument("unknown trend '" + std::string(name) +
                                 "' (expected uptrend, downtrend or sideways)");
}

json PatternEventToJson(const PatternEvent& e) {
  json j = json::object();
  j["kind"] = PatternKindName(e.kind);
  j["date"] = FormatDateTime(e.ts);
  j["ts"] = e.ts;
  j["ref_ts"] = e.ref_ts;
  j["bar"] = e.bar;
  j["value"] = Num(e.value);
  return j;
}

Result<PatternEvent> PatternEventFromJson(const json& j) { return ParseEvent(j, ""); }

json WindowToJson(const Window& w) {
  json j = json::object();
  j["id"] = w.id;
  j["ticker"] = w.ticker;
  j["sector"] = w.sector;
  j["interval"] = IntervalName(w.interval);
  json ind = json::object();
  for (const WindowField& f : WindowFields()) {
    const double v = f.get(w);
    const std::string name(f.name);
    if (f.indicator) {
      ind[name] = Num(v);
      continue;
    }
    switch (f.kind) {
      case WindowFieldKind::kReal: j[name] = Num(v); break;
      case WindowFieldKind::kCount: j[name] = static_cast<uint32_t>(v); break;
      case WindowFieldKind::kTimestamp: {
        const auto ts = static_cast<int64_t>(v);
        j[name] = ts;
        j[name.substr(0, name.size() - 3) + "_date"] = FormatDateTime(ts);  // start_ts -> start_date
        break;
      }
      case WindowFieldKind::kTrend: j[name] = TrendStateName(w.trend); break;
    }
  }
  j["indicators"] = std::move(ind);
  json pats = json::array();
  for (const PatternEvent& e : w.patterns) pats.push_back(PatternEventToJson(e));
  j["patterns"] = std::move(pats);
  j["summary"] = w.summary;
  json shape = json::array();
  for (float x : w.shape) shape.push_back(std::isfinite(x) ? json(x) : json(nullptr));
  j["shape"] = std::move(shape);
  return j;
}

Result<Window> WindowFromJson(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("window JSON: expected an object");
  Reader r(j, "");
  Window w;
  OHLCV_RETURN_IF_ERROR(r.String("id", true, &w.id));
  OHLCV_RETURN_IF_ERROR(r.String("ticker", true, &w.ticker));
  OHLCV_RETURN_IF_ERROR(r.String("sector", false, &w.sector));
  std::string text;
  OHLCV_RETURN_IF_ERROR(r.String("interval", true, &text));
  Result<Interval> interval = ParseInterval(text);
  if (!interval.ok()) return FieldError("interval", interval.status().message());
  w.interval = *interval;
  const json* ind = r.Find("indicators");
  if (ind != nullptr && !ind->is_null() && !ind->is_object()) return FieldError("indicators", "expected an object");
  const bool has_ind = ind != nullptr && ind->is_object();
  const json no_indicators = json::object();
  Reader ir(has_ind ? *ind : no_indicators, "indicators.");
  for (const WindowField& f : WindowFields()) {
    // Names are string literals (core/window_fields.cc), so data() is terminated.
    const char* key = f.name.data();
    if (f.indicator) {
      double v = kNaNValue;
      OHLCV_RETURN_IF_ERROR(ir.Double(key, false, &v));
      f.set(w, v);
      continue;
    }
    switch (f.kind) {
      case WindowFieldKind::kReal: {
        double v = 0;
        OHLCV_RETURN_IF_ERROR(r.Double(key, true, &v));
        f.set(w, v);
        break;
      }
      case WindowFieldKind::kCount: {
        uint32_t v = 0;
        OHLCV_RETURN_IF_ERROR(r.U32(key, true, &v));
        f.set(w, v);
        break;
      }
      case WindowFieldKind::kTimestamp: {
        int64_t v = 0;
        OHLCV_RETURN_IF_ERROR(r.Int(key, true, &v));
        f.set(w, static_cast<double>(v));
        break;
      }
      case WindowFieldKind::kTrend: {
        OHLCV_RETURN_IF_ERROR(r.String(key, true, &text));
        Result<TrendState> trend = ParseTrendState(text);
        if (!trend.ok()) return FieldError(key, trend.status().message());
        w.trend = *trend;
        break;
      }
    }
  }

  if (const json* pats = r.Find("patterns"); pats != nullptr && !pats->is_null()) {
    if (!pats->is_array()) return FieldError("patterns", "expected an array");
    w.patterns.reserve(pats->size());
    for (size_t i = 0; i < pats->size(); ++i) {
      OHLCV_ASSIGN_OR_RETURN(PatternEvent e,
                             ParseEvent((*pats)[i], "patterns[" + std::to_string(i) + "]."));
      w.patterns.push_back(e);
    }
  }

  OHLCV_RETURN_IF_ERROR(r.String("summary", false, &w.summary));

  if (const json* shape = r.Find("shape"); shape != nullptr && !shape->is_null()) {
    if (!shape->is_array()) return FieldError("shape", "expected an array");
    w.shape.reserve(shape->size());
    for (size_t i = 0; i < shape->size(); ++i) {
      const json& x = (*shape)[i];
      if (x.is_null()) {
        w.shape.push_back(std::numeric_limits<float>::quiet_NaN());
      } else if (x.is_number()) {
        w.shape.push_back(x.get<float>());
      } else {
        return FieldError("shape[" + std::to_string(i) + "]", "expected a number or null");
      }
    }
  }
  return w;
}

}  // namespace ohlcv
