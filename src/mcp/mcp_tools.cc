#include "mcp/mcp_tools.h"

#include <cmath>

#include "answer/answer.h"
#include "kb/knowledge_base.h"
#include "plan/plan.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

// ---- argument checks -------------------------------------------------------

Status Bad(const std::string& field, const std::string& why) {
  return Status::InvalidArgument("argument '" + field + "': " + why);
}

// Every field is declared in the schema's properties; required ones present.
Status CheckFields(const json& args, const json& schema) {
  if (!args.is_object()) return Status::InvalidArgument("arguments must be a JSON object");
  const json& props = schema["properties"];
  for (const auto& [key, value] : args.items())
    if (!props.contains(key)) return Bad(key, "unknown field (known: " + [&] {
      std::string names;
      for (const auto& [k, v] : props.items()) names += (names.empty() ? "" : ", ") + k;
      return names;
    }() + ")");
  if (schema.contains("required"))
    for (const json& r : schema["required"])
      if (!args.contains(r.get<std::string>())) return Bad(r.get<std::string>(), "required");
  return Status::Ok();
}

Result<std::optional<std::string>> OptString(const json& args, const char* key, size_t max_len) {
  if (!args.contains(key) || args[key].is_null()) return std::optional<std::string>();
  if (!args[key].is_string()) return Bad(key, "expected a string");
  std::string s = args[key].get<std::string>();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) return Bad(key, "empty");
  if (s.size() > max_len) return Bad(key, "longer than " + std::to_string(max_len) + " characters");
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<int64_t>> OptInt(const json& args, const char* key, int64_t lo, int64_t hi) {
  if (!args.contains(key) || args[key].is_null()) return std::optional<int64_t>();
  const json& v = args[key];
  // 5.0 is accepted (JSON has one number type); 5.5 is not.
  if (!v.is_number() || (v.is_number_float() && std::floor(v.get<double>()) != v.get<double>()))
    return Bad(key, "expected an integer");
  const double d = v.get<double>();
  if (d < double(lo) || d > double(hi))
    return Bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return std::optional<int64_t>(int64_t(d));
}

Result<std::optional<int64_t>> OptDate(const json& args, const char* key, bool end) {
  OHLCV_ASSIGN_OR_RETURN(std::optional<std::string> s, OptString(args, key, 40));
  if (!s) return std::optional<int64_t>();
  auto ts = end ? ParseEndTimestamp(*s) : ParseTimestamp(*s);
  if (!ts) return Bad(key, "expected a date like 2019-03-01 (got '" + *s + "')");
  return std::optional<int64_t>(*ts);
}

Result<Interval> OptInterval(const json& args, const char* key) {
  OHLCV_ASSIGN_OR_RETURN(std::optional<std::string> s, OptString(args, key, 8));
  if (!s) return Interval::k1d;
  auto iv = ParseInterval(*s);
  if (!iv.ok()) return Bad(key, iv.status().message());
  return *iv;
}

// 1-16 of [A-Za-z0-9.^=-], upper-cased (as the API accepts them).
Result<std::string> Ticker(const json& args, const char* key) {
  OHLCV_ASSIGN_OR_RETURN(std::optional<std::string> s, OptString(args, key, 16));
  if (!s) return Bad(key, "required");
  std::string t;
  for (char c : *s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '^' && c != '=')
      return Bad(key, "not a ticker: '" + *s + "'");
    t += char(std::toupper(static_cast<unsigned char>(c)));
  }
  return t;
}

// A NotFound from the store, said so an agent knows what to do next.
Status NotStored(const Status& s, const std::string& ticker) {
  if (s.code() != StatusCode::kNotFound) return s;
  return Status::NotFound(s.message() + " (ticker " + ticker + " at this interval is not stored; list_tickers names the stored ones)");
}

json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// ---- tools -----------------------------------------------------------------

json AskSchema() {
  return {{"type", "object"},
          {"properties",
           {{"question", {{"type", "string"}, {"description", "A question about the stored market data, in English."}}},
            {"n_results", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"description", "Sources (windows) to cite; default 5."}}}}},
          {"required", {"question"}},
          {"additionalProperties", false}};
}

Result<McpToolOutput> RunAsk(const KnowledgeBase& kb, const McpServerOptions& o, const json& args) {
  OHLCV_ASSIGN_OR_RETURN(std::optional<std::string> q, OptString(args, "question", 2000));
  OHLCV_ASSIGN_OR_RETURN(std::optional<int64_t> n, OptInt(args, "n_results", 1, int64_t(o.max_results)));
  AskRequest req;
  req.question = *q;
  if (n) req.n_results = size_t(*n);
  OHLCV_ASSIGN_OR_RETURN(Answer answer, kb.Ask(req));
  return McpToolOutput{answer.text, AnswerToJson(answer)};
}

json ExecutePlanSchema() {
  json plan = json::parse(PlanJsonSchema());
  plan.erase("$schema");
  plan["description"] =
      "The typed question plan (docs/plan.md): subjects, measure, operation, condition, period, rank, form.";
  return {{"type", "object"},
          {"properties", {{"plan", std::move(plan)}}},
          {"required", {"plan"}},
          {"additionalProperties", false}};
}

