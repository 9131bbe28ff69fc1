#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "sources/source.h"
#include "sources/source_factory.h"
#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using testing::CannedResponse;
using testing::RecordedRequest;
using testing::ReplayServer;

constexpr char kDailyPath[] = "/v2/aggs/ticker/AAPL/range/1/day/2020-01-01/2020-01-10";
constexpr int64_t kJan2 = 1577923200;  // 2020-01-02 00:00 UTC
constexpr int64_t kJan10End = 1578700799;  // 2020-01-10 23:59:59 UTC

// Documented v2 aggregates layout; daily `t` is midnight US/Eastern in ms.
constexpr char kDaily[] = R"j({"ticker":"AAPL","queryCount":3,"resultsCount":3,"adjusted":true,
  "results":[
    {"v":135647456,"vw":74.6099,"o":74.06,"c":75.0875,"h":75.15,"l":73.7975,"t":1577941200000,"n":1},
    {"v":146535512,"vw":74.7026,"o":74.2875,"c":74.3575,"h":75.145,"l":74.125,"t":1578027600000,"n":1},
    {"v":118578576,"vw":74.5,"o":73.4475,"c":74.95,"h":74.99,"l":73.1875,"t":1578286800000,"n":1}],
  "status":"OK","request_id":"6a7e466379af0a71039d60cc78e72282","count":3})j";

class PolygonSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    source_ = Make("poly-key");
  }
  std::unique_ptr<Source> Make(std::string key) {
    RemoteSourceOptions o;
    o.base_url = server_.base_url();
    o.api_key = std::move(key);
    o.http.max_retries = 2;
    o.http.initial_backoff = std::chrono::milliseconds(1);
    o.http.max_backoff = std::chrono::milliseconds(5);
    return NewPolygonSource(o);
  }
  static FetchRequest Request() {
    FetchRequest r;
    r.tickers = {"AAPL"};
    r.start = kJan2 - 86400;
    r.end = kJan10End;
    return r;
  }

  ReplayServer server_;
  std::unique_ptr<Source> source_;
};

TEST_F(PolygonSourceTest, DecodesDailyAggregatesWithExactValues) {
  server_.Set("GET", kDailyPath, CannedResponse(200, kDaily));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->series.size(), 1u);
  const BarSeries& s = res->series[0];
  EXPECT_EQ(s.ticker, "AAPL");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.ts[0], kJan2);  // 05:00 UTC (midnight EST) -> the date at 00:00 UTC
  EXPECT_EQ(s.ts[1], kJan2 + 86400);
  EXPECT_EQ(s.ts[2], kJan2 + 4 * 86400);
  EXPECT_DOUBLE_EQ(s.open[0], 74.06);
  EXPECT_DOUBLE_EQ(s.high[0], 75.15);
  EXPECT_DOUBLE_EQ(s.low[0], 73.7975);
  EXPECT_DOUBLE_EQ(s.close[0], 75.0875);
  EXPECT_DOUBLE_EQ(s.volume[0], 135647456);
  EXPECT_TRUE(std::isnan(s.adj_close[0]));
  EXPECT_DOUBLE_EQ(s.close[2], 74.95);
  EXPECT_EQ(res->rows_read, 3u);
  EXPECT_TRUE(res->issues.empty());

  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Param("adjusted"), "true");
  EXPECT_EQ(seen[0].Param("sort"), "asc");
  EXPECT_EQ(seen[0].Param("limit"), "50000");
  EXPECT_EQ(seen[0].Param("apiKey"), "poly-key");
}

TEST_F(PolygonSourceTest, IntradayUsesMillisecondsAndKeepsUtc) {
  constexpr char kIntraday[] = R"j({"ticker":"AAPL","resultsCount":2,"adjusted":true,"status":"OK",
    "results":[{"v":1000,"o":74.3,"c":74.4,"h":74.5,"l":74.2,"t":1578061800000},
               {"v":2000,"o":74.4,"c":74.6,"h":74.7,"l":74.3,"t":1578062100000}]})j";
  const std::string path = "/v2/aggs/ticker/AAPL/range/5/minute/1578061800000/1578065399999";
  server_.Set("GET", path, CannedResponse(200, kIntraday));
  FetchRequest req = Request();
  req.interval = Interval::k5m;
  req.start = 1578061800;
  req.end = 1578065399;
  auto res = source_->Fetch("AAPL", req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  const BarSeries& s = res->series.at(0);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.ts[0], 1578061800);
  EXPECT_EQ(s.ts[1], 1578062100);
  EXPECT_DOUBLE_EQ(s.close[1], 74.6);
  EXPECT_EQ(server_.request_count(path), 1u);
}

