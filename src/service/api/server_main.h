// RunServer: the `ohlcv-rag serve` entry point, and Healthcheck: the
// `ohlcv-rag healthcheck` helper for container HEALTHCHECKs without curl.
//
// RunServer order: refuse a non-loopback bind without an API key (unless
// insecure) → start the API listener (probes answer 503 "starting") and the
// metrics listener → open the KnowledgeBase (stores, index) → started. Then it
// blocks until SIGTERM/SIGINT (or `stop`): /ready turns 503 at once, requests
// keep being served for drain_seconds, then the listener closes, in-flight
// requests finish (at most shutdown_timeout_seconds), handlers and jobs stop,
// logs are flushed, and it returns OK (the CLI exits 0).
//
// Thread-safety: RunServer blocks SIGTERM/SIGINT in its thread (so in every
// thread it starts) and takes them with sigtimedwait; other threads of the
// process should block them too. Run one RunServer per process.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "config/app_config.h"
#include "core/status.h"
#include "core/status.h"

namespace ohlcv {

struct RunServerHooks {
  // Called once both listeners are up (ports resolved when 0 was asked).
  std::function<void(uint16_t http_port, uint16_t metrics_port)> on_listening;
  // When set, RunServer also stops once this becomes true (tests; no signal).
  const std::atomic<bool>* stop = nullptr;
  // Handle SIGTERM/SIGINT (false in tests that run in-process).
  bool handle_signals = true;
};

Status RunServer(const AppConfig& config, const RunServerHooks& hooks = {});

// OK when GET http://<host>:<config.http_port>/health answers 200 within
// timeout_ms; host is 127.0.0.1 unless bind is a specific other address.
// Unavailable otherwise, with the reason.
Status Healthcheck(const AppConfig& config, int timeout_ms = 3000);

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackAddress(const std::string& address);

}  // namespace ohlcv
