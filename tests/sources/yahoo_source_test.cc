#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "sources/source.h"
#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using testing::CannedResponse;
using testing::ReplayServer;

constexpr char kPath[] = "/v8/finance/chart/AAPL";

// Four trading days of AAPL in the chart API's documented layout; Jan 6 has
// null prices (as Yahoo reports a bar without trades).
constexpr char kDaily[] = R"({"chart":{"result":[{
  "meta":{"currency":"USD","symbol":"AAPL","exchangeName":"NMS","instrumentType":"EQUITY",
          "gmtoffset":-18000,"timezone":"EST","exchangeTimezoneName":"America/New_York",
          "dataGranularity":"1d"},
  "timestamp":[1577975400,1578061800,1578321000,1578407400],
  "events":{"dividends":{}},
  "indicators":{
    "quote":[{"open":[74.06,74.2875,null,74.96],
              "high":[75.15,75.145,null,75.225],
              "low":[73.7975,74.125,null,74.37],
              "close":[75.0875,74.3575,null,74.5975],
              "volume":[135480400,146322800,null,108872000]}],
    "adjclose":[{"adjclose":[73.449394,72.735321,null,72.969421]}]}}],
  "error":null}})";

constexpr int64_t kJan2 = 1577923200;  // 2020-01-02 00:00 UTC

class YahooSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    RemoteSourceOptions o;
    o.base_url = server_.base_url() + "/";  // trailing slash is tolerated
    o.http.max_retries = 2;
    o.http.initial_backoff = std::chrono::milliseconds(1);
    o.http.max_backoff = std::chrono::milliseconds(5);
    o.http.request_timeout = std::chrono::milliseconds(5000);
    source_ = NewYahooSource(o);
  }
  FetchRequest Request() const {
    FetchRequest r;
    r.tickers = {"AAPL"};
    return r;
  }

  ReplayServer server_;
  std::unique_ptr<Source> source_;
};

TEST_F(YahooSourceTest, DecodesDailyBarsWithExactValues) {
  server_.Set("GET", kPath, CannedResponse(200, kDaily));
  FetchRequest req = Request();
  req.start = kJan2;
  req.end = kJan2 + 6 * 86400 - 1;  // through 2020-01-07
  auto res = source_->Fetch("AAPL", req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->series.size(), 1u);
  const BarSeries& s = res->series[0];
  EXPECT_EQ(s.ticker, "AAPL");
  EXPECT_EQ(s.interval, Interval::k1d);
  ASSERT_EQ(s.size(), 3u);
  // Daily bars are re-stamped to 00:00 UTC of the exchange date.
  EXPECT_EQ(s.ts[0], kJan2);
  EXPECT_EQ(s.ts[1], kJan2 + 86400);
  EXPECT_EQ(s.ts[2], kJan2 + 5 * 86400);
  EXPECT_DOUBLE_EQ(s.open[0], 74.06);
  EXPECT_DOUBLE_EQ(s.high[0], 75.15);
  EXPECT_DOUBLE_EQ(s.low[0], 73.7975);
  EXPECT_DOUBLE_EQ(s.close[0], 75.0875);
  EXPECT_DOUBLE_EQ(s.volume[0], 135480400);
  EXPECT_DOUBLE_EQ(s.adj_close[0], 73.449394);
  EXPECT_DOUBLE_EQ(s.close[2], 74.5975);
  EXPECT_DOUBLE_EQ(s.adj_close[2], 72.969421);
  EXPECT_EQ(res->rows_read, 4u);
  ASSERT_EQ(res->issues.size(), 1u);
  EXPECT_EQ(res->issues[0].where, "yahoo:AAPL[2]");
  EXPECT_NE(res->issues[0].reason.find("null"), std::string::npos);

  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, kPath);
  EXPECT_EQ(seen[0].Param("interval"), "1d");
  EXPECT_EQ(seen[0].Param("events"), "div,split");
  // The daily range is widened by a day each side (local dates vs UTC stamps).
  EXPECT_EQ(std::stoll(seen[0].Param("period1")), kJan2 - 86400);
  EXPECT_GT(std::stoll(seen[0].Param("period2")), *req.end);
}

TEST_F(YahooSourceTest, RangeFilterDropsBarsOutsideStartEnd) {
  server_.Set("GET", kPath, CannedResponse(200, kDaily));
  FetchRequest req = Request();
  req.start = kJan2 + 86400;      // 2020-01-03
  req.end = kJan2 + 86400 + 3600;  // same day
  auto res = source_->Fetch("AAPL", req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->series.size(), 1u);
  ASSERT_EQ(res->series[0].size(), 1u);
  EXPECT_DOUBLE_EQ(res->series[0].close[0], 74.3575);
  EXPECT_TRUE(res->issues.empty());  // the null row was out of range: not reported
}

