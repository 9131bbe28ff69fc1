#include "testutil/replay_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace ohlcv::testing {

struct ReplayServer::Server {
  httplib::Server http;
};

namespace {
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

std::string RecordedRequest::Param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? "" : it->second;
}

std::string RecordedRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

ReplayServer::ReplayServer() : server_(std::make_unique<Server>()) {}

ReplayServer::~ReplayServer() { Stop(); }

bool ReplayServer::Start() {
  auto& http = server_->http;
  // Keep connections open across many requests so tests can observe reuse.
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(2);
  // Without TCP_NODELAY, httplib's separate header and body writes meet the
  // client's delayed ACK and every reused-connection reply waits ~40 ms.
  http.set_tcp_nodelay(true);
  auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    RecordedRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.query.emplace(k, v);
    for (const auto& [k, v] : req.headers) r.headers.emplace(Lower(k), v);
    r.body = req.body;
    r.remote_addr = req.remote_addr;
    r.remote_port = req.remote_port;
    CannedResponse c = Dispatch(r);
    if (c.delay.count() > 0) Wait(c.delay);
    res.status = c.status;
    for (const auto& [k, v] : c.headers) res.set_header(k, v);
    res.set_content(c.body, c.content_type.c_str());
  };
  const std::string any = ".*";
  http.Get(any, serve);
  http.Post(any, serve);
  http.Put(any, serve);
  http.Patch(any, serve);
  http.Delete(any, serve);
  http.Options(any, serve);

  port_ = http.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_->http.listen_after_bind(); });
  // httplib's stop() is a no-op until the listen loop runs, so wait for it
  // (bounded) to make a later Stop() reliable. bind_to_any_port already
  // listens, so early client connections simply wait in the backlog.
  for (int i = 0; i < 5000 && !server_->http.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server_->http.is_running();
}

void ReplayServer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) {
    server_->http.stop();
    thread_.join();
  }
}

std::string ReplayServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void ReplayServer::Set(const std::string& method, const std::string& path, CannedResponse response) {
  std::lock_guard lock(mu_);
  Route& r = routes_[method + " " + path];
  r.queue.assign(1, std::move(response));
  r.next = 0;
  r.handler = nullptr;
}

void ReplayServer::Enqueue(const std::string& method, const std::string& path,
                           CannedResponse response) {
  std::lock_guard lock(mu_);
  Route& r = routes_[method + " " + path];
  r.handler = nullptr;
  r.queue.push_back(std::move(response));
}

void ReplayServer::Handle(const std::string& method, const std::string& path, Handler handler) {
  std::lock_guard lock(mu_);
  Route& r = routes_[method + " " + path];
  r.queue.clear();
  r.next = 0;
  r.handler = std::move(handler);
}

void ReplayServer::ClearRoutes() {
  std::lock_guard lock(mu_);
  routes_.clear();
}

CannedResponse ReplayServer::Dispatch(const RecordedRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    auto it = routes_.find(request.method + " " + request.path);
    if (it == routes_.end() || (it->second.queue.empty() && !it->second.handler)) {
      return CannedResponse(404, R"({"error":"no route"})");
    }
    Route& r = it->second;
    if (!r.handler) {
      const size_t i = std::min(r.next, r.queue.size() - 1);
      if (r.next < r.queue.size()) ++r.next;
      return r.queue[i];
    }
    handler = r.handler;
  }
  return handler(request);  // outside the lock: handlers may call back into us
}

void ReplayServer::Wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  stop_cv_.wait_for(lock, delay, [this] { return stopping_; });
}

size_t ReplayServer::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

size_t ReplayServer::request_count(const std::string& path) const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(requests_.begin(), requests_.end(),
                                           [&](const RecordedRequest& r) { return r.path == path; }));
}

std::vector<RecordedRequest> ReplayServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t ReplayServer::connection_count() const {
  std::lock_guard lock(mu_);
  std::set<std::pair<std::string, int>> seen;
  for (const auto& r : requests_) seen.emplace(r.remote_addr, r.remote_port);
  return seen.size();
}

}  // namespace ohlcv::testing
