#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "sources/remote_common.h"
#include "sources/source.h"
#include "sources/source_factory.h"
#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using testing::CannedResponse;
using testing::ReplayServer;

// Documented TIME_SERIES_DAILY_ADJUSTED layout, newest first.
constexpr char kDailyAdjusted[] = R"j({
  "Meta Data": {"1. Information": "Daily Time Series with Splits and Dividend Events",
                "2. Symbol": "IBM", "3. Last Refreshed": "2020-01-06",
                "4. Output Size": "Full size", "5. Time Zone": "US/Eastern"},
  "Time Series (Daily)": {
    "2020-01-06": {"1. open": "133.4200", "2. high": "134.2400", "3. low": "133.2000",
                   "4. close": "134.1000", "5. adjusted close": "118.9512", "6. volume": "2421128",
                   "7. dividend amount": "0.0000", "8. split coefficient": "1.0"},
    "2020-01-03": {"1. open": "133.5700", "2. high": "134.8600", "3. low": "133.5600",
                   "4. close": "134.3400", "5. adjusted close": "119.1641", "6. volume": "2373470",
                   "7. dividend amount": "0.0000", "8. split coefficient": "1.0"},
    "2020-01-02": {"1. open": "135.0000", "2. high": "135.9200", "3. low": "134.7700",
                   "4. close": "135.4200", "5. adjusted close": "120.1221", "6. volume": "3148461",
                   "7. dividend amount": "0.0000", "8. split coefficient": "1.0"}}})j";

constexpr char kDaily[] = R"j({
  "Meta Data": {"1. Information": "Daily Prices (open, high, low, close) and Volumes",
                "2. Symbol": "IBM", "3. Last Refreshed": "2020-01-03",
                "4. Output Size": "Full size", "5. Time Zone": "US/Eastern"},
  "Time Series (Daily)": {
    "2020-01-03": {"1. open": "133.5700", "2. high": "134.8600", "3. low": "133.5600",
                   "4. close": "134.3400", "5. volume": "2373470"},
    "2020-01-02": {"1. open": "135.0000", "2. high": "135.9200", "3. low": "134.7700",
                   "4. close": "135.4200", "5. volume": "3148461"}}})j";

constexpr int64_t kJan2 = 1577923200;  // 2020-01-02 00:00 UTC

class AlphaVantageSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    source_ = Make("test-key", true);
  }
  std::unique_ptr<Source> Make(std::string key, bool adjusted) {
    RemoteSourceOptions o;
    o.base_url = server_.base_url();
    o.api_key = std::move(key);
    o.adjusted = adjusted;
    o.http.max_retries = 2;
    o.http.initial_backoff = std::chrono::milliseconds(1);
    o.http.max_backoff = std::chrono::milliseconds(5);
    return NewAlphaVantageSource(o);
  }
  static FetchRequest Request() {
    FetchRequest r;
    r.tickers = {"IBM"};
    return r;
  }

  ReplayServer server_;
  std::unique_ptr<Source> source_;
};

TEST_F(AlphaVantageSourceTest, DecodesAdjustedDailyOldestFirst) {
  server_.Set("GET", "/query", CannedResponse(200, kDailyAdjusted));
  auto res = source_->Fetch("IBM", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->series.size(), 1u);
  const BarSeries& s = res->series[0];
  EXPECT_EQ(s.ticker, "IBM");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.ts[0], kJan2);
  EXPECT_EQ(s.ts[1], kJan2 + 86400);
  EXPECT_EQ(s.ts[2], kJan2 + 4 * 86400);
  EXPECT_DOUBLE_EQ(s.open[0], 135.0);
  EXPECT_DOUBLE_EQ(s.high[0], 135.92);
  EXPECT_DOUBLE_EQ(s.low[0], 134.77);
  EXPECT_DOUBLE_EQ(s.close[0], 135.42);
  EXPECT_DOUBLE_EQ(s.adj_close[0], 120.1221);
  EXPECT_DOUBLE_EQ(s.volume[0], 3148461);
  EXPECT_DOUBLE_EQ(s.close[2], 134.1);
  EXPECT_DOUBLE_EQ(s.volume[2], 2421128);
  EXPECT_EQ(res->rows_read, 3u);
  EXPECT_TRUE(res->issues.empty());  // newest-first is reversed silently

  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Param("function"), "TIME_SERIES_DAILY_ADJUSTED");
  EXPECT_EQ(seen[0].Param("symbol"), "IBM");
  EXPECT_EQ(seen[0].Param("outputsize"), "full");
  EXPECT_EQ(seen[0].Param("apikey"), "test-key");
}

