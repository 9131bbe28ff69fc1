#include "service/api/request_parse.h"

#include "core/ticker.h"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

Result<json> ParseObject(std::string_view body) {
  if (body.empty()) return Status::InvalidArgument("the request body must be a JSON object");
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("the request body is not valid JSON");
  if (!doc.is_object()) return Status::InvalidArgument("the request body must be a JSON object");
  return doc;
}

Status Field(std::string_view name, std::string_view why) {
  return Status::InvalidArgument(fmt::format("field '{}': {}", name, why));
}

Result<std::optional<std::string>> OptString(const json& o, const char* name, size_t max_len = 4096) {
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Field(name, "expected a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len) return Field(name, fmt::format("longer than {} characters", max_len));
  return std::optional<std::string>(s);
}

Result<std::optional<int64_t>> OptInt(const json& o, const char* name, int64_t lo, int64_t hi) {
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return Field(name, "expected an integer");
  int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                  ? INT64_MAX
                  : it->get<int64_t>();
  if (v < lo || v > hi) return Field(name, fmt::format("must be between {} and {}", lo, hi));
  return std::optional<int64_t>(v);
}

Result<std::vector<std::string>> StringList(const json& o, const char* name, size_t max_items = 500) {
  std::vector<std::string> out;
  auto it = o.find(name);
  if (it == o.end() || it->is_null()) return out;
  if (it->is_string()) {
    // "AAPL, MSFT" is accepted as well as ["AAPL", "MSFT"].
    std::string_view s = it->get_ref<const std::string&>();
    size_t start = 0;
    while (start <= s.size()) {
      size_t end = s.find_first_of(", ", start);
      if (end == std::string_view::npos) end = s.size();
      if (end > start) out.emplace_back(s.substr(start, end - start));
      start = end + 1;
    }
  } else if (it->is_array()) {
    for (const auto& item : *it) {
      if (!item.is_string()) return Field(name, "expected an array of strings");
      out.push_back(item.get<std::string>());
    }
  } else {
    return Field(name, "expected an array of strings");
  }
  if (out.size() > max_items) return Field(name, fmt::format("more than {} items", max_items));
  return out;
}

Result<std::optional<int64_t>> OptDate(const json& o, const char* name, bool end) {
  OHLCV_ASSIGN_OR_RETURN(auto text, OptString(o, name, 64));
  if (!text) return std::optional<int64_t>();
  auto ts = end ? ParseEndTimestamp(*text) : ParseTimestamp(*text);
  if (!ts) return Field(name, NotADate(*text));
  return std::optional<int64_t>(*ts);
}

Result<std::vector<std::string>> Tickers(const json& o, const char* name) {
  OHLCV_ASSIGN_OR_RETURN(auto raw, StringList(o, name));
  std::vector<std::string> out;
  for (const auto& t : raw) {
    auto n = ParseTicker(t);
    if (!n.ok()) return Field(name, n.status().message());
    out.push_back(*n);
  }
  return out;
}

Result<std::optional<Interval>> OptInterval(const json& o) {
  OHLCV_ASSIGN_OR_RETURN(auto text, OptString(o, "interval", 16));
  if (!text) return std::optional<Interval>();
  auto iv = ParseInterval(*text);
  if (!iv.ok()) return Field("interval", iv.status().message());
  return std::optional<Interval>(*iv);
}

Result<WindowFilter> FiltersFromJson(const json& f) {
  if (!f.is_object()) return Field("filters", "expected an object");
  static const char* kKnown[] = {"tickers", "sectors", "start", "end", "interval", "patterns", "conditions"};
  for (auto it = f.begin(); it != f.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return Field("filters." + it.key(), "unknown filter");
  }
  WindowFilter w;
  OHLCV_ASSIGN_OR_RETURN(w.tickers, Tickers(f, "tickers"));
  OHLCV_ASSIGN_OR_RETURN(w.sectors, StringList(f, "sectors"));
  OHLCV_ASSIGN_OR_RETURN(w.start_ts, OptDate(f, "start", false));
  OHLCV_ASSIGN_OR_RETURN(w.end_ts, OptDate(f, "end", true));
  OHLCV_RETURN_IF_ERROR(CheckDateRange(w.start_ts, w.end_ts, "filters."));
  OHLCV_ASSIGN_OR_RETURN(w.interval, OptInterval(f));
  OHLCV_ASSIGN_OR_RETURN(auto patterns, StringList(f, "patterns"));
  for (const auto& p : patterns) {
    auto kind = ParsePatternKind(p);
    if (!kind.ok()) return Field("filters.patterns", kind.status().message());
    w.patterns.push_back(*kind);
  }
  auto conds = f.find("conditions");
  if (conds != f.end() && !conds->is_null()) {
    if (!conds->is_array() || conds->size() > 50) return Field("filters.conditions", "expected an array (<= 50)");
    for (const auto& c : *conds) {
      if (!c.is_object()) return Field("filters.conditions", "expected objects {field, op, value}");
      OHLCV_ASSIGN_OR_RETURN(auto field, OptString(c, "field", 64));
      OHLCV_ASSIGN_OR_RETURN(auto op, OptString(c, "op", 4));
      auto value = c.find("value");
      if (!field || field->empty() || !op || value == c.end() || !value->is_number()) {
        return Field("filters.conditions", "each needs field (string), op and value (number)");
      }
      NumericCondition nc;
      nc.field = *field;
      nc.value = value->get<double>();
      if (*op == ">") nc.op = NumericCondition::Op::kGt;
      else if (*op == ">=") nc.op = NumericCondition::Op::kGe;
      else if (*op == "<") nc.op = NumericCondition::Op::kLt;
      else if (*op == "<=") nc.op = NumericCondition::Op::kLe;
      else return Field("filters.conditions", fmt::format("op '{}' is not one of >, >=, <, <=", *op));
      w.numeric.push_back(std::move(nc));
    }
  }
  return w;
}

}  // namespace

