// The one table of window fields: names are unique, accessors round-trip,
// and every numeric member of Window and WindowIndicators is in it.
#include "core/window_fields.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace ohlcv {
namespace {

TEST(WindowFieldsTest, NamesAreUniqueAndFindable) {
  std::set<std::string_view> names;
  for (const WindowField& f : WindowFields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_EQ(FindWindowField(f.name), &f);
  }
  EXPECT_EQ(FindWindowField("no_such_field"), nullptr);
  // start_ts/end_ts are filterable but not numeric columns (lead columns).
  EXPECT_FALSE(FindWindowField("start_ts")->column);
  EXPECT_TRUE(FindWindowField("rsi14")->indicator);
  EXPECT_EQ(FindWindowField("volatility")->unit, "%");
}

TEST(WindowFieldsTest, AccessorsRoundTrip) {
  Window w;
  double v = 1;
  for (const WindowField& f : WindowFields()) {
    const double x = f.kind == WindowFieldKind::kTrend ? 1 : v;
    f.set(w, x);
    EXPECT_EQ(f.get(w), x) << f.name;
    v += 1;
  }
  EXPECT_EQ(w.trend, TrendState::kUp);
  // Indicators are 23 doubles: a WindowIndicators member missing from the
  // table would keep its 0 here.
  const double* first = &w.last.sma20;
  for (size_t i = 0; i < sizeof(WindowIndicators) / sizeof(double); ++i) EXPECT_NE(first[i], 0) << i;
  EXPECT_EQ(sizeof(WindowIndicators) / sizeof(double), 23u);
}

}  // namespace
}  // namespace ohlcv
