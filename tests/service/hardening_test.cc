// Issue 18 at the service level, through the real server on loopback:
// probes answered while the worker pool is saturated, status and tickers
// served from a cache that follows the data version, failed authentications
// throttled per address, nothing configured in unauthenticated replies, and
// refused connections counted and logged (rate-limited).
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kb/knowledge_base.h"
#include "raw_client.h"
#include "service/api/service.h"
#include "service/http/http_server.h"
#include "sources/source.h"
#include "store/bar_store.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

std::unique_ptr<KnowledgeBase> OpenKb(const std::string& dir, KbOptions o = {}) {
  o.data_dir = dir;
  o.embedder = "hashing";
  auto kb = KnowledgeBase::Open(o);
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return kb.ok() ? std::move(*kb) : nullptr;
}

void IngestSynthetic(KnowledgeBase& kb, std::vector<std::string> tickers, size_t bars = 300) {
  SyntheticSourceOptions so;
  so.bars = bars;
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = std::move(tickers);
  auto stats = kb.Ingest(*source, req, IngestOptions{});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
}

struct Server {
  explicit Server(ServiceOptions o, HttpServerOptions ho = {}) : service(WithLog(std::move(o), &log)) {
    auto s = StartApiServer(service, ho);
    EXPECT_TRUE(s.ok());
    server = std::move(*s);
  }
  ~Server() {
    server->StopAccepting();
    server->WaitIdle(10s);
    service.Shutdown(10s);
    server->Stop();
  }
  static ServiceOptions WithLog(ServiceOptions o, std::ostringstream* log) {
    o.log.sink = log;
    o.log.level = "debug";
    return o;
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(20, 0);
    return c;
  }
  std::ostringstream log;
  Service service;
  std::unique_ptr<HttpServer> server;
};

ServiceOptions Open(size_t workers = 2) {
  ServiceOptions o;
  o.worker_threads = workers;
  o.rate_limit_rps = 0;
  return o;
}

TEST(HardeningTest, ProbesAnswerWhileTheWorkerPoolIsSaturated) {
  auto kb = OpenKb(testing::MakeTempDir("harden-probes"));
  ASSERT_TRUE(kb);
  Server s(Open(2));
  s.service.mutable_router().Add("GET", "/api/v1/test-slow", [](const ServerRequest&, const RouteParams&) {
    std::this_thread::sleep_for(1s);
    return ServerResponse{.body = "{}"};
  });
  s.service.SetKnowledgeBase(kb.get());
  // 2 running + 6 queued: the pool is busy for about 4 s.
  std::vector<std::thread> load;
  for (int i = 0; i < 8; ++i) {
    load.emplace_back([&s] { s.Client().Get("/api/v1/test-slow"); });
  }
  for (int i = 0; i < 200 && s.server->in_flight() < 8; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_GE(s.server->in_flight(), 8u);
  for (const char* probe : {"/health", "/ready", "/startup"}) {
    httplib::Client c("127.0.0.1", s.server->port());
    c.set_read_timeout(2, 0);
    auto t0 = std::chrono::steady_clock::now();
    auto res = c.Get(probe);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(res) << probe << " did not answer while the pool was busy";
    EXPECT_EQ(res->status, 200) << probe << ": " << res->body;
    EXPECT_LT(took, 1s) << probe << " waited behind the handler pool";
  }
  // Cheap API routes run on their own thread: not starved by expensive ones either.
  for (const char* cheap : {"/api/v1/status", "/api/v1/tickers"}) {
    httplib::Client c("127.0.0.1", s.server->port());
    c.set_read_timeout(2, 0);
    auto t0 = std::chrono::steady_clock::now();
    auto res = c.Get(cheap);
    ASSERT_TRUE(res) << cheap << " did not answer while the pool was busy";
    EXPECT_EQ(res->status, 200) << cheap << ": " << res->body;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s) << cheap << " waited behind expensive routes";
  }
  EXPECT_GE(s.server->in_flight(), 3u) << "the slow handlers were still running during the probes";
  for (auto& t : load) t.join();
}