Result<RetrievalRequest> ParseQueryBody(std::string_view body, bool legacy) {
  OHLCV_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  const char* key = legacy ? "query" : "question";
  OHLCV_ASSIGN_OR_RETURN(auto question, OptString(doc, key, 2000));
  if (!legacy && !question) {
    // Accept the legacy name on the new route too: clients migrate gradually.
    OHLCV_ASSIGN_OR_RETURN(question, OptString(doc, "query", 2000));
  }
  if (!question || question->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Field(key, "a non-empty question is required");
  }
  RetrievalRequest r;
  r.question = *question;
  OHLCV_ASSIGN_OR_RETURN(auto type, OptString(doc, "type", 32));
  if (type && !type->empty()) {
    auto t = ParseQueryType(*type);
    if (!t.ok()) return Field("type", t.status().message());
    r.type = *t;
  }
  OHLCV_ASSIGN_OR_RETURN(auto n, OptInt(doc, "n_results", 1, kMaxResults));
  if (n) r.k = static_cast<size_t>(*n);
  else r.k = 5;
  auto f = doc.find("filters");
  if (f != doc.end() && !f->is_null()) {
    OHLCV_ASSIGN_OR_RETURN(r.extra, FiltersFromJson(*f));
  }
  return r;
}

Result<AskRequest> ParseAskBody(std::string_view body, bool legacy) {
  OHLCV_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  AskRequest ask;
  auto p = doc.find("plan");
  if (p != doc.end() && !p->is_null()) {
    if (!p->is_object()) return Field("plan", "expected a JSON object (docs/plan.md)");
    auto plan = PlanFromJson(p->dump());
    if (!plan.ok()) {
      const std::string& m = plan.status().message();
      return Status::InvalidArgument(m.rfind("plan", 0) == 0 ? m : "plan." + m);
    }
    ask.plan = *std::move(plan);
    if (!doc.contains("question") && !doc.contains("query")) {
      doc[legacy ? "query" : "question"] = ask.plan->question.empty() ? "(plan)" : ask.plan->question;
    }
    doc.erase("plan");
  }
  OHLCV_ASSIGN_OR_RETURN(RetrievalRequest r, ParseQueryBody(doc.dump(), legacy));
  ask.question = std::move(r.question);
  ask.type = r.type;
  ask.n_results = r.k;
  ask.filters = std::move(r.extra);
  return ask;
}

