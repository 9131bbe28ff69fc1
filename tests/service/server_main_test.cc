// RunServer end to end in-process: startup, probes, a real SIGTERM with
// requests in flight (none fails), the drain, healthcheck, and the refusal to
// serve a public address without a key.
#include "kb/kb_config.h"
#include "service/api/server_main.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "config/config_loader.h"
#include "kb/knowledge_base.h"
#include "sources/source.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using namespace std::chrono_literals;

AppConfig TestConfig(const std::string& data_dir) {
  AppConfig c;
  c.data_dir = data_dir;
  c.embedder = "hashing";
  c.http_port = 0;
  c.metrics_port = 0;
  c.log_level = "warn";
  c.drain_seconds = 1.5;
  c.shutdown_timeout_seconds = 5;
  c.worker_threads = 2;
  c.api_keys = {"k"};
  c.rate_limit_rps = 0;  // the drain test hammers with one key
  return c;
}

// A data dir with two synthetic tickers ingested.
std::string IngestedDataDir() {
  std::string dir = testing::MakeTempDir("server-main");
  KbOptions o;
  o.data_dir = dir;
  o.embedder = "hashing";
  auto e = KnowledgeBase::Open(o);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  SyntheticSourceOptions so;
  so.bars = 300;
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = {"AAPL", "MSFT"};
  EXPECT_TRUE((*e)->Ingest(*source, req, IngestOptions{}).ok());
  return dir;
}

struct Running {
  std::atomic<uint16_t> http_port{0}, metrics_port{0};
  std::atomic<bool> stop{false};
  Status result;
  std::thread thread;

  void Start(const AppConfig& config, bool signals) {
    thread = std::thread([this, config, signals] {
      RunServerHooks hooks;
      hooks.handle_signals = signals;
      hooks.stop = &stop;
      hooks.on_listening = [this](uint16_t http, uint16_t metrics) {
        metrics_port = metrics;
        http_port = http;
      };
      result = RunServer(config, hooks);
    });
    for (int i = 0; i < 500 && http_port.load() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_NE(http_port.load(), 0);
  }
  bool WaitStarted() {
    httplib::Client c("127.0.0.1", http_port.load());
    for (int i = 0; i < 600; ++i) {
      auto r = c.Get("/startup");
      if (r && r->status == 200) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
};

TEST(ServerMainTest, RefusesPublicBindWithoutKey) {
  AppConfig c = TestConfig(testing::MakeTempDir());
  c.bind = "0.0.0.0";
  c.api_keys.clear();
  Status st = RunServer(c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("--insecure"), std::string::npos);
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
}

TEST(ServerMainTest, EngineOptionsFollowTheConfig) {
  AppConfig c;
  c.data_dir = "/data";
  c.vector_store_type = "chromadb";
  c.chromadb_host = "chroma";
  c.chromadb_port = 8001;
  c.chromadb_token = "tok";
  KbOptions o = KbOptionsFromConfig(c);
  EXPECT_EQ(o.data_dir, "/data");
  EXPECT_EQ(o.vector_store_type, "chromadb");
  EXPECT_EQ(o.chroma.host, "chroma");
  EXPECT_EQ(o.chroma.port, 8001);
  EXPECT_EQ(o.chroma.auth_token, "tok");
}

TEST(ServerMainTest, StartupFailureEndsTheServer) {
  AppConfig c = TestConfig(testing::MakeTempDir());
  c.embedder = "no-such-embedder";
  Running r;
  r.Start(c, false);
  r.thread.join();
  EXPECT_EQ(r.result.code(), StatusCode::kInvalidArgument) << r.result.ToString();
}

TEST(ServerMainTest, SigtermDrainsWithoutFailingRequests) {
  AppConfig c = TestConfig(IngestedDataDir());
  // SIGTERM must reach RunServer's sigtimedwait, not kill the test: block it
  // here so every thread started from now on inherits the mask.
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);

  Running r;
  r.Start(c, true);
  ASSERT_TRUE(r.WaitStarted());
  uint16_t port = r.http_port.load();
  AppConfig hc = c;
  hc.http_port = port;
  EXPECT_TRUE(Healthcheck(hc).ok());

  std::atomic<bool> stop_clients{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_default_headers({{"X-API-Key", "k"}});
      while (!stop_clients.load()) {
        auto res = t % 2 ? cli.Get("/api/v1/tickers/AAPL/bars?limit=50")
                         : cli.Post("/api/v1/query", R"({"question": "AAPL trend"})", "application/json");
        if (res && res->status == 200) {
          ++ok;
        } else {
          if (failed++ == 0) ADD_FAILURE() << "first failure: " << (res ? std::to_string(res->status) : httplib::to_string(res.error()));
        }
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);

  // /ready turns 503 at once; other routes keep answering during the drain.
  httplib::Client probe("127.0.0.1", port);
  bool ready_503 = false;
  for (int i = 0; i < 100 && !ready_503; ++i) {
    auto res = probe.Get("/ready");
    ready_503 = res && res->status == 503;
    if (!ready_503) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(ready_503);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 1s);
  auto health = probe.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // A load balancer stops routing once /ready fails; the clients stop well
  // inside the drain period.
  std::this_thread::sleep_for(500ms);
  int ok_at_stop = ok.load();
  stop_clients = true;
  for (auto& t : clients) t.join();
  r.thread.join();
  auto total = std::chrono::steady_clock::now() - signalled;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);

  EXPECT_TRUE(r.result.ok()) << r.result.ToString();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok_at_stop, 20);
  EXPECT_GE(total, 1400ms);  // the drain period was honoured
  EXPECT_LT(total, 10s);
  EXPECT_FALSE(Healthcheck(hc, 500).ok());  // the listener is closed
}

TEST(ServerMainTest, MetricsPortServesPrometheusText) {
  AppConfig c = TestConfig(testing::MakeTempDir());
  c.drain_seconds = 0;
  Running r;
  r.Start(c, false);
  ASSERT_TRUE(r.WaitStarted());
  httplib::Client m("127.0.0.1", r.metrics_port.load());
  auto res = m.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(res->body.find("ohlcv_app_info{"), std::string::npos);
  r.stop = true;
  r.thread.join();
  EXPECT_TRUE(r.result.ok()) << r.result.ToString();
}

}  // namespace
}  // namespace ohlcv
