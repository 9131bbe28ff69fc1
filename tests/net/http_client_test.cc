#include "net/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::CannedResponse;
using testing::ReplayServer;

// Fast retries so tests spend no time sleeping unless they mean to.
HttpClientOptions FastOptions() {
  HttpClientOptions o;
  o.connect_timeout = milliseconds(2000);
  o.request_timeout = milliseconds(5000);
  o.max_retries = 3;
  o.initial_backoff = milliseconds(1);
  o.max_backoff = milliseconds(5);
  return o;
}

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

double SecondsSince(steady_clock::time_point t0) {
  return std::chrono::duration<double>(steady_clock::now() - t0).count();
}

// A TCP socket bound to 127.0.0.1 on an ephemeral port; closes on destruction.
struct LoopbackSocket {
  int fd = -1;
  int port = 0;
  explicit LoopbackSocket(bool listen_now) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    if (listen_now) ::listen(fd, 16);
  }
  ~LoopbackSocket() {
    if (fd >= 0) ::close(fd);
  }
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }
  std::string Url(const std::string& path) const { return server_.base_url() + path; }
  ReplayServer server_;
};

TEST_F(HttpClientTest, GetReturnsBodyStatusAndLowerCasedHeaders) {
  server_.Set("GET", "/hello", CannedResponse(200, R"({"ok":true})").WithHeader("X-Custom-Thing", "Abc"));
  HttpClient client(FastOptions());
  HttpRequest req = Get(Url("/hello?symbol=AAPL&x=1"));
  req.headers = {{"X-Api-Key", "secret"}};
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"ok":true})");
  EXPECT_EQ(res->attempts, 1);
  EXPECT_EQ(res->Header("x-custom-thing"), "Abc");
  EXPECT_EQ(res->Header("content-type"), "application/json");
  EXPECT_EQ(res->Header("X-Custom-Thing"), "");  // lookups take lower-case names
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Param("symbol"), "AAPL");
  EXPECT_EQ(seen[0].Header("x-api-key"), "secret");
  EXPECT_EQ(seen[0].Header("user-agent"), "ohlcv-rag/0.1");
}

TEST_F(HttpClientTest, NotFoundIsReturnedWithoutRetry) {
  server_.Set("GET", "/missing", CannedResponse(404, R"({"error":"nope"})"));
  HttpClient client(FastOptions());
  auto res = client.Send(Get(Url("/missing")));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->attempts, 1);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(HttpClientTest, ServerErrorIsRetriedThenSucceeds) {
  server_.Enqueue("GET", "/flaky", CannedResponse(500, "boom"));
  server_.Enqueue("GET", "/flaky", CannedResponse(502, "bad gateway"));
  server_.Enqueue("GET", "/flaky", CannedResponse(200, "fine"));
  HttpClient client(FastOptions());
  auto res = client.Send(Get(Url("/flaky")));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "fine");
  EXPECT_EQ(res->attempts, 3);
  EXPECT_EQ(server_.request_count("/flaky"), 3u);
}

TEST_F(HttpClientTest, ExhaustedRetriesReturnLastResponse) {
  server_.Set("GET", "/down", CannedResponse(503, "unavailable"));
  auto opt = FastOptions();
  opt.max_retries = 2;
  HttpClient client(opt);
  auto res = client.Send(Get(Url("/down")));
  ASSERT_TRUE(res.ok());  // an HTTP status is not a transport error
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->attempts, 3);
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(HttpClientTest, NoRetryWhenRequestSaysSo) {
  server_.Set("POST", "/once", CannedResponse(503, ""));
  HttpClient client(FastOptions());
  HttpRequest req = Get(Url("/once"));
  req.method = "POST";
  req.retry = false;
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->attempts, 1);
}

