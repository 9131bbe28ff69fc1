#include "util/window_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace ohlcv {
namespace {

using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Bitwise equality, so NaN == NaN and -0.0 != 0.0: "round-trips exactly".
bool Same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

Window Sample() {
  Window w;
  w.id = "AAPL_1d_20190301_20190412";
  w.ticker = "AAPL";
  w.sector = "Information Technology";
  w.interval = Interval::k1d;
  w.start_ts = 1551398400;
  w.end_ts = 1555027200;
  w.start_bar = 1048;
  w.n_bars = 30;
  w.open = 174.28;
  w.first_close = 174.97;
  w.close = 198.87;
  w.high = 200.23;
  w.high_ts = 1554940800;
  w.low = 169.5;
  w.low_ts = 1552003200;
  w.return_pct = (198.87 / 174.97 - 1) * 100;  // many digits
  w.volatility = 0.1 + 0.2;                     // 0.30000000000000004
  w.max_drawdown_pct = -3.0512345678901234;
  w.avg_volume = 28'123'456.789;
  w.relative_volume = kNaN;
  w.trend = TrendState::kUp;
  w.last.sma20 = 185.1234567890123;
  w.last.sma200 = kNaN;
  w.last.rsi14 = 71.2;
  w.last.rsi14_max = 74.0;
  w.last.rsi14_min = 1.0 / 3.0;
  w.last.macd_hist = -1e-300;
  w.patterns = {{PatternKind::kGoldenCross, 1060, 1553040000, 1553040000, 180.1},
                {PatternKind::kSupport, 1070, 1553904000, 1553644800, 1.0 / 7.0},
                {PatternKind::kRsiOverbought, 1074, 1554768000, 1554768000, kNaN}};
  w.summary = "AAPL (Information Technology) 2019-03-01 to 2019-04-12: \"+13.7%\" rally…";
  w.shape = {0.1f, -0.25f, 1.0f / 3.0f, 1e-30f, 0.0f};
  return w;
}

void ExpectSameWindow(const Window& a, const Window& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.ticker, b.ticker);
  EXPECT_EQ(a.sector, b.sector);
  EXPECT_EQ(a.interval, b.interval);
  EXPECT_EQ(a.start_ts, b.start_ts);
  EXPECT_EQ(a.end_ts, b.end_ts);
  EXPECT_EQ(a.start_bar, b.start_bar);
  EXPECT_EQ(a.n_bars, b.n_bars);
  EXPECT_TRUE(Same(a.open, b.open));
  EXPECT_TRUE(Same(a.first_close, b.first_close));
  EXPECT_TRUE(Same(a.close, b.close));
  EXPECT_TRUE(Same(a.high, b.high));
  EXPECT_EQ(a.high_ts, b.high_ts);
  EXPECT_TRUE(Same(a.low, b.low));
  EXPECT_EQ(a.low_ts, b.low_ts);
  EXPECT_TRUE(Same(a.return_pct, b.return_pct));
  EXPECT_TRUE(Same(a.volatility, b.volatility));
  EXPECT_TRUE(Same(a.max_drawdown_pct, b.max_drawdown_pct));
  EXPECT_TRUE(Same(a.avg_volume, b.avg_volume));
  EXPECT_TRUE(Same(a.relative_volume, b.relative_volume));
  EXPECT_EQ(a.trend, b.trend);
  const double* pa = &a.last.sma20;
  const double* pb = &b.last.sma20;
  constexpr size_t kN = sizeof(WindowIndicators) / sizeof(double);
  for (size_t i = 0; i < kN; ++i) EXPECT_TRUE(Same(pa[i], pb[i])) << "indicator #" << i;
  ASSERT_EQ(a.patterns.size(), b.patterns.size());
  for (size_t i = 0; i < a.patterns.size(); ++i) {
    EXPECT_EQ(a.patterns[i].kind, b.patterns[i].kind);
    EXPECT_EQ(a.patterns[i].bar, b.patterns[i].bar);
    EXPECT_EQ(a.patterns[i].ts, b.patterns[i].ts);
    EXPECT_EQ(a.patterns[i].ref_ts, b.patterns[i].ref_ts);
    EXPECT_TRUE(Same(a.patterns[i].value, b.patterns[i].value));
  }
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.shape, b.shape);
}

