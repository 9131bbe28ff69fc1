#include "retrieval/window_match.h"

#include <gtest/gtest.h>

#include "core/bar_series.h"
#include "retrieval/window_fields.h"
#include "retrieval_fixture.h"

namespace ohlcv {
namespace {

using testing::AddEvent;
using testing::Day;
using testing::MakeWindow;

TEST(WindowFieldsTest, ValuesConditionsAndDescriptions) {
  Window w = MakeWindow("AAPL", "Information Technology", Day(2019, 1, 7), 0, 72.5);
  EXPECT_EQ(WindowFieldValue(w, "rsi14_max"), 72.5);
  EXPECT_EQ(WindowFieldValue(w, "return_pct"), 2.0);
  EXPECT_EQ(WindowFieldValue(w, "end_ts"), static_cast<double>(w.end_ts));
  EXPECT_FALSE(WindowFieldValue(w, "nope").has_value());
  EXPECT_TRUE(ConditionHolds(w, {"rsi14_max", NumericCondition::Op::kGt, 70}));
  EXPECT_FALSE(ConditionHolds(w, {"rsi14_max", NumericCondition::Op::kLe, 70}));
  EXPECT_FALSE(ConditionHolds(w, {"nope", NumericCondition::Op::kLe, 70}));
  w.last.adx14 = kNaN;
  EXPECT_FALSE(ConditionHolds(w, {"adx14", NumericCondition::Op::kLt, 100}));
  EXPECT_EQ(DescribeCondition(w, {"rsi14_max", NumericCondition::Op::kGt, 70}), "rsi14_max 72.5 > 70");
  EXPECT_EQ(DescribeCondition(w, {"adx14", NumericCondition::Op::kGe, 25}), "adx14 n/a >= 25");
}

TEST(WindowMatchTest, PatternDatedInsideVersusOutsideThePeriod) {
  Window w = MakeWindow("AAPL", "Information Technology", Day(2019, 2, 10), 0);
  AddEvent(&w, PatternKind::kBreakout20High, Day(2019, 2, 20));
  WindowFilter march;
  march.patterns = {PatternKind::kBreakout20High, PatternKind::kBreakout52wHigh};
  march.start_ts = Day(2019, 3, 1);
  march.end_ts = Day(2019, 3, 31);
  WindowMatch m = AssessMatch(w, march);
  EXPECT_TRUE(m.has_pattern);
  EXPECT_FALSE(m.pattern_in_period);
  EXPECT_FALSE(m.exact());

  AddEvent(&w, PatternKind::kBreakout52wHigh, Day(2019, 3, 4));
  AddEvent(&w, PatternKind::kDoji, Day(2019, 3, 5));
  m = AssessMatch(w, march);
  EXPECT_TRUE(m.exact());
  EXPECT_EQ(m.pattern_events, 1);
  EXPECT_NEAR(m.strength, 1.0 / 3, 1e-12);

  std::vector<std::string> why;
  ExplainMatch(w, march, &why);
  ASSERT_EQ(why.size(), 3u);
  EXPECT_EQ(why[0], "2019-02-10..2019-03-23 overlaps 2019-03-01..2019-03-31");
  EXPECT_EQ(why[1], "breakout_52w_high on 2019-03-04");
  EXPECT_EQ(why[2], "breakout_20_high on 2019-02-20 (outside the period)");
}

TEST(WindowMatchTest, ConditionStrengthIsTheRelativeMargin) {
  Window w = MakeWindow("XOM", "Energy", Day(2019, 1, 7), 0, 84);
  WindowFilter f;
  f.numeric = {{"rsi14_max", NumericCondition::Op::kGt, 70}};
  WindowMatch m = AssessMatch(w, f);
  EXPECT_TRUE(m.exact());
  EXPECT_NEAR(m.strength, 14.0 / 70, 1e-12);
  f.numeric.push_back({"return_pct", NumericCondition::Op::kLt, 0});
  EXPECT_FALSE(AssessMatch(w, f).exact());
}

TEST(WindowMatchTest, MergeIntersectsListsAndNarrowsDates) {
  WindowFilter f;
  f.tickers = {"AAPL", "MSFT"};
  f.start_ts = 100;
  WindowFilter extra;
  extra.tickers = {"MSFT", "XOM"};
  extra.start_ts = 50;
  extra.end_ts = 500;
  extra.numeric = {{"adx14", NumericCondition::Op::kGt, 25}};
  extra.exclude_ids = {"x"};
  ASSERT_TRUE(MergeWindowFilters(extra, &f));
  EXPECT_EQ(f.tickers, std::vector<std::string>{"MSFT"});
  EXPECT_EQ(f.start_ts, 100);
  EXPECT_EQ(f.end_ts, 500);
  EXPECT_EQ(f.numeric.size(), 1u);
  EXPECT_EQ(f.exclude_ids, std::vector<std::string>{"x"});

  WindowFilter g;
  g.sectors = {"Energy"};
  WindowFilter other;
  other.sectors = {"Financials"};
  EXPECT_FALSE(MergeWindowFilters(other, &g));

  WindowFilter h;
  h.end_ts = 10;
  WindowFilter late;
  late.start_ts = 20;
  EXPECT_FALSE(MergeWindowFilters(late, &h));

  WindowFilter empty;
  WindowFilter i;
  i.tickers = {"AAPL"};
  EXPECT_TRUE(MergeWindowFilters(empty, &i));
  EXPECT_EQ(i.tickers, std::vector<std::string>{"AAPL"});
}

}  // namespace
}  // namespace ohlcv