TEST_F(HttpClientTest, RetryAfterIsHonoured) {
  server_.Enqueue("GET", "/limited", CannedResponse(429, "slow down", "text/plain").WithHeader("Retry-After", "1"));
  server_.Enqueue("GET", "/limited", CannedResponse(200, "ok"));
  auto opt = FastOptions();
  opt.max_backoff = milliseconds(5000);  // Retry-After 1 s is under the cap
  HttpClient client(opt);
  const auto t0 = steady_clock::now();
  auto res = client.Send(Get(Url("/limited")));
  const double elapsed = SecondsSince(t0);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->attempts, 2);
  EXPECT_GE(elapsed, 0.95);  // waited for the server, not the 1 ms backoff
  EXPECT_LT(elapsed, 4.0);
}

TEST_F(HttpClientTest, RetryAfterIsCappedByMaxBackoff) {
  server_.Enqueue("GET", "/limited", CannedResponse(429, "", "text/plain").WithHeader("Retry-After", "120"));
  server_.Enqueue("GET", "/limited", CannedResponse(200, "ok"));
  auto opt = FastOptions();
  opt.max_backoff = milliseconds(50);
  HttpClient client(opt);
  const auto t0 = steady_clock::now();
  auto res = client.Send(Get(Url("/limited")));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(SecondsSince(t0), 3.0);
}

TEST_F(HttpClientTest, SlowServerTimesOutWithDeadlineExceeded) {
  server_.Set("GET", "/slow", CannedResponse(200, "too late", "text/plain").WithDelay(milliseconds(20000)));
  auto opt = FastOptions();
  opt.request_timeout = milliseconds(300);
  opt.max_retries = 1;
  HttpClient client(opt);
  const auto t0 = steady_clock::now();
  auto res = client.Send(Get(Url("/slow?apikey=SECRET")));
  const double elapsed = SecondsSince(t0);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kDeadlineExceeded) << res.status().ToString();
  EXPECT_EQ(res.status().message().find("SECRET"), std::string::npos);  // query redacted
  EXPECT_GE(elapsed, 0.5);  // two attempts of 300 ms
  EXPECT_LT(elapsed, 5.0);
  EXPECT_EQ(server_.request_count("/slow"), 2u);
}

TEST_F(HttpClientTest, PerRequestTimeoutOverridesOptions) {
  server_.Set("GET", "/slow", CannedResponse(200, "late", "text/plain").WithDelay(milliseconds(20000)));
  auto opt = FastOptions();
  opt.request_timeout = milliseconds(60000);
  opt.max_retries = 0;
  HttpClient client(opt);
  HttpRequest req = Get(Url("/slow"));
  req.timeout = milliseconds(200);
  const auto t0 = steady_clock::now();
  auto res = client.Send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(SecondsSince(t0), 5.0);
}

