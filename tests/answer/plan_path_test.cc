// The answer engine's plan path: specific questions are executed as plans
// (answer.plan set, figures from the bars), a plan sent with the request is
// executed as sent (no question needed), sector slang uses the industries
// map, a bad plan is refused, and open questions stay with retrieval.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "answer/answer_engine.h"
#include "kb_fixture.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using testing::DayTs;

class PlanPathTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    kb_ = new testing::TestKb(10);
    kb_->Add(testing::SyntheticSeries("AAA", DayTs(2016, 1, 4), 900, 1, 0.0008), "Financials");
    kb_->Add(testing::SyntheticSeries("BBB", DayTs(2016, 1, 4), 900, 2, -0.0002), "Financials");
    kb_->Add(testing::SyntheticSeries("CCC", DayTs(2016, 1, 4), 900, 3, 0.0003), "Financials");
    kb_->Finish();
  }
  static void TearDownTestSuite() {
    delete kb_;
    kb_ = nullptr;
  }
  void SetUp() override {
    AnswerOptions o;
    o.series.analysis = kb_->analysis();
    o.industries = {{"AAA", "Regional Banks"}, {"BBB", "Diversified Banks"}, {"CCC", "Asset Management & Custody Banks"}};
    engine_ = std::make_unique<AnswerEngine>(kb_->bars(), kb_->retriever(), kb_->sectors(), o);
  }
  static BarSeries Bars(const std::string& t) { return kb_->bars().Load(t, Interval::k1d).value(); }

  static testing::TestKb* kb_;
  std::unique_ptr<AnswerEngine> engine_;
};
testing::TestKb* PlanPathTest::kb_ = nullptr;

TEST_F(PlanPathTest, SpecificQuestionIsExecutedAsAPlan) {
  BarSeries b = Bars("AAA");
  const size_t i = 100;
  const std::string day = FormatDate(b.ts[i]);
  auto a = engine_->Ask({"What did AAA open at on " + day + "?", std::nullopt, 5, {}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->plan.has_value());
  EXPECT_EQ(a->plan->measure.kind, MeasureKind::kOpen);
  EXPECT_NE(a->text.find(fmt::format("${:.2f}", b.open[i])), std::string::npos) << a->text;
  auto j = AnswerToJson(*a);
  EXPECT_EQ(j["plan"]["operation"], "value");
  EXPECT_EQ(j["plan"]["subjects"][0]["name"], "AAA");
  ASSERT_FALSE(a->facts.empty());
}

TEST_F(PlanPathTest, APlanSentInsteadOfAQuestion) {
  BarSeries b = Bars("BBB");
  double lo = 1e18;
  for (size_t i = 0; i < b.size(); ++i) {
    if (CivilFromTs(b.ts[i]).year == 2017) lo = std::min(lo, b.close[i]);
  }
  auto plan = PlanFromJson(R"({"subjects":["bbb"],"measure":{"kind":"close"},"operation":"min",
                               "period":{"start":"2017-01-01","end":"2017-12-31"}})");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  AskRequest r;
  r.plan = *plan;
  auto a = engine_->Ask(r);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_NE(a->text.find(fmt::format("${:.2f}", lo)), std::string::npos) << a->text;
  EXPECT_EQ(a->plan->subjects[0].name, "BBB");
}

TEST_F(PlanPathTest, BanksMeansBankSubIndustriesNotTheSector) {
  auto a = engine_->Ask({"Top 5 banks by return in 2017", std::nullopt, 5, {}});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->plan.has_value());
  EXPECT_NE(a->text.find("AAA"), std::string::npos) << a->text;
  EXPECT_NE(a->text.find("BBB"), std::string::npos) << a->text;
  EXPECT_EQ(a->text.find("CCC"), std::string::npos) << "an asset manager is not a bank: " << a->text;
}

TEST_F(PlanPathTest, OpenQuestionsStayWithRetrieval) {
  auto a = engine_->Ask({"How did AAA perform in 2018?", std::nullopt, 5, {}});
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->plan.has_value());
  EXPECT_FALSE(a->sources.empty());
}

TEST_F(PlanPathTest, MacdIsAnIndicatorNotATicker) {
  auto a = engine_->Ask({"What was the MACD of AAA on 2018-06-01?", std::nullopt, 5, {}});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->plan.has_value());
  ASSERT_EQ(a->plan->subjects.size(), 1u);
  EXPECT_EQ(a->plan->subjects[0].name, "AAA");
  EXPECT_EQ(a->plan->measure.kind, MeasureKind::kMacd);
}

}  // namespace
}  // namespace ohlcv