Result<WindowFilter> ParseFilters(const std::string& filters_json) {
  json doc = json::parse(filters_json, nullptr, false);
  if (doc.is_discarded()) return Field("filters", "not valid JSON");
  return FiltersFromJson(doc);
}

Result<SimilarRequest> ParseSimilarBody(std::string_view body) {
  OHLCV_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  OHLCV_ASSIGN_OR_RETURN(auto ticker, OptString(doc, "ticker", 32));
  if (!ticker) return Field("ticker", "required");
  SimilarRequest r;
  auto t = ParseTicker(*ticker);
  if (!t.ok()) return Field("ticker", t.status().message());
  r.ticker = *t;
  OHLCV_ASSIGN_OR_RETURN(r.end_ts, OptDate(doc, "end", true));
  OHLCV_ASSIGN_OR_RETURN(auto k, OptInt(doc, "k", 1, kMaxResults));
  if (!k) {
    OHLCV_ASSIGN_OR_RETURN(k, OptInt(doc, "n_results", 1, kMaxResults));
  }
  if (k) r.k = static_cast<size_t>(*k);
  OHLCV_ASSIGN_OR_RETURN(auto iv, OptInterval(doc));
  if (iv) r.interval = *iv;
  if (auto it = doc.find("exclude_overlapping"); it != doc.end()) {
    if (!it->is_boolean()) return Field("exclude_overlapping", "must be true or false");
    r.exclude_overlapping = it->get<bool>();
  }
  return r;
}

Result<IngestBody> ParseIngestBody(std::string_view body) {
  IngestBody b;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return b;  // all defaults
  OHLCV_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  OHLCV_ASSIGN_OR_RETURN(auto source, OptString(doc, "source", 32));
  if (source) b.source = *source;
  OHLCV_ASSIGN_OR_RETURN(b.fetch.tickers, Tickers(doc, "tickers"));
  OHLCV_ASSIGN_OR_RETURN(b.fetch.start, OptDate(doc, "start", false));
  OHLCV_ASSIGN_OR_RETURN(b.fetch.end, OptDate(doc, "end", true));
  OHLCV_RETURN_IF_ERROR(CheckDateRange(b.fetch.start, b.fetch.end));
  OHLCV_ASSIGN_OR_RETURN(auto iv, OptInterval(doc));
  if (iv) b.fetch.interval = *iv;
  OHLCV_ASSIGN_OR_RETURN(auto period, OptString(doc, "period", 16));
  if (period) b.period = *period;
  OHLCV_ASSIGN_OR_RETURN(auto path, OptString(doc, "path"));
  if (path) b.path = *path;
  OHLCV_ASSIGN_OR_RETURN(auto seed, OptInt(doc, "seed", 0, INT64_MAX));
  if (seed) b.seed = static_cast<uint64_t>(*seed);
  if (auto it = doc.find("refresh"); it != doc.end() && !it->is_null()) {
    if (!it->is_boolean()) return Field("refresh", "expected true or false");
    b.refresh = it->get<bool>();
  }
  if (b.refresh) {
    // A refresh plans what is stored; a request naming what to fetch is another ingest.
    for (const char* other : {"tickers", "start", "end", "period", "interval", "path", "seed"}) {
      if (auto it = doc.find(other); it != doc.end() && !it->is_null()) {
        return Field(other, "not allowed with \"refresh\": true (a refresh fetches the stored tickers after "
                            "their newest bar; only \"source\" may be given)");
      }
    }
  }
  return b;
}

