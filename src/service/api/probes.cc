// Kubernetes probes on the API port, without auth:
//   /startup  503 until the stores are open and the index is loaded, then 200
//   /ready    200 {"ready":true} when started, not draining and the vector
//             store answers ("writes":"degraded: ..." when the data directory
//             is read-only); else 503 {"ready":false,"reason":...}
//   /health   liveness: healthy | degraded | unhealthy from KnowledgeBase::Health()
//             (bar store, vector store, and the LLM when LLM_PROVIDER=openai,
//             its reachability cached for a few seconds); 503 only when
//             unhealthy (a down Chroma or LLM is degraded)
// All three run on the I/O thread from the Service's probe snapshot
// (refreshed every second off the request path); paths and URLs in details
// are redacted (RedactForPublic).
#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"
#include "service/api/service.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

ServerResponse Json(int status, const json& body) {
  ServerResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

// Startup errors and component details may name paths and URLs (with
// credentials): the probes answer without auth, so they are redacted here
// (the full text is in the log).
ServerResponse Startup(Service& s) {
  if (s.started()) return Json(200, {{"started", true}});
  std::string error = s.startup_error();
  return Json(503, {{"started", false}, {"reason", error.empty() ? "starting" : RedactForPublic(error)}});
}

ServerResponse Ready(Service& s) {
  auto not_ready = [](std::string reason) { return Json(503, {{"ready", false}, {"reason", std::move(reason)}}); };
  if (s.draining()) return not_ready("draining");
  if (!s.kb()) {
    std::string error = s.startup_error();
    return not_ready(error.empty() ? "starting" : "startup failed: " + RedactForPublic(error));
  }
  ProbeSnapshot snap = s.probe_snapshot();
  if (snap.valid && !snap.index.ok()) return not_ready("vector store: " + RedactForPublic(snap.index.ToString()));
  // A shared bar store (PostgreSQL) that is down: not ready until it returns.
  if (snap.valid && !snap.store.ok()) return not_ready("bar store: " + RedactForPublic(snap.store.ToString()));
  json body = {{"ready", true}};
  if (s.kb()->read_only()) body["writes"] = "degraded: the data directory is read-only";
  return Json(200, body);
}

ServerResponse Health(Service& s) {
  json components = json::array();
  bool critical_down = false, degraded = false;
  if (!s.kb()) {
    std::string error = s.startup_error();
    // Alive while starting (the startup probe gates liveness); dead when
    // startup failed for good.
    components.push_back({{"name", "engine"}, {"ok", false}, {"critical", true},
                          {"detail", error.empty() ? "starting" : RedactForPublic(error)}});
    if (s.startup_failed()) critical_down = true;
    else degraded = true;  // starting, or waiting for a store that is not up yet
  } else {
    for (const auto& c : s.probe_snapshot().components) {
      components.push_back(
          {{"name", c.name}, {"ok", c.ok}, {"critical", c.critical}, {"detail", RedactForPublic(c.detail)}});
      if (!c.ok && c.critical) critical_down = true;
      if (!c.ok && !c.critical) degraded = true;
    }
  }
  std::string status = critical_down ? "unhealthy" : (degraded ? "degraded" : "healthy");
  return Json(critical_down ? 503 : 200, {{"status", status}, {"components", components}});
}

}  // namespace

void RegisterProbeRoutes(Router& router, Service& service) {
  // All three read atomics and the probe snapshot: on the I/O thread, never
  // queued behind the worker pool.
  RouteOptions inline_probe{.auth = false, .run_inline = true};
  router.Add("GET", "/startup", [&service](const ServerRequest&, const RouteParams&) { return Startup(service); },
             inline_probe);
  router.Add("GET", "/ready", [&service](const ServerRequest&, const RouteParams&) { return Ready(service); },
             inline_probe);
  router.Add("GET", "/health", [&service](const ServerRequest&, const RouteParams&) { return Health(service); },
             inline_probe);
}

}  // namespace ohlcv
