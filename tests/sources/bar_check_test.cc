#include "sources/bar_check.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

Bar Good(int64_t ts = 86400) { return Bar{ts, 10.0, 11.0, 9.5, 10.5, 1000.0, 10.4}; }

std::string Where(size_t row) { return "t[" + std::to_string(row) + "]"; }

BarSeries SeriesOf(const std::vector<int64_t>& ts) {
  BarSeries s;
  s.ticker = "T";
  for (int64_t t : ts) {
    Bar b = Good(t);
    b.close = static_cast<double>(t % 1000) / 100 + 10;  // tag rows to follow them
    b.high = b.close + 1;
    s.push_back(b);
  }
  return s;
}

TEST(CheckBarTest, AcceptsGoodBarsAndZeroVolumeAndUnknownAdjClose) {
  EXPECT_EQ(CheckBar(Good()), std::nullopt);
  Bar b = Good();
  b.volume = 0;
  b.adj_close = kNaN;
  EXPECT_EQ(CheckBar(b), std::nullopt);
  b.high = b.low = b.open = b.close = 5;  // a flat bar is fine
  EXPECT_EQ(CheckBar(b), std::nullopt);
}

TEST(CheckBarTest, RejectsEveryHardDefectWithAReason) {
  struct Case {
    void (*mutate)(Bar&);
    std::string expect;  // substring of the reason
  };
  const Case cases[] = {
      {[](Bar& b) { b.high = 9; b.low = 10; b.open = b.close = 9.5; }, "high < low (9 < 10)"},
      {[](Bar& b) { b.open = -1; }, "non-positive open (-1)"},
      {[](Bar& b) { b.low = 0; }, "non-positive low (0)"},
      {[](Bar& b) { b.close = kNaN; }, "non-finite close"},
      {[](Bar& b) { b.high = std::numeric_limits<double>::infinity(); }, "non-finite high"},
      {[](Bar& b) { b.volume = -5; }, "negative volume (-5)"},
      {[](Bar& b) { b.volume = kNaN; }, "non-finite volume"},
      {[](Bar& b) { b.adj_close = 0; }, "non-positive adj close"},
      {[](Bar& b) { b.adj_close = std::numeric_limits<double>::infinity(); }, "non-finite adj close"},
      {[](Bar& b) { b.close = 20; }, "close 20 above high 11"},   // far outside: corrupt
      {[](Bar& b) { b.open = 5; }, "open 5 below low 9.5"},
  };
  for (const Case& c : cases) {
    Bar b = Good();
    c.mutate(b);
    auto reason = CheckBar(b);
    ASSERT_TRUE(reason.has_value()) << c.expect;
    EXPECT_NE(reason->find(c.expect), std::string::npos) << *reason << " vs " << c.expect;
  }
}

// The published DXC 2018-06-01 row: close 0.46% below low. Policy: keep, note.
TEST(CheckBarTest, SlightlyOutOfRangeIsKeptWithANote) {
  Bar dxc{1527811200, 80.83000183105469, 83.4000015258789, 80.05000305175781,
          79.68000030517578, 3920700, 77.56082153320312};
  EXPECT_EQ(CheckBar(dxc), std::nullopt);
  auto note = RangeNote(dxc);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->rfind(std::string(kKeptPrefix), 0), 0u);
  EXPECT_NE(note->find("close 79.68000030517578 below low 80.05000305175781"), std::string::npos);
  EXPECT_TRUE(IsKeptNote(RowIssue{"x", *note}));
  EXPECT_EQ(RangeNote(Good()), std::nullopt);

  // Just past the tolerance is a hard error.
  Bar far = Good();
  far.close = far.high * (1 + kRangeTolerance) * 1.001;
  EXPECT_TRUE(CheckBar(far).has_value());
}