TEST_F(YahooSourceTest, IntradayKeepsUtcTimestamps) {
  constexpr char kIntraday[] = R"({"chart":{"result":[{
    "meta":{"symbol":"AAPL","gmtoffset":-18000,"dataGranularity":"5m"},
    "timestamp":[1578061800,1578062100],
    "indicators":{"quote":[{"open":[74.29,74.60],"high":[74.65,74.70],"low":[74.13,74.40],
                            "close":[74.60,74.45],"volume":[3480000,1210000]}]}}],"error":null}})";
  server_.Set("GET", kPath, CannedResponse(200, kIntraday));
  FetchRequest req = Request();
  req.interval = Interval::k5m;
  auto res = source_->Fetch("AAPL", req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->series.size(), 1u);
  const BarSeries& s = res->series[0];
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.interval, Interval::k5m);
  EXPECT_EQ(s.ts[0], 1578061800);
  EXPECT_EQ(s.ts[1], 1578062100);
  EXPECT_TRUE(std::isnan(s.adj_close[0]));  // no adjclose block for intraday
  EXPECT_EQ(server_.requests().at(0).Param("interval"), "5m");
}

TEST_F(YahooSourceTest, HourlyMapsTo60m) {
  server_.Set("GET", kPath, CannedResponse(200, kDaily));
  FetchRequest req = Request();
  req.interval = Interval::k1h;
  ASSERT_TRUE(source_->Fetch("AAPL", req).ok());
  EXPECT_EQ(server_.requests().at(0).Param("interval"), "60m");
}

TEST_F(YahooSourceTest, StrictFailsOnNullRow) {
  server_.Set("GET", kPath, CannedResponse(200, kDaily));
  FetchRequest req = Request();
  req.strict = true;
  auto res = source_->Fetch("AAPL", req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("yahoo:AAPL[2]"), std::string::npos) << res.status().message();
}

TEST_F(YahooSourceTest, BadRowIsSkippedAndReported) {
  constexpr char kBad[] = R"({"chart":{"result":[{"meta":{"gmtoffset":-18000},
    "timestamp":[1577975400,1578061800],
    "indicators":{"quote":[{"open":[74.06,74.29],"high":[75.15,70.0],"low":[73.80,74.13],
                            "close":[75.09,74.36],"volume":[100,200]}]}}],"error":null}})";
  server_.Set("GET", kPath, CannedResponse(200, kBad));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->series.at(0).size(), 1u);
  ASSERT_EQ(res->issues.size(), 1u);
  EXPECT_EQ(res->issues[0].where, "yahoo:AAPL[1]");
  EXPECT_NE(res->issues[0].reason.find("high < low"), std::string::npos) << res->issues[0].reason;
}

TEST_F(YahooSourceTest, EmptyRangeIsOkWithoutBars) {
  // What the chart API returns for a range with no trading days.
  constexpr char kEmpty[] = R"({"chart":{"result":[{
    "meta":{"symbol":"AAPL","gmtoffset":-18000,"dataGranularity":"1d"},
    "indicators":{"quote":[{}],"adjclose":[{}]}}],"error":null}})";
  server_.Set("GET", kPath, CannedResponse(200, kEmpty));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_TRUE(res->series.empty());
  EXPECT_TRUE(res->issues.empty());
  EXPECT_EQ(res->rows_read, 0u);
}

TEST_F(YahooSourceTest, NotFoundErrorIsNotFoundWithoutRetry) {
  server_.Set("GET", "/v8/finance/chart/NOPE",
              CannedResponse(404, R"({"chart":{"result":null,"error":{"code":"Not Found",
                "description":"No data found, symbol may be delisted"}}})"));
  auto res = source_->Fetch("NOPE", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kNotFound);
  EXPECT_NE(res.status().message().find("symbol may be delisted"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(YahooSourceTest, BadRequestErrorIsInvalidArgument) {
  server_.Set("GET", kPath,
              CannedResponse(422, R"({"chart":{"result":null,"error":{"code":"Unprocessable Entity",
                "description":"1m data not available for startTime=1 and endTime=2."}}})"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("1m data not available"), std::string::npos);
}

