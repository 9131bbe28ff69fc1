// Raw loopback sockets for transport tests: connect, send bytes slowly, read
// a reply with a deadline. Header-only helper for tests/service.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace ohlcv::testing {

class RawConn {
 public:
  explicit RawConn(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~RawConn() {
    if (fd_ >= 0) close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;
  RawConn(RawConn&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& s) {
    size_t sent = 0;
    while (sent < s.size()) {
      ssize_t n = send(fd_, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until the peer closes, `until` appears (after a complete body when
  // Content-Length is present), or the timeout; returns what arrived.
  std::string Read(std::chrono::milliseconds timeout, bool until_close = false) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) != 1) break;
      char buf[8192];
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
      if (!until_close && CompleteReply(out)) break;
    }
    return out;
  }
  bool closed() const { return closed_; }
  // True when the peer has closed (reads EOF) within timeout.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    Read(timeout, /*until_close=*/true);
    return closed_;
  }

  static bool CompleteReply(const std::string& s) {
    size_t end = s.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    size_t cl = s.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) cl = s.find("content-length: ");
    if (cl == std::string::npos || cl > end) return true;
    size_t len = std::stoul(s.substr(cl + 16));
    return s.size() >= end + 4 + len;
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// "HTTP/1.1 413 ..." -> 413; 0 when not a reply.
inline int StatusOf(const std::string& reply) {
  if (reply.size() < 12 || reply.compare(0, 5, "HTTP/") != 0) return 0;
  return std::stoi(reply.substr(9, 3));
}

}  // namespace ohlcv::testing