TEST(SortAndDedupTest, SortedInputIsUntouched) {
  BarSeries s = SeriesOf({1, 2, 3});
  std::vector<RowIssue> issues;
  EXPECT_EQ(SortAndDedup(&s, Where, &issues), 0u);
  EXPECT_EQ(s.ts, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(issues.empty());
}

TEST(SortAndDedupTest, NewestFirstIsReversedSilentlyWithAllColumns) {
  BarSeries s = SeriesOf({3, 2, 1});
  std::vector<RowIssue> issues;
  EXPECT_EQ(SortAndDedup(&s, Where, &issues), 0u);
  EXPECT_EQ(s.ts, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(s.close[0], 10.01);
  EXPECT_DOUBLE_EQ(s.high[2], 11.03);
  EXPECT_TRUE(issues.empty());
}

TEST(SortAndDedupTest, DuplicatesKeepTheFirstRow) {
  BarSeries s = SeriesOf({86400, 2 * 86400, 2 * 86400, 3 * 86400});
  s.volume[2] = 777;  // the second copy differs
  std::vector<RowIssue> issues;
  EXPECT_EQ(SortAndDedup(&s, Where, &issues), 1u);
  EXPECT_EQ(s.ts, (std::vector<int64_t>{86400, 2 * 86400, 3 * 86400}));
  EXPECT_EQ(s.volume[1], 1000);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].where, "t[2]");
  EXPECT_EQ(issues[0].reason, "duplicate timestamp 1970-01-03 (kept t[1])");
}

TEST(SortAndDedupTest, OutOfOrderRowsAreDroppedAndReported) {
  // One rogue far-future row must not take the rows after it down with it.
  BarSeries s = SeriesOf({1 * 86400, 2 * 86400, 50 * 86400, 3 * 86400, 4 * 86400, 5 * 86400});
  std::vector<RowIssue> issues;
  EXPECT_EQ(SortAndDedup(&s, Where, &issues), 1u);
  EXPECT_EQ(s.size(), 5u);
  EXPECT_EQ(s.ts.back(), 5 * 86400);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].where, "t[2]");
  EXPECT_EQ(issues[0].reason, "timestamp 1970-02-20 out of order (after 1970-01-03)");
}

TEST(SortAndDedupTest, MostlyDescendingWithAStrayRowAndADuplicate) {
  // Newest first; row 2 (day 9) is out of place, row 4 repeats row 3.
  BarSeries s = SeriesOf({6 * 86400, 5 * 86400, 9 * 86400, 4 * 86400, 4 * 86400, 3 * 86400});
  std::vector<RowIssue> issues;
  EXPECT_EQ(SortAndDedup(&s, Where, &issues), 2u);
  EXPECT_EQ(s.ts, (std::vector<int64_t>{3 * 86400, 4 * 86400, 5 * 86400, 6 * 86400}));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].where, "t[2]");
  EXPECT_NE(issues[0].reason.find("out of order"), std::string::npos);
  EXPECT_EQ(issues[1].where, "t[4]");
  EXPECT_NE(issues[1].reason.find("duplicate timestamp 1970-01-05 (kept t[3])"), std::string::npos);
}

TEST(CleanSeriesTest, DropsBadRowsNotesKeptOnesAndMapsRowsBack) {
  BarSeries s;
  s.push_back(Good(3 * 86400));
  Bar bad = Good(1 * 86400);
  bad.high = 1;  // high < low
  s.push_back(bad);
  Bar quirky = Good(2 * 86400);
  quirky.open = 11.05;  // 0.45% above high
  s.push_back(quirky);
  s.push_back(Good(2 * 86400));  // duplicate of row 2 after the bad row is gone
  std::vector<RowIssue> issues;
  CleanSeries(&s, Where, &issues);
  EXPECT_EQ(s.ts, (std::vector<int64_t>{2 * 86400, 3 * 86400}));
  EXPECT_DOUBLE_EQ(s.open[0], 11.05);  // kept unchanged
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].where, "t[1]");
  EXPECT_NE(issues[0].reason.find("high < low"), std::string::npos);
  EXPECT_EQ(issues[1].where, "t[2]");
  EXPECT_TRUE(IsKeptNote(issues[1]));
  // Row indices of the dedup phase refer to the caller's rows, not the filtered ones.
  EXPECT_EQ(issues[2].where, "t[3]");
  EXPECT_NE(issues[2].reason.find("kept t[2]"), std::string::npos);
}

TEST(StrictStatusTest, IgnoresKeptNotesAndNamesTheFirstSkippedRow) {
  EXPECT_TRUE(StrictStatus({}).ok());
  EXPECT_TRUE(StrictStatus({RowIssue{"a.csv:2", std::string(kKeptPrefix) + "open above high"}}).ok());
  Status st = StrictStatus({RowIssue{"a.csv:2", std::string(kKeptPrefix) + "x"},
                            RowIssue{"a.csv:5", "high < low (1 < 2)"},
                            RowIssue{"a.csv:9", "negative volume (-1)"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "a.csv:5: high < low (1 < 2)");
}

}  // namespace
}  // namespace ohlcv