TEST(HardeningTest, StatusAndTickersFollowTheDataVersion) {
  std::string dir = testing::MakeTempDir("harden-status");
  auto kb = OpenKb(dir);
  ASSERT_TRUE(kb);
  IngestSynthetic(*kb, {"AAPL"});
  Server s(Open());
  s.service.SetKnowledgeBase(kb.get());
  auto c = s.Client();
  json st = json::parse(c.Get("/api/v1/status")->body);
  EXPECT_EQ(st["tickers"], 1);
  EXPECT_EQ(st["bars"], 300);
  uint64_t windows = st["windows"];
  EXPECT_GT(windows, 0u);
  // Served again from the cache: the same figures.
  EXPECT_EQ(json::parse(c.Get("/api/v1/status")->body)["bars"], 300);
  // Another writer of bars.db (another process's ingest): the data version
  // moves and the next status sees it.
  {
    BarStoreOptions bo;
    bo.path = dir + "/bars.db";
    auto other = BarStore::Open(bo);
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    SyntheticSourceOptions so;
    so.bars = 200;
    auto source = NewSyntheticSource(so);
    FetchRequest req;
    req.tickers = {"MSFT"};
    auto fetched = source->Fetch("MSFT", req);
    ASSERT_TRUE(fetched.ok());
    ASSERT_TRUE((*other)->Upsert(fetched->series[0]).ok());
  }
  st = json::parse(c.Get("/api/v1/status")->body);
  EXPECT_EQ(st["tickers"], 2);
  EXPECT_EQ(st["bars"], 500);
  EXPECT_EQ(st["windows"].get<uint64_t>(), windows);
  json tickers = json::parse(c.Get("/api/v1/tickers")->body);
  EXPECT_EQ(tickers["count"], 2);
  // This process ingests: counts (windows too) include it at once.
  IngestSynthetic(*kb, {"IBM"}, 100);
  st = json::parse(c.Get("/api/v1/status")->body);
  EXPECT_EQ(st["tickers"], 3);
  EXPECT_EQ(st["bars"], 600);
  EXPECT_GT(st["windows"].get<uint64_t>(), windows);
  auto count = kb->WindowCount();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(st["windows"].get<uint64_t>(), *count);
}