Result<AnalyzeBody> ParseAnalyzeBody(std::string_view body) {
  OHLCV_ASSIGN_OR_RETURN(json doc, ParseObject(body));
  AnalyzeBody a;
  OHLCV_ASSIGN_OR_RETURN(auto type, OptString(doc, "type", 32));
  if (!type) return Field("type", "required: pattern, trend, comparison or indicator");
  if (*type != "pattern" && *type != "trend" && *type != "comparison" && *type != "indicator") {
    return Field("type", fmt::format("'{}' is not one of pattern, trend, comparison, indicator", *type));
  }
  a.type = *type;
  OHLCV_ASSIGN_OR_RETURN(a.tickers, Tickers(doc, "tickers"));
  if (a.tickers.empty()) {
    OHLCV_ASSIGN_OR_RETURN(a.tickers, Tickers(doc, "ticker"));
  }
  if (a.tickers.empty()) return Field("tickers", "at least one ticker is required");
  OHLCV_ASSIGN_OR_RETURN(auto pattern, OptString(doc, "pattern", 64));
  if (pattern) a.pattern = *pattern;
  OHLCV_ASSIGN_OR_RETURN(auto indicator, OptString(doc, "indicator", 64));
  if (indicator) a.indicator = *indicator;
  OHLCV_ASSIGN_OR_RETURN(auto condition, OptString(doc, "condition", 128));
  if (condition) a.condition = *condition;
  OHLCV_ASSIGN_OR_RETURN(a.start, OptDate(doc, "start", false));
  OHLCV_ASSIGN_OR_RETURN(a.end, OptDate(doc, "end", true));
  OHLCV_RETURN_IF_ERROR(CheckDateRange(a.start, a.end));
  if (!a.pattern.empty()) {
    auto kind = ParsePatternKind(a.pattern);
    if (!kind.ok()) return Field("pattern", kind.status().message());
  }
  return a;
}

Status CheckDateRange(std::optional<int64_t> start, std::optional<int64_t> end, std::string_view where) {
  if (!start || !end || *start <= *end) return Status::Ok();
  return Status::InvalidArgument(fmt::format("'{}start' ({}) is after '{}end' ({})", where, FormatDate(*start), where,
                                             FormatDate(*end)));
}

namespace {

// The query parameter 'limit': 1..max, `fallback` when absent or empty.
Result<size_t> LimitParam(const ServerRequest& request, size_t fallback, size_t max) {
  auto l = request.QueryParam("limit");
  if (!l || l->empty()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(l->c_str(), &end, 10);
  if (*end != '\0' || v < 1 || static_cast<unsigned long long>(v) > max) {
    return Status::InvalidArgument(fmt::format("query parameter 'limit': expected 1..{}", max));
  }
  return static_cast<size_t>(v);
}

}  // namespace

Result<BarsQuery> ParseBarsQuery(std::string_view ticker, const ServerRequest& request) {
  BarsQuery q;
  auto t = ParseTicker(ticker);
  if (!t.ok()) return t.status();
  q.ticker = *t;
  OHLCV_ASSIGN_OR_RETURN(auto s, request.QueryValue("start"));
  if (s && !s->empty()) {
    q.start = ParseTimestamp(*s);
    if (!q.start) return Status::InvalidArgument("query parameter 'start': " + NotADate(*s));
  }
  OHLCV_ASSIGN_OR_RETURN(auto e, request.QueryValue("end"));
  if (e && !e->empty()) {
    q.end = ParseEndTimestamp(*e);
    if (!q.end) return Status::InvalidArgument("query parameter 'end': " + NotADate(*e));
  }
  OHLCV_RETURN_IF_ERROR(CheckDateRange(q.start, q.end));
  if (auto iv = request.QueryParam("interval"); iv && !iv->empty()) {
    auto parsed = ParseInterval(*iv);
    if (!parsed.ok()) return Status::InvalidArgument("query parameter 'interval': " + parsed.status().message());
    q.interval = *parsed;
  }
  OHLCV_ASSIGN_OR_RETURN(q.limit, LimitParam(request, q.limit, 100000));
  return q;
}

Result<size_t> ParseJobsLimit(const ServerRequest& request) { return LimitParam(request, 20, kMaxJobsListed); }

}  // namespace ohlcv