TEST_F(PolygonSourceTest, FollowsNextUrlAcrossThreePages) {
  const std::string base = server_.base_url();
  server_.Handle("GET", kDailyPath, [base](const RecordedRequest& r) {
    const std::string cursor = r.Param("cursor");
    if (cursor.empty()) {
      return CannedResponse(200, R"j({"ticker":"AAPL","resultsCount":2,"status":"OK",
        "results":[{"v":10,"o":10,"c":11,"h":12,"l":9,"t":1577941200000},
                   {"v":20,"o":11,"c":12,"h":13,"l":10,"t":1578027600000}],
        "next_url":")j" + base + kDailyPath + R"j(?cursor=page2"})j");
    }
    if (cursor == "page2") {
      return CannedResponse(200, R"j({"ticker":"AAPL","resultsCount":2,"status":"OK",
        "results":[{"v":30,"o":12,"c":13,"h":14,"l":11,"t":1578286800000},
                   {"v":40,"o":13,"c":14,"h":15,"l":12,"t":1578373200000}],
        "next_url":")j" + base + kDailyPath + R"j(?cursor=page3"})j");
    }
    return CannedResponse(200, R"j({"ticker":"AAPL","resultsCount":1,"status":"OK",
      "results":[{"v":50,"o":14,"c":15,"h":16,"l":13,"t":1578459600000}]})j");
  });
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  const BarSeries& s = res->series.at(0);
  ASSERT_EQ(s.size(), 5u);
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_DOUBLE_EQ(s.volume[i], 10.0 * static_cast<double>(i + 1));
    if (i > 0) {
      EXPECT_GT(s.ts[i], s.ts[i - 1]);
    }
  }
  EXPECT_EQ(s.ts[4], kJan2 + 6 * 86400);  // 2020-01-08
  EXPECT_EQ(res->rows_read, 5u);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].Param("cursor"), "page2");
  EXPECT_EQ(seen[2].Param("cursor"), "page3");
  for (const auto& r : seen) EXPECT_EQ(r.Param("apiKey"), "poly-key");  // appended to next_url
}

TEST_F(PolygonSourceTest, EndlessPaginationIsBounded) {
  const std::string next = server_.base_url() + kDailyPath + "?cursor=again";
  server_.Set("GET", kDailyPath,
              CannedResponse(200, R"j({"status":"OK","resultsCount":0,"next_url":")j" + next + "\"}"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(server_.request_count(), 200u);
}

TEST_F(PolygonSourceTest, ZeroResultsIsAnEmptySeries) {
  server_.Set("GET", kDailyPath, CannedResponse(200, R"j({"ticker":"AAPL","queryCount":0,"resultsCount":0,
    "adjusted":true,"status":"OK","request_id":"b0e7f4bd4e8a3c4b"})j"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_TRUE(res->series.empty());
  EXPECT_EQ(res->rows_read, 0u);
}

TEST_F(PolygonSourceTest, ErrorRepliesMapToStatusCodes) {
  server_.Set("GET", kDailyPath, CannedResponse(403, R"j({"status":"NOT_AUTHORIZED","request_id":"x",
    "message":"You are not entitled to this data. Please upgrade your plan at https://polygon.io/pricing"})j"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(res.status().message().find("not entitled"), std::string::npos);

  server_.Set("GET", kDailyPath,
              CannedResponse(401, R"j({"status":"ERROR","request_id":"","error":"Unknown API Key"})j"));
  res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnauthenticated);

  // status ERROR with HTTP 200 (a bad parameter).
  server_.Set("GET", kDailyPath,
              CannedResponse(200, R"j({"status":"ERROR","request_id":"y","error":"Could not parse the time parameter"})j"));
  res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("Could not parse"), std::string::npos);
}

