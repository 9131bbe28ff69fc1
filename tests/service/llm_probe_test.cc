// LlmProbe and the LLM component of /health: reachability of an
// OpenAI-compatible server on loopback, cached between checks, and a down LLM
// making the service degraded (200), never unhealthy.
#include "kb/llm_probe.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <future>
#include <thread>

#include "kb/knowledge_base.h"
#include "service/api/service.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using namespace std::chrono_literals;

// A stand-in OpenAI-compatible server answering GET /v1/models with `status`.
struct FakeLlm {
  explicit FakeLlm(int status) : status_(status) {
    server_.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
      ++hits;
      last_auth = req.get_header_value("Authorization");
      res.status = status_;
      res.set_content(R"({"data":[{"id":"m"}]})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~FakeLlm() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  std::atomic<int> hits{0};
  std::string last_auth;

 private:
  int status_;
  int port_ = 0;
  httplib::Server server_;
  std::thread thread_;
};

// A loopback port with nothing listening: bound, then closed.
std::string DeadUrl() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/v1";
}

TEST(LlmProbeTest, ReachableServerIsOkAndCached) {
  FakeLlm llm(200);
  LlmProbe probe({.base_url = llm.url() + "/", .api_key = "sk-test", .ttl = 60s});
  LlmProbeResult r = probe.Check();
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_NE(r.detail.find("HTTP 200"), std::string::npos);
  EXPECT_EQ(llm.last_auth, "Bearer sk-test");
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(probe.Check().ok);
  EXPECT_EQ(llm.hits.load(), 1) << "checks within the ttl reuse the result";
  EXPECT_EQ(probe.checks(), 1u);

  LlmProbe uncached({.base_url = llm.url(), .ttl = 0ms});
  uncached.Check();
  uncached.Check();
  EXPECT_EQ(uncached.checks(), 2u);
}

TEST(LlmProbeTest, DownRefusedOrFailingServerIsNotOk) {
  LlmProbe dead({.base_url = DeadUrl(), .timeout = 1000ms});
  auto start = std::chrono::steady_clock::now();
  LlmProbeResult r = dead.Check();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.detail.find("unreachable"), std::string::npos) << r.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s) << "no retries, short timeout";

  FakeLlm refused(401);
  LlmProbeResult k = LlmProbe({.base_url = refused.url()}).Check();
  EXPECT_FALSE(k.ok);
  EXPECT_NE(k.detail.find("key refused"), std::string::npos) << k.detail;

  FakeLlm failing(503);
  EXPECT_FALSE(LlmProbe({.base_url = failing.url()}).Check().ok);
  FakeLlm not_found(404);  // answers, just without a model list: reachable
  EXPECT_TRUE(LlmProbe({.base_url = not_found.url()}).Check().ok);
}

nlohmann::json HealthOf(KnowledgeBase& engine) {
  ServiceOptions so;
  so.worker_threads = 2;
  so.log.level = "error";
  Service service(so);
  service.SetKnowledgeBase(&engine);
  ServerRequest req;
  req.method = "GET";
  req.path = req.target = "/health";
  std::promise<ServerResponse> done;
  service.Handle(std::move(req), [&done](ServerResponse r) { done.set_value(std::move(r)); });
  auto fut = done.get_future();
  EXPECT_EQ(fut.wait_for(10s), std::future_status::ready);
  ServerResponse r = fut.get();
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  j["http_status"] = r.status;
  return j;
}

nlohmann::json LlmComponent(const nlohmann::json& health) {
  for (const auto& c : health["components"]) {
    if (c["name"] == "llm") return c;
  }
  return nullptr;
}

TEST(LlmProbeTest, HealthReportsTheLlmAndADownLlmOnlyDegrades) {
  KbOptions o;
  o.data_dir = testing::MakeTempDir("llm-health");
  o.embedder = "hashing";
  {
    auto offline = KnowledgeBase::Open(o);
    ASSERT_TRUE(offline.ok());
    EXPECT_TRUE(LlmComponent(HealthOf(**offline)).is_null()) << "no LLM configured, none reported";
  }
  FakeLlm llm(200);
  o.answers.llm = LlmOptions{};
  o.answers.llm->base_url = llm.url();
  {
    auto up = KnowledgeBase::Open(o);
    ASSERT_TRUE(up.ok());
    auto h = HealthOf(**up);
    EXPECT_EQ(h["status"], "healthy") << h.dump();
    EXPECT_EQ(LlmComponent(h)["ok"], true);
  }
  o.answers.llm->base_url = DeadUrl();
  auto down = KnowledgeBase::Open(o);
  ASSERT_TRUE(down.ok());
  auto h = HealthOf(**down);
  EXPECT_EQ(h["http_status"], 200);
  EXPECT_EQ(h["status"], "degraded") << h.dump();
  auto c = LlmComponent(h);
  EXPECT_EQ(c["ok"], false);
  EXPECT_EQ(c["critical"], false);
  EXPECT_NE(c["detail"].get<std::string>().find("unreachable"), std::string::npos);
}

}  // namespace
}  // namespace ohlcv