TEST(HardeningTest, FailedAuthenticationsAreThrottledPerAddress) {
  auto kb = OpenKb(testing::MakeTempDir("harden-auth"));
  ASSERT_TRUE(kb);
  ServiceOptions o = Open();
  o.api_keys = {"right-key"};
  o.auth_failure_burst = 10;
  o.auth_failure_rps = 0.1;
  Server s(o);
  s.service.SetKnowledgeBase(kb.get());
  auto c = s.Client();
  int forbidden = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 100; ++i) {
    auto res = c.Get("/api/v1/status", {{"Authorization", "Bearer wrong-" + std::to_string(i)}});
    ASSERT_TRUE(res);
    if (res->status == 403) ++forbidden;
    if (res->status == 429) {
      ++limited;
      retry_after = res->get_header_value("Retry-After");
    }
  }
  EXPECT_EQ(forbidden, 10);
  EXPECT_EQ(limited, 90);
  EXPECT_FALSE(retry_after.empty());
  // The address keeps being refused before its key is checked, even a right one.
  auto res = c.Get("/api/v1/status", {{"Authorization", "Bearer right-key"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  // Probes are not affected.
  EXPECT_EQ(c.Get("/health")->status, 200);
}

TEST(HardeningTest, UnauthenticatedRepliesCarryNoConfiguration) {
  KbOptions ko;
  ko.answers.llm = LlmOptions{};
  ko.answers.llm->base_url = "http://alice:S3cretPass@127.0.0.1:1/v1";  // nothing listens on port 1
  ko.answers.llm->api_key = "sk-not-to-be-shown";
  std::string dir = testing::MakeTempDir("harden-health");
  auto kb = OpenKb(dir, ko);
  ASSERT_TRUE(kb);
  Server s(Open());
  s.service.SetKnowledgeBase(kb.get());
  auto c = s.Client();
  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;  // a down LLM only degrades
  for (const char* secret : {"S3cretPass", "alice", "sk-not-to-be-shown", dir.c_str()}) {
    EXPECT_EQ(health->body.find(secret), std::string::npos) << secret << " in " << health->body;
  }
  json h = json::parse(health->body);
  EXPECT_EQ(h["status"], "degraded");

  Server failed(Open());
  failed.service.SetStartupError("IOError: cannot open /srv/private/ohlcv/bars.db: disk I/O error (in: "
                                 "https://bob:hunter2@chroma:8000/api)");
  auto fc = failed.Client();
  for (const char* probe : {"/health", "/ready", "/startup"}) {
    auto r = fc.Get(probe);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body.find("/srv/private"), std::string::npos) << probe << ": " << r->body;
    EXPECT_EQ(r->body.find("hunter2"), std::string::npos) << probe << ": " << r->body;
    EXPECT_NE(r->body.find("disk I/O error"), std::string::npos) << "the reason stays: " << r->body;
  }
}

TEST(HardeningTest, RedactForPublicKeepsWordsAndDropsUrlsAndPaths) {
  EXPECT_EQ(RedactForPublic("ok"), "ok");
  EXPECT_EQ(RedactForPublic("http://u:p@h/v1: unreachable"), "<url> unreachable");
  EXPECT_EQ(RedactForPublic("cannot open /data/bars.db: no space"), "cannot open <path> no space");
  EXPECT_EQ(RedactForPublic("ratio 3/4 ok"), "ratio 3/4 ok");
}

TEST(HardeningTest, RefusedConnectionsAreCountedAndLoggedRateLimited) {
  HttpServerOptions ho;
  ho.max_connections_per_address = 2;
  Server s(Open(), ho);
  std::vector<testing::RawConn> held;
  for (int i = 0; i < 2; ++i) held.emplace_back(s.server->port());
  for (int i = 0; i < 200 && s.server->active_connections() < 2; ++i) std::this_thread::sleep_for(5ms);
  for (int i = 0; i < 5; ++i) {
    testing::RawConn extra(s.server->port());
    EXPECT_TRUE(extra.WaitClosed(2s));
  }
  std::string metrics;
  for (int i = 0; i < 100; ++i) {  // the count follows the close by a moment
    metrics = s.service.registry().Render();
    if (metrics.find("reason=\"per_address\"} 5") != std::string::npos) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(metrics.find("ohlcv_connections_refused_total{reason=\"per_address\"} 5"), std::string::npos)
      << metrics;
  std::string log = s.log.str();
  size_t lines = 0;
  for (size_t p = log.find("connections refused"); p != std::string::npos; p = log.find("connections refused", p + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
}

TEST(HardeningTest, OneRuleForDateRangesAndBadDatesOnEveryRoute) {
  auto kb = OpenKb(testing::MakeTempDir("harden-dates"));
  ASSERT_TRUE(kb);
  IngestSynthetic(*kb, {"AAPL"});
  Server s(Open());
  s.service.SetKnowledgeBase(kb.get());
  auto c = s.Client();
  auto expect_400 = [](const httplib::Result& r, const std::string& what, const std::string& needle) {
    ASSERT_TRUE(r) << what;
    EXPECT_EQ(r->status, 400) << what << ": " << r->body;
    EXPECT_NE(r->body.find(needle), std::string::npos) << what << ": " << r->body;
  };
  const std::string reversed = "is after";
  expect_400(c.Get("/api/v1/tickers/AAPL/bars?start=2016-05-01&end=2016-01-01"), "bars", reversed);
  expect_400(c.Post("/api/v1/query",
                    R"({"question":"how did AAPL do","filters":{"start":"2016-05-01","end":"2016-01-01"}})",
                    "application/json"),
             "query", reversed);
  expect_400(c.Post("/api/v1/analyze",
                    R"({"type":"trend","tickers":["AAPL"],"start":"2016-05-01","end":"2016-01-01"})",
                    "application/json"),
             "analyze", reversed);
  expect_400(c.Post("/api/v1/ingest", R"({"source":"synthetic","start":"2016-05-01","end":"2016-01-01"})",
                    "application/json"),
             "ingest", reversed);
  expect_400(c.Post("/api/v1/ingest", R"({"source":"synthetic","period":"1y","end":"1990-01-01"})",
                    "application/json"),
             "ingest with a period", reversed);
  // A date that is not one is a 400 too, never silently dropped.
  expect_400(c.Get("/api/v1/tickers/AAPL/bars?start=%00"), "bars start=%00", "start");
  expect_400(c.Get("/api/v1/tickers/AAPL/bars?end=2016-13-45"), "bars bad end", "end");
  expect_400(c.Post("/api/v1/analyze", R"({"type":"trend","tickers":["AAPL"],"start":"yesterday-ish"})",
                    "application/json"),
             "analyze bad start", "start");
  // The wording is the one rule's, in a 400 and in an answer's note alike.
  expect_400(c.Get("/api/v1/tickers/AAPL/bars?end=2016-13-45"), "bars bad end",
             "'2016-13-45' is not a date (YYYY-MM-DD)");
  // In question text a bad date cannot be a 400 (the rest of the question is
  // answered), but it is named in a note, never silently dropped.
  // ("February 30, 2019" was read as the whole of 2019 before.)
  for (const std::string bad : {"2019-02-30", "2019-13-01", "2016/02/30", "February 30, 2019", "31 June 2019"}) {
    const json q = {{"question", "What was AAPL's close on " + bad + "?"}};
    auto r = c.Post("/api/v1/query", q.dump(), "application/json");
    ASSERT_TRUE(r) << bad;
    ASSERT_EQ(r->status, 200) << bad << ": " << r->body;
    const json a = json::parse(r->body);
    ASSERT_TRUE(a.contains("notes")) << r->body;
    const std::string notes = a["notes"].dump();
    EXPECT_NE(notes.find("'" + bad + "' is not a date (YYYY-MM-DD)"), std::string::npos) << bad << ": " << r->body;
  }
  {
    // A real date gets no such note.
    auto r = c.Post("/api/v1/query", json{{"question", "What was AAPL's close on 2015-03-02?"}}.dump(),
                    "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->body.find("is not a date"), std::string::npos) << r->body;
  }
  // An unknown pattern is bad input (400) like the rest, not a missing resource.
  expect_400(c.Post("/api/v1/analyze", R"({"type":"pattern","tickers":["AAPL"],"pattern":"no_such_pattern"})",
                    "application/json"),
             "analyze pattern", "pattern");
  // The same range the right way round is fine.
  auto ok = c.Get("/api/v1/tickers/AAPL/bars?start=2015-01-01&end=2015-12-31");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
}  // namespace ohlcv
