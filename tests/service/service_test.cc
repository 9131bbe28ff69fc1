// Server-level tests: a real KnowledgeBase on a temp data dir with the synthetic
// source ingested, a real Service and HttpServer on 127.0.0.1, driven over
// HTTP with cpp-httplib.
#include "service/api/service.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "promtool.h"
#include "kb/knowledge_base.h"
#include "service/http/http_server.h"
#include "sources/source.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kKey = "test-key-1";
constexpr const char* kKey2 = "test-key-2";

// One engine for the whole suite: ingesting takes a moment.
class EngineEnv {
 public:
  static KnowledgeBase& Get() {
    static EngineEnv* env = new EngineEnv();  // lives for the process; never destroyed mid-test
    return *env->engine_;
  }

 private:
  EngineEnv() {
    KbOptions o;
    o.data_dir = testing::MakeTempDir("service-engine");
    o.embedder = "hashing";
    auto e = KnowledgeBase::Open(o);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    SyntheticSourceOptions so;
    so.bars = 400;
    auto source = NewSyntheticSource(so);
    FetchRequest req;
    req.tickers = {"AAPL", "MSFT"};
    auto stats = engine_->Ingest(*source, req, IngestOptions{});
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  }
  std::unique_ptr<KnowledgeBase> engine_;
};

struct TestServer {
  explicit TestServer(ServiceOptions o = Defaults(), bool start_engine = true) : log(), service(WithLog(o, &log)) {
    auto s = StartApiServer(service, HttpServerOptions{});
    EXPECT_TRUE(s.ok());
    server = std::move(*s);
    auto m = StartHttpServer(HttpServerOptions{}, [this](ServerRequest&& r, Responder respond) {
      service.HandleMetrics(std::move(r), respond);
    });
    EXPECT_TRUE(m.ok());
    metrics_server = std::move(*m);
    if (start_engine) service.SetKnowledgeBase(&EngineEnv::Get());
  }
  ~TestServer() {
    server->StopAccepting();
    server->WaitIdle(5s);
    service.Shutdown(5s);
    server->Stop();
    metrics_server->Stop();
  }
  static ServiceOptions Defaults() {
    ServiceOptions o;
    o.api_keys = {kKey, kKey2};
    o.rate_limit_rps = 1000;
    o.rate_limit_burst = 1000;
    o.worker_threads = 2;
    return o;
  }
  static ServiceOptions WithLog(ServiceOptions o, std::ostringstream* log) {
    o.log.sink = log;
    o.log.level = "debug";
    return o;
  }
  httplib::Client Client(bool with_key = true) {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    if (with_key) c.set_default_headers({{"Authorization", std::string("Bearer ") + kKey}});
    return c;
  }
  std::string Metrics() {
    httplib::Client c("127.0.0.1", metrics_server->port());
    auto res = c.Get("/metrics");
    EXPECT_TRUE(res);
    return res ? res->body : "";
  }

  std::ostringstream log;
  Service service;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<HttpServer> metrics_server;
};

json Body(const httplib::Result& res) {
  EXPECT_TRUE(res);
  if (!res) return json();
  json j = json::parse(res->body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << res->body;
  return j;
}

void ExpectError(const httplib::Result& res, int status, const std::string& code) {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, status) << res->body;
  json j = Body(res);
  EXPECT_EQ(j["error"]["code"], code) << res->body;
  EXPECT_TRUE(j["error"]["message"].is_string());
  EXPECT_FALSE(res->get_header_value("X-Request-ID").empty());
}

