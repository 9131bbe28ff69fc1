// The Beast adapter: every Boost.Beast/Asio type and exception stops here.
#include "service/http/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "service/http/api_error.h"

namespace ohlcv {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class Session;

// True for a Transfer-Encoding of exactly "chunked" (any case, spaces
// around); codings such as "gzip, chunked" or "xchunked" are not supported.
bool IsPlainChunked(beast::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return beast::iequals(v, "chunked");
}

// State shared by the acceptor and every session; outlives them (the server
// joins its I/O threads before destroying it).
struct ServerState {
  HttpServerOptions options;
  HttpHandler handler;
  TransportErrorFn on_transport_error;
  ConnectionRefusedFn on_refused;
  size_t max_connections = 0;  // options.max_connections, or derived
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> closing{false};
  std::mutex idle_mu;
  std::condition_variable idle_cv;  // signalled when in_flight drops to 0

  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by sessions_mu
  std::unordered_map<std::string, size_t> per_address;            // guarded by sessions_mu

  // Takes a slot for `address`; false when it has max_connections_per_address.
  bool AcquireAddress(const std::string& address) {
    std::lock_guard lock(sessions_mu);
    size_t& n = per_address[address];
    if (options.max_connections_per_address > 0 && n >= options.max_connections_per_address) {
      if (n == 0) per_address.erase(address);
      return false;
    }
    ++n;
    return true;
  }
  void ReleaseAddress(const std::string& address) {
    std::lock_guard lock(sessions_mu);
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }

  void RequestDone() {
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(idle_mu);
      idle_cv.notify_all();
    }
  }
};