// The plan is validated by PlanFromJson (which names the bad field) and
// executed exactly by the answer engine, as POST /api/v1/query with "plan".
Result<McpToolOutput> RunExecutePlan(const KnowledgeBase& kb, const McpServerOptions&, const json& args) {
  if (!args["plan"].is_object()) return Bad("plan", "expected a JSON object");
  auto plan = PlanFromJson(args["plan"].dump());
  if (!plan.ok()) return Bad("plan", plan.status().message());
  AskRequest req;
  req.plan = std::move(plan).value();
  OHLCV_ASSIGN_OR_RETURN(Answer answer, kb.Ask(req));
  return McpToolOutput{answer.text, AnswerToJson(answer)};
}

json SimilarSchema() {
  return {{"type", "object"},
          {"properties",
           {{"ticker", {{"type", "string"}, {"description", "Ticker whose latest window (or the window ending at 'end') is the query shape."}}},
            {"end", {{"type", "string"}, {"description", "The query window ends on or before this date (YYYY-MM-DD); default the latest."}}},
            {"k", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"description", "Similar periods wanted; default 10."}}},
            {"interval", {{"type", "string"}, {"description", "Bar interval: 1m, 5m, 15m, 30m, 1h, 1d, 1wk, 1mo; default 1d."}}}}},
          {"required", {"ticker"}},
          {"additionalProperties", false}};
}

json WindowJson(const RetrievedWindow& h) {
  const Window& w = h.window;
  return {{"window_id", w.id},       {"ticker", w.ticker},          {"interval", IntervalName(w.interval)},
          {"start", FormatDate(w.start_ts)}, {"end", FormatDate(w.end_ts)}, {"return_pct", Number(w.return_pct)},
          {"score", Number(h.score)}, {"summary", w.summary}};
}

Result<McpToolOutput> RunSimilar(const KnowledgeBase& kb, const McpServerOptions& o, const json& args) {
  SimilarRequest req;
  OHLCV_ASSIGN_OR_RETURN(req.ticker, Ticker(args, "ticker"));
  OHLCV_ASSIGN_OR_RETURN(req.end_ts, OptDate(args, "end", true));
  OHLCV_ASSIGN_OR_RETURN(std::optional<int64_t> k, OptInt(args, "k", 1, int64_t(o.max_results)));
  if (k) req.k = size_t(*k);
  OHLCV_ASSIGN_OR_RETURN(req.interval, OptInterval(args, "interval"));
  auto result = kb.Similar(req);
  if (!result.ok()) return NotStored(result.status(), req.ticker);
  json hits = json::array();
  std::string text = "Periods most similar in shape to " + result->query.ticker + " " +
                     FormatDate(result->query.start_ts) + " to " + FormatDate(result->query.end_ts) + ":";
  for (const auto& h : result->hits) {
    hits.push_back(WindowJson(h));
    text += "\n- " + h.window.ticker + " " + FormatDate(h.window.start_ts) + " to " + FormatDate(h.window.end_ts);
  }
  if (result->hits.empty()) text += " none found.";
  return McpToolOutput{text, {{"query", WindowJson({result->query, 1.0, true, {}})}, {"similar", hits}}};
}

json BarsSchema() {
  return {{"type", "object"},
          {"properties",
           {{"ticker", {{"type", "string"}, {"description", "Ticker, e.g. AAPL."}}},
            {"interval", {{"type", "string"}, {"description", "Bar interval: 1m, 5m, 15m, 30m, 1h, 1d, 1wk, 1mo; default 1d."}}},
            {"start", {{"type", "string"}, {"description", "First date (inclusive), YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ."}}},
            {"end", {{"type", "string"}, {"description", "Last date (inclusive)."}}},
            {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5000}, {"description", "At most this many bars, the latest; default 500."}}}}},
          {"required", {"ticker"}},
          {"additionalProperties", false}};
}

Result<McpToolOutput> RunBars(const KnowledgeBase& kb, const McpServerOptions& o, const json& args) {
  OHLCV_ASSIGN_OR_RETURN(std::string ticker, Ticker(args, "ticker"));
  OHLCV_ASSIGN_OR_RETURN(Interval interval, OptInterval(args, "interval"));
  OHLCV_ASSIGN_OR_RETURN(std::optional<int64_t> start, OptDate(args, "start", false));
  OHLCV_ASSIGN_OR_RETURN(std::optional<int64_t> end, OptDate(args, "end", true));
  OHLCV_ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptInt(args, "limit", 1, int64_t(o.max_bars)));
  if (start && end && *start > *end) return Bad("start", "after 'end'");
  auto series = kb.Bars(ticker, interval, start, end);
  if (!series.ok()) return NotStored(series.status(), ticker);
  const size_t n = series->size();
  const size_t keep = std::min<size_t>(n, limit ? size_t(*limit) : std::min<size_t>(500, o.max_bars));
  json bars = json::array();
  const bool intraday = IsIntraday(interval);
  for (size_t i = n - keep; i < n; ++i) {
    bars.push_back({{"t", intraday ? FormatIso8601(series->ts[i]) : FormatDate(series->ts[i])},
                    {"open", Number(series->open[i])},
                    {"high", Number(series->high[i])},
                    {"low", Number(series->low[i])},
                    {"close", Number(series->close[i])},
                    {"volume", Number(series->volume[i])},
                    {"adj_close", Number(series->adj_close[i])}});
  }
  std::string text = std::to_string(keep) + " " + std::string(IntervalName(interval)) + " bars of " + ticker;
  if (keep > 0) text += " from " + bars.front()["t"].get<std::string>() + " to " + bars.back()["t"].get<std::string>();
  if (keep < n) text += " (the latest " + std::to_string(keep) + " of " + std::to_string(n) + " matching)";
  json out = {{"ticker", ticker}, {"interval", IntervalName(interval)}, {"count", keep},
              {"matching", n},    {"truncated", keep < n},             {"bars", std::move(bars)}};
  return McpToolOutput{text, std::move(out)};
}

