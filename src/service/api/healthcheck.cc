// `ohlcv-rag healthcheck`: GET /health over a plain socket, so container
// images need no curl.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "service/api/server_main.h"

namespace ohlcv {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool WaitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return poll(&p, 1, static_cast<int>(left.count())) == 1;
}

}  // namespace

Status Healthcheck(const AppConfig& config, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  // A wildcard bind is reached over loopback.
  std::string host = (config.bind == "0.0.0.0" || config.bind == "::" || config.bind == "localhost")
                         ? "127.0.0.1"
                         : config.bind;
  bool v6 = host.find(':') != std::string::npos;
  Fd fd(socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Status::Unavailable("socket() failed");
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(config.http_port));
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) return Status::InvalidArgument("bad address " + host);
    len = sizeof(*a);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(config.http_port));
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) return Status::InvalidArgument("bad address " + host);
    len = sizeof(*a);
  }
  std::string where = host + ":" + std::to_string(config.http_port);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 && errno != EINPROGRESS) {
    return Status::Unavailable("cannot connect to " + where);
  }
  if (!WaitFor(fd.get(), POLLOUT, deadline)) return Status::Unavailable("timed out connecting to " + where);
  int err = 0;
  socklen_t err_len = sizeof(err);
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0) return Status::Unavailable("cannot connect to " + where);
  std::string req = "GET /health HTTP/1.1\r\nHost: " + where + "\r\nConnection: close\r\n\r\n";
  size_t sent = 0;
  while (sent < req.size()) {
    if (!WaitFor(fd.get(), POLLOUT, deadline)) return Status::Unavailable("timed out sending to " + where);
    ssize_t n = send(fd.get(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return Status::Unavailable("send failed to " + where);
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  char buf[1024];
  while (reply.find("\r\n") == std::string::npos && reply.size() < 4096) {
    if (!WaitFor(fd.get(), POLLIN, deadline)) return Status::Unavailable("timed out waiting for " + where);
    ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  if (reply.size() < 12 || reply.compare(0, 5, "HTTP/") != 0) {
    return Status::Unavailable("no HTTP reply from " + where);
  }
  std::string code = reply.substr(9, 3);
  if (code != "200") return Status::Unavailable("/health answered " + code);
  return Status::Ok();
}

}  // namespace ohlcv
