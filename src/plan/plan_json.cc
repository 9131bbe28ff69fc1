// QuestionPlan <-> JSON and its JSON Schema.
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "plan/plan.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using nlohmann::json;

// "YYYY-MM-DD" at midnight (or 23:59:59 for an end), else "YYYY-MM-DDTHH:MM".
std::string FormatPlanTime(int64_t ts, bool is_end) {
  const int64_t sod = ((ts % 86400) + 86400) % 86400;
  if (sod == 0 || (is_end && sod == 86399)) return FormatDate(ts);
  std::string s = FormatDateTime(ts);  // "YYYY-MM-DD HH:MM"
  if (s.size() > 10) s[10] = 'T';
  return s;
}

json MeasureJson(const Measure& m) {
  json j = {{"kind", MeasureKindName(m.kind)}};
  if (m.n > 0) j["n"] = m.n;
  return j;
}

class Reader {
 public:
  Status error;
  bool ok() const { return error.ok(); }
  void Fail(const std::string& field, const std::string& why) {
    if (error.ok()) error = Status::InvalidArgument(field + ": " + why);
  }

  Measure ReadMeasure(const json& j, const std::string& field) {
    Measure m;
    if (!j.is_object()) {
      Fail(field, "expected an object {kind, n}");
      return m;
    }
    auto kind = j.find("kind");
    if (kind == j.end() || !kind->is_string()) {
      Fail(field + ".kind", "expected a measure name");
      return m;
    }
    auto k = ParseMeasureKind(kind->get<std::string>());
    if (!k) {
      Fail(field + ".kind", "unknown measure '" + kind->get<std::string>() + "'");
      return m;
    }
    m.kind = *k;
    if (auto n = j.find("n"); n != j.end()) {
      if (!n->is_number_integer()) {
        Fail(field + ".n", "expected an integer");
      } else {
        m.n = n->get<int>();
      }
    }
    return m;
  }

  std::optional<int64_t> ReadTime(const json& j, const std::string& field, bool is_end) {
    if (!j.is_string()) {
      Fail(field, "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM");
      return std::nullopt;
    }
    const std::string s = j.get<std::string>();
    auto ts = is_end ? ParseEndTimestamp(s) : ParseTimestamp(s);
    if (!ts) Fail(field, "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '" + s + "'");
    return ts;
  }

  template <typename E>
  E ReadEnum(const json& obj, const char* key, const std::string& field, std::optional<E> (*parse)(std::string_view),
             E fallback, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Fail(field, "missing");
      return fallback;
    }
    if (!it->is_string()) {
      Fail(field, "expected a string");
      return fallback;
    }
    auto v = parse(it->get<std::string>());
    if (!v) {
      Fail(field, "unknown value '" + it->get<std::string>() + "'");
      return fallback;
    }
    return *v;
  }
};

}  // namespace

std::string PlanToJson(const QuestionPlan& plan) {
  json j;
  j["subjects"] = json::array();
  for (const auto& s : plan.subjects) {
    json sj = {{"kind", SubjectKindName(s.kind)}};
    if (s.kind != SubjectKind::kAll) sj["name"] = s.name;
    if (!s.as_written.empty()) sj["as_written"] = s.as_written;
    j["subjects"].push_back(sj);
  }
  j["measure"] = MeasureJson(plan.measure);
  j["operation"] = OperationName(plan.operation);
  if (plan.condition) {
    const Condition& c = *plan.condition;
    json cj = {{"left", MeasureJson(c.left)}, {"op", ComparatorName(c.op)}};
    if (c.right) cj["right"] = MeasureJson(*c.right);
    if (c.level) cj["level"] = *c.level;
    j["condition"] = cj;
  }
  json pj = json::object();
  if (plan.period.start) pj["start"] = FormatPlanTime(*plan.period.start, false);
  if (plan.period.end) pj["end"] = FormatPlanTime(*plan.period.end, true);
  if (plan.period.at) pj["at"] = FormatPlanTime(*plan.period.at, false);
  pj["interval"] = IntervalName(plan.period.interval);
  if (!plan.period.as_written.empty()) pj["as_written"] = plan.period.as_written;
  j["period"] = pj;
  if (plan.rank.k > 0) j["rank"] = {{"k", plan.rank.k}, {"order", plan.rank.descending ? "top" : "bottom"}};
  j["form"] = AnswerFormName(plan.form);
  if (!plan.not_understood.empty()) j["not_understood"] = plan.not_understood;
  if (!plan.question.empty()) j["question"] = plan.question;
  return j.dump();
}

