#include "kb/llm_probe.h"

namespace ohlcv {

LlmProbe::LlmProbe(LlmProbeOptions options) : options_(std::move(options)) {
  OpenAiClientOptions o;
  o.base_url = options_.base_url;
  o.api_key = options_.api_key;
  o.connect_timeout = options_.timeout;
  o.timeout = options_.timeout;
  o.retries = 0;  // a probe reports, it does not insist
  o.max_response_bytes = 1 << 20;
  o.max_idle_handles = 1;
  o.what = "LLM";
  client_ = std::make_unique<OpenAiClient>(o);
}

LlmProbe::~LlmProbe() = default;

LlmProbeResult LlmProbe::Fetch() {
  auto res = client_->Models();
  if (!res.ok()) return {false, "unreachable: " + res.status().message()};
  long code = res->http_status;
  std::string http = "(HTTP " + std::to_string(code) + ")";
  if (code == 401 || code == 403) return {false, "key refused " + http};
  if (code >= 500) return {false, "server error " + http};
  return {true, "reachable " + http};
}

LlmProbeResult LlmProbe::Check() {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    bool fresh = have_result_ && now - checked_at_ < options_.ttl;
    // Someone is already asking the server: reuse what we know rather than
    // queue probes behind a slow network call.
    if (fresh || (refreshing_ && have_result_)) return cached_;
    if (refreshing_) return {false, "checking"};
    refreshing_ = true;
  }
  LlmProbeResult result = Fetch();
  std::lock_guard lock(mu_);
  cached_ = result;
  checked_at_ = std::chrono::steady_clock::now();
  have_result_ = true;
  refreshing_ = false;
  ++checks_;
  return result;
}

uint64_t LlmProbe::checks() const {
  std::lock_guard lock(mu_);
  return checks_;
}

}  // namespace ohlcv