TEST(WindowJsonTest, RoundTripsExactlyThroughText) {
  const Window w = Sample();
  const std::string text = WindowToJson(w).dump();
  Result<Window> back = WindowFromJson(json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameWindow(w, *back);
  // And a second trip produces the same text.
  EXPECT_EQ(WindowToJson(*back).dump(), text);
}

TEST(WindowJsonTest, ReadableFieldsDatesAndNulls) {
  const json j = WindowToJson(Sample());
  EXPECT_EQ(j["start_date"], "2019-03-01");
  EXPECT_EQ(j["end_date"], "2019-04-12");
  EXPECT_EQ(j["high_date"], "2019-04-11");
  EXPECT_EQ(j["low_date"], "2019-03-08");
  EXPECT_EQ(j["start_ts"], 1551398400);
  EXPECT_EQ(j["interval"], "1d");
  EXPECT_EQ(j["trend"], "uptrend");
  EXPECT_TRUE(j["relative_volume"].is_null());
  EXPECT_TRUE(j["indicators"]["sma200"].is_null());
  EXPECT_EQ(j["indicators"]["rsi14"], 71.2);
  ASSERT_EQ(j["patterns"].size(), 3u);
  EXPECT_EQ(j["patterns"][0]["kind"], "golden_cross");
  EXPECT_EQ(j["patterns"][0]["date"], "2019-03-20");
  EXPECT_EQ(j["patterns"][0]["value"], 180.1);
  EXPECT_TRUE(j["patterns"][2]["value"].is_null());
  EXPECT_EQ(j["shape"].size(), 5u);
  EXPECT_EQ(j.dump().find("NaN"), std::string::npos);
}

TEST(WindowJsonTest, OptionalPartsDefault) {
  json j = WindowToJson(Sample());
  j.erase("sector");
  j.erase("indicators");
  j.erase("patterns");
  j.erase("summary");
  j.erase("shape");
  j["unknown_extra"] = 5;
  Result<Window> w = WindowFromJson(j);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE(w->sector.empty());
  EXPECT_TRUE(std::isnan(w->last.rsi14));
  EXPECT_TRUE(w->patterns.empty());
  EXPECT_TRUE(w->shape.empty());
}

Status ErrorOf(const json& j) { return WindowFromJson(j).status(); }

TEST(WindowJsonTest, ErrorsNameTheField) {
  const json good = WindowToJson(Sample());
  EXPECT_EQ(ErrorOf(json::array()).code(), StatusCode::kInvalidArgument);

  json j = good;
  j.erase("close");
  Status st = ErrorOf(j);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'close'"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("missing"), std::string::npos) << st.ToString();

  j = good;
  j["start_ts"] = "2019-03-01";
  st = ErrorOf(j);
  EXPECT_NE(st.message().find("'start_ts'"), std::string::npos) << st.ToString();

  j = good;
  j["indicators"]["rsi14"] = "high";
  st = ErrorOf(j);
  EXPECT_NE(st.message().find("'indicators.rsi14'"), std::string::npos) << st.ToString();

  j = good;
  j["patterns"][1]["kind"] = "moon_landing";
  st = ErrorOf(j);
  EXPECT_NE(st.message().find("'patterns[1].kind'"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("moon_landing"), std::string::npos) << st.ToString();

  j = good;
  j["patterns"][2].erase("ts");
  st = ErrorOf(j);
  EXPECT_NE(st.message().find("'patterns[2].ts'"), std::string::npos) << st.ToString();

  j = good;
  j["interval"] = "7d";
  EXPECT_NE(ErrorOf(j).message().find("'interval'"), std::string::npos);
  j = good;
  j["trend"] = "up";
  EXPECT_NE(ErrorOf(j).message().find("'trend'"), std::string::npos);
  j = good;
  j["n_bars"] = -3;
  EXPECT_NE(ErrorOf(j).message().find("'n_bars'"), std::string::npos);
  j = good;
  j["shape"][3] = "x";
  EXPECT_NE(ErrorOf(j).message().find("'shape[3]'"), std::string::npos);
}

TEST(WindowJsonTest, PatternEventAlone) {
  PatternEvent e{PatternKind::kBreakout20High, 12, 1554768000, 1554681600, 201.5};
  Result<PatternEvent> back = PatternEventFromJson(PatternEventToJson(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, e.kind);
  EXPECT_EQ(back->bar, e.bar);
  EXPECT_EQ(back->ref_ts, e.ref_ts);
  EXPECT_EQ(back->value, e.value);
  Result<PatternEvent> minimal = PatternEventFromJson(json{{"kind", "gap_up"}, {"ts", 86400}});
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->ref_ts, 86400);
  EXPECT_EQ(ParseTrendState("downtrend").value(), TrendState::kDown);
  EXPECT_FALSE(ParseTrendState("flat").ok());
}

}  // namespace
}  // namespace ohlcv
