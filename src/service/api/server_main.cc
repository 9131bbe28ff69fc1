#include "service/api/server_main.h"

#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "service/http/http_server.h"
#include "service/api/service.h"
#include "kb/kb_config.h"
#include "service/api/pg_job_store.h"

namespace ohlcv {
namespace {

using std::chrono::milliseconds;

milliseconds Ms(double seconds) { return milliseconds(static_cast<int64_t>(seconds * 1000)); }

HttpServerOptions ServerOptions(const AppConfig& c, int64_t port) {
  HttpServerOptions o;
  o.bind = c.bind;
  o.port = static_cast<uint16_t>(port);
  o.max_header_bytes = static_cast<size_t>(c.max_header_bytes);
  o.max_body_bytes = static_cast<size_t>(c.max_body_bytes);
  o.header_timeout = Ms(c.header_timeout_seconds);
  o.body_timeout = Ms(c.body_timeout_seconds);
  o.idle_timeout = Ms(c.idle_timeout_seconds);
  o.io_threads = static_cast<size_t>(c.io_threads);
  o.max_connections = static_cast<size_t>(c.max_connections);
  o.max_connections_per_address = static_cast<size_t>(c.max_connections_per_address);
  o.first_byte_timeout = Ms(c.first_byte_timeout_seconds);
  return o;
}

// Blocks SIGTERM/SIGINT in this thread (and so in every thread it starts) so
// they are taken only by WaitForStop's sigtimedwait; restored on scope exit.
class SignalMask {
 public:
  explicit SignalMask(bool enabled) : enabled_(enabled) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    if (enabled_) pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SignalMask() {
    if (enabled_) pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  // Waits up to `wait` for a signal; returns it, or 0.
  int Poll(milliseconds wait) {
    if (!enabled_) {
      std::this_thread::sleep_for(wait);
      return 0;
    }
    timespec ts{static_cast<time_t>(wait.count() / 1000), static_cast<long>((wait.count() % 1000) * 1000000)};
    int sig = sigtimedwait(&set_, nullptr, &ts);
    return sig > 0 ? sig : 0;
  }

 private:
  bool enabled_;
  sigset_t set_, old_;
};

}  // namespace

bool IsLoopbackAddress(const std::string& a) {
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

Status RunServer(const AppConfig& config, const RunServerHooks& hooks) {
  if (!IsLoopbackAddress(config.bind) && config.api_keys.empty() && !config.insecure) {
    return Status::InvalidArgument("refusing to serve on " + config.bind +
                                   " without an API key: set API_KEY (or API_KEY_FILE, /run/secrets/api_key), "
                                   "or pass --insecure");
  }
  SignalMask signals(hooks.handle_signals);

  ServiceOptions so;
  so.api_keys = config.api_keys;
  so.rate_limit_rps = config.rate_limit_rps;
  so.rate_limit_burst = config.rate_limit_burst;
  so.worker_threads = static_cast<size_t>(config.worker_threads);
  so.max_queued_requests = static_cast<size_t>(config.max_queued_requests);
  so.default_source = config.data_source;
  so.sources = SourceConfigFromConfig(config);
  so.ingest_roots = config.ingest_roots;
  so.ingest_max_file_bytes = static_cast<uint64_t>(config.ingest_max_file_bytes);
  so.llm_provider = config.llm_provider;
  so.log.level = config.log_level;
  so.log.json = config.log_format == "json";
  so.log.pod = config.pod_name;
  so.refresh_source = config.refresh_source.empty() ? config.data_source : config.refresh_source;
  if (config.refresh_interval_seconds > 0) {
    // A schedule that could never succeed is a startup error, not a log line an hour later.
    if (Status st = CheckRefreshSource(so.refresh_source, so.sources); !st.ok()) {
      return Status::InvalidArgument(fmt::format("scheduled refresh (OHLCV_REFRESH_INTERVAL_SECONDS={}): {}",
                                                 config.refresh_interval_seconds, st.message()));
    }
    so.refresh_interval = std::chrono::seconds(config.refresh_interval_seconds);
  }
  Service service(so);
  if (config.refresh_interval_seconds > 0) {
    service.log().Log("info", "refresh scheduled",
                      {{"interval_seconds", config.refresh_interval_seconds}, {"source", so.refresh_source}});
  }

  auto api = StartApiServer(service, ServerOptions(config, config.http_port));
  if (!api.ok()) return api.status();
  std::unique_ptr<HttpServer> metrics_server;
  if (config.metrics_port >= 0) {
    auto m = StartHttpServer(ServerOptions(config, config.metrics_port), [&service](ServerRequest&& r, Responder respond) {
      service.HandleMetrics(std::move(r), std::move(respond));
    });
    if (!m.ok()) {
      (*api)->Stop();
      return m.status();
    }
    metrics_server = std::move(*m);
  }
  uint16_t metrics_port = metrics_server ? metrics_server->port() : 0;
  service.log().Log("info", "listening",
                    {{"bind", config.bind},
                     {"http_port", (*api)->port()},
                     {"metrics_port", metrics_port},
                     {"auth", config.api_keys.empty() ? "off" : "on"},
                     {"api_keys", config.api_keys.size()},
                     {"max_connections", (*api)->max_connections()}});
  if (hooks.on_listening) hooks.on_listening((*api)->port(), metrics_port);

  // Open the stores while the probes already answer (/startup 503).
  std::unique_ptr<KnowledgeBase> engine;
  Status open_status;
  std::atomic<bool> open_done{false};
  std::atomic<bool> stop_opening{false};
  std::thread opener([&] {
    auto e = KnowledgeBase::Open(KbOptionsFromConfig(config));
    // A shared database that is not up yet (Unavailable): keep trying with
    // backoff while /startup answers 503, instead of exiting.
    for (int attempt = 0; !e.ok() && e.status().code() == StatusCode::kUnavailable; ++attempt) {
      service.log().Log("warn", "stores unavailable, retrying",
                        {{"error", e.status().ToString()}, {"attempt", attempt + 1}});
      service.SetStartupError(e.status().ToString(), /*final=*/false);
      auto until = std::chrono::steady_clock::now() + milliseconds(std::min(250 << std::min(attempt, 4), 5000));
      while (std::chrono::steady_clock::now() < until && !stop_opening.load()) {
        std::this_thread::sleep_for(milliseconds(50));
      }
      if (stop_opening.load()) break;
      e = KnowledgeBase::Open(KbOptionsFromConfig(config));
    }
    if (e.ok() && !config.database_url.empty()) {
      // Replicas share jobs and the one-ingest slot through the database.
      pg::PgConfig jc;
      jc.url = config.database_url;
      jc.password = config.database_password;
      auto jobs = OpenPgJobStore(jc);
      if (jobs.ok()) {
        service.jobs().SetStore(std::move(*jobs));
      } else {
        e = jobs.status();
      }
    }
    if (e.ok()) {
      service.log().Log("info", "stores open", {{"bar_store", (*e)->BarStoreLocation()}});
      engine = std::move(*e);
      service.SetKnowledgeBase(engine.get());
    } else {
      open_status = e.status();
      service.SetStartupError(e.status().ToString());
    }
    open_done.store(true);
  });

  int sig = 0;
  bool failed = false;
  while (true) {
    sig = signals.Poll(milliseconds(100));
    if (sig || (hooks.stop && hooks.stop->load())) break;
    if (open_done.load() && !open_status.ok()) {
      failed = true;
      break;
    }
  }
  if (!failed) {
    service.log().Log("info", "shutdown requested",
                      {{"signal", sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "stop"},
                       {"drain_seconds", config.drain_seconds}});
    service.BeginDrain();
    // Keep serving while load balancers notice /ready; a second signal skips the rest.
    auto drain_end = std::chrono::steady_clock::now() + Ms(config.drain_seconds);
    while (std::chrono::steady_clock::now() < drain_end) {
      auto left = std::chrono::duration_cast<milliseconds>(drain_end - std::chrono::steady_clock::now());
      if (signals.Poll(std::min(left, milliseconds(100)))) break;
    }
  }
  (*api)->StopAccepting();
  bool idle = (*api)->WaitIdle(Ms(config.shutdown_timeout_seconds));
  if (!idle) {
    service.log().Log("warn", "in-flight requests did not finish in time",
                      {{"in_flight", (*api)->in_flight()}});
  }
  stop_opening.store(true);
  opener.join();
  service.Shutdown(Ms(config.shutdown_timeout_seconds));
  (*api)->Stop();
  if (metrics_server) metrics_server->Stop();
  engine.reset();  // closes the stores (flush)
  service.log().Log("info", "stopped");
  service.log().Flush();
  if (failed) return open_status;
  return Status::Ok();
}

}  // namespace ohlcv
