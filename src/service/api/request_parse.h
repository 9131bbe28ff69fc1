// Parsing of API request bodies and query strings into the engine's request
// types. This is the layer outside input reaches first, so it never throws
// and never trusts sizes: every failure is InvalidArgument naming the field
// (the service answers 400 with it). Fuzzed by fuzz/service_request_fuzz.cc.
//
// JSON shapes (issue 5):
//   query:   {"question": str, "type"?: str, "n_results"?: int 1..100, "filters"?: {...}}
//   legacy:  {"query": str, ...same optional fields}
//   either may carry "plan": {...QuestionPlan JSON...} instead of the question
//   filters: {"tickers"?: [str], "sectors"?: [str], "start"?: date, "end"?: date,
//             "interval"?: str, "patterns"?: [str],
//             "conditions"?: [{"field": str, "op": ">"|">="|"<"|"<=", "value": num}]}
//   similar: {"ticker": str, "end"?: date, "k"?|"n_results"?: int 1..100, "interval"?: str}
//   ingest:  {"source"?: str, "tickers"?: [str] | str, "start"?: date, "end"?: date,
//             "period"?: str, "interval"?: str, "path"?: str, "seed"?: int}
//            or {"refresh": true, "source"?: str}: refresh the stored tickers
//            (no other field; "refresh": false is a plain ingest)
//   analyze: {"type": "pattern"|"trend"|"comparison"|"indicator", "tickers": [str] | str,
//             "pattern"?: str, "indicator"?: str, "condition"?: str, "start"?: date, "end"?: date}
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "index/vector_store.h"
#include "answer/answer.h"
#include "retrieval/retriever.h"
#include "service/http/http_types.h"
#include "sources/source.h"

namespace ohlcv {

// Largest n_results / k accepted.
inline constexpr size_t kMaxResults = 100;

Result<RetrievalRequest> ParseQueryBody(std::string_view body, bool legacy);
// The query body as an AskRequest. With a "plan" object (plan/plan.h,
// docs/plan.md) the question may be omitted and the plan is executed as sent;
// InvalidArgument "plan.<field>: ..." names a bad field of the plan.
Result<AskRequest> ParseAskBody(std::string_view body, bool legacy);
Result<WindowFilter> ParseFilters(const std::string& filters_json);
Result<SimilarRequest> ParseSimilarBody(std::string_view body);

struct IngestBody {
  std::string source;       // "" = the configured DATA_SOURCE
  FetchRequest fetch;
  std::string period;       // "1y", "5y", "max"; "" = none
  std::string path;         // csv source only
  std::optional<uint64_t> seed;  // synthetic source only
  bool refresh = false;          // refresh the stored tickers (then only `source` is set)
};
Result<IngestBody> ParseIngestBody(std::string_view body);

struct AnalyzeBody {
  std::string type;                  // pattern | trend | comparison | indicator
  std::vector<std::string> tickers;  // upper case
  std::string pattern, indicator, condition;
  std::optional<int64_t> start, end;
};
Result<AnalyzeBody> ParseAnalyzeBody(std::string_view body);

struct BarsQuery {
  std::string ticker;  // upper case
  Interval interval = Interval::k1d;
  std::optional<int64_t> start, end;
  size_t limit = 10000;  // most recent bars when more match
};
// From /api/v1/tickers/{T}/bars?start=&end=&interval=&limit=.
Result<BarsQuery> ParseBarsQuery(std::string_view ticker, const ServerRequest& request);

// Most jobs GET /api/v1/jobs lists.
inline constexpr size_t kMaxJobsListed = 100;
// ?limit= of /api/v1/jobs: 1..kMaxJobsListed, default 20.
Result<size_t> ParseJobsLimit(const ServerRequest& request);

// The one date-range rule of every route (bars, query filters, analyze,
// ingest): InvalidArgument "'start' (YYYY-MM-DD) is after 'end' (YYYY-MM-DD)"
// when both are set and start > end. `where` prefixes the message ("filters.").
Status CheckDateRange(std::optional<int64_t> start, std::optional<int64_t> end, std::string_view where = {});

}  // namespace ohlcv
