#include "service/http/router.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

ServerResponse Named(std::string name) {
  ServerResponse r;
  r.body = std::move(name);
  return r;
}

Router MakeRouter() {
  Router r;
  r.Add("GET", "/api/v1/tickers", [](const ServerRequest&, const RouteParams&) { return Named("list"); });
  r.Add("GET", "/api/v1/tickers/{T}/bars",
        [](const ServerRequest&, const RouteParams& p) { return Named("bars " + std::string(p.Get("T"))); });
  r.Add("GET", "/api/v1/tickers/special/bars", [](const ServerRequest&, const RouteParams&) { return Named("lit"); });
  r.Add("POST", "/api/v1/query", [](const ServerRequest&, const RouteParams&) { return Named("query"); });
  r.Add("PUT", "/api/v1/query", [](const ServerRequest&, const RouteParams&) { return Named("put"); });
  r.Add("GET", "/api/v1/jobs/{id}", [](const ServerRequest&, const RouteParams& p) {
    return Named("job " + std::string(p.Get("id")));
  });
  return r;
}

TEST(RouterTest, MatchesTemplatesAndBindsParams) {
  Router r = MakeRouter();
  auto m = r.Match("GET", "/api/v1/tickers/AAPL/bars");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/tickers/{T}/bars");  // the metrics label
  EXPECT_EQ(m.params.Get("T"), "AAPL");
  EXPECT_EQ(m.route->handler(ServerRequest{}, m.params).body, "bars AAPL");
  m = r.Match("GET", "/api/v1/jobs/job-1-abc");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params.Get("id"), "job-1-abc");
  EXPECT_EQ(m.params.Get("missing"), "");
}

TEST(RouterTest, LiteralSegmentsBeatParameters) {
  Router r = MakeRouter();
  auto m = r.Match("GET", "/api/v1/tickers/special/bars");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/tickers/special/bars");
}

TEST(RouterTest, NotFoundVersusMethodNotAllowed) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Match("GET", "/api/v1/nope").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "/api/v1/tickers/AAPL").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "/api/v1/tickers//bars").kind, RouteMatch::Kind::kNotFound);  // empty param
  EXPECT_EQ(r.Match("GET", "/api/v1/tickers/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "").kind, RouteMatch::Kind::kNotFound);
  auto m = r.Match("GET", "/api/v1/query");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, "POST, PUT");
  EXPECT_EQ(r.Match("DELETE", "/api/v1/tickers/AAPL/bars").kind, RouteMatch::Kind::kMethodNotAllowed);
}

TEST(RouterTest, HeadIsServedByGetRoutes) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Match("HEAD", "/api/v1/tickers").kind, RouteMatch::Kind::kFound);
}

TEST(HttpTypesTest, SplitTargetAndQueryParams) {
  ServerRequest req;
  ASSERT_TRUE(SplitTarget("/api/v1/tickers/BRK.B/bars?start=2019-01-01&end=2019%2D02%2D01&x&q=a+b", &req.path,
                          &req.query));
  EXPECT_EQ(req.path, "/api/v1/tickers/BRK.B/bars");
  EXPECT_EQ(req.QueryParam("start"), "2019-01-01");
  EXPECT_EQ(req.QueryParam("end"), "2019-02-01");
  EXPECT_EQ(req.QueryParam("x"), "");
  EXPECT_EQ(req.QueryParam("q"), "a b");
  EXPECT_FALSE(req.QueryParam("nope"));
  std::string path, query;
  EXPECT_FALSE(SplitTarget("http://host/x", &path, &query));
  EXPECT_FALSE(SplitTarget("/bad%zz", &path, &query));
  EXPECT_FALSE(SplitTarget("/nul%00", &path, &query));
  EXPECT_FALSE(SplitTarget("/trunc%4", &path, &query));
  EXPECT_TRUE(SplitTarget("/a%2Fb", &path, &query));
  EXPECT_EQ(path, "/a/b");
}

}  // namespace
}  // namespace ohlcv
