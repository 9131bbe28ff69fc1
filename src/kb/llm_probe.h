// LlmProbe: is the OpenAI-compatible LLM server reachable? For /health.
//
// A check is `GET <base_url>/models` (OpenAiClient::Models, the one
// OpenAI-compatible client) with a short timeout and no retries. Any
// reply below 500 other than 401/403 counts as reachable (the server answers;
// a model list needs no particular status). 401/403 say the key is refused,
// 5xx and transport errors say it is down: all three make the component not
// ok. The LLM is never critical: answers fall back to the offline template,
// so a down LLM makes the service degraded, not unhealthy.
//
// Results are cached for `ttl` so a kubelet polling /health every few
// seconds, or a load test hammering it, costs at most one outbound request per
// ttl. While one caller refreshes, the others get the previous result at
// once instead of queueing behind the network call.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "net/openai_client.h"

namespace ohlcv {

struct LlmProbeOptions {
  std::string base_url;                        // API root including /v1; REQUIRES: non-empty
  std::string api_key;                         // sent as Bearer when non-empty; never logged
  std::chrono::milliseconds ttl{5000};         // how long a result is reused
  std::chrono::milliseconds timeout{1500};     // per check (connect + reply)
};

struct LlmProbeResult {
  bool ok = false;
  std::string detail;  // "reachable (HTTP 200)", "unreachable: ...", "key refused (HTTP 401)"
};

class LlmProbe {
 public:
  explicit LlmProbe(LlmProbeOptions options);
  ~LlmProbe();

  // The cached result when younger than ttl, else a fresh check.
  LlmProbeResult Check();
  // Checks performed so far (tests: proves the cache works).
  uint64_t checks() const;

 private:
  LlmProbeResult Fetch();

  const LlmProbeOptions options_;
  std::unique_ptr<OpenAiClient> client_;
  mutable std::mutex mu_;
  LlmProbeResult cached_;                              // guarded by mu_
  std::chrono::steady_clock::time_point checked_at_;   // guarded by mu_
  bool have_result_ = false;                           // guarded by mu_
  bool refreshing_ = false;                            // guarded by mu_
  uint64_t checks_ = 0;                                // guarded by mu_
};

}  // namespace ohlcv