json EmptySchema() {
  return {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
}

json TickersJson(const std::vector<TickerInfo>& tickers) {
  json list = json::array();
  for (const auto& t : tickers)
    list.push_back({{"ticker", t.ticker},
                    {"interval", IntervalName(t.interval)},
                    {"bars", t.bars},
                    {"first", FormatDate(t.first_ts)},
                    {"last", FormatDate(t.last_ts)}});
  return list;
}

Result<McpToolOutput> RunTickers(const KnowledgeBase& kb, const McpServerOptions&, const json&) {
  OHLCV_ASSIGN_OR_RETURN(std::vector<TickerInfo> tickers, kb.Tickers());
  std::string text = std::to_string(tickers.size()) + " ticker series stored";
  for (size_t i = 0; i < tickers.size() && i < 50; ++i)
    text += (i == 0 ? ": " : ", ") + tickers[i].ticker + " " + std::string(IntervalName(tickers[i].interval));
  if (tickers.size() > 50) text += ", ...";
  return McpToolOutput{text, {{"tickers", TickersJson(tickers)}, {"count", tickers.size()}}};
}

Result<McpToolOutput> RunStatus(const KnowledgeBase& kb, const McpServerOptions&, const json&) {
  OHLCV_ASSIGN_OR_RETURN(KbStatus s, kb.GetStatus());
  int64_t first = 0, last = 0;
  for (const auto& t : s.tickers) {
    if (first == 0 || t.first_ts < first) first = t.first_ts;
    last = std::max(last, t.last_ts);
  }
  json out = {{"series", s.tickers.size()}, {"bars", s.bars},
              {"windows", s.windows},       {"data_version", s.data_version},
              {"vector_store", s.vector_store_type}, {"embedder", s.embedder}};
  if (!s.tickers.empty()) {
    out["first"] = FormatDate(first);
    out["last"] = FormatDate(last);
  }
  std::string text = std::to_string(s.tickers.size()) + " series, " + std::to_string(s.bars) + " bars, " +
                     std::to_string(s.windows) + " windows";
  if (!s.tickers.empty()) text += ", " + FormatDate(first) + " to " + FormatDate(last);
  return McpToolOutput{text, std::move(out)};
}

}  // namespace

const std::vector<McpTool>& McpTools() {
  static const std::vector<McpTool> tools = {
      {"ask", "Ask a question",
       "Answers a question about the stored OHLCV data with figures computed exactly from the bars "
       "(returns, highs and lows, indicators, patterns, comparisons). Returns the answer text and, as "
       "structured content, its facts, computations, cited windows and the plan it executed.",
       AskSchema(), RunAsk},
      {"execute_plan", "Execute a question plan",
       "Executes a typed question plan exactly over the stored bars: a measure (bar field, derived series or "
       "indicator with its parameters), an operation (value at a date, max/min with its date, mean, count where a "
       "condition holds, first/last time, biggest move, events such as crosses, yes/no checks, return, "
       "volatility, drawdown, correlation), subjects, a period and an optional ranking. Returns the answer text, "
       "its figures and the plan as executed. The ask tool returns the plan it executed, a starting point.",
       ExecutePlanSchema(), RunExecutePlan},
      {"similar_periods", "Similar periods",
       "Finds stored periods whose price shape is most similar to a ticker's latest window (or the window "
       "ending at a date).",
       SimilarSchema(), RunSimilar},
      {"get_bars", "Get bars",
       "Returns stored OHLCV bars of one ticker: date, open, high, low, close, volume, adjusted close.",
       BarsSchema(), RunBars},
      {"list_tickers", "List tickers",
       "Lists the stored tickers with their interval, bar count and first and last date.", EmptySchema(),
       RunTickers},
      {"status", "Knowledge base status",
       "Counts of stored series, bars and indexed windows, the date range, the vector store and embedder.",
       EmptySchema(), RunStatus},
  };
  return tools;
}

Status CheckMcpToolArguments(const McpTool& tool, const json& args) { return CheckFields(args, tool.input_schema); }

}  // namespace ohlcv