TEST_F(AlphaVantageSourceTest, UnadjustedDailyHasNoAdjClose) {
  server_.Set("GET", "/query", CannedResponse(200, kDaily));
  auto source = Make("test-key", /*adjusted=*/false);
  auto res = source->Fetch("IBM", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  const BarSeries& s = res->series.at(0);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s.close[1], 134.34);
  EXPECT_DOUBLE_EQ(s.volume[1], 2373470);
  EXPECT_TRUE(std::isnan(s.adj_close[0]));
  EXPECT_EQ(server_.requests().at(0).Param("function"), "TIME_SERIES_DAILY");
}

TEST_F(AlphaVantageSourceTest, IntradayConvertsEasternTimeToUtc) {
  constexpr char kIntraday[] = R"j({
    "Meta Data": {"1. Information": "Intraday (5min) open, high, low, close prices and volume",
                  "2. Symbol": "IBM", "3. Last Refreshed": "2024-07-05 09:35:00",
                  "4. Interval": "5min", "5. Output Size": "Full size", "6. Time Zone": "US/Eastern"},
    "Time Series (5min)": {
      "2024-07-05 09:35:00": {"1. open": "176.10", "2. high": "176.50", "3. low": "175.90",
                              "4. close": "176.20", "5. volume": "51234"},
      "2024-07-05 09:30:00": {"1. open": "175.00", "2. high": "176.20", "3. low": "174.80",
                              "4. close": "176.10", "5. volume": "98765"},
      "2024-01-05 15:55:00": {"1. open": "160.00", "2. high": "160.20", "3. low": "159.90",
                              "4. close": "160.10", "5. volume": "40000"}}})j";
  server_.Set("GET", "/query", CannedResponse(200, kIntraday));
  FetchRequest req = Request();
  req.interval = Interval::k5m;
  auto res = source_->Fetch("IBM", req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  const BarSeries& s = res->series.at(0);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.ts[0], 1704488100);  // 2024-01-05 15:55 EST = 20:55 UTC
  EXPECT_EQ(s.ts[1], 1720186200);  // 2024-07-05 09:30 EDT = 13:30 UTC
  EXPECT_EQ(s.ts[2], 1720186500);
  EXPECT_DOUBLE_EQ(s.open[1], 175.0);
  EXPECT_DOUBLE_EQ(s.volume[1], 98765);
  auto seen = server_.requests().at(0);
  EXPECT_EQ(seen.Param("function"), "TIME_SERIES_INTRADAY");
  EXPECT_EQ(seen.Param("interval"), "5min");
}

TEST_F(AlphaVantageSourceTest, WeeklyAndHourlyMapToTheirFunctions) {
  server_.Set("GET", "/query", CannedResponse(200, R"j({"Weekly Adjusted Time Series": {}})j"));
  FetchRequest req = Request();
  req.interval = Interval::k1wk;
  ASSERT_TRUE(source_->Fetch("IBM", req).ok());
  req.interval = Interval::k1h;
  ASSERT_TRUE(source_->Fetch("IBM", req).ok());
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].Param("function"), "TIME_SERIES_WEEKLY_ADJUSTED");
  EXPECT_EQ(seen[1].Param("function"), "TIME_SERIES_INTRADAY");
  EXPECT_EQ(seen[1].Param("interval"), "60min");
}

