#include "service/api/service.h"

#include "util/build_info.h"

#include <fmt/format.h>

#include <random>

#include "service/http/api_error.h"
#include "kb/knowledge_base.h"


namespace ohlcv {
namespace {

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::string RequestIdFor(const ServerRequest& request) {
  std::string_view given = request.Header("x-request-id");
  if (SaneRequestId(given)) return std::string(given);
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

ServiceMetrics::ServiceMetrics(MetricsRegistry& r)
    : requests(r.AddCounter("ohlcv_requests_total", "HTTP requests by method, route template and status.",
                            {"method", "endpoint", "status"})),
      duration(r.AddHistogram("ohlcv_request_duration_seconds", "HTTP request duration by route template.",
                              {"method", "endpoint"}, RequestDurationBuckets())),
      model_inference(r.AddHistogram("ohlcv_model_inference_seconds",
                                     "Time spent in models (embedders, LLM) by model and operation.",
                                     {"model_name", "operation"}, RequestDurationBuckets())),
      cache_hits(r.AddCounter("ohlcv_cache_hits_total", "Cache hits by cache type.", {"cache_type"})),
      cache_misses(r.AddCounter("ohlcv_cache_misses_total", "Cache misses by cache type.", {"cache_type"})),
      ingest_bars(r.AddCounter("ohlcv_ingest_bars_total", "Bars inserted or updated by ingests.")) {}

Service::Service(const ServiceOptions& options)
    : options_(options),
      log_(options.log),
      metrics_(registry_),
      auth_(options.api_keys),
      limiter_(options.rate_limit_rps, static_cast<double>(options.rate_limit_burst)),
      pool_(std::make_unique<WorkerPool>(options.worker_threads, options.max_queued_requests)) {
  registry_.AddCallbackGauge("ohlcv_active_connections", "Open HTTP connections on the API port.", [this] {
    const HttpServer* s = server_.load();
    return s ? static_cast<double>(s->active_connections()) : 0.0;
  });
  registry_.AddCollector([this](std::string* out) {
    *out += "# HELP ohlcv_vector_db_operations_total Vector store operations by operation and status.\n"
            "# TYPE ohlcv_vector_db_operations_total counter\n";
    KnowledgeBase* e = engine_.load();
    if (!e) return;
    VectorStoreStats s = e->IndexStats();
    auto line = [out](std::string_view op, std::string_view status, uint64_t v) {
      *out += fmt::format("ohlcv_vector_db_operations_total{{operation=\"{}\",status=\"{}\"}} {}\n", op, status, v);
    };
    line("upsert", "ok", s.upserts);
    line("search", "ok", s.searches);
    line("lexical_search", "ok", s.lexical_searches);
    line("get", "ok", s.gets);
    line("any", "error", s.errors);
  });
  registry_.AddCollector([this](std::string* out) {
    *out += "# HELP ohlcv_windows_indexed Windows in the vector store.\n# TYPE ohlcv_windows_indexed gauge\n";
    KnowledgeBase* e = engine_.load();
    if (!e) return;
    auto n = e->WindowCount();
    if (n.ok()) *out += fmt::format("ohlcv_windows_indexed {}\n", *n);
  });
  registry_.AddGauge("ohlcv_app_info", "Build information; always 1.", {"version", "commit"})
      .WithLabels({std::string(BuildVersion()), std::string(BuildCommit())})
      .Set(1);
  registry_.AddCollector(AppendProcessMetrics);
  RegisterProbeRoutes(router_, *this);
  RegisterApiRoutes(router_, *this);
}

Service::~Service() { Shutdown(std::chrono::seconds(30)); }

void Service::SetKnowledgeBase(KnowledgeBase* engine) {
  engine_.store(engine);
  log_.Log("info", "started", {{"data_dir", engine ? engine->options().data_dir : ""}});
}

void Service::SetStartupError(std::string error) {
  log_.Log("error", "startup failed", {{"error", error}});
  std::lock_guard lock(error_mu_);
  startup_error_ = std::move(error);
}

std::string Service::startup_error() const {
  std::lock_guard lock(error_mu_);
  return startup_error_;
}

void Service::BeginDrain() {
  if (!draining_.exchange(true)) log_.Log("info", "draining: /ready now answers 503");
}

void Service::Shutdown(std::chrono::milliseconds timeout) {
  if (shut_down_.exchange(true)) return;
  jobs_.Shutdown(timeout);
  pool_->Stop();
  log_.Flush();
}

void Service::Handle(ServerRequest&& req_in, Responder respond) {
  auto start = std::chrono::steady_clock::now();
  auto request = std::make_shared<ServerRequest>(std::move(req_in));
  std::string request_id = RequestIdFor(*request);
  RouteMatch match = router_.Match(request->method, request->path);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    return Finish(*request, "unmatched", request_id, start,
                  ErrorResponse(404, "no route for " + request->path), respond);
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    ServerResponse r = ErrorResponse(405, fmt::format("{} is not allowed here; allowed: {}", request->method,
                                                    match.allowed));
    r.headers.emplace_back("Allow", match.allowed);
    return Finish(*request, "unmatched", request_id, start, std::move(r), respond);
  }
  const Route* route = match.route;
  if (route->options.auth) {
    int key_index = -1;
    Status st = auth_.Check(*request, &key_index);
    if (!st.ok()) {
      ServerResponse r = StatusResponse(st);
      if (st.code() == StatusCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return Finish(*request, route->pattern, request_id, start, std::move(r), respond);
    }
    int retry_after = 1;
    // Limits apply per key; with no keys configured (loopback/--insecure)
    // the client address is the only identity there is.
    std::string bucket = auth_.enabled() ? "key:" + std::to_string(key_index) : "ip:" + request->remote;
    if (!limiter_.Allow(bucket, std::chrono::steady_clock::now(), &retry_after)) {
      ServerResponse r = ErrorResponse(429, auth_.enabled() ? "rate limit exceeded for this API key"
                                                            : "rate limit exceeded for this client address");
      r.headers.emplace_back("Retry-After", std::to_string(retry_after));
      return Finish(*request, route->pattern, request_id, start, std::move(r), respond);
    }
    if (!started()) {
      ServerResponse r = ErrorResponse(503, "the service is starting");
      r.headers.emplace_back("Retry-After", "1");
      return Finish(*request, route->pattern, request_id, start, std::move(r), respond);
    }
  }
  auto run = [this, request, route, params = std::move(match.params), request_id, start, respond]() {
    ServerResponse r;
    try {
      r = route->handler(*request, params);
    } catch (const std::exception& e) {
      log_.Log("error", "handler threw", {{"request_id", request_id}, {"error", e.what()}});
      r = ErrorResponse(500, "internal error");
    }
    Finish(*request, route->pattern, request_id, start, std::move(r), respond);
  };
  if (route->options.run_inline) return run();
  if (!pool_->TryPost(run)) {
    ServerResponse r = ErrorResponse(503, "the server is overloaded; retry shortly");
    r.headers.emplace_back("Retry-After", "1");
    Finish(*request, route->pattern, request_id, start, std::move(r), respond);
  }
}

void Service::Finish(const ServerRequest& request, const std::string& endpoint, const std::string& request_id,
                     std::chrono::steady_clock::time_point start, ServerResponse response,
                     const Responder& respond) {
  response.headers.emplace_back("X-Request-ID", request_id);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Method label from a bounded set: unknown verbs share one value.
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"};
  std::string method = "OTHER";
  for (const char* m : kMethods) {
    if (request.method == m) method = m;
  }
  int status = response.status;
  metrics_.requests.WithLabels({method, endpoint, std::to_string(status)}).Inc();
  metrics_.duration.WithLabels({method, endpoint}).Observe(seconds);
  // Probes are polled every few seconds by each kubelet; keep them at debug.
  bool probe = endpoint == "/health" || endpoint == "/ready" || endpoint == "/startup";
  // A 503 is the service saying "not now" (starting, draining, overloaded),
  // not a fault; probes say it by design.
  std::string_view level = probe ? "debug" : status == 503 ? "warn" : status >= 500 ? "error" : "info";
  if (log_.Enabled(level)) {
    log_.Log(level, "request",
             {{"request_id", request_id},
              {"method", request.method},
              {"route", endpoint},
              {"status", status},
              {"duration_ms", seconds * 1000},
              {"remote", request.remote}});
  }
  respond(std::move(response));
}

void Service::HandleMetrics(ServerRequest&& request, Responder respond) {
  ServerResponse r;
  if (request.path != "/metrics") {
    r = ErrorResponse(404, "only /metrics is served on this port");
  } else if (request.method != "GET" && request.method != "HEAD") {
    r = ErrorResponse(405, "use GET");
    r.headers.emplace_back("Allow", "GET");
  } else {
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = registry_.Render();
  }
  respond(std::move(r));
}

void Service::OnTransportError(int status, const std::string& remote) {
  metrics_.requests.WithLabels({"OTHER", "transport", std::to_string(status)}).Inc();
  log_.Log("warn", "request rejected by the transport", {{"status", status}, {"remote", remote}});
}

}  // namespace ohlcv
