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

std::string RedactForPublic(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  auto token_end = [&](size_t from) {
    size_t j = from;
    while (j < text.size() && text[j] != ' ' && text[j] != '\'' && text[j] != '"' && text[j] != ',') ++j;
    return j;
  };
  while (i < text.size()) {
    bool token_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\'' || text[i - 1] == '"' ||
                       text[i - 1] == '(' || text[i - 1] == ':' || text[i - 1] == '=';
    size_t scheme = text.find("://", i);
    if (token_start && scheme != std::string_view::npos && scheme > i &&
        text.substr(i, scheme - i).find_first_of(" '\"") == std::string_view::npos) {
      out += "<url>";
      i = token_end(scheme);
      continue;
    }
    if (token_start && text[i] == '/') {
      out += "<path>";
      i = token_end(i);
      continue;
    }
    out += text[i++];
  }
  return out;
}

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
      ingest_bars(r.AddCounter("ohlcv_ingest_bars_total", "Bars inserted or updated by ingests.")),
      refresh_runs(r.AddCounter("ohlcv_refresh_runs_total",
                                "Refreshes of the stored tickers by outcome: succeeded, partial, failed, "
                                "cancelled, skipped (scheduled turns only).",
                                {"outcome"})),
      refused(r.AddCounter("ohlcv_connections_refused_total",
                           "Connections closed at accept: max_connections or the per-address limit.",
                           {"reason"})) {}

Service::Service(const ServiceOptions& options)
    : options_(options),
      log_(options.log),
      metrics_(registry_),
      auth_(options.api_keys),
      limiter_(options.rate_limit_rps, static_cast<double>(options.rate_limit_burst)),
      auth_failures_(options.auth_failure_rps, static_cast<double>(options.auth_failure_burst)),
      pool_(std::make_unique<WorkerPool>(options.worker_threads, options.max_queued_requests)),
      light_pool_(std::make_unique<WorkerPool>(1, options.max_queued_requests)) {
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
  prober_ = std::thread([this] { ProbeLoop(); });
  if (options_.refresh_interval.count() > 0) {
    refresh_ = std::make_unique<RefreshScheduler>(*this, options_.refresh_interval, options_.refresh_source);
    refresh_->Start();
  }
}

RefreshScheduleState Service::refresh_schedule() const {
  return refresh_ ? refresh_->state() : RefreshScheduleState{};
}

ProbeSnapshot Service::probe_snapshot() const {
  std::lock_guard lock(probe_mu_);
  return probe_;
}

void Service::RefreshProbes() {
  KnowledgeBase* e = engine_.load();
  if (!e) return;
  ProbeSnapshot s;
  s.valid = true;
  s.index = e->IndexHealth();
  s.store = e->StoreHealth();
  s.components = e->Health();
  std::lock_guard lock(probe_mu_);
  for (const auto& c : s.components) {
    // Log a component's failure when it starts (the reply only says "error").
    bool was_ok = true;
    for (const auto& old : probe_.components) {
      if (old.name == c.name) was_ok = old.ok;
    }
    if (!c.ok && was_ok) log_.Log("warn", "health check failed", {{"component", c.name}, {"detail", c.detail}});
  }
  probe_ = std::move(s);
}

void Service::ProbeLoop() {
  std::unique_lock lock(probe_mu_);
  while (!probe_stop_) {
    probe_cv_.wait_for(lock, options_.probe_refresh);
    if (probe_stop_) break;
    lock.unlock();
    RefreshProbes();
    lock.lock();
  }
}

Service::~Service() { Shutdown(std::chrono::seconds(30)); }

void Service::SetKnowledgeBase(KnowledgeBase* engine) {
  engine_.store(engine);
  RefreshProbes();  // the probes have a view before the first request sees "started"
  log_.Log("info", "started", {{"data_dir", engine ? engine->options().data_dir : ""}});
}

void Service::SetStartupError(std::string error, bool final) {
  if (final) log_.Log("error", "startup failed", {{"error", error}});
  std::lock_guard lock(error_mu_);
  startup_error_ = std::move(error);
  startup_final_ = final;
}

bool Service::startup_failed() const {
  std::lock_guard lock(error_mu_);
  return !startup_error_.empty() && startup_final_;
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
  {
    std::lock_guard lock(probe_mu_);
    probe_stop_ = true;
  }
  probe_cv_.notify_all();
  if (prober_.joinable()) prober_.join();
  if (refresh_) refresh_->Stop();  // no new turn; a running refresh is cancelled below
  jobs_.Shutdown(timeout);
  pool_->Stop();
  light_pool_->Stop();
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
    int retry_after = 1;
    // An address that keeps presenting wrong keys is refused before its next
    // key is compared: guessing costs time.
    const std::string address_bucket = "ip:" + request->remote;
    if (auth_.enabled() && !auth_failures_.HasToken(address_bucket, std::chrono::steady_clock::now(), &retry_after)) {
      ServerResponse r = ErrorResponse(429, "too many failed authentications from this address");
      r.headers.emplace_back("Retry-After", std::to_string(retry_after));
      return Finish(*request, route->pattern, request_id, start, std::move(r), respond);
    }
    Status st = auth_.Check(*request, &key_index);
    if (!st.ok()) {
      int ignored = 0;
      auth_failures_.Allow(address_bucket, std::chrono::steady_clock::now(), &ignored);
      ServerResponse r = StatusResponse(st);
      if (st.code() == StatusCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return Finish(*request, route->pattern, request_id, start, std::move(r), respond);
    }
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
  WorkerPool& pool = route->options.light ? *light_pool_ : *pool_;
  if (!pool.TryPost(run)) {
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

namespace ohlcv {

void Service::OnConnectionRefused(std::string_view reason, const std::string& remote) {
  metrics_.refused.WithLabels({std::string(reason)}).Inc();
  auto now = std::chrono::steady_clock::now();
  uint64_t count = 0;
  {
    std::lock_guard lock(refused_mu_);
    ++refused_unlogged_;
    if (now - refused_logged_ < std::chrono::seconds(10)) return;
    refused_logged_ = now;
    count = refused_unlogged_;
    refused_unlogged_ = 0;
  }
  log_.Log("warn", "connections refused at accept",
           {{"reason", std::string(reason)}, {"remote", remote}, {"refused_since_last_log", count}});
}

Result<std::unique_ptr<HttpServer>> StartApiServer(Service& service, const HttpServerOptions& options) {
  auto server = StartHttpServer(
      options, [&service](ServerRequest&& r, Responder respond) { service.Handle(std::move(r), std::move(respond)); },
      [&service](int status, const std::string& remote) { service.OnTransportError(status, remote); },
      [&service](std::string_view reason, const std::string& remote) { service.OnConnectionRefused(reason, remote); });
  if (server.ok()) service.AttachServer(server->get());
  return server;
}

}  // namespace ohlcv
