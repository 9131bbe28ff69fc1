// The web UI's server side in-process: page and asset replies (content
// types, CSP, caching, 304, gzip), the built-in page of a binary without an
// embedded UI, and the chart data route (columns, warm-up, slicing, auth)
// through a real Service on a real KnowledgeBase with synthetic bars ingested.
// The browser side is tests/web/e2e.mjs.
#include "service/ui/ui_routes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kb/knowledge_base.h"
#include "service/api/service.h"
#include "service/ui/ui_assets.h"
#include "service/ui/ui_chart.h"
#include "sources/source.h"
#include "testutil/test_paths.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
constexpr const char* kKey = "web-test-key";
constexpr size_t kBars = 600;

std::string HeaderOf(const ServerResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// One engine for the suite: ingesting takes a moment.
class UiRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    KbOptions o;
    o.data_dir = testing::MakeTempDir("web-ui");
    o.embedder = "hashing";
    auto e = KnowledgeBase::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    SyntheticSourceOptions so;
    so.bars = kBars;
    auto source = NewSyntheticSource(so);
    FetchRequest req;
    req.tickers = {"AAPL"};
    auto stats = engine_->Ingest(*source, req, IngestOptions{});
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  }
  static void TearDownTestSuite() { engine_.reset(); }

  UiRoutesTest() : service_(Options(&log_)) { service_.SetKnowledgeBase(engine_.get()); }

  static ServiceOptions Options(std::ostringstream* log) {
    ServiceOptions o;
    o.api_keys = {kKey};
    o.worker_threads = 2;
    o.log.sink = log;
    o.log.level = "warn";
    return o;
  }

  // Through Service::Handle: routing, auth and the worker pool as served.
  ServerResponse Get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    ServerRequest req;
    req.method = "GET";
    req.target = target;
    EXPECT_TRUE(SplitTarget(target, &req.path, &req.query));
    req.headers = std::move(headers);
    std::promise<ServerResponse> done;
    auto reply = done.get_future();
    service_.Handle(std::move(req), [&done](ServerResponse r) { done.set_value(std::move(r)); });
    EXPECT_EQ(reply.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return reply.get();
  }
  json Chart(const std::string& query) {
    ServerResponse r = Get("/api/v1/tickers/AAPL/chart" + query, {{"x-api-key", kKey}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  static std::unique_ptr<KnowledgeBase> engine_;  // shared by the suite's tests
  std::ostringstream log_;
  Service service_;
};

std::unique_ptr<KnowledgeBase> UiRoutesTest::engine_;

TEST_F(UiRoutesTest, IndexHasStrictHeadersAndRevalidates) {
  ServerResponse r = Get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(r, "Content-Security-Policy"), kUiContentSecurityPolicy);
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  std::string etag = HeaderOf(r, "ETag");
  ASSERT_FALSE(etag.empty());
  // No key needed for the page; the page asks for one.
  ServerResponse again = Get("/", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get("/", {{"if-none-match", "\"0000\""}}).status, 200);
  EXPECT_EQ(Get("/index.html").body, r.body);
}

TEST_F(UiRoutesTest, IndexIsTheEmbeddedPageOrTheBuildHint) {
  ServerResponse r = Get("/");
  if (FindUiAsset("index.html")) {
    EXPECT_NE(r.body.find("/assets/app-"), std::string::npos);
    EXPECT_EQ(r.body.find("<script>"), std::string::npos) << "no inline scripts under the CSP";
  } else {
    EXPECT_EQ(r.body, FallbackUiPage());
    EXPECT_NE(r.body.find("web/build.sh"), std::string::npos);
    EXPECT_NE(r.body.find("OHLCV_WEB_DIST"), std::string::npos);
  }
  EXPECT_EQ(FallbackUiPage().find("<script"), std::string_view::npos);
}

TEST_F(UiRoutesTest, EmbeddedAssetsAreImmutableWithTheirTypeAndGzip) {
  size_t served = 0;
  for (const UiAsset& a : EmbeddedUiAssets()) {
    if (!a.path.starts_with("assets/") || a.path.ends_with(".gz")) continue;
    ++served;
    ServerResponse plain = Get("/" + std::string(a.path));
    ASSERT_EQ(plain.status, 200) << a.path;
    EXPECT_EQ(plain.body, a.body);
    EXPECT_EQ(plain.content_type, UiContentType(a.path));
    EXPECT_EQ(HeaderOf(plain, "Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
    if (const UiAsset* gz = FindUiAsset(std::string(a.path) + ".gz")) {
      ServerResponse zipped = Get("/" + std::string(a.path), {{"accept-encoding", "gzip, deflate, br"}});
      EXPECT_EQ(zipped.body, gz->body);
      EXPECT_EQ(zipped.content_type, plain.content_type);
      EXPECT_EQ(HeaderOf(zipped, "Content-Encoding"), "gzip");
      EXPECT_EQ(HeaderOf(zipped, "Vary"), "Accept-Encoding");
      EXPECT_LT(gz->body.size(), a.body.size());
    }
  }
  if (FindUiAsset("index.html")) {
    EXPECT_GE(served, 2u) << "a bundle has a .js and a .css";
  }
  ServerResponse missing = Get("/assets/app-NOPE.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("not_found"), std::string::npos);
}

TEST(UiAssetsTest, ContentTypesByExtension) {
  EXPECT_EQ(UiContentType("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(UiContentType("assets/app-X.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(UiContentType("assets/app-X.css"), "text/css; charset=utf-8");
  EXPECT_EQ(UiContentType("assets/logo.svg"), "image/svg+xml");
  EXPECT_EQ(UiContentType("assets/blob.bin"), "application/octet-stream");
  EXPECT_EQ(FindUiAsset("no/such/file"), nullptr);
}

TEST_F(UiRoutesTest, ChartNeedsAKey) {
  EXPECT_EQ(Get("/api/v1/tickers/AAPL/chart").status, 401);
  EXPECT_EQ(Get("/api/v1/tickers/AAPL/chart", {{"x-api-key", "wrong"}}).status, 403);
}

TEST_F(UiRoutesTest, ChartColumnsLineUpWithWarmUpAsNull) {
  json c = Chart("");
  ASSERT_EQ(c["count"], kBars);
  EXPECT_EQ(c["truncated"], false);
  for (const char* col : {"time", "open", "high", "low", "close", "volume"}) EXPECT_EQ(c[col].size(), kBars) << col;
  for (auto& [name, values] : c["indicators"].items()) EXPECT_EQ(values.size(), kBars) << name;
  // SMA20 is known from bar 19 (TA-Lib convention), MACD from bar 33.
  EXPECT_TRUE(c["indicators"]["sma20"][18].is_null());
  ASSERT_TRUE(c["indicators"]["sma20"][19].is_number());
  double mean = 0;
  for (int i = 0; i < 20; ++i) mean += c["close"][i].get<double>() / 20;
  EXPECT_NEAR(c["indicators"]["sma20"][19].get<double>(), mean, 1e-4);
  EXPECT_TRUE(c["indicators"]["macd"][32].is_null());
  EXPECT_TRUE(c["indicators"]["macd"][33].is_number());
  double rsi = c["indicators"]["rsi14"][100];
  EXPECT_GE(rsi, 0);
  EXPECT_LE(rsi, 100);
  ASSERT_FALSE(c["patterns"].empty());
  int64_t first = c["time"].front(), last = c["time"].back();
  for (const auto& p : c["patterns"]) {
    EXPECT_GE(p["time"].get<int64_t>(), first);
    EXPECT_LE(p["time"].get<int64_t>(), last);
    EXPECT_FALSE(p["kind"].get<std::string>().empty());
    EXPECT_FALSE(p["phrase"].get<std::string>().empty());
  }
}

TEST_F(UiRoutesTest, ChartRangeKeepsWarmedUpValuesFromTheWholeHistory) {
  json all = Chart("");
  // A range starting at bar 300: its first SMA20 is the full run's bar 300.
  int64_t t300 = all["time"][300];
  int64_t t399 = all["time"][399];
  std::string start = FormatDate(t300), end = FormatDate(t399);
  json part = Chart("?start=" + start + "&end=" + end);
  ASSERT_EQ(part["count"], 100);
  EXPECT_EQ(part["time"][0], t300);
  EXPECT_EQ(part["time"][99], t399);
  EXPECT_EQ(part["indicators"]["sma20"][0], all["indicators"]["sma20"][300]);
  EXPECT_EQ(part["indicators"]["macd_signal"][50], all["indicators"]["macd_signal"][350]);
  json limited = Chart("?limit=50");
  EXPECT_EQ(limited["count"], 50);
  EXPECT_EQ(limited["truncated"], true);
  EXPECT_EQ(limited["time"].back(), all["time"].back());
}

TEST_F(UiRoutesTest, ChartErrorsAreTheApiErrors) {
  ServerResponse unknown = Get("/api/v1/tickers/ZZZZ/chart", {{"x-api-key", kKey}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("ZZZZ"), std::string::npos);
  ServerResponse bad = Get("/api/v1/tickers/AAPL/chart?start=yesterday", {{"x-api-key", kKey}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("bad_request"), std::string::npos);
  json empty = Chart("?start=2031-01-01");
  EXPECT_EQ(empty["count"], 0);
  EXPECT_TRUE(empty["patterns"].empty());
}

}  // namespace
}  // namespace ohlcv
