// Service: everything between the HTTP transport and the KnowledgeBase — the route
// table, API-key auth and per-key rate limits, the worker pool, the probe
// state machine, request ids, metrics, request logs, the background jobs and
// the scheduled refresh (refresh.h; started with the Service when
// ServiceOptions::refresh_interval > 0, stopped first by Shutdown).
//
// Request flow (Handle): request id (X-Request-ID echoed when sane, else
// generated) → route match by template (404/405) → for /api/ routes: auth
// (429 first for an address that keeps failing auth, then 401/403), rate
// limit (429 + Retry-After), started (503) → the handler runs inline
// (probes), on the light pool (cheap routes: status, tickers, jobs) or on the
// bounded worker pool (503 + Retry-After when the queue is full) → the reply gets X-Request-ID, is counted under the route
// template and logged.
//
// Probe state machine: not started (/startup 503, /ready 503 "starting") →
// started by SetKnowledgeBase() (/startup 200, /ready 200 while the vector store
// answers) → draining by BeginDrain() (/ready 503 "draining"; everything else
// keeps working).
//
// Ownership: the KnowledgeBase passed to SetKnowledgeBase() is borrowed and must outlive
// the Service. Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "service/api/auth.h"
#include "sources/source_factory.h"
#include "service/http/http_server.h"
#include "service/api/jobs.h"
#include "service/api/refresh.h"
#include "service/http/metrics.h"
#include "service/http/request_log.h"
#include "service/http/router.h"
#include "service/http/worker_pool.h"
#include "kb/knowledge_base.h"

namespace ohlcv {

struct ServiceOptions {
  std::vector<std::string> api_keys;   // empty = no auth (loopback or --insecure only)
  double rate_limit_rps = 50;          // per key; 0 = off
  int64_t rate_limit_burst = 100;
  size_t worker_threads = 0;           // 0 = hardware concurrency, >= 2
  size_t max_queued_requests = 1024;
  // Failed authentications per client address: a bucket of this many, refilled
  // at auth_failure_rps; an empty bucket answers 429 before the key is checked.
  double auth_failure_rps = 0.5;
  int64_t auth_failure_burst = 20;
  std::chrono::milliseconds probe_refresh{1000};
  std::string default_source = "synthetic";  // DATA_SOURCE, for POST /api/v1/ingest
  // Source options from the settings (OHLCV_CSV_PATH, provider keys); a
  // request's own fields (path, seed) override them.
  SourceConfig sources;
  // OHLCV_INGEST_ROOTS: folders a CSV ingest over the API may read (plus
  // sources.csv.path, chosen by the operator); none = CSV paths from clients refused.
  std::vector<std::string> ingest_roots;
  uint64_t ingest_max_file_bytes = 256ull << 20;  // OHLCV_INGEST_MAX_FILE_BYTES; 0 = no limit
  std::string llm_provider = "none";          // LLM_PROVIDER, for the startup log (the KnowledgeBase probes it)
  // OHLCV_REFRESH_INTERVAL_SECONDS: a refresh job every interval (refresh.h); 0 = off.
  std::chrono::milliseconds refresh_interval{0};
  std::string refresh_source;                 // resolved: OHLCV_REFRESH_SOURCE, else DATA_SOURCE
  RequestLogOptions log;
};

// The metric families of issue 5, registered once per Service.
struct ServiceMetrics {
  explicit ServiceMetrics(MetricsRegistry& registry);
  CounterFamily& requests;           // ohlcv_requests_total{method,endpoint,status}
  HistogramFamily& duration;         // ohlcv_request_duration_seconds{method,endpoint}
  HistogramFamily& model_inference;  // ohlcv_model_inference_seconds{model_name,operation}
  CounterFamily& cache_hits;         // ohlcv_cache_hits_total{cache_type}
  CounterFamily& cache_misses;       // ohlcv_cache_misses_total{cache_type}
  CounterFamily& ingest_bars;        // ohlcv_ingest_bars_total
  CounterFamily& refresh_runs;       // ohlcv_refresh_runs_total{outcome}
  CounterFamily& refused;            // ohlcv_connections_refused_total{reason}
};

// What the probes report, refreshed off the request path (ProbeSnapshot is
// recomputed every probe_refresh by a thread of the Service and when the
// knowledge base is set), so /health and /ready answer on the I/O thread in
// microseconds whatever the worker pool, the stores or a remote dependency
// are doing.
struct ProbeSnapshot {
  bool valid = false;  // false until the knowledge base is set
  Status index;        // KnowledgeBase::IndexHealth()
  Status store;        // KnowledgeBase::StoreHealth() (a shared database that is down)
  std::vector<ComponentHealth> components;
};

class Service {
 public:
  explicit Service(const ServiceOptions& options);
  ~Service();  // Shutdown() if not done

