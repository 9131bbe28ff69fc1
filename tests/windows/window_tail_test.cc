// BuildWindowsFrom / SeriesAnalysis::Analyze(first_bar): the tail an
// incremental ingest rebuilds is exactly the matching suffix of a full build.
#include <gtest/gtest.h>

#include "test_series.h"
#include "windows/series_analysis.h"

namespace ohlcv {
namespace {

TEST(WindowTailTest, TailIsTheSuffixOfTheFullBuildEndingAtOrAfterFirstBar) {
  BarSeries bars = testing::WavySeries(403);
  SeriesAnalysis full;
  full.Analyze(bars, "Tech", AnalysisOptions{});
  ASSERT_GT(full.windows.size(), 70u);
  for (size_t first_bar : {size_t{0}, size_t{1}, size_t{29}, size_t{30}, size_t{200}, size_t{398},
                           size_t{401}, size_t{402}, size_t{403}, size_t{5000}}) {
    SCOPED_TRACE(first_bar);
    SeriesAnalysis tail;
    tail.Analyze(bars, "Tech", AnalysisOptions{}, first_bar);
    size_t expected = 0;
    for (const Window& w : full.windows) expected += w.start_bar + w.n_bars - 1 >= first_bar;
    ASSERT_EQ(tail.windows.size(), expected);
    const size_t offset = full.windows.size() - expected;
    for (size_t i = 0; i < tail.windows.size(); ++i) {
      const Window& a = tail.windows[i];
      const Window& b = full.windows[offset + i];
      EXPECT_EQ(a.id, b.id);
      EXPECT_GE(a.start_bar + a.n_bars - 1, first_bar);
      EXPECT_EQ(a.summary, b.summary);
      EXPECT_EQ(a.shape, b.shape);
      EXPECT_EQ(a.patterns.size(), b.patterns.size());
      EXPECT_EQ(a.close, b.close);
    }
  }
  // Appending one bar: the windows to rebuild are those ending at the new
  // bar (the new trailing window, and an aligned one when the stride lands).
  SeriesAnalysis tail;
  tail.Analyze(bars, "", AnalysisOptions{}, bars.size() - 1);
  ASSERT_GE(tail.windows.size(), 1u);
  ASSERT_LE(tail.windows.size(), 2u);
  for (const Window& w : tail.windows) EXPECT_EQ(w.end_ts, bars.ts.back());
}

}  // namespace
}  // namespace ohlcv
