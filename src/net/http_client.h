// HttpClient: the one HTTP client of ohlcv-rag (libcurl underneath), used by
// the remote sources, the OpenAI-compatible embedder and LLM, and the ChromaDB
// store.
//
// It adds what every caller needs: connect and total timeouts, retries with
// exponential backoff and jitter on transport errors (including timeouts),
// 429 and 5xx (honouring Retry-After, capped by max_backoff), connection
// reuse (a pool of kept-alive curl handles, below), and
// a status mapping: a transport failure becomes Unavailable or
// DeadlineExceeded; an HTTP error status is NOT an error of Send() (the caller
// reads HttpResponse::status) once the retries are spent.
//
// Connection reuse: the client keeps a small pool of idle curl easy handles;
// each Send borrows one (so concurrent Sends never share a handle) and returns
// it, and the handle keeps its live connections, so consecutive requests to
// the same host reuse one kept-alive TCP connection.
//
// Thread-safety: safe for concurrent use; each in-flight Send has its own
// pooled handle and connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace ohlcv {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};  // whole request, per attempt
  int max_retries = 3;                                // retries after the first attempt
  std::chrono::milliseconds initial_backoff{200};     // doubles each retry, with jitter
  std::chrono::milliseconds max_backoff{5000};        // cap, also for Retry-After
  std::string user_agent = "ohlcv-rag/0.1";
  // Bodies larger than this fail with ResourceExhausted (protects memory from
  // a misbehaving server). 0 = no limit.
  size_t max_response_bytes = size_t{256} << 20;
  // Idle curl handles (each with its open connections) kept between Sends.
  size_t max_idle_handles = 8;
};

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE, PATCH
  std::string url;             // absolute, e.g. "http://127.0.0.1:8000/api/v2/heartbeat"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Per-request override of options.request_timeout when > 0.
  std::chrono::milliseconds timeout{0};
  // Retry this request on 429/5xx/transport errors (false for non-idempotent calls).
  bool retry = true;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  int attempts = 0;  // how many attempts were made

  // First header value with that lower-case name, or "".
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request, retrying as configured. Returns the last response
  // (any HTTP status) or, once the retries are spent, Unavailable (connection
  // refused/reset, DNS), DeadlineExceeded (connect or request timeout),
  // ResourceExhausted (body over max_response_bytes) or InvalidArgument (bad
  // URL or method; never retried). Error messages name the method and the URL
  // without its query string, so API keys in queries are not leaked to logs.
  Result<HttpResponse> Send(const HttpRequest& request);

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Impl;
  HttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query value (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& value);

}  // namespace ohlcv