TEST(ServiceTest, AuthFailures) {
  TestServer s;
  auto anon = s.Client(false);
  auto res = anon.Get("/api/v1/tickers");
  ExpectError(res, 401, "unauthorized");
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  ExpectError(anon.Get("/api/v1/tickers", {{"Authorization", "Bearer wrong"}}), 403, "forbidden");
  ExpectError(anon.Get("/api/v1/tickers", {{"X-API-Key", "wrong"}}), 403, "forbidden");
  auto ok = anon.Get("/api/v1/tickers", {{"X-API-Key", kKey2}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  // Probes need no key.
  auto health = anon.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // Keys never reach the logs.
  EXPECT_EQ(s.log.str().find(kKey), std::string::npos);
  EXPECT_EQ(s.log.str().find(kKey2), std::string::npos);
  EXPECT_EQ(s.log.str().find("wrong"), std::string::npos);
}

TEST(ServiceTest, BadJsonAndBadFields) {
  TestServer s;
  auto c = s.Client();
  ExpectError(c.Post("/api/v1/query", "{not json", "application/json"), 400, "bad_request");
  ExpectError(c.Post("/api/v1/query", "[1,2]", "application/json"), 400, "bad_request");
  ExpectError(c.Post("/api/v1/query", R"({"question": ""})", "application/json"), 400, "bad_request");
  ExpectError(c.Post("/api/v1/query", R"({"question": "x", "n_results": 0})", "application/json"), 400,
              "bad_request");
  ExpectError(c.Post("/api/v1/query", R"({"question": "x", "type": "astrology"})", "application/json"), 400,
              "bad_request");
  ExpectError(c.Post("/api/v1/similar", R"({"ticker": "A A"})", "application/json"), 400, "bad_request");
  ExpectError(c.Get("/api/v1/tickers/AAPL/bars?start=notadate"), 400, "bad_request");
  auto res = c.Post("/api/v1/query", R"({"question": "x", "filters": {"colour": "red"}})", "application/json");
  ExpectError(res, 400, "bad_request");
  EXPECT_NE(Body(res)["error"]["message"].get<std::string>().find("colour"), std::string::npos);
}

TEST(ServiceTest, NotFoundAndMethodNotAllowed) {
  TestServer s;
  auto c = s.Client();
  ExpectError(c.Get("/api/v1/nothing"), 404, "not_found");
  ExpectError(c.Get("/nothing"), 404, "not_found");
  auto res = c.Get("/api/v1/query");
  ExpectError(res, 405, "method_not_allowed");
  EXPECT_EQ(res->get_header_value("Allow"), "POST");
  ExpectError(c.Get("/api/v1/tickers/ZZZZ/bars"), 404, "not_found");
  ExpectError(c.Get("/api/v1/jobs/job-999-deadbeef"), 404, "not_found");
}

TEST(ServiceTest, OversizedBodyIs413) {
  TestServer s;  // the transport's default limit is 1 MiB
  auto c = s.Client();
  std::string big = R"({"question": ")" + std::string(2 << 20, 'a') + R"("})";
  auto res = c.Post("/api/v1/query", big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(Body(res)["error"]["code"], "payload_too_large");
}

// Spends a bucket of `burst` tokens on GET /api/v1/status (each must be 200)
// and returns the next reply.
httplib::Result SpendBucket(httplib::Client& c, int burst) {
  for (int i = 0; i < burst; ++i) {
    auto res = c.Get("/api/v1/status");
    EXPECT_TRUE(res && res->status == 200) << i;
  }
  return c.Get("/api/v1/status");
}

TEST(ServiceTest, RateLimitPerKeyWithRetryAfter) {
  ServiceOptions o = TestServer::Defaults();
  o.rate_limit_rps = 0.5;
  o.rate_limit_burst = 3;
  TestServer s(o);
  auto c = s.Client();
  auto limited = SpendBucket(c, 3);
  ExpectError(limited, 429, "rate_limited");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "2");
  // The other key has its own bucket; probes are not limited.
  auto other = c.Get("/api/v1/status", {{"Authorization", std::string("Bearer ") + kKey2}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.Get("/health")->status, 200);
}

TEST(ServiceTest, RateLimitPerClientAddressWithoutKeys) {
  ServiceOptions o = TestServer::Defaults();
  o.api_keys.clear();  // loopback / --insecure: the client IP is the identity
  o.rate_limit_rps = 0.5;
  o.rate_limit_burst = 2;
  TestServer s(o);
  httplib::Client c("127.0.0.1", s.server->port());
  auto limited = SpendBucket(c, 2);
  ExpectError(limited, 429, "rate_limited");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "2");
  EXPECT_NE(Body(limited)["error"]["message"].get<std::string>().find("client address"), std::string::npos);
  // Presenting some key does not open a new bucket when auth is off.
  auto with_key = c.Get("/api/v1/status", {{"X-API-Key", "anything"}});
  ExpectError(with_key, 429, "rate_limited");
  EXPECT_EQ(c.Get("/health")->status, 200);  // probes are never limited
}

TEST(ServiceTest, RequestIdsAreEchoedOrGenerated) {
  TestServer s;
  auto c = s.Client();
  auto res = c.Get("/health", {{"X-Request-ID", "abc-123"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Request-ID"), "abc-123");
  auto gen1 = c.Get("/health");
  auto gen2 = c.Get("/health", {{"X-Request-ID", "has space"}});
  std::string id1 = gen1->get_header_value("X-Request-ID"), id2 = gen2->get_header_value("X-Request-ID");
  EXPECT_EQ(id1.size(), 16u);
  EXPECT_EQ(id2.size(), 16u);
  EXPECT_NE(id1, id2);
  // Logged as JSON lines with the id and the route template.
  c.Get("/api/v1/tickers/AAPL/bars", {{"X-Request-ID", "bars-req-1"}});
  bool found = false;
  std::istringstream lines(s.log.str());
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("request_id", "") == "bars-req-1") {
      found = true;
      EXPECT_EQ(j["route"], "/api/v1/tickers/{T}/bars");
      EXPECT_EQ(j["status"], 200);
      EXPECT_EQ(j["method"], "GET");
      EXPECT_TRUE(j["duration_ms"].is_number());
      EXPECT_TRUE(j["time"].is_string());
      EXPECT_EQ(j["level"], "info");
    }
  }
  EXPECT_TRUE(found) << s.log.str();
}

TEST(ServiceTest, ProbeStateMachine) {
  TestServer s(TestServer::Defaults(), /*start_engine=*/false);
  auto c = s.Client(false);
  auto startup = c.Get("/startup");
  EXPECT_EQ(startup->status, 503);
  auto ready = c.Get("/ready");
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(Body(ready)["reason"], "starting");
  EXPECT_EQ(Body(c.Get("/health"))["status"], "degraded");
  auto api = s.Client().Get("/api/v1/status");
  ExpectError(api, 503, "unavailable");

  s.service.SetKnowledgeBase(&EngineEnv::Get());
  EXPECT_EQ(c.Get("/startup")->status, 200);
  ready = c.Get("/ready");
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(Body(ready)["ready"], true);
  auto health = c.Get("/health");
  EXPECT_EQ(health->status, 200);
  json h = Body(health);
  EXPECT_EQ(h["status"], "healthy");
  ASSERT_TRUE(h["components"].is_array());
  EXPECT_GE(h["components"].size(), 2u);
  EXPECT_EQ(h["components"][0]["name"], "bar_store");

  s.service.BeginDrain();
  ready = c.Get("/ready");
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(Body(ready)["reason"], "draining");
  EXPECT_EQ(c.Get("/startup")->status, 200);
  EXPECT_EQ(c.Get("/health")->status, 200);
  EXPECT_EQ(s.Client().Get("/api/v1/status")->status, 200);  // still serving while draining
}

TEST(ServiceTest, StartupFailureIsUnhealthy) {
  TestServer s(TestServer::Defaults(), false);
  s.service.SetStartupError("IOError: cannot open bars.db");
  auto c = s.Client(false);
  EXPECT_EQ(c.Get("/startup")->status, 503);
  auto health = c.Get("/health");
  EXPECT_EQ(health->status, 503);
  EXPECT_EQ(Body(health)["status"], "unhealthy");
}

TEST(ServiceTest, ApiRoutes) {
  TestServer s;
  auto c = s.Client();
  json tickers = Body(c.Get("/api/v1/tickers"));
  ASSERT_EQ(tickers["count"], 2);
  EXPECT_EQ(tickers["tickers"][0]["ticker"], "AAPL");
  EXPECT_EQ(tickers["tickers"][0]["bars"], 400);

  json bars = Body(c.Get("/api/v1/tickers/aapl/bars?limit=5"));
  EXPECT_EQ(bars["ticker"], "AAPL");
  EXPECT_EQ(bars["count"], 5);
  EXPECT_EQ(bars["truncated"], true);
  ASSERT_EQ(bars["bars"].size(), 5u);
  for (const auto& b : bars["bars"]) {
    EXPECT_GE(b["high"].get<double>(), b["low"].get<double>());
  }
  std::string first_date = Body(c.Get("/api/v1/tickers/AAPL/bars"))["bars"][0]["date"];
  json ranged = Body(c.Get("/api/v1/tickers/AAPL/bars?start=" + first_date + "&end=" + first_date));
  EXPECT_EQ(ranged["count"], 1);

  json status = Body(c.Get("/api/v1/status"));
  EXPECT_EQ(status["tickers"], 2);
  EXPECT_EQ(status["bars"], 800);
  EXPECT_GT(status["windows"].get<int>(), 0);

  auto q = c.Post("/api/v1/query", R"({"question": "How did AAPL trend?", "n_results": 3})", "application/json");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->status, 200) << q->body;
  json qa = Body(q);
  EXPECT_TRUE(qa["answer"].is_string());
  EXPECT_FALSE(qa["answer"].get<std::string>().empty());
  EXPECT_TRUE(qa["query_type"].is_string());
  ASSERT_TRUE(qa["sources"].is_array());
  EXPECT_LE(qa["sources"].size(), 3u);
  EXPECT_TRUE(qa["confidence"].is_number());
  EXPECT_TRUE(qa["timings"]["total_ms"].is_number());
  for (const auto& src : qa["sources"]) EXPECT_EQ(src["ticker"], "AAPL");

  auto legacy = c.Post("/api/query", R"({"query": "MSFT breakouts"})", "application/json");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->status, 200) << legacy->body;
  EXPECT_TRUE(Body(legacy)["answer"].is_string());

  auto sim = c.Post("/api/v1/similar", R"({"ticker": "AAPL", "k": 3})", "application/json");
  ASSERT_TRUE(sim);
  ASSERT_EQ(sim->status, 200) << sim->body;
  json simj = Body(sim);
  EXPECT_EQ(simj["query"]["ticker"], "AAPL");
  EXPECT_LE(simj["similar"].size(), 3u);

  auto an = c.Post("/api/v1/analyze", R"({"type": "trend", "tickers": ["MSFT"]})", "application/json");
  ASSERT_TRUE(an);
  ASSERT_EQ(an->status, 200) << an->body;
  json anj = Body(an);
  EXPECT_EQ(anj["kind"], "trend");
  EXPECT_TRUE(anj["findings"].is_array());
  EXPECT_FALSE(anj["findings"].empty());
  EXPECT_TRUE(anj["confidence_level"].is_string());
  ExpectError(c.Post("/api/v1/analyze", R"({"type": "vibes", "tickers": ["MSFT"]})", "application/json"), 400,
              "bad_request");
}

TEST(ServiceTest, IngestJobRunsAndReportsProgress) {
  TestServer s;
  auto c = s.Client();
  // Re-ingest AAPL up to its last stored day: the same synthetic bars, so the
  // shared engine's counts (ApiRoutes) hold in any test order.
  std::string last = Body(c.Get("/api/v1/tickers"))["tickers"][0]["last"];
  auto res = c.Post("/api/v1/ingest", R"({"source": "synthetic", "tickers": ["AAPL"], "end": ")" + last + R"("})",
                    "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  json j = Body(res);
  std::string id = j["job_id"];
  EXPECT_EQ(res->get_header_value("Location"), "/api/v1/jobs/" + id);
  json job;
  for (int i = 0; i < 600; ++i) {  // <= 60 s
    job = Body(c.Get("/api/v1/jobs/" + id));
    if (job["state"] == "succeeded" || job["state"] == "failed") break;
    // Queries keep answering while the ingest runs.
    EXPECT_EQ(c.Get("/api/v1/tickers")->status, 200);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_EQ(job["progress"]["tickers_done"], 1);
  EXPECT_EQ(job["progress"]["tickers_total"], 1);
  ExpectError(c.Post("/api/v1/ingest", R"({"source": "nasdaq-ftp"})", "application/json"), 400, "bad_request");
  EXPECT_NE(s.Metrics().find("ohlcv_ingest_bars_total "), std::string::npos);
}

TEST(ServiceTest, MetricsUseTemplatesAndPassPromtool) {
  TestServer s;
  auto c = s.Client();
  c.Get("/api/v1/tickers/AAPL/bars?limit=1");
  c.Get("/api/v1/tickers/MSFT/bars?limit=1");
  c.Get("/api/v1/nothing/here");
  c.Post("/api/v1/query", R"({"question": "AAPL"})", "application/json");
  std::string text = s.Metrics();
  EXPECT_NE(text.find("ohlcv_requests_total{method=\"GET\",endpoint=\"/api/v1/tickers/{T}/bars\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("/api/v1/tickers/AAPL"), std::string::npos);  // never raw paths
  EXPECT_EQ(text.find("/api/v1/nothing"), std::string::npos);
  EXPECT_NE(text.find("endpoint=\"unmatched\",status=\"404\""), std::string::npos);
  for (auto name : {"ohlcv_request_duration_seconds_bucket", "ohlcv_active_connections ",
                    "ohlcv_vector_db_operations_total{", "ohlcv_model_inference_seconds_bucket",
                    "# TYPE ohlcv_cache_hits_total counter", "# TYPE ohlcv_cache_misses_total counter",
                    "# TYPE ohlcv_ingest_bars_total counter", "ohlcv_windows_indexed ", "ohlcv_app_info{version=\"",
                    "process_resident_memory_bytes ", "process_cpu_seconds_total ", "process_open_fds ",
                    "process_start_time_seconds "}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
  EXPECT_NE(text.find("le=\"0.0005\""), std::string::npos);
  EXPECT_NE(text.find("le=\"10\""), std::string::npos);
  if (!testing::HavePromtool()) GTEST_SKIP() << "promtool not installed";
  std::string output;
  EXPECT_EQ(testing::Promtool(text, &output), 0) << output << "\n" << text;

  httplib::Client m("127.0.0.1", s.metrics_server->port());
  EXPECT_EQ(m.Get("/other")->status, 404);
}

}  // namespace
}  // namespace ohlcv

namespace ohlcv {
namespace {

// Issue 13: a plan sent instead of a question is executed exactly and comes
// back in the reply; a bad plan is a 400 naming the field.
TEST(ServiceTest, QueryTakesAndReturnsAPlan) {
  TestServer s;
  auto c = s.Client();
  auto bars = EngineEnv::Get().Bars("AAPL", Interval::k1d, std::nullopt, std::nullopt);
  ASSERT_TRUE(bars.ok());
  double hi = 0;
  for (double v : bars->close) hi = std::max(hi, v);
  auto res = c.Post("/api/v1/query",
                    R"({"plan": {"subjects": ["AAPL"], "measure": {"kind": "close"}, "operation": "max"}})",
                    "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json j = Body(res);
  EXPECT_EQ(j["plan"]["operation"], "max");
  EXPECT_EQ(j["plan"]["subjects"][0]["name"], "AAPL");
  EXPECT_NE(j["answer"].get<std::string>().find(fmt::format("${:.2f}", hi)), std::string::npos) << j["answer"];
  auto bad = c.Post("/api/v1/query", R"({"plan": {"subjects": ["AAPL"], "operation": "value", "measure": {"kind": "rsx"}}})",
                    "application/json");
  ExpectError(bad, 400, "bad_request");
  EXPECT_NE(Body(bad)["error"]["message"].get<std::string>().find("plan.measure.kind"), std::string::npos)
      << bad->body;
  // A specific question is answered as a plan, and the plan is in the reply.
  auto q = c.Post("/api/v1/query", R"({"question": "What was the highest close of AAPL?"})", "application/json");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->status, 200) << q->body;
  EXPECT_EQ(Body(q)["plan"]["measure"]["kind"], "close");
}

}  // namespace
}  // namespace ohlcv