TEST(HttpClientSocketTest, SilentServerTimesOut) {
  // Accepted by the kernel's backlog but never read nor answered.
  LoopbackSocket silent(/*listen_now=*/true);
  ASSERT_GT(silent.port, 0);
  auto opt = FastOptions();
  opt.request_timeout = milliseconds(300);
  opt.max_retries = 0;
  HttpClient client(opt);
  const auto t0 = steady_clock::now();
  auto res = client.Send(Get("http://127.0.0.1:" + std::to_string(silent.port) + "/x"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kDeadlineExceeded) << res.status().ToString();
  EXPECT_LT(SecondsSince(t0), 5.0);
}

TEST(HttpClientSocketTest, ConnectionRefusedIsUnavailableAfterRetries) {
  int port = 0;
  {
    LoopbackSocket closed(/*listen_now=*/false);  // bound, never listening, then closed
    port = closed.port;
  }
  ASSERT_GT(port, 0);
  auto opt = FastOptions();
  opt.max_retries = 2;
  HttpClient client(opt);
  auto res = client.Send(Get("http://127.0.0.1:" + std::to_string(port) + "/x?apiKey=SECRET"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable) << res.status().ToString();
  EXPECT_NE(res.status().message().find("3 attempts"), std::string::npos) << res.status().message();
  EXPECT_EQ(res.status().message().find("SECRET"), std::string::npos);
}

TEST(HttpClientSocketTest, MalformedUrlIsInvalidArgumentWithoutRetry) {
  HttpClient client(FastOptions());
  auto res = client.Send(Get("nota://url"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << res.status().ToString();
  HttpRequest bad = Get("http://127.0.0.1:1/");
  bad.method = "BREW";
  res = client.Send(bad);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpClientTest, KeepAliveReusesOneConnection) {
  server_.Set("GET", "/a", CannedResponse(200, "a"));
  server_.Set("GET", "/b", CannedResponse(200, "b"));
  HttpClient client(FastOptions());
  for (int i = 0; i < 6; ++i) {
    auto res = client.Send(Get(Url(i % 2 == 0 ? "/a" : "/b")));
    ASSERT_TRUE(res.ok());
    ASSERT_EQ(res->status, 200);
  }
  EXPECT_EQ(server_.request_count(), 6u);
  EXPECT_EQ(server_.connection_count(), 1u);
}

TEST_F(HttpClientTest, PostSendsBodyAndHeaders) {
  server_.Handle("POST", "/echo", [](const testing::RecordedRequest& r) {
    return CannedResponse(201, r.body)
        .WithHeader("X-Seen-Type", r.Header("content-type"))
        .WithHeader("X-Seen-Auth", r.Header("authorization"));
  });
  HttpClient client(FastOptions());
  HttpRequest req = Get(Url("/echo"));
  req.method = "POST";
  req.body = R"({"input":["a","b"],"model":"m"})";
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}};
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, req.body);
  EXPECT_EQ(res->Header("x-seen-type"), "application/json");
  EXPECT_EQ(res->Header("x-seen-auth"), "Bearer k");
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, req.body);
  EXPECT_EQ(seen[0].Header("expect"), "");  // no 100-continue round trip
}

TEST_F(HttpClientTest, PutPatchDeleteUseTheirMethod) {
  for (const char* m : {"PUT", "PATCH", "DELETE"}) {
    server_.Handle(m, "/item", [](const testing::RecordedRequest& r) {
      return CannedResponse(200, r.method + ":" + r.body);
    });
  }
  HttpClient client(FastOptions());
  for (std::string m : {"PUT", "PATCH", "DELETE"}) {
    HttpRequest req = Get(Url("/item"));
    req.method = m;
    req.body = m == "DELETE" ? "" : "x=1";
    auto res = client.Send(req);
    ASSERT_TRUE(res.ok()) << m;
    EXPECT_EQ(res->body, m + ":" + req.body);
  }
  // A plain GET after a custom method must be a GET again (handles are reused).
  server_.Set("GET", "/item", CannedResponse(200, "got"));
  auto res = client.Send(Get(Url("/item")));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->body, "got");
}

TEST_F(HttpClientTest, OversizedBodyIsResourceExhausted) {
  server_.Set("GET", "/big", CannedResponse(200, std::string(10000, 'x')));
  auto opt = FastOptions();
  opt.max_response_bytes = 1000;
  HttpClient client(opt);
  auto res = client.Send(Get(Url("/big")));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted) << res.status().ToString();
  EXPECT_EQ(server_.request_count(), 1u);  // not retried
}

TEST_F(HttpClientTest, ConcurrentSendsAllSucceed) {
  server_.Handle("GET", "/n", [](const testing::RecordedRequest& r) {
    return CannedResponse(200, r.Param("i"));
  });
  HttpClient client(FastOptions());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string id = std::to_string(t * 100 + i);
        auto res = client.Send(Get(Url("/n?i=" + id)));
        if (res.ok() && res->status == 200 && res->body == id) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 40);
  EXPECT_LE(server_.connection_count(), 4u + 4u);  // handles are pooled, not one per request
}

TEST(UrlEncodeTest, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(UrlEncode("AAPL"), "AAPL");
  EXPECT_EQ(UrlEncode("BRK-B.x_~"), "BRK-B.x_~");
  EXPECT_EQ(UrlEncode("^GSPC"), "%5EGSPC");
  EXPECT_EQ(UrlEncode("a b&c=d/e"), "a%20b%26c%3Dd%2Fe");
  EXPECT_EQ(UrlEncode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(UrlEncode(""), "");
}

}  // namespace
}  // namespace ohlcv