  // Marks the service started with this engine (/startup turns 200).
  void SetKnowledgeBase(KnowledgeBase* engine);
  // Startup failed: /startup and /ready stay 503 and /health says unhealthy.
  // `final` false: the stores are unavailable and startup is retrying (a
  // database not up yet); /health stays alive ("starting") so a liveness
  // probe does not restart a replica that is waiting for a dependency.
  void SetStartupError(std::string error, bool final = true);
  // True once startup failed for good.
  bool startup_failed() const;
  // /ready turns 503 at once; other routes keep serving.
  void BeginDrain();
  // Lets ohlcv_active_connections read the API server's count.
  void AttachServer(const HttpServer* server) { server_.store(server); }

  // The API/probe port's handler (see HttpServer).
  void Handle(ServerRequest&& request, Responder respond);
  // The metrics port's handler: GET /metrics only.
  void HandleMetrics(ServerRequest&& request, Responder respond);
  // Replies the transport made itself (400/413/431), for metrics and logs.
  void OnTransportError(int status, const std::string& remote);
  // A connection closed at accept (HttpServer's on_refused): counted, and
  // logged at most once per 10 s with the number refused since.
  void OnConnectionRefused(std::string_view reason, const std::string& remote);

  // Finishes queued handlers and stops the pool and jobs, waiting at most
  // `timeout` for a running ingest.
  void Shutdown(std::chrono::milliseconds timeout);

  // The probes' view (see ProbeSnapshot); cheap, never blocks on a store.
  ProbeSnapshot probe_snapshot() const;

  bool started() const { return engine_.load() != nullptr; }
  bool draining() const { return draining_.load(); }
  KnowledgeBase* kb() const { return engine_.load(); }
  std::string startup_error() const;
  const ServiceOptions& options() const { return options_; }
  MetricsRegistry& registry() { return registry_; }
  ServiceMetrics& metrics() { return metrics_; }
  JobRegistry& jobs() { return jobs_; }
  // The scheduled refresh (refresh.h); enabled false when off.
  RefreshScheduleState refresh_schedule() const;
  RequestLog& log() { return log_; }
  const Router& router() const { return router_; }
  // For adding routes before serving (tests add slow routes to fill the pool).
  Router& mutable_router() { return router_; }

 private:
  void Finish(const ServerRequest& request, const std::string& endpoint, const std::string& request_id,
              std::chrono::steady_clock::time_point start, ServerResponse response, const Responder& respond);

  void RefreshProbes();
  void ProbeLoop();

  ServiceOptions options_;
  RequestLog log_;
  MetricsRegistry registry_;
  ServiceMetrics metrics_;
  Router router_;
  ApiKeyAuth auth_;
  RateLimiter limiter_;
  RateLimiter auth_failures_;  // per client address
  // Before jobs_: a refresh job still running when jobs_ is destroyed reports to it.
  std::unique_ptr<RefreshScheduler> refresh_;  // null when the refresh is off
  JobRegistry jobs_;
  std::unique_ptr<WorkerPool> pool_;        // expensive routes
  std::unique_ptr<WorkerPool> light_pool_;  // RouteOptions::light routes
  std::atomic<KnowledgeBase*> engine_{nullptr};
  std::atomic<bool> draining_{false};
  std::atomic<const HttpServer*> server_{nullptr};
  mutable std::mutex error_mu_;
  std::string startup_error_;  // guarded by error_mu_
  bool startup_final_ = false;  // guarded by error_mu_
  std::atomic<bool> shut_down_{false};
  mutable std::mutex probe_mu_;
  std::condition_variable probe_cv_;
  bool probe_stop_ = false;        // guarded by probe_mu_
  ProbeSnapshot probe_;            // guarded by probe_mu_
  std::thread prober_;
  std::mutex refused_mu_;
  std::chrono::steady_clock::time_point refused_logged_{};  // guarded by refused_mu_
  uint64_t refused_unlogged_ = 0;                            // guarded by refused_mu_
};

// Text for unauthenticated replies: URLs (which may carry credentials) and
// absolute paths are replaced by "<url>" and "<path>".
std::string RedactForPublic(std::string_view text);

// Route registration lists (api_routes.cc, probes.cc): the one place each
// set of routes is declared.
void RegisterProbeRoutes(Router& router, Service& service);
void RegisterApiRoutes(Router& router, Service& service);

// The API/probe server of `service`: an HttpServer on `options` whose
// requests, transport replies and refused connections go to the service,
// attached to it (AttachServer). `service` must outlive the server.
Result<std::unique_ptr<HttpServer>> StartApiServer(Service& service, const HttpServerOptions& options);

// A request id: the client's X-Request-ID when it is 1-128 printable ASCII
// characters without spaces, else 16 random hex digits.
std::string RequestIdFor(const ServerRequest& request);

}  // namespace ohlcv
