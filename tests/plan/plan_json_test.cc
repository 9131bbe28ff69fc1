#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plan/plan.h"
#include "util/time.h"

namespace ohlcv {
namespace {

QuestionPlan CrossPlan() {
  QuestionPlan p;
  p.subjects = {{SubjectKind::kTicker, "AAPL", "Apple"}, {SubjectKind::kIndustry, "Regional Banks", "banks"}};
  p.measure = {MeasureKind::kSma, 50};
  p.operation = Operation::kEvents;
  p.condition = Condition{{MeasureKind::kSma, 50}, Comparator::kCrossesBelow, Measure{MeasureKind::kSma, 200}, {}};
  p.period.start = *ParseTimestamp("2016-01-01");
  p.period.end = *ParseEndTimestamp("2016-12-31");
  p.period.as_written = "2016";
  p.rank = {3, false};
  p.form = AnswerForm::kList;
  p.not_understood = {"zorblax"};
  return p;
}

TEST(PlanJson, RoundTripKeepsEveryField) {
  const QuestionPlan p = CrossPlan();
  auto back = PlanFromJson(PlanToJson(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(PlanToJson(*back), PlanToJson(p));
  EXPECT_EQ(back->subjects[1].kind, SubjectKind::kIndustry);
  EXPECT_EQ(back->condition->right->n, 200);
  EXPECT_EQ(*back->period.end, *ParseTimestamp("2016-12-31") + 86399);
  EXPECT_FALSE(back->rank.descending);
  auto j = nlohmann::json::parse(PlanToJson(p));
  EXPECT_EQ(j["period"]["end"], "2016-12-31");
  EXPECT_EQ(j["condition"]["op"], "crosses_below");
}

TEST(PlanJson, IntradayTimesRoundTrip) {
  QuestionPlan p;
  p.subjects = {{SubjectKind::kTicker, "SYN", ""}};
  p.period.at = *ParseTimestamp("2020-01-02T10:30:00Z");
  p.period.interval = Interval::k1m;
  auto j = nlohmann::json::parse(PlanToJson(p));
  EXPECT_EQ(j["period"]["at"], "2020-01-02T10:30");
  auto back = PlanFromJson(j.dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back->period.at, *p.period.at);
  EXPECT_EQ(back->period.interval, Interval::k1m);
}

TEST(PlanJson, ErrorsNameTheBadField) {
  struct Case {
    const char* json;
    const char* field;
  } cases[] = {
      {R"({"subjects":["AAPL"],"operation":"value","measure":{"kind":"rsx"}})", "measure.kind"},
      {R"({"subjects":["AAPL"],"operation":"valu"})", "operation"},
      {R"({"subjects":["AAPL"]})", "operation"},
      {R"({"subjects":["AAPL"],"operation":"value","period":{"start":"2019-13-01"}})", "period.start"},
      {R"({"subjects":["AAPL"],"operation":"count"})", "condition"},
      {R"({"subjects":["AAPL"],"operation":"count","condition":{"left":{"kind":"close"},"op":"above"}})",
       "condition"},
      {R"({"subjects":["AAPL"],"operation":"value","measure":{"kind":"rsi","n":-3}})", "measure.n"},
      {R"({"subjects":["AAPL"],"operation":"value","measure":{"kind":"macd","n":5}})", "measure.n"},
      {R"({"subjects":["AAPL"],"operation":"value","bogus":1})", "plan.bogus"},
      {R"({"subjects":[{"kind":"planet","name":"x"}],"operation":"value"})", "subjects[0].kind"},
      {R"({"subjects":["AAPL"],"operation":"correlation"})", "subjects"},
      {R"({"operation":"value"})", "subjects"},
      {R"({"subjects":["AAPL"],"operation":"value","rank":{"k":3,"order":"middle"}})", "rank.order"},
      {R"({"subjects":["AAPL"],"operation":"value","period":{"interval":"7m"}})", "period.interval"},
      {R"([1,2])", "plan"},
      {R"({"subjects":)", "plan"},
  };
  for (const auto& c : cases) {
    auto r = PlanFromJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind(c.field, 0), 0u) << c.json << " -> " << r.status().message();
  }
}

TEST(PlanJson, SchemaListsEveryEnumValue) {
  auto s = nlohmann::json::parse(PlanJsonSchema());
  const auto& kinds = s["properties"]["measure"]["properties"]["kind"]["enum"];
  EXPECT_EQ(kinds.size(), static_cast<size_t>(MeasureKind::kCount));
  EXPECT_EQ(s["properties"]["operation"]["enum"].size(), static_cast<size_t>(Operation::kCount_));
  for (size_t i = 0; i < static_cast<size_t>(MeasureKind::kCount); ++i) {
    auto name = std::string(MeasureKindName(static_cast<MeasureKind>(i)));
    EXPECT_EQ(ParseMeasureKind(name), static_cast<MeasureKind>(i)) << name;
  }
}

TEST(PlanJson, LabelsAndMethods) {
  EXPECT_EQ(MeasureLabel({MeasureKind::kRsi, 0}), "RSI(14)");
  EXPECT_EQ(MeasureLabel({MeasureKind::kSma, 200}), "SMA(200)");
  EXPECT_EQ(MeasureMethod({MeasureKind::kRsi, 14}), "RSI(14), Wilder smoothing, on closes (TA-Lib)");
  EXPECT_EQ(MeasureWarmUp({MeasureKind::kSma, 200}), 199);
  EXPECT_EQ(MeasureWarmUp({MeasureKind::kRsi, 7}), 7);
}

}  // namespace
}  // namespace ohlcv

#include "plan/plan_parser.h"

namespace ohlcv {
namespace {

// Outside input never throws or crashes the parser: huge numbers, odd times,
// empty and punctuation-only text.
TEST(PlanParserRobustness, OddInputIsNotUnderstoodNotFatal) {
  PlanContext ctx;
  ctx.question.known_tickers = {"AAPL"};
  ctx.question.latest_ts = 1578614400;
  ctx.default_interval["AAPL"] = Interval::k1m;
  PlanParser parser(ctx);
  const std::string huge(400, '9');
  const std::vector<std::string> questions = {"", "???", "AAPL close above " + huge,
                                              "AAPL at 99999999999:30 on 2020-01-02", "AAPL above 1.2.3.4",
                                              "AAPL rsi " + huge, "$$$ % %b -di +di >< AAPL", "AAPL at 10:3 today",
                                              "AAPL at 1:300"};
  for (const std::string& q : questions) {
    QuestionPlan p = parser.Parse(q);
    (void)PlanToJson(p);
  }
  QuestionPlan p = parser.Parse("");
  EXPECT_FALSE(p.not_understood.empty());
}

}  // namespace
}  // namespace ohlcv
