// Transport tests: a real HttpServer on 127.0.0.1 with simple handlers.
#include "service/http/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <sys/resource.h>

#include <csignal>
#include <thread>
#include <vector>

#include "raw_client.h"
#include "service/http/worker_pool.h"

namespace ohlcv {
namespace {

// Writing to a socket the server closed must fail, not kill the test binary.
const bool kIgnoreSigpipe = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

using namespace std::chrono_literals;
using testing::RawConn;
using testing::StatusOf;

// Echo handler: replies with method, path and body; "/slow" sleeps on a
// worker first (a handler that must not block the I/O thread).
struct EchoServer {
  explicit EchoServer(HttpServerOptions o = {}) : pool(4, 1000) {
    auto s = StartHttpServer(o, [this](ServerRequest&& r, Responder respond) {
      if (r.path == "/slow") {
        pool.TryPost([respond] {
          std::this_thread::sleep_for(300ms);
          ServerResponse resp;
          resp.body = "slow done";
          respond(std::move(resp));
        });
        return;
      }
      ServerResponse resp;
      resp.content_type = "text/plain";
      resp.body = r.method + " " + r.path + " " + r.body;
      respond(std::move(resp));
    });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server = std::move(*s);
  }
  ~EchoServer() {
    pool.Stop();
    server->Stop();
  }
  WorkerPool pool;
  std::unique_ptr<HttpServer> server;
};

TEST(HttpServerTest, ServesKeepAliveRequests) {
  EchoServer s;
  httplib::Client cli("127.0.0.1", s.server->port());
  cli.set_keep_alive(true);
  for (int i = 0; i < 20; ++i) {
    auto res = cli.Post("/a%20b", "payload" + std::to_string(i), "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "POST /a b payload" + std::to_string(i));
  }
  EXPECT_EQ(s.server->active_connections(), 1u);
}

TEST(HttpServerTest, PipelinedRequestsOnOneConnection) {
  EchoServer s;
  RawConn c(s.server->port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string all;
  for (int i = 0; i < 20 && all.find("GET /two") == std::string::npos; ++i) all += c.Read(200ms);
  EXPECT_NE(all.find("GET /one"), std::string::npos);
  EXPECT_NE(all.find("GET /two"), std::string::npos);
}

TEST(HttpServerTest, OversizedBodyGets413) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  EchoServer s(o);
  httplib::Client cli("127.0.0.1", s.server->port());
  auto res = cli.Post("/x", std::string(5000, 'a'), "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_NE(res->body.find("\"payload_too_large\""), std::string::npos) << res->body;
  auto ok = cli.Post("/x", std::string(1000, 'a'), "text/plain");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);

  // Chunked bodies are limited too (no Content-Length to check up front).
  RawConn c(s.server->port());
  std::string chunk(800, 'b');
  char size_line[16];
  snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
  std::string req = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  req += size_line + chunk + "\r\n" + size_line + chunk + "\r\n0\r\n\r\n";
  ASSERT_TRUE(c.Send(req));
  EXPECT_EQ(StatusOf(c.Read(2s)), 413);
}

TEST(HttpServerTest, OversizedHeaderGets431) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  EchoServer s(o);
  RawConn c(s.server->port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.Read(2s)), 431);
}

