// Tests of WindowFilter to SQL (index/filter_sql.cc): values bound, never
// inlined; unknown fields refused.
#include <string>

#include <gtest/gtest.h>

#include "index/filter_sql.h"

namespace ohlcv {
namespace {

TEST(FilterSqlTest, ValuesAreBoundNeverInlined) {
  WindowFilter f;
  f.tickers = {"EVIL'); DROP TABLE windows; --"};
  f.numeric = {{"adx14", NumericCondition::Op::kGe, 25}};
  f.patterns = {PatternKind::kGapUp};
  auto sql = index_internal::BuildSqlFilter(f, "w");
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->where.find("EVIL"), std::string::npos);
  EXPECT_NE(sql->where.find("w.\"adx14\" >= ?"), std::string::npos);
  EXPECT_EQ(sql->params.size(), 3u);
  f.numeric = {{"nope", NumericCondition::Op::kGe, 25}};
  EXPECT_EQ(index_internal::BuildSqlFilter(f, "w").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index_internal::BuildSqlFilter({}, "w")->where, "1");
}

}  // namespace
}  // namespace ohlcv
