#include "util/time.h"

#include <gtest/gtest.h>

namespace ohlcv {
namespace {

TEST(TimeTest, ParsesDatesAndDateTimes) {
  EXPECT_EQ(ParseTimestamp("1970-01-01"), 0);
  EXPECT_EQ(ParseTimestamp("2019-03-01"), 1551398400);
  EXPECT_EQ(ParseTimestamp("2019/03/01"), 1551398400);
  EXPECT_EQ(ParseTimestamp("20190301"), 1551398400);
  EXPECT_EQ(ParseTimestamp("2019-03-01 14:30"), 1551398400 + 14 * 3600 + 30 * 60);
  EXPECT_EQ(ParseTimestamp("2019-03-01T14:30:15Z"), 1551398400 + 14 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(ParseTimestamp("2019-03-01T14:30:15.250+02:00"), 1551398400 + 12 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(ParseTimestamp("1551398400"), 1551398400);
  EXPECT_EQ(ParseTimestamp("1551398400000"), 1551398400);
}

TEST(TimeTest, RejectsImpossibleOrMalformed) {
  EXPECT_FALSE(ParseTimestamp("2019-02-29"));
  EXPECT_TRUE(ParseTimestamp("2020-02-29"));
  EXPECT_FALSE(ParseTimestamp("2019-13-01"));
  EXPECT_FALSE(ParseTimestamp("2019-03-01X"));
  EXPECT_FALSE(ParseTimestamp("abc"));
  EXPECT_FALSE(ParseTimestamp(""));
  EXPECT_FALSE(ParseTimestamp("2019-03-01 25:00"));
  EXPECT_FALSE(ParseTimestamp("-9223372036854775808"));
  EXPECT_FALSE(ParseTimestamp("9223372036854775807"));
  EXPECT_EQ(ParseTimestamp("-86400"), -86400);
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

TEST(TimeTest, EndBoundCoversTheWholeDay) {
  EXPECT_EQ(ParseEndTimestamp("2019-03-01"), 1551398400 + 86399);
  EXPECT_EQ(ParseEndTimestamp("2019-03-01 10:00"), 1551398400 + 36000);
}

TEST(TimeTest, FormatsRoundTrip) {
  EXPECT_EQ(FormatDate(1551398400), "2019-03-01");
  EXPECT_EQ(FormatDateTime(1551398400 + 3600), "2019-03-01 01:00");
  EXPECT_EQ(FormatIso8601(1551398400), "2019-03-01T00:00:00Z");
  EXPECT_EQ(FormatCompact(1551398400), "20190301");
  for (int64_t d = -1000; d < 30000; d += 7) {
    CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

TEST(TimeTest, Periods) {
  int64_t now = *ParseTimestamp("2020-03-31");
  EXPECT_EQ(PeriodStart("5d", now).value(), now - 5 * 86400);
  EXPECT_EQ(PeriodStart("1mo", now).value(), ParseTimestamp("2020-02-29"));
  EXPECT_EQ(PeriodStart("6mo", now).value(), ParseTimestamp("2019-09-30"));
  EXPECT_EQ(PeriodStart("1y", now).value(), ParseTimestamp("2019-03-31"));
  EXPECT_EQ(PeriodStart("ytd", now).value(), ParseTimestamp("2020-01-01"));
  EXPECT_FALSE(PeriodStart("max", now).value().has_value());
  EXPECT_FALSE(PeriodStart("1x", now).ok());
  EXPECT_FALSE(PeriodStart("", now).ok());
}

}  // namespace
}  // namespace ohlcv