TEST(HttpServerTest, MalformedRequestGets400) {
  EchoServer s;
  RawConn c(s.server->port());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.Read(2s)), 400);
  RawConn d(s.server->port());
  ASSERT_TRUE(d.Send("GET http://absolute/form HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(d.Read(2s)), 400);
}

// A client that sends one byte a second is cut off at the header timeout,
// and other clients are served meanwhile.
TEST(HttpServerTest, SlowClientIsCutOffWhileOthersSucceed) {
  HttpServerOptions o;
  o.header_timeout = 1500ms;
  o.io_threads = 1;  // the worst case: one I/O thread shared with the slow client
  EchoServer s(o);
  std::atomic<bool> slow_cut{false};
  std::atomic<int> slow_bytes{0};
  std::thread slow([&] {
    RawConn c(s.server->port());
    std::string req = "GET /slowloris HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(100, 'p') + "\r\n\r\n";
    for (size_t i = 0; i < req.size() && i < 10; ++i) {
      if (!c.Send(std::string(1, req[i]))) {
        slow_cut = true;
        return;
      }
      ++slow_bytes;
      // Check for EOF while waiting the second.
      if (c.WaitClosed(1000ms)) {
        slow_cut = true;
        return;
      }
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  int ok = 0;
  httplib::Client cli("127.0.0.1", s.server->port());
  while (std::chrono::steady_clock::now() - t0 < 2500ms) {
    auto res = cli.Get("/fast");
    if (res && res->status == 200) ++ok;
    std::this_thread::sleep_for(20ms);
  }
  slow.join();
  EXPECT_TRUE(slow_cut.load()) << "slow client still connected after " << slow_bytes << " bytes";
  EXPECT_LE(slow_bytes.load(), 4);  // cut at ~1.5 s, one byte a second
  EXPECT_GT(ok, 20);
}

// 1,000 idle keep-alive connections hold no worker: requests on other
// connections keep succeeding quickly.
TEST(HttpServerTest, ThousandIdleKeepAliveConnections) {
  HttpServerOptions o;
  o.max_connections = 2000;
  o.max_connections_per_address = 0;  // all from 127.0.0.1 here
  EchoServer s(o);
  std::vector<RawConn> idle;
  idle.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(s.server->port());
    ASSERT_TRUE(idle.back().ok()) << i;
  }
  // Make every one a real keep-alive connection: one request each, then idle.
  for (auto& c : idle) ASSERT_TRUE(c.Send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n"));
  int warmed = 0;
  for (auto& c : idle) warmed += StatusOf(c.Read(5s)) == 200;
  EXPECT_EQ(warmed, 1000);
  for (int i = 0; i < 100 && s.server->active_connections() < 1000; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(s.server->active_connections(), 1000u);

  httplib::Client cli("127.0.0.1", s.server->port());
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    auto res = cli.Get("/busy");
    ASSERT_TRUE(res) << i;
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  // The idle connections are still usable.
  ASSERT_TRUE(idle[500].Send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(idle[500].Read(2s)), 200);
}

TEST(HttpServerTest, IdleConnectionsTimeOut) {
  HttpServerOptions o;
  o.idle_timeout = 300ms;
  EchoServer s(o);
  RawConn c(s.server->port());
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.Read(2s)), 200);
  EXPECT_TRUE(c.WaitClosed(3s));
}

TEST(HttpServerTest, MaxConnectionsClosesExtraSockets) {
  HttpServerOptions o;
  o.max_connections = 3;
  EchoServer s(o);
  std::vector<RawConn> conns;
  for (int i = 0; i < 3; ++i) conns.emplace_back(s.server->port());
  for (int i = 0; i < 100 && s.server->active_connections() < 3; ++i) std::this_thread::sleep_for(5ms);
  RawConn extra(s.server->port());
  EXPECT_TRUE(extra.WaitClosed(2s));
}

// StopAccepting closes idle connections and lets in-flight requests finish.
TEST(HttpServerTest, StopAcceptingFinishesInFlightRequests) {
  EchoServer s;
  uint16_t port = s.server->port();
  RawConn idle(port);
  ASSERT_TRUE(idle.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(StatusOf(idle.Read(2s)), 200);

  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 5; ++i) {
    clients.emplace_back([&] {
      RawConn c(port);
      c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      std::string reply = c.Read(3s);
      if (StatusOf(reply) == 200 && reply.find("slow done") != std::string::npos) ++ok;
    });
  }
  for (int i = 0; i < 200 && s.server->in_flight() < 5; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(s.server->in_flight(), 5u);
  s.server->StopAccepting();
  EXPECT_TRUE(s.server->WaitIdle(3s));
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 5);
  EXPECT_TRUE(idle.WaitClosed(2s));
  RawConn late(port);
  EXPECT_TRUE(!late.ok() || late.WaitClosed(1s));
}

TEST(HttpServerTest, BindFailureIsAnError) {
  EchoServer s;
  HttpServerOptions o;
  o.port = s.server->port();
  auto again = StartHttpServer(o, [](ServerRequest&&, Responder r) { r(ServerResponse{}); });
  // SO_REUSEADDR does not allow two listeners on one port.
  EXPECT_FALSE(again.ok());
  HttpServerOptions bad;
  bad.bind = "not-an-address";
  EXPECT_FALSE(StartHttpServer(bad, [](ServerRequest&&, Responder r) { r(ServerResponse{}); }).ok());
}

}  // namespace
}  // namespace ohlcv

namespace ohlcv {
namespace {

// --- Issue 18: limits an attacker hits first. ---

TEST(HttpServerHardeningTest, HeaderLimitCountsTheWholeBlockNotEachField) {
  EchoServer s;  // max_header_bytes 16 KiB
  RawConn c(s.server->port());
  std::string req = "GET /x HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 1500; ++i) req += "X-F" + std::to_string(i) + ": vvvvvv\r\n";  // ~20 kB of small fields
  req += "\r\n";
  ASSERT_GT(req.size(), 16u << 10);
  ASSERT_TRUE(c.Send(req));
  EXPECT_EQ(StatusOf(c.Read(3s)), 431);
  // A block just under the limit is fine.
  RawConn d(s.server->port());
  std::string ok = "GET /x HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 500; ++i) ok += "X-F" + std::to_string(i) + ": vvvvvv\r\n";
  ASSERT_TRUE(d.Send(ok + "\r\n"));
  EXPECT_EQ(StatusOf(d.Read(3s)), 200);
}

TEST(HttpServerHardeningTest, Http11WithoutHostIs400) {
  EchoServer s;
  RawConn c(s.server->port());
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\n\r\n"));
  std::string reply = c.Read(3s);
  EXPECT_EQ(StatusOf(reply), 400);
  EXPECT_NE(reply.find("Host"), std::string::npos) << reply;
  RawConn d(s.server->port());  // HTTP/1.0 has no Host requirement
  ASSERT_TRUE(d.Send("GET /x HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(StatusOf(d.Read(3s)), 200);
}

TEST(HttpServerHardeningTest, UnknownTransferCodingsAre501) {
  EchoServer s;
  for (std::string te : {"xchunked", "gzip, chunked", "chunked, chunked", "identity"}) {
    RawConn c(s.server->port());
    ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
    EXPECT_EQ(StatusOf(c.Read(3s)), 501) << te;
  }
  RawConn ok(s.server->port());
  ASSERT_TRUE(ok.Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
  std::string reply = ok.Read(3s);
  EXPECT_EQ(StatusOf(reply), 200);
  EXPECT_NE(reply.find("POST /x hello"), std::string::npos) << reply;
}

TEST(HttpServerHardeningTest, PerAddressConnectionLimitRefusesAndReports) {
  HttpServerOptions o;
  o.max_connections_per_address = 3;
  std::atomic<int> refused{0};
  auto started = StartHttpServer(
      o, [](ServerRequest&& r, Responder respond) { respond(ServerResponse{.body = r.path}); }, {},
      [&refused](std::string_view reason, const std::string& remote) {
        if (reason == "per_address" && remote == "127.0.0.1") ++refused;
      });
  ASSERT_TRUE(started.ok());
  auto& server = *started;
  std::vector<RawConn> conns;
  for (int i = 0; i < 3; ++i) conns.emplace_back(server->port());
  for (int i = 0; i < 200 && server->active_connections() < 3; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server->active_connections(), 3u);
  RawConn extra(server->port());
  EXPECT_TRUE(extra.WaitClosed(2s));
  // The refusal is reported after the socket is closed: wait for it (bounded).
  for (int i = 0; i < 400 && refused.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(refused.load(), 1);
  // A slot freed is a slot usable again.
  conns.pop_back();
  for (int i = 0; i < 200 && server->active_connections() > 2; ++i) std::this_thread::sleep_for(5ms);
  RawConn again(server->port());
  ASSERT_TRUE(again.Send("GET /back HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(again.Read(2s)), 200);
  server->Stop();
}

TEST(HttpServerHardeningTest, NewConnectionsThatSendNothingAreClosedSoon) {
  HttpServerOptions o;
  o.first_byte_timeout = 300ms;  // idle_timeout stays 75 s
  EchoServer s(o);
  RawConn silent(s.server->port());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.WaitClosed(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  // After a first request, the keep-alive wait is idle_timeout, not the first-byte one.
  RawConn used(s.server->port());
  ASSERT_TRUE(used.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(used.Read(2s)), 200);
  EXPECT_FALSE(used.WaitClosed(800ms));
}

TEST(HttpServerHardeningTest, MaxConnectionsDefaultsToTheDescriptorLimit) {
  EXPECT_LT(ConnectionLimitForDescriptors(1024), 1024u - 63);
  EXPECT_GE(ConnectionLimitForDescriptors(1024), 512u);
  EXPECT_EQ(ConnectionLimitForDescriptors(10), 16u);
  rlimit rl{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  EchoServer s;  // max_connections 0 = derived
  if (rl.rlim_cur != RLIM_INFINITY) {
    EXPECT_EQ(s.server->max_connections(), ConnectionLimitForDescriptors(rl.rlim_cur));
    EXPECT_LT(s.server->max_connections(), rl.rlim_cur);
  }
}

}  // namespace
}  // namespace ohlcv