TEST_F(PolygonSourceTest, RateLimitIsRetriedThenSucceeds) {
  constexpr char kLimited[] = R"j({"status":"ERROR","request_id":"z","error":"You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing"})j";
  server_.Enqueue("GET", kDailyPath, CannedResponse(429, kLimited));
  server_.Enqueue("GET", kDailyPath, CannedResponse(200, kDaily));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->series.at(0).size(), 3u);
  EXPECT_EQ(server_.request_count(), 2u);

  server_.Set("GET", kDailyPath, CannedResponse(429, kLimited));
  res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(res.status().message().find("exceeded the maximum requests"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 2u + 3u);
}

TEST_F(PolygonSourceTest, MalformedRepliesAreInvalidArgument) {
  const char* bodies[] = {
      "{", "null", R"j({"status":"OK","results":{"t":1}})j",
      R"j({"status":"OK","results":[{"t":1577941200000,"o":1,"h":2,"l":0.5,"c":1.5,"v":1}],"resultsCount":1)j",
  };
  for (const char* body : bodies) {
    server_.Set("GET", kDailyPath, CannedResponse(200, body));
    auto res = source_->Fetch("AAPL", Request());
    ASSERT_FALSE(res.ok()) << body;
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << body << " -> " << res.status().ToString();
  }
}

TEST_F(PolygonSourceTest, BadResultsAreReportedAndStrictFails) {
  server_.Set("GET", kDailyPath, CannedResponse(200, R"j({"status":"OK","resultsCount":3,"results":[
    {"v":1,"o":10,"c":11,"h":12,"l":9,"t":1577941200000},
    {"v":2,"o":10,"h":12,"l":9,"t":1578027600000},
    {"v":3,"o":10,"c":11,"h":12,"l":-1,"t":1e300},
    {"v":-4,"o":10,"c":11,"h":12,"l":9,"t":1578286800000}]})j"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->series.at(0).size(), 1u);
  ASSERT_EQ(res->issues.size(), 3u);
  EXPECT_EQ(res->issues[0].where, "polygon:AAPL[1]");
  EXPECT_NE(res->issues[0].reason.find("c"), std::string::npos);
  EXPECT_EQ(res->issues[1].where, "polygon:AAPL[2]");
  EXPECT_EQ(res->issues[2].where, "polygon:AAPL[3]");
  EXPECT_NE(res->issues[2].reason.find("negative volume"), std::string::npos) << res->issues[2].reason;

  FetchRequest strict = Request();
  strict.strict = true;
  res = source_->Fetch("AAPL", strict);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PolygonSourceTest, MissingKeyIsUnauthenticated) {
  ::setenv("POLYGON_API_KEY", "ignored: keys come only from the settings", 1);
  auto source = Make("");
  auto res = source->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(res.status().message().find("POLYGON_API_KEY"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 0u);

  ::unsetenv("POLYGON_API_KEY");

  SourceConfig config;
  config.remote.base_url = server_.base_url();
  config.polygon_api_key = "from-settings";
  config.alpha_vantage_api_key = "not-this-one";
  auto by_name = NewSourceByName("polygon", config);
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  server_.Set("GET", kDailyPath, CannedResponse(200, kDaily));
  res = (*by_name)->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(server_.requests().at(0).Param("apiKey"), "from-settings");
}

TEST_F(PolygonSourceTest, IntervalsMapToMultiplierAndTimespan) {
  struct Case {
    Interval interval;
    const char* path;
  } cases[] = {
      {Interval::k1h, "/v2/aggs/ticker/AAPL/range/1/hour/"},
      {Interval::k15m, "/v2/aggs/ticker/AAPL/range/15/minute/"},
      {Interval::k1wk, "/v2/aggs/ticker/AAPL/range/1/week/2020-01-01/2020-01-10"},
      {Interval::k1mo, "/v2/aggs/ticker/AAPL/range/1/month/2020-01-01/2020-01-10"},
  };
  for (const Case& c : cases) {
    FetchRequest req = Request();
    req.interval = c.interval;
    (void)source_->Fetch("AAPL", req);  // unknown routes answer 404; only the path matters
    auto seen = server_.requests();
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().path.rfind(c.path, 0), 0u) << seen.back().path;
  }
  FetchRequest bad = Request();
  bad.interval = static_cast<Interval>(42);
  EXPECT_EQ(source_->Fetch("AAPL", bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PolygonSourceTest, UnknownRouteIsNotFound) {
  auto res = source_->Fetch("ZZZZ", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kNotFound) << res.status().ToString();
  EXPECT_EQ(source_->name(), "polygon");
}

}  // namespace
}  // namespace ohlcv