TEST_F(AlphaVantageSourceTest, StartEndFilterTheFullHistory) {
  server_.Set("GET", "/query", CannedResponse(200, kDailyAdjusted));
  FetchRequest req = Request();
  req.start = kJan2 + 86400;
  req.end = kJan2 + 86400 + 86399;
  auto res = source_->Fetch("IBM", req);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->series.at(0).size(), 1u);
  EXPECT_DOUBLE_EQ(res->series[0].close[0], 134.34);
  EXPECT_EQ(res->rows_read, 3u);
}

TEST_F(AlphaVantageSourceTest, EmptySeriesIsOkWithoutBars) {
  server_.Set("GET", "/query",
              CannedResponse(200, R"j({"Meta Data": {"2. Symbol": "IBM"}, "Time Series (Daily)": {}})j"));
  auto res = source_->Fetch("IBM", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_TRUE(res->series.empty());
  EXPECT_EQ(res->rows_read, 0u);
}

TEST_F(AlphaVantageSourceTest, ErrorMessageIsNotFound) {
  server_.Set("GET", "/query", CannedResponse(200, R"j({"Error Message": "Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY."})j"));
  auto res = source_->Fetch("NOPE", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kNotFound);
  EXPECT_NE(res.status().message().find("Invalid API call"), std::string::npos);
  EXPECT_NE(res.status().message().find("alphavantage:NOPE"), std::string::npos);
}

TEST_F(AlphaVantageSourceTest, OtherErrorMessageIsInvalidArgument) {
  server_.Set("GET", "/query", CannedResponse(200, R"j({"Error Message": "This function is not supported."})j"));
  auto res = source_->Fetch("IBM", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AlphaVantageSourceTest, NoteAndInformationAreResourceExhausted) {
  server_.Set("GET", "/query", CannedResponse(200, R"j({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."})j"));
  auto res = source_->Fetch("IBM", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(res.status().message().find("5 calls per minute"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 1u);  // HTTP 200: nothing to retry

  server_.Set("GET", "/query", CannedResponse(200, R"j({"Information": "Thank you for using Alpha Vantage! This is a premium endpoint."})j"));
  res = source_->Fetch("IBM", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(res.status().message().find("premium endpoint"), std::string::npos);
}

TEST_F(AlphaVantageSourceTest, MalformedRepliesAreInvalidArgument) {
  const char* bodies[] = {
      "", "<html>oops</html>", R"j({"Time Series (Daily)": {"2020-01-02": )j", "[]",
      R"j({"Meta Data": {}})j",
  };
  for (const char* body : bodies) {
    server_.Set("GET", "/query", CannedResponse(200, body));
    auto res = source_->Fetch("IBM", Request());
    ASSERT_FALSE(res.ok()) << body;
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << body << " -> " << res.status().ToString();
  }
}

TEST_F(AlphaVantageSourceTest, BadRowsAreReportedAndStrictFails) {
  constexpr char kBad[] = R"j({"Time Series (Daily)": {
    "2020-01-06": {"1. open": "133.42", "2. high": "134.24", "3. low": "133.20", "4. close": "134.10", "5. volume": "1"},
    "2020-01-03": {"1. open": "133.57", "2. high": "120.00", "3. low": "133.56", "4. close": "134.34", "5. volume": "2"},
    "not-a-date": {"1. open": "1", "2. high": "1", "3. low": "1", "4. close": "1", "5. volume": "1"},
    "2020-01-02": {"1. open": "135.00", "2. high": "135.92", "3. low": "134.77", "5. volume": "3"}}})j";
  server_.Set("GET", "/query", CannedResponse(200, kBad));
  auto res = source_->Fetch("IBM", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->series.at(0).size(), 1u);
  EXPECT_EQ(res->rows_read, 4u);
  ASSERT_EQ(res->issues.size(), 3u);
  EXPECT_EQ(res->issues[0].where, "alphavantage:IBM[1]");
  EXPECT_NE(res->issues[0].reason.find("high < low"), std::string::npos);
  EXPECT_EQ(res->issues[1].where, "alphavantage:IBM[2]");
  EXPECT_EQ(res->issues[2].where, "alphavantage:IBM[3]");
  EXPECT_NE(res->issues[2].reason.find("missing close"), std::string::npos) << res->issues[2].reason;

  FetchRequest strict = Request();
  strict.strict = true;
  res = source_->Fetch("IBM", strict);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("alphavantage:IBM[1]"), std::string::npos);
}

TEST_F(AlphaVantageSourceTest, MissingKeyIsUnauthenticated) {
  ::setenv("ALPHA_VANTAGE_API_KEY", "ignored: keys come only from the settings", 1);
  auto source = Make("", true);
  auto res = source->Fetch("IBM", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(res.status().message().find("ALPHA_VANTAGE_API_KEY"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 0u);

  ::unsetenv("ALPHA_VANTAGE_API_KEY");

  // The key of the settings table (ALPHA_VANTAGE_API_KEY, *_FILE, secrets)
  // reaches the source through SourceConfig.
  SourceConfig config;
  config.remote.base_url = server_.base_url();
  config.alpha_vantage_api_key = "from-settings";
  config.polygon_api_key = "not-this-one";
  auto by_name = NewSourceByName("alphavantage", config);
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  server_.Set("GET", "/query", CannedResponse(200, kDaily));
  res = (*by_name)->Fetch("IBM", Request());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(server_.requests().at(0).Param("apikey"), "from-settings");
}

TEST_F(AlphaVantageSourceTest, ServerErrorsAreRetriedThenUnavailable) {
  server_.Set("GET", "/query", CannedResponse(502, "bad gateway", "text/plain"));
  auto res = source_->Fetch("IBM", Request());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(server_.request_count(), 3u);
  EXPECT_EQ(res.status().message().find("test-key"), std::string::npos);  // key not leaked
}

TEST_F(AlphaVantageSourceTest, NameAndPlan) {
  EXPECT_EQ(source_->name(), "alphavantage");
  FetchRequest req;
  req.tickers = {"ibm", "msft"};
  auto plan = source_->Plan(req);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(*plan, (std::vector<std::string>{"IBM", "MSFT"}));
}

// The Eastern clock conversion the intraday decoding relies on, at the DST
// edges (remote_common is private to sources/, tested through its user).
TEST(UsEasternClockTest, DaylightSavingEdges) {
  // 2020-03-08: 02:00 EST -> 03:00 EDT at 07:00 UTC.
  EXPECT_EQ(remote::UsEasternOffset(1583650800 - 1), -5 * 3600);
  EXPECT_EQ(remote::UsEasternOffset(1583650800), -4 * 3600);
  // 2020-11-01: 02:00 EDT -> 01:00 EST at 06:00 UTC.
  EXPECT_EQ(remote::UsEasternOffset(1604210400 - 1), -4 * 3600);
  EXPECT_EQ(remote::UsEasternOffset(1604210400), -5 * 3600);
  // Before 2007: first Sunday of April (2006-04-02 07:00 UTC), last Sunday of October.
  EXPECT_EQ(remote::UsEasternOffset(1143961200 - 1), -5 * 3600);
  EXPECT_EQ(remote::UsEasternOffset(1143961200), -4 * 3600);
  EXPECT_EQ(remote::UsEasternOffset(1162101600 - 1), -4 * 3600);  // 2006-10-29 06:00 UTC
  EXPECT_EQ(remote::UsEasternOffset(1162101600), -5 * 3600);
  // Wall clock to UTC: 2020-03-09 09:30 EDT, 2020-03-06 09:30 EST.
  EXPECT_EQ(remote::UsEasternToUtc(1583746200), 1583746200 + 4 * 3600);
  EXPECT_EQ(remote::UsEasternToUtc(1583487000), 1583487000 + 5 * 3600);
  EXPECT_EQ(remote::DayStart(-1), -86400);
  EXPECT_EQ(remote::DayStart(86400 + 5), 86400);
}

}  // namespace
}  // namespace ohlcv