Result<QuestionPlan> PlanFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("plan: not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("plan: expected a JSON object");
  static const std::vector<std::string> kKeys = {"subjects", "measure", "operation", "condition", "period",
                                                 "rank",     "form",    "not_understood", "question"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return Status::InvalidArgument("plan." + key + ": unknown field");
    }
  }
  Reader r;
  QuestionPlan plan;
  if (auto it = j.find("subjects"); it != j.end()) {
    if (!it->is_array()) {
      r.Fail("subjects", "expected an array");
    } else {
      for (size_t i = 0; i < it->size() && r.ok(); ++i) {
        const json& sj = (*it)[i];
        const std::string field = fmt::format("subjects[{}]", i);
        Subject s;
        if (sj.is_string()) {  // shorthand: "AAPL"
          s.name = sj.get<std::string>();
        } else if (sj.is_object()) {
          s.kind = r.ReadEnum<SubjectKind>(sj, "kind", field + ".kind", ParseSubjectKind, SubjectKind::kTicker, false);
          if (auto n = sj.find("name"); n != sj.end()) {
            if (!n->is_string()) r.Fail(field + ".name", "expected a string");
            else s.name = n->get<std::string>();
          }
          if (auto n = sj.find("as_written"); n != sj.end() && n->is_string()) s.as_written = n->get<std::string>();
        } else {
          r.Fail(field, "expected a ticker string or {kind, name}");
        }
        if (s.kind == SubjectKind::kTicker) {
          for (char& c : s.name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        plan.subjects.push_back(std::move(s));
      }
    }
  }
  if (auto it = j.find("measure"); it != j.end()) plan.measure = r.ReadMeasure(*it, "measure");
  plan.operation = r.ReadEnum<Operation>(j, "operation", "operation", ParseOperation, Operation::kValue, true);
  if (auto it = j.find("condition"); it != j.end() && !it->is_null() && r.ok()) {
    if (!it->is_object()) {
      r.Fail("condition", "expected an object");
    } else {
      Condition c;
      if (auto l = it->find("left"); l != it->end()) c.left = r.ReadMeasure(*l, "condition.left");
      else r.Fail("condition.left", "missing");
      c.op = r.ReadEnum<Comparator>(*it, "op", "condition.op", ParseComparator, Comparator::kAbove, true);
      if (auto rt = it->find("right"); rt != it->end() && !rt->is_null()) c.right = r.ReadMeasure(*rt, "condition.right");
      if (auto lv = it->find("level"); lv != it->end() && !lv->is_null()) {
        if (!lv->is_number() || !std::isfinite(lv->get<double>())) r.Fail("condition.level", "expected a number");
        else c.level = lv->get<double>();
      }
      plan.condition = c;
    }
  }
  if (auto it = j.find("period"); it != j.end() && r.ok()) {
    if (!it->is_object()) {
      r.Fail("period", "expected an object");
    } else {
      if (auto v = it->find("start"); v != it->end()) plan.period.start = r.ReadTime(*v, "period.start", false);
      if (auto v = it->find("end"); v != it->end()) plan.period.end = r.ReadTime(*v, "period.end", true);
      if (auto v = it->find("at"); v != it->end()) plan.period.at = r.ReadTime(*v, "period.at", false);
      if (auto v = it->find("interval"); v != it->end()) {
        auto iv = v->is_string() ? ParseInterval(v->get<std::string>()) : Result<Interval>(Status::InvalidArgument(""));
        if (!iv.ok()) r.Fail("period.interval", "expected one of 1m 5m 15m 30m 1h 1d 1wk 1mo");
        else plan.period.interval = *iv;
      }
      if (auto v = it->find("as_written"); v != it->end() && v->is_string()) plan.period.as_written = v->get<std::string>();
    }
  }
  if (auto it = j.find("rank"); it != j.end() && !it->is_null() && r.ok()) {
    if (!it->is_object()) {
      r.Fail("rank", "expected an object {k, order}");
    } else {
      if (auto k = it->find("k"); k != it->end()) {
        if (!k->is_number_integer()) r.Fail("rank.k", "expected an integer");
        else plan.rank.k = k->get<int>();
      }
      if (auto o = it->find("order"); o != it->end()) {
        if (*o == "top") plan.rank.descending = true;
        else if (*o == "bottom") plan.rank.descending = false;
        else r.Fail("rank.order", "expected \"top\" or \"bottom\"");
      }
    }
  }
  plan.form = r.ReadEnum<AnswerForm>(j, "form", "form", ParseAnswerForm, AnswerForm::kNumber, false);
  if (auto it = j.find("not_understood"); it != j.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (s.is_string()) plan.not_understood.push_back(s.get<std::string>());
    }
  }
  if (auto it = j.find("question"); it != j.end() && it->is_string()) plan.question = it->get<std::string>();
  if (!r.ok()) return r.error;
  OHLCV_RETURN_IF_ERROR(ValidatePlan(plan));
  return plan;
}