class Session final : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: the caller counted this connection in state.connections and
  // took an address slot (AcquireAddress) for `remote`.
  Session(tcp::socket socket, ServerState& state, std::string remote)
      : stream_(std::move(socket)), state_(state), remote_(std::move(remote)) {}
  ~Session() {
    state_.ReleaseAddress(remote_);
    state_.connections.fetch_sub(1);
  }

  void Start() {
    {
      std::lock_guard lock(state_.sessions_mu);
      state_.sessions[this] = weak_from_this();
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // From any thread: closes the connection if it is between requests.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->Close();
    });
  }
  void CloseNow() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

 private:
  void WaitForRequest() {
    if (state_.closing.load()) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined bytes already here
    idle_ = true;
    // The first request of a connection must start soon; later ones may
    // wait the keep-alive idle time.
    stream_.expires_after(first_request_ ? std::min(state_.options.first_byte_timeout, state_.options.idle_timeout)
                                         : state_.options.idle_timeout);
    first_request_ = false;
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->buffer_.commit(n);
      self->idle_ = false;
      if (ec) return self->Close();
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    idle_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(state_.options.max_header_bytes));
    parser_->body_limit(state_.options.max_body_bytes);
    stream_.expires_after(state_.options.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) return Fail(431, "request header too large");
    if (ec == http::error::body_limit) return Fail(413, "request body too large");
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) return Fail(400, "malformed HTTP request: " + ec.message());
    const auto& h = parser_->get();
    // The whole block counts, not each field: request line, names, values.
    size_t header_bytes = h.method_string().size() + h.target().size() + 12;
    for (const auto& f : h) header_bytes += f.name_string().size() + f.value().size() + 4;
    if (header_bytes > state_.options.max_header_bytes) return Fail(431, "request header too large");
    if (h.version() >= 11 && h.find(http::field::host) == h.end()) {
      return Fail(400, "HTTP/1.1 requests need a Host header");
    }
    if (auto te = h.find(http::field::transfer_encoding); te != h.end() && !IsPlainChunked(te->value())) {
      return Fail(501, "unsupported transfer coding (only chunked is accepted)");
    }
    auto length = parser_->content_length();
    if (length && *length > state_.options.max_body_bytes) return Fail(413, "request body too large");
    if (parser_->is_done()) return Dispatch();
    stream_.expires_after(state_.options.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) return Fail(413, "request body too large");
    if (ec == beast::error::timeout || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) return Fail(400, "malformed HTTP request: " + ec.message());
    Dispatch();
  }

  void Dispatch() {
    // The handler's time is the server's, not the client's: no read deadline
    // while it runs (handlers are bounded by the worker pool and their own
    // deadlines).
    stream_.expires_never();
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    ServerRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.remote = remote_;
    head_ = req.method() == http::verb::head;
    keep_alive_ = req.keep_alive();
    r.headers.reserve(8);
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    r.body = std::move(req.body());
    if (!SplitTarget(r.target, &r.path, &r.query)) {
      counted_ = false;
      return Write(ErrorResponse(400, "bad request target"), /*force_close=*/true);
    }
    counted_ = true;
    state_.in_flight.fetch_add(1);
    state_.handler(std::move(r), [self = shared_from_this()](ServerResponse resp) {
      net::post(self->stream_.get_executor(), [self, resp = std::move(resp)]() mutable {
        self->Write(std::move(resp), false);
      });
    });
  }

  void Fail(int status, const std::string& message) {
    if (state_.on_transport_error) state_.on_transport_error(status, remote_);
    counted_ = false;
    keep_alive_ = false;
    head_ = false;
    linger_ = true;
    Write(ErrorResponse(status, message), true);
  }

  // After an error reply the client may still be sending (a 2 MB body we
  // refused). Closing at once would make the kernel send RST and the client
  // could lose the reply; so half-close, discard what still arrives for a
  // short while, then close.
  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    linger_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    Discard();
  }
  void Discard() {
    if (std::chrono::steady_clock::now() > linger_deadline_ || discarded_ > (8u << 20)) return Close();
    stream_.expires_after(std::chrono::milliseconds(500));
    stream_.async_read_some(net::buffer(discard_buf_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->discarded_ += n;
      if (ec) return self->Close();
      self->Discard();
    });
  }

  void Write(ServerResponse r, bool force_close) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "ohlcv-rag");
    res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    bool keep = keep_alive_ && !force_close && !r.close && !state_.closing.load();
    res->keep_alive(keep);
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_) res->body().clear();  // Content-Length stays that of the GET reply
    stream_.expires_after(state_.options.body_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
      if (self->counted_) {
        self->counted_ = false;
        self->state_.RequestDone();
      }
      if (!ec && self->linger_) return self->LingerClose();
      if (ec || !keep) return self->Close();
      self->WaitForRequest();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    std::lock_guard lock(state_.sessions_mu);
    state_.sessions.erase(this);
  }

  beast::tcp_stream stream_;
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  bool idle_ = true;       // waiting for the first byte of a request
  bool keep_alive_ = true;
  bool head_ = false;
  bool counted_ = false;   // this request is counted in in_flight
  bool closed_ = false;
  bool linger_ = false;    // close with LingerClose after this reply
  bool first_request_ = true;  // no request read yet: first_byte_timeout applies
  std::chrono::steady_clock::time_point linger_deadline_;
  size_t discarded_ = 0;
  std::array<char, 16384> discard_buf_;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(const HttpServerOptions& options, HttpHandler handler, TransportErrorFn on_error,
              ConnectionRefusedFn on_refused)
      : ioc_(static_cast<int>(std::max<size_t>(1, options.io_threads))),
        acceptor_(net::make_strand(ioc_)),
        accept_retry_(ioc_),
        work_(net::make_work_guard(ioc_)) {
    state_.options = options;
    state_.handler = std::move(handler);
    state_.on_transport_error = std::move(on_error);
    state_.on_refused = std::move(on_refused);
    state_.max_connections = options.max_connections;
    if (state_.max_connections == 0) {
      rlimit rl{};
      uint64_t nofile = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? rl.rlim_cur : 1 << 20;
      state_.max_connections = ConnectionLimitForDescriptors(nofile);
    }
  }

  ~BeastServer() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    auto address = net::ip::make_address(state_.options.bind, ec);
    if (ec) return Status::InvalidArgument("bad bind address '" + state_.options.bind + "': " + ec.message());
    tcp::endpoint ep(address, state_.options.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("cannot listen on " + state_.options.bind + ":" +
                             std::to_string(state_.options.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    Accept();
    for (size_t i = 0; i < std::max<size_t>(1, state_.options.io_threads); ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }
  size_t active_connections() const override { return state_.connections.load(); }
  size_t in_flight() const override { return state_.in_flight.load(); }
  size_t max_connections() const override { return state_.max_connections; }

  void StopAccepting() override {
    if (state_.closing.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      accept_retry_.cancel();
    });
    for (auto& s : Sessions()) s->CloseIfIdle();
  }

  bool WaitIdle(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(state_.idle_mu);
    return state_.idle_cv.wait_for(lock, timeout, [this] { return state_.in_flight.load() == 0; });
  }

  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    StopAccepting();
    for (auto& s : Sessions()) s->CloseNow();
    work_.reset();
    // Give the posted closes a moment to run, then stop the loop outright.
    for (int i = 0; i < 100 && state_.connections.load() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  std::vector<std::shared_ptr<Session>> Sessions() {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard lock(state_.sessions_mu);
    for (auto& [p, w] : state_.sessions) {
      if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
  }

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (state_.closing.load() || !acceptor_.is_open()) return;
      if (ec) {
        // EMFILE and friends: back off briefly instead of spinning.
        accept_retry_.expires_after(std::chrono::milliseconds(50));
        accept_retry_.async_wait([this](beast::error_code wec) {
          if (!wec) Accept();
        });
        return;
      }
      beast::error_code ignored;
      std::string remote = socket.remote_endpoint(ignored).address().to_string(ignored);
      std::string_view refused;
      if (state_.connections.load() >= state_.max_connections) {
        refused = "max_connections";
      } else if (!state_.AcquireAddress(remote)) {
        refused = "per_address";
      }
      if (!refused.empty()) {
        socket.close(ignored);
        if (state_.on_refused) state_.on_refused(refused, remote);
      } else {
        state_.connections.fetch_add(1);
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), state_, std::move(remote))->Start();
      }
      Accept();
    });
  }

  ServerState state_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace

size_t ConnectionLimitForDescriptors(uint64_t nofile) {
  // A quarter (at least 64, at most 1024) stays for SQLite files, HNSW files,
  // outbound HTTP, the metrics port and the logs; at least 16 connections.
  uint64_t reserve = std::clamp<uint64_t>(nofile / 4, 64, 1024);
  return static_cast<size_t>(std::max<uint64_t>(16, nofile > reserve ? nofile - reserve : 0));
}

Result<std::unique_ptr<HttpServer>> StartHttpServer(const HttpServerOptions& options, HttpHandler handler,
                                                    TransportErrorFn on_transport_error,
                                                    ConnectionRefusedFn on_refused) {
  try {
    auto server = std::make_unique<BeastServer>(options, std::move(handler), std::move(on_transport_error),
                                                std::move(on_refused));
    OHLCV_RETURN_IF_ERROR(server->Listen());
    return std::unique_ptr<HttpServer>(std::move(server));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot start HTTP server: ") + e.what());
  }
}

}  // namespace ohlcv
