// ReplayServer: a loopback HTTP server for tests that replays canned
// responses (Yahoo, Alpha Vantage, Polygon, OpenAI, Chroma fakes...).
//
// It listens on 127.0.0.1 on an ephemeral port (never a fixed one, so test
// binaries can run in parallel), answers each request from the route
// registered for its method and path (the path without the query string), and
// records every request so tests can assert what the client sent and how many
// connections it opened. Unknown routes get 404 {"error":"no route"}.
//
// Routes: Set() answers every request the same way; Enqueue() queues answers
// served in order, the last one repeating; Handle() calls a function. A
// response may carry a delay (a slow or silent server); Stop() interrupts
// delays so tests never wait for them.
//
// Thread-safety: all methods are safe to call from any thread while the
// server runs (cpp-httplib serves requests on its own thread pool). The
// destructor stops the server. Destroy clients (HttpClient, sources) first:
// a client still holding an idle keep-alive connection makes Stop() wait up
// to the 2 s keep-alive timeout. Declaring the server before the client in a
// fixture does this.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ohlcv::testing {

struct CannedResponse {
  CannedResponse() = default;
  CannedResponse(int status_code, std::string body_text,
                 std::string type = "application/json")
      : status(status_code), body(std::move(body_text)), content_type(std::move(type)) {}
  CannedResponse&& WithHeader(std::string name, std::string value) && {
    headers.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  CannedResponse&& WithDelay(std::chrono::milliseconds d) && {
    delay = d;
    return std::move(*this);
  }

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Retry-After
  // Wait this long before answering (interrupted by Stop). A delay beyond the
  // client's timeout simulates a server that never answers.
  std::chrono::milliseconds delay{0};
};

struct RecordedRequest {
  std::string method;
  std::string path;                                   // without the query string
  std::map<std::string, std::string> query;           // decoded query parameters
  std::map<std::string, std::string> headers;         // names lower-cased
  std::string body;
  std::string remote_addr;
  int remote_port = 0;                                // identifies the TCP connection

  // Query parameter or "" when absent.
  std::string Param(const std::string& name) const;
  // Header (lower-case name) or "" when absent.
  std::string Header(const std::string& lower_name) const;
};

class ReplayServer {
 public:
  using Handler = std::function<CannedResponse(const RecordedRequest&)>;

  ReplayServer();
  ~ReplayServer();
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  // Binds 127.0.0.1:0 and starts serving on a background thread. Returns
  // false when binding fails. REQUIRES: not already started.
  bool Start();
  // Stops serving and joins the thread; pending delays end at once. Idempotent.
  void Stop();

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" (no trailing slash).
  std::string base_url() const;

  // Routes; `method` is "GET", "POST", ... and `path` is matched exactly.
  void Set(const std::string& method, const std::string& path, CannedResponse response);
  void Enqueue(const std::string& method, const std::string& path, CannedResponse response);
  void Handle(const std::string& method, const std::string& path, Handler handler);
  void ClearRoutes();

  // Requests seen so far (all, or those for one path).
  size_t request_count() const;
  size_t request_count(const std::string& path) const;
  std::vector<RecordedRequest> requests() const;
  // Distinct client connections seen (by remote address and port).
  size_t connection_count() const;

 private:
  struct Route {
    std::vector<CannedResponse> queue;  // served in order; the last repeats
    size_t next = 0;
    Handler handler;                    // when set, used instead of queue
  };
  struct Server;  // wraps httplib::Server, keeping httplib out of this header

  CannedResponse Dispatch(const RecordedRequest& request);
  void Wait(std::chrono::milliseconds delay);

  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;                 // wakes delayed responses on Stop
  bool stopping_ = false;                           // guarded by mu_
  std::map<std::string, Route> routes_;             // guarded by mu_; key "METHOD path"
  std::vector<RecordedRequest> requests_;           // guarded by mu_
};

}  // namespace ohlcv::testing