const std::string& PlanJsonSchema() {
  static const std::string schema = [] {
    json measure_kinds = json::array();
    for (size_t i = 0; i < static_cast<size_t>(MeasureKind::kCount); ++i) {
      measure_kinds.push_back(MeasureKindName(static_cast<MeasureKind>(i)));
    }
    json ops = json::array();
    for (size_t i = 0; i < static_cast<size_t>(Operation::kCount_); ++i) {
      ops.push_back(OperationName(static_cast<Operation>(i)));
    }
    json measure = {
        {"type", "object"},
        {"properties",
         {{"kind", {{"type", "string"}, {"enum", measure_kinds}}},
          {"n", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000},
                 {"description", "period for sma/ema/rsi/atr/return; 0 or absent = default"}}}}},
        {"required", {"kind"}},
        {"additionalProperties", false}};
    json date = {{"type", "string"},
                 {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2})?$"},
                 {"description", "UTC date YYYY-MM-DD or date and time YYYY-MM-DDTHH:MM"}};
    json s = {
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"title", "QuestionPlan"},
        {"type", "object"},
        {"properties",
         {{"subjects",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"kind", {{"type", "string"}, {"enum", {"ticker", "sector", "industry", "all"}}}},
                {"name", {{"type", "string"}, {"description", "ticker symbol, GICS sector or GICS sub-industry"}}},
                {"as_written", {{"type", "string"}}}}},
              {"required", {"kind"}},
              {"additionalProperties", false}}}}},
          {"measure", measure},
          {"operation", {{"type", "string"}, {"enum", ops}}},
          {"condition",
           {{"type", "object"},
            {"properties",
             {{"left", measure},
              {"op", {{"type", "string"}, {"enum", {"above", "below", "crosses_above", "crosses_below"}}}},
              {"right", measure},
              {"level", {{"type", "number"}}}}},
            {"required", {"left", "op"}},
            {"additionalProperties", false}}},
          {"period",
           {{"type", "object"},
            {"properties",
             {{"start", date},
              {"end", date},
              {"at", date},
              {"interval", {{"type", "string"}, {"enum", {"1m", "5m", "15m", "30m", "1h", "1d", "1wk", "1mo"}}}},
              {"as_written", {{"type", "string"}}}}},
            {"additionalProperties", false}}},
          {"rank",
           {{"type", "object"},
            {"properties",
             {{"k", {{"type", "integer"}, {"minimum", 0}}},
              {"order", {{"type", "string"}, {"enum", {"top", "bottom"}}}}}},
            {"additionalProperties", false}}},
          {"form", {{"type", "string"}, {"enum", {"number", "date", "yes_no", "ranked_list", "table", "list"}}}},
          {"not_understood", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"question", {{"type", "string"}}}}},
        {"required", {"operation"}},
        {"additionalProperties", false}};
    return s.dump(2);
  }();
  return schema;
}

}  // namespace ohlcv
