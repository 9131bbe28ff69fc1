#include "util/window_json.h"

#include <cmath>
#include <limits>
#include <string>

#include "util/time.h"

namespace ohlcv {
namespace {

using nlohmann::json;

constexpr double kNaNValue = std::numeric_limits<double>::quiet_NaN();

// WindowIndicators members by their JSON (and member) names; one table for
// both directions so they cannot drift.
struct IndicatorField {
  const char* name;
  double WindowIndicators::*field;
};
constexpr IndicatorField kIndicatorFields[] = {
    {"sma20", &WindowIndicators::sma20},         {"sma50", &WindowIndicators::sma50},
    {"sma200", &WindowIndicators::sma200},       {"ema12", &WindowIndicators::ema12},
    {"ema26", &WindowIndicators::ema26},         {"rsi14", &WindowIndicators::rsi14},
    {"macd", &WindowIndicators::macd},           {"macd_signal", &WindowIndicators::macd_signal},
    {"macd_hist", &WindowIndicators::macd_hist}, {"bb_pctb", &WindowIndicators::bb_pctb},
    {"bb_bandwidth", &WindowIndicators::bb_bandwidth},
    {"atr14", &WindowIndicators::atr14},         {"adx14", &WindowIndicators::adx14},
    {"plus_di14", &WindowIndicators::plus_di14}, {"minus_di14", &WindowIndicators::minus_di14},
    {"stoch_k", &WindowIndicators::stoch_k},     {"stoch_d", &WindowIndicators::stoch_d},
    {"willr14", &WindowIndicators::willr14},     {"cci20", &WindowIndicators::cci20},
    {"mfi14", &WindowIndicators::mfi14},         {"roc10", &WindowIndicators::roc10},
    {"rsi14_max", &WindowIndicators::rsi14_max}, {"rsi14_min", &WindowIndicators::rsi14_min},
};

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
  j["start_date"] = FormatDateTime(w.start_ts);
  j["start_ts"] = w.start_ts;
  j["end_date"] = FormatDateTime(w.end_ts);
  j["end_ts"] = w.end_ts;
  j["start_bar"] = w.start_bar;
  j["n_bars"] = w.n_bars;
  j["open"] = Num(w.open);
  j["first_close"] = Num(w.first_close);
  j["close"] = Num(w.close);
  j["high"] = Num(w.high);
  j["high_date"] = FormatDateTime(w.high_ts);
  j["high_ts"] = w.high_ts;
  j["low"] = Num(w.low);
  j["low_date"] = FormatDateTime(w.low_ts);
  j["low_ts"] = w.low_ts;
  j["return_pct"] = Num(w.return_pct);
  j["volatility"] = Num(w.volatility);
  j["max_drawdown_pct"] = Num(w.max_drawdown_pct);
  j["avg_volume"] = Num(w.avg_volume);
  j["relative_volume"] = Num(w.relative_volume);
  j["trend"] = TrendStateName(w.trend);
  json ind = json::object();
  for (const IndicatorField& f : kIndicatorFields) ind[f.name] = Num(w.last.*f.field);
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
  OHLCV_RETURN_IF_ERROR(r.Int("start_ts", true, &w.start_ts));
  OHLCV_RETURN_IF_ERROR(r.Int("end_ts", true, &w.end_ts));
  OHLCV_RETURN_IF_ERROR(r.U32("start_bar", true, &w.start_bar));
  OHLCV_RETURN_IF_ERROR(r.U32("n_bars", true, &w.n_bars));
  OHLCV_RETURN_IF_ERROR(r.Double("open", true, &w.open));
  OHLCV_RETURN_IF_ERROR(r.Double("first_close", true, &w.first_close));
  OHLCV_RETURN_IF_ERROR(r.Double("close", true, &w.close));
  OHLCV_RETURN_IF_ERROR(r.Double("high", true, &w.high));
  OHLCV_RETURN_IF_ERROR(r.Int("high_ts", true, &w.high_ts));
  OHLCV_RETURN_IF_ERROR(r.Double("low", true, &w.low));
  OHLCV_RETURN_IF_ERROR(r.Int("low_ts", true, &w.low_ts));
  OHLCV_RETURN_IF_ERROR(r.Double("return_pct", true, &w.return_pct));
  OHLCV_RETURN_IF_ERROR(r.Double("volatility", true, &w.volatility));
  OHLCV_RETURN_IF_ERROR(r.Double("max_drawdown_pct", true, &w.max_drawdown_pct));
  OHLCV_RETURN_IF_ERROR(r.Double("avg_volume", true, &w.avg_volume));
  OHLCV_RETURN_IF_ERROR(r.Double("relative_volume", true, &w.relative_volume));
  OHLCV_RETURN_IF_ERROR(r.String("trend", true, &text));
  Result<TrendState> trend = ParseTrendState(text);
  if (!trend.ok()) return FieldError("trend", trend.status().message());
  w.trend = *trend;

  if (const json* ind = r.Find("indicators"); ind != nullptr && !ind->is_null()) {
    if (!ind->is_object()) return FieldError("indicators", "expected an object");
    Reader ir(*ind, "indicators.");
    for (const IndicatorField& f : kIndicatorFields) {
      OHLCV_RETURN_IF_ERROR(ir.Double(f.name, false, &(w.last.*f.field)));
    }
  } else {
    for (const IndicatorField& f : kIndicatorFields) w.last.*f.field = kNaNValue;
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
