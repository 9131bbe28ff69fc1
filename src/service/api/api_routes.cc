// The /api/ routes: one registration list (RegisterApiRoutes) binding route
// templates to handlers that parse (request_parse.h), call the KnowledgeBase and
// shape the JSON replies of issue 5. Every handler runs on the worker pool.
#include <cctype>
#include <fmt/format.h>

#include "util/build_info.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "service/http/api_error.h"
#include "kb/knowledge_base.h"
#include "service/api/mcp_route.h"
#include "service/api/refresh.h"
#include "service/api/request_parse.h"
#include "service/api/service.h"
#include "service/ui/ui_routes.h"  // web UI routes (issue 7), registered below
#include "sources/csv_paths.h"
#include "sources/source_factory.h"
#include "util/time.h"


namespace ohlcv {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

ServerResponse Json(int status, const json& body) {
  ServerResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

double Ms(Clock::time_point since) { return std::chrono::duration<double, std::milli>(Clock::now() - since).count(); }

json SourceJson(const RetrievedWindow& h) {
  const Window& w = h.window;
  return {{"window_id", w.id},
          {"ticker", w.ticker},
          {"sector", w.sector},
          {"interval", IntervalName(w.interval)},
          {"start", FormatDate(w.start_ts)},
          {"end", FormatDate(w.end_ts)},
          {"return_pct", w.return_pct},
          {"score", h.score},
          {"exact", h.exact},
          {"why", h.why},
          {"summary", w.summary}};
}

// The grounded answer (answer/): figures computed from the bars, sources
// cited; see AnswerToJson for the reply's fields.
ServerResponse Query(Service& s, const ServerRequest& req, bool legacy) {
  auto start = Clock::now();
  auto parsed = ParseAskBody(req.body, legacy);  // a "plan" may replace the question
  if (!parsed.ok()) return StatusResponse(parsed.status());
  KnowledgeBase& e = *s.kb();
  auto answer = e.Ask(*parsed);
  if (!answer.ok()) return StatusResponse(answer.status());
  (answer->cached ? s.metrics().cache_hits : s.metrics().cache_misses).WithLabels({"answer"}).Inc();
  if (!answer->cached) {
    // The question's embedding happens inside retrieval; an LLM, when set, in generation.
    s.metrics()
        .model_inference.WithLabels({std::string(e.embedder_name()), "embed_and_retrieve"})
        .Observe(answer->timings.retrieve_ms / 1000.0);
    if (answer->generator != "template") {
      s.metrics().model_inference.WithLabels({answer->generator, "generate"}).Observe(answer->timings.generate_ms / 1000.0);
    }
  }
  json reply = AnswerToJson(*answer);
  reply["timings"]["total_ms"] = Ms(start);
  return Json(200, reply);
}

ServerResponse Similar(Service& s, const ServerRequest& req) {
  auto parsed = ParseSimilarBody(req.body);
  if (!parsed.ok()) return StatusResponse(parsed.status());
  auto result = s.kb()->Similar(*parsed);
  if (!result.ok()) return StatusResponse(result.status());
  json hits = json::array();
  for (const auto& h : result->hits) hits.push_back(SourceJson(h));
  RetrievedWindow q{result->query, 1.0, true, {}};
  return Json(200, {{"query", SourceJson(q)}, {"similar", hits}});
}

// Analyses (answer/): findings, risk factors, confidence and period covered,
// deterministic for the same data.
ServerResponse Analyze(Service& s, const ServerRequest& req) {
  auto parsed = ParseAnalyzeBody(req.body);
  if (!parsed.ok()) return StatusResponse(parsed.status());
  const AnalyzeBody& a = *parsed;
  auto kind = ParseAnalysisKind(a.type);
  if (!kind.ok()) return StatusResponse(Status::InvalidArgument("field 'type': " + kind.status().message()));
  AnalyzeRequest ar;
  ar.kind = *kind;
  ar.tickers = a.tickers;
  ar.pattern = a.pattern;
  ar.condition = !a.condition.empty() ? a.condition : a.indicator;
  ar.start_ts = a.start;
  ar.end_ts = a.end;
  auto report = s.kb()->Analyze(ar);
  if (!report.ok()) return StatusResponse(report.status());
  return Json(200, AnalysisReportToJson(*report));
}

ServerResponse Tickers(Service& s) {
  auto tickers = s.kb()->Tickers();
  if (!tickers.ok()) return StatusResponse(tickers.status());
  json list = json::array();
  for (const auto& t : *tickers) {
    list.push_back({{"ticker", t.ticker},
                    {"interval", IntervalName(t.interval)},
                    {"bars", t.bars},
                    {"first", FormatDate(t.first_ts)},
                    {"last", FormatDate(t.last_ts)},
                    {"synthetic", t.synthetic}});
  }
  return Json(200, {{"tickers", list}, {"count", list.size()}});
}

// DELETE /api/v1/tickers/{T}: bars, windows, vectors, cached answers (issue 16).
ServerResponse DeleteTicker(Service& s, const RouteParams& p) {
  std::string ticker(p.Get("T"));
  for (char& c : ticker) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto bars = s.kb()->DeleteTicker(ticker);
  if (!bars.ok()) return StatusResponse(bars.status());
  return Json(200, {{"ticker", ticker}, {"deleted", true}, {"bars_deleted", *bars}});
}

ServerResponse Bars(Service& s, const ServerRequest& req, const RouteParams& p) {
  auto q = ParseBarsQuery(p.Get("T"), req);
  if (!q.ok()) return StatusResponse(q.status());
  auto bars = s.kb()->Bars(q->ticker, q->interval, q->start, q->end);
  if (!bars.ok()) return StatusResponse(bars.status());
  if (bars->size() == 0) {
    // Tell an unknown ticker from an empty range.
    auto tickers = s.kb()->Tickers();
    bool known = false;
    if (tickers.ok()) {
      for (const auto& t : *tickers) known = known || t.ticker == q->ticker;
    }
    if (!known) return ErrorResponse(404, "ticker " + q->ticker + " is not in the store");
  }
  const BarSeries& b = *bars;
  size_t from = b.size() > q->limit ? b.size() - q->limit : 0;
  json rows = json::array();
  for (size_t i = from; i < b.size(); ++i) {
    rows.push_back({{"date", FormatDateTime(b.ts[i])},
                    {"open", b.open[i]},
                    {"high", b.high[i]},
                    {"low", b.low[i]},
                    {"close", b.close[i]},
                    {"volume", b.volume[i]}});
  }
  return Json(200, {{"ticker", q->ticker},
                    {"interval", IntervalName(q->interval)},
                    {"count", rows.size()},
                    {"truncated", from > 0},
                    {"bars", rows}});
}

json RefreshJson(Service& s);

ServerResponse GetStatus(Service& s) {
  auto st = s.kb()->GetStatus();
  if (!st.ok()) return StatusResponse(st.status());
  return Json(200, {{"tickers", st->tickers.size()},
                    {"bars", st->bars},
                    {"windows", st->windows},
                    {"data_version", st->data_version},
                    {"vector_store_type", st->vector_store_type},
                    {"embedder", st->embedder},
                    {"version", BuildVersion()},
                    {"commit", BuildCommit()},
                    {"draining", s.draining()},
                    {"refresh", RefreshJson(s)}});
}

ServerResponse JobAccepted(const Result<std::string>& job, const std::string& running_job);

ServerResponse SubmitIngest(Service& s, const ServerRequest& req) {
  if (s.kb()->read_only()) {
    // Reads keep answering; writes wait for the volume to be fixed.
    return ErrorResponse(503, "writes are off: the data directory is read-only or full (see /ready)");
  }
  auto parsed = ParseIngestBody(req.body);
  if (!parsed.ok()) return StatusResponse(parsed.status());
  IngestBody body = std::move(*parsed);
  std::string running_job;
  if (body.refresh) {
    // The stored tickers, incrementally, never queued behind another writer (refresh.h).
    const std::string& source = !body.source.empty()                  ? body.source
                                : !s.options().refresh_source.empty() ? s.options().refresh_source
                                                                      : s.options().default_source;
    return JobAccepted(SubmitRefreshJob(s, source, &running_job), running_job);
  }
  if (body.source.empty()) body.source = s.options().default_source;
  SourceConfig config = s.options().sources;
  if (!body.path.empty()) config.csv.path = body.path;
  if (!body.period.empty() && !body.fetch.start) {
    auto start = PeriodStart(body.period, NowSeconds());
    if (!start.ok()) return StatusResponse(Status::InvalidArgument("field 'period': " + start.status().message()));
    body.fetch.start = *start;
    if (Status range = CheckDateRange(body.fetch.start, body.fetch.end); !range.ok()) return StatusResponse(range);
  }
  // CSV paths are confined to the ingest roots (the configured csv_path is
  // one): a client must not read the server's files. The refusal does not
  // say whether the path exists.
  std::vector<std::string> roots = s.options().ingest_roots;
  if (!s.options().sources.csv.path.empty()) roots.push_back(s.options().sources.csv.path);
  if (!body.path.empty() && !ConfinedPath(body.path, roots).ok()) {
    return ErrorResponse(403, roots.empty()
                                  ? "CSV ingest over the API is off: the server has no OHLCV_INGEST_ROOTS"
                                  : "field 'path': not inside an allowed ingest folder (OHLCV_INGEST_ROOTS)");
  }
  config.csv.confined = true;
  config.csv.allowed_roots = roots;
  config.csv.max_file_bytes = s.options().ingest_max_file_bytes;
  if (body.seed) config.synthetic.seed = *body.seed;
  // Build the source now so a bad name or missing path is a 400, not a failed job.
  auto source = NewSourceByName(body.source, config);
  if (!source.ok()) return StatusResponse(source.status());
  std::shared_ptr<Source> shared_source = std::move(*source);
  Service* service = &s;
  auto job = s.jobs().Submit("ingest", [service, shared_source, fetch = body.fetch](JobProgress& progress) {
    IngestOptions options;
    options.threads = 2;
    options.cancel = &progress.cancel();
    auto stats = service->kb()->Ingest(*shared_source, fetch, options, IngestJobProgress(progress));
    if (!stats.ok()) return stats.status();
    return FinishIngestJob(*service, progress, *stats);
  }, /*exclusive=*/true, &running_job);
  return JobAccepted(job, running_job);
}

// The reply to a submitted ingest or refresh: 202 with the job's URL, 409
// naming the running job, or the submit's error.
ServerResponse JobAccepted(const Result<std::string>& job, const std::string& running_job) {
  if (!job.ok() && !running_job.empty()) {
    // One ingest at a time across replicas (the shared job store's lock).
    ServerResponse r = Json(409, {{"error", job.status().message()},
                                  {"job_id", running_job},
                                  {"status_url", "/api/v1/jobs/" + running_job}});
    r.headers.emplace_back("Retry-After", "10");
    return r;
  }
  if (!job.ok()) {
    ServerResponse r = StatusResponse(job.status());
    if (r.status == 429) r.headers.emplace_back("Retry-After", "10");
    return r;
  }
  ServerResponse r = Json(202, {{"job_id", *job}, {"status_url", "/api/v1/jobs/" + *job}, {"state", "queued"}});
  r.headers.emplace_back("Location", "/api/v1/jobs/" + *job);
  return r;
}

json JobJson(const JobSnapshot& job) {
  return {{"job_id", job.id},
          {"kind", job.kind},
          {"state", job.state},
          {"progress",
           {{"tickers_done", job.tickers_done},
            {"tickers_total", job.tickers_total},
            {"bars", job.bars},
            {"windows", job.windows}}},
          {"errors", job.errors},
          {"created_at", job.created_at},
          {"started_at", job.started_at},
          {"finished_at", job.finished_at}};
}

ServerResponse GetJob(Service& s, const RouteParams& p) {
  auto job = s.jobs().Get(std::string(p.Get("id")));
  if (!job) return ErrorResponse(404, "no job " + std::string(p.Get("id")));
  return Json(200, JobJson(*job));
}

// GET /api/v1/jobs?limit=N (1..100, default 20): the newest jobs first, on
// every replica sharing the job store.
ServerResponse ListJobs(Service& s, const ServerRequest& req) {
  auto limit = ParseJobsLimit(req);
  if (!limit.ok()) return StatusResponse(limit.status());
  auto jobs = s.jobs().List(*limit);
  if (!jobs.ok()) return StatusResponse(jobs.status());
  json list = json::array();
  for (const auto& j : *jobs) list.push_back(JobJson(j));
  return Json(200, {{"jobs", list}, {"count", list.size()}});
}

// The schedule of the refresh (refresh.h), for /api/v1/status.
json RefreshJson(Service& s) {
  RefreshScheduleState r = s.refresh_schedule();
  json out = {{"enabled", r.enabled}, {"interval_seconds", r.interval_seconds}};
  if (r.enabled) {
    out["source"] = r.source;
    out["next_run_at"] = r.next_run_at;
    out["consecutive_failures"] = r.consecutive_failures;
    out["last_outcome"] = r.last_outcome;
    out["last_job_id"] = r.last_job_id;
    if (!r.last_job_id.empty()) {
      auto job = s.jobs().Get(r.last_job_id);
      out["last_job_state"] = job ? job->state : "unknown";
    }
  }
  auto last = s.kb()->LastRefresh();  // any replica's, any trigger's
  out["last_refresh_at"] = last.ok() && *last ? json(**last) : json(nullptr);
  return out;
}

}  // namespace

void RegisterApiRoutes(Router& router, Service& s) {
  using P = const RouteParams&;
  using R = const ServerRequest&;
  router.Add("POST", "/api/v1/query", [&s](R req, P) { return Query(s, req, false); });
  router.Add("POST", "/api/query", [&s](R req, P) { return Query(s, req, true); });
  // Cheap routes (cached counts, job lookups, queueing a job) run on the light
  // pool: questions and analyses filling the worker pool cannot starve them.
  RouteOptions light{.auth = true, .run_inline = false, .light = true};
  router.Add("POST", "/api/v1/ingest", [&s](R req, P) { return SubmitIngest(s, req); }, light);
  router.Add("GET", "/api/v1/jobs", [&s](R req, P) { return ListJobs(s, req); }, light);
  router.Add("GET", "/api/v1/jobs/{id}", [&s](R, P p) { return GetJob(s, p); }, light);
  router.Add("POST", "/api/v1/analyze", [&s](R req, P) { return Analyze(s, req); });
  router.Add("POST", "/api/v1/similar", [&s](R req, P) { return Similar(s, req); });
  router.Add("GET", "/api/v1/tickers", [&s](R, P) { return Tickers(s); }, light);
  router.Add("GET", "/api/v1/tickers/{T}/bars", [&s](R req, P p) { return Bars(s, req, p); });
  router.Add("DELETE", "/api/v1/tickers/{T}", [&s](R, P p) { return DeleteTicker(s, p); });
  router.Add("GET", "/api/v1/status", [&s](R, P) { return GetStatus(s); }, light);
  RegisterMcpRoute(router, s);  // POST /mcp: Model Context Protocol (mcp_route.h)
  RegisterUiRoutes(router, s);  // the web page at / and its chart data (ui_routes.h)
}

}  // namespace ohlcv
