// Intraday questions on synthetic 1-minute bars: a store holding only 1m bars
// of SYN (two New York sessions, 09:30-15:59 EST = 14:30-20:59 UTC) answers
// "at 10:30 on DATE" (read in New York time, issue 16),
// "last hour", "last 90 minutes", "this morning" and "today" exactly, and
// says when a minute has no bar. Expected figures are computed here from the
// generated columns.
#include <gtest/gtest.h>

#include <random>

#include "plan/plan_answer.h"
#include "plan_fixture.h"
#include "util/time.h"

namespace ohlcv::plan_test {
namespace {

constexpr int64_t kEst = 5 * 3600;  // New York is UTC-5 in January

class PlanIntradayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BarSeries b;
    b.ticker = "SYN";
    b.interval = Interval::k1m;
    std::mt19937 rng(7);
    std::normal_distribution<double> step(0, 0.05);
    double px = 100;
    for (const char* day : {"2020-01-02", "2020-01-03"}) {
      const int64_t d0 = *ParseTimestamp(day);
      for (int m = 9 * 60 + 30; m < 16 * 60; ++m) {  // New York wall clock; EST = UTC-5
        if (std::string(day) == "2020-01-03" && m == 11 * 60) continue;  // a missing minute
        const double open = px;
        px += step(rng);
        const double close = px;
        b.push_back({d0 + m * 60 + kEst, open, std::max(open, close) + 0.02, std::min(open, close) - 0.02, close,
                     1000.0 + (m % 17) * 10, close});
      }
    }
    bars_ = b;
    src_.bars["SYN"][Interval::k1m] = std::move(b);
    parser_ = std::make_unique<PlanParser>(ContextFor(src_));
  }
  size_t At(const std::string& iso) const {
    const int64_t ts = *ParseTimestamp(iso);
    for (size_t i = 0; i < bars_.size(); ++i) {
      if (bars_.ts[i] == ts) return i;
    }
    ADD_FAILURE() << "no bar at " << iso;
    return 0;
  }
  PlanResult Run(const std::string& q) {
    plan_ = parser_->Parse(q);
    EXPECT_EQ(plan_.period.interval, Interval::k1m) << PlanToJson(plan_);
    auto r = ExecutePlan(plan_, src_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->rows.empty());
    return r.ok() ? *r : PlanResult{};
  }

  BarSeries bars_;
  MapSource src_;
  std::unique_ptr<PlanParser> parser_;
  QuestionPlan plan_;
};

TEST_F(PlanIntradayTest, CloseAtATimeOnADate) {
  for (const char* q : {"What was SYN's close at 10:30 on 2020-01-02?", "SYN close 2020-01-02 at 10:30"}) {
    PlanResult r = Run(q);
    const size_t i = At("2020-01-02T15:30:00Z");  // 10:30 EST
    ASSERT_TRUE(r.rows[0].value) << q << "\n" << PlanToJson(plan_);
    EXPECT_DOUBLE_EQ(*r.rows[0].value, bars_.close[i]) << q;
    EXPECT_EQ(*r.rows[0].ts, bars_.ts[i]);
    EXPECT_NE(ComposePlanAnswer(r).text.find("2020-01-02 10:30 EST"), std::string::npos) << ComposePlanAnswer(r).text;
  }
}

TEST_F(PlanIntradayTest, AMissingMinuteUsesThePreviousBarAndSaysSo) {
  PlanResult r = Run("What was SYN's open at 11:00 on 2020-01-03?");
  const size_t i = At("2020-01-03T15:59:00Z");  // 10:59 EST
  ASSERT_TRUE(r.rows[0].value);
  EXPECT_DOUBLE_EQ(*r.rows[0].value, bars_.open[i]);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("previous bar"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[0].find("2020-01-03 10:59 EST"), std::string::npos) << r.notes[0];
}

TEST_F(PlanIntradayTest, HighestPriceInTheLastHour) {
  PlanResult r = Run("What was the highest price of SYN in the last hour?");
  EXPECT_EQ(plan_.operation, Operation::kMax);
  double hi = 0;
  int64_t when = 0;
  for (size_t i = bars_.size() - 60; i < bars_.size(); ++i) {
    if (bars_.high[i] > hi) {
      hi = bars_.high[i];
      when = bars_.ts[i];
    }
  }
  ASSERT_TRUE(r.rows[0].value) << PlanToJson(plan_);
  EXPECT_DOUBLE_EQ(*r.rows[0].value, hi);
  EXPECT_EQ(*r.rows[0].ts, when);
}

TEST_F(PlanIntradayTest, AverageVolumeOverTheLast90Minutes) {
  PlanResult r = Run("average volume of SYN over the last 90 minutes");
  EXPECT_EQ(plan_.operation, Operation::kMean);
  double sum = 0;
  for (size_t i = bars_.size() - 90; i < bars_.size(); ++i) sum += bars_.volume[i];
  ASSERT_TRUE(r.rows[0].value) << PlanToJson(plan_);
  EXPECT_DOUBLE_EQ(*r.rows[0].value, sum / 90);
  EXPECT_EQ(r.rows[0].count, 90u);
}

TEST_F(PlanIntradayTest, LowestPriceThisMorningAndToday) {
  const int64_t day = *ParseTimestamp("2020-01-03") + kEst;  // New York midnight
  double morning = 1e9, all = 1e9;
  for (size_t i = 0; i < bars_.size(); ++i) {
    if (bars_.ts[i] < day) continue;
    all = std::min(all, bars_.low[i]);
    if (bars_.ts[i] < day + 12 * 3600) morning = std::min(morning, bars_.low[i]);
  }
  PlanResult r = Run("lowest price of SYN this morning");
  ASSERT_TRUE(r.rows[0].value) << PlanToJson(plan_);
  EXPECT_DOUBLE_EQ(*r.rows[0].value, morning);
  r = Run("What was SYN's low today?");
  EXPECT_EQ(plan_.operation, Operation::kMin) << PlanToJson(plan_);
  ASSERT_TRUE(r.rows[0].value);
  EXPECT_DOUBLE_EQ(*r.rows[0].value, all);
}

TEST_F(PlanIntradayTest, UpBarsToday) {
  const int64_t day = *ParseTimestamp("2020-01-03") + kEst;
  uint64_t up = 0;
  for (size_t i = 1; i < bars_.size(); ++i) up += bars_.ts[i] >= day && bars_.close[i] > bars_.close[i - 1];
  PlanResult r = Run("How many up days did SYN have today?");
  EXPECT_EQ(r.rows[0].count, up) << PlanToJson(plan_);
}

}  // namespace
}  // namespace ohlcv::plan_test
