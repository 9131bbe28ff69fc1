// HttpServer: an HTTP/1.1 server on Boost.Beast/Asio, the only file that
// includes Beast. It reads requests, hands each to one HttpHandler and writes
// the reply; routing, auth, metrics and worker pools live above it.
//
// Per connection: keep-alive; the idle wait before a request has its own
// timeout; once the first byte of a request arrives the whole header must
// arrive within header_timeout and the whole body within body_timeout, so a
// client sending a byte a second is cut off without holding anything but a
// socket (reads are asynchronous; no thread waits on a client). Header and
// body size limits answer 431 and 413 and close (the header limit counts the
// whole block: request line and every field). HTTP/1.1 without Host is 400;
// a Transfer-Encoding other than "chunked" is 501. Connections beyond
// max_connections, or beyond max_connections_per_address from one address,
// are closed at accept and reported to on_refused. A new connection gets
// first_byte_timeout to start its request.
//
// Shutdown: StopAccepting() closes the listener and the idle keep-alive
// connections; a connection busy with a request closes after its reply
// (sent with "Connection: close"). WaitIdle() waits for those replies.
// Stop() closes everything and joins the I/O threads.
//
// Ownership: the handler is called on an I/O thread and must not block; it
// gets a Responder to call exactly once, from any thread. REQUIRES: every
// Responder has been called or destroyed before the server is destroyed.
// Thread-safety: all methods are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "service/http/http_types.h"

namespace ohlcv {

struct HttpServerOptions {
  std::string bind = "127.0.0.1";  // IPv4 or IPv6 literal
  uint16_t port = 0;               // 0 = ephemeral; see HttpServer::port()
  size_t max_header_bytes = 16 << 10;
  size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};   // also bounds writing the reply
  std::chrono::milliseconds idle_timeout{75000};   // keep-alive wait for the next request
  size_t io_threads = 1;
  // Open connections beyond this are closed at accept; 0 = derived from the
  // descriptor limit (RLIMIT_NOFILE less a reserve for the stores and
  // clients), see HttpServer::max_connections().
  size_t max_connections = 0;
  size_t max_connections_per_address = 64;           // 0 = no limit
  // A new connection must send its first byte within this (then idle_timeout
  // applies between keep-alive requests), so idle sockets cannot hold slots.
  std::chrono::milliseconds first_byte_timeout{5000};
};

using Responder = std::function<void(ServerResponse)>;
using HttpHandler = std::function<void(ServerRequest&& request, Responder respond)>;

// Called for replies the server makes itself (400, 413, 431), for metrics
// and logs; may be empty.
using TransportErrorFn = std::function<void(int status, const std::string& remote)>;
// Called for each connection closed at accept; reason is "max_connections"
// or "per_address". May be empty. Called on an I/O thread: must not block.
using ConnectionRefusedFn = std::function<void(std::string_view reason, const std::string& remote)>;

class HttpServer {
 public:
  virtual ~HttpServer() = default;

  virtual uint16_t port() const = 0;
  virtual size_t active_connections() const = 0;
  // Requests read and not yet fully answered.
  virtual size_t in_flight() const = 0;
  // The connection limit in force (options.max_connections, or derived).
  virtual size_t max_connections() const = 0;

  virtual void StopAccepting() = 0;
  // True when in_flight() reached 0 within timeout.
  virtual bool WaitIdle(std::chrono::milliseconds timeout) = 0;
  virtual void Stop() = 0;
};

// Binds, listens and starts the I/O threads. IOError when the address cannot
// be bound (in use, bad address).
Result<std::unique_ptr<HttpServer>> StartHttpServer(const HttpServerOptions& options, HttpHandler handler,
                                                    TransportErrorFn on_transport_error = {},
                                                    ConnectionRefusedFn on_refused = {});

// The connection limit for a descriptor limit: room is kept for the stores,
// index files, outbound clients and the metrics port.
size_t ConnectionLimitForDescriptors(uint64_t nofile);

}  // namespace ohlcv