TEST_F(YahooSourceTest, RateLimitIsRetriedThenSucceeds) {
  server_.Enqueue("GET", kPath, CannedResponse(429, "Too Many Requests\n", "text/plain"));
  server_.Enqueue("GET", kPath, CannedResponse(200, kDaily));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->series.at(0).size(), 3u);
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(YahooSourceTest, RateLimitExhaustedIsResourceExhausted) {
  server_.Set("GET", kPath, CannedResponse(429, "Too Many Requests\n", "text/plain"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted) << res.status().ToString();
  EXPECT_EQ(server_.request_count(), 3u);  // first try + max_retries
}

TEST_F(YahooSourceTest, ServerErrorExhaustedIsUnavailable) {
  server_.Set("GET", kPath, CannedResponse(503, "<html>down</html>", "text/html"));
  auto res = source_->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
}

TEST_F(YahooSourceTest, MalformedRepliesAreInvalidArgument) {
  const char* bodies[] = {
      "{not json",
      R"({"chart":{"result":[{"timestamp":[1577975400)",           // truncated
      "[1,2,3]",                                                     // not an object
      R"({"unexpected":true})",                                     // no chart
      R"({"chart":{"result":{"a":1},"error":null}})",               // result not an array
      R"({"chart":{"result":[{"timestamp":"x"}],"error":null}})",  // timestamp not an array
      R"({"chart":{"result":[{"timestamp":[1577975400]}],"error":null}})",  // no indicators
      R"({"chart":{"result":[{"timestamp":[1577975400,1578061800],
          "indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1],"volume":[1]}]}}],
          "error":null}})",  // arrays shorter than timestamps
  };
  for (const char* body : bodies) {
    server_.Set("GET", kPath, CannedResponse(200, body));
    auto res = source_->Fetch("AAPL", Request());
    ASSERT_FALSE(res.ok()) << body;
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << body << " -> " << res.status().ToString();
  }
}

TEST_F(YahooSourceTest, PlanUpperCasesAndRejectsBadTickers) {
  FetchRequest req;
  req.tickers = {"aapl", " msft ", "AAPL", "^gspc", "brk-b"};
  auto plan = source_->Plan(req);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(*plan, (std::vector<std::string>{"AAPL", "MSFT", "^GSPC", "BRK-B"}));
  req.tickers = {"AAPL&x=1"};
  EXPECT_EQ(source_->Plan(req).status().code(), StatusCode::kInvalidArgument);
  req.tickers = {};
  EXPECT_EQ(source_->Plan(req).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source_->name(), "yahoo");
}

TEST_F(YahooSourceTest, SymbolIsUrlEncodedInPath) {
  server_.Set("GET", "/v8/finance/chart/^GSPC", CannedResponse(200, kDaily));
  auto res = source_->Fetch("^GSPC", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->series.at(0).ticker, "^GSPC");
}

TEST_F(YahooSourceTest, UnsupportedIntervalIsInvalidArgument) {
  FetchRequest req = Request();
  req.interval = static_cast<Interval>(99);
  auto res = source_->Fetch("AAPL", req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(YahooSourceTest, ConcurrentFetchesOfDistinctTickers) {
  const std::vector<std::string> tickers = {"AAPL", "MSFT", "GOOG", "AMZN"};
  for (const auto& t : tickers) server_.Set("GET", "/v8/finance/chart/" + t, CannedResponse(200, kDaily));
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (const auto& t : tickers) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto res = source_->Fetch(t, Request());
        if (res.ok() && res->series.size() == 1 && res->series[0].ticker == t &&
            res->series[0].size() == 3) {
          ++good;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 20);
  EXPECT_EQ(server_.request_count(), 20u);
}

TEST_F(YahooSourceTest, SlowServerIsDeadlineExceeded) {
  server_.Set("GET", kPath, CannedResponse(200, kDaily).WithDelay(std::chrono::seconds(20)));
  RemoteSourceOptions o;
  o.base_url = server_.base_url();
  o.http.request_timeout = std::chrono::milliseconds(200);
  o.http.max_retries = 0;
  auto source = NewYahooSource(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto res = source->Fetch("AAPL", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kDeadlineExceeded) << res.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(YahooSourceUnreachableTest, ConnectionRefusedIsUnavailable) {
  ReplayServer gone;
  ASSERT_TRUE(gone.Start());
  const std::string url = gone.base_url();
  gone.Stop();  // the port is now closed
  RemoteSourceOptions o;
  o.base_url = url;
  o.http.max_retries = 1;
  o.http.initial_backoff = std::chrono::milliseconds(1);
  auto source = NewYahooSource(o);
  FetchRequest req;
  req.tickers = {"AAPL"};
  auto res = source->Fetch("AAPL", req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable) << res.status().ToString();
  EXPECT_NE(res.status().message().find("yahoo:AAPL"), std::string::npos);
}

}  // namespace
}  // namespace ohlcv
