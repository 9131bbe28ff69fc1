// Windows over real AAPL bars with the real indicator engine and pattern
// detectors: the figures are re-derived here from the CSV and the indicator
// columns, independently of the builder. Skipped when ../shared is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "indicators/indicator_set.h"
#include "patterns/pattern_detector.h"
#include "testutil/test_paths.h"
#include "util/time.h"
#include "windows/window_builder.h"

namespace ohlcv {
namespace {

// Minimal reader for the shared files' fixed header
// Date,High,Low,Open,Close,Volume,Adj Close,Name (the real CSV source lives in
// sources/, which windows/ must not depend on).
BarSeries ReadSharedCsv(const std::string& path, const std::string& ticker) {
  BarSeries s;
  s.ticker = ticker;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f[8];
    for (auto& x : f) std::getline(ss, x, ',');
    Bar b;
    b.ts = *ParseTimestamp(f[0]);
    b.high = std::stod(f[1]);
    b.low = std::stod(f[2]);
    b.open = std::stod(f[3]);
    b.close = std::stod(f[4]);
    b.volume = std::stod(f[5]);
    b.adj_close = std::stod(f[6]);
    s.push_back(b);
  }
  return s;
}

TEST(WindowRealDataTest, AaplWindowsAgreeWithIndicatorsAndPatterns) {
  OHLCV_REQUIRE_SHARED_DATA();
  const BarSeries bars = ReadSharedCsv(testing::SharedDataDir() + "/AAPL.csv", "AAPL");
  ASSERT_GT(bars.size(), 1000u);
  IndicatorSet ind;
  ind.Compute(bars);
  ASSERT_EQ(ind.size(), bars.size());
  std::vector<PatternEvent> events;
  std::vector<TrendState> trend;
  DetectPatterns(bars, ind, PatternOptions{}, &events);
  ComputeTrendStates(bars, ind, PatternOptions{}, &trend);

  WindowOptions opt;
  std::vector<Window> ws;
  BuildWindows(bars, ind, events, trend, "Information Technology", opt, &ws);
  ASSERT_EQ(ws.size(), WindowStarts(bars.size(), opt).size());
  EXPECT_EQ(ws.back().end_ts, bars.ts.back());

  const auto rsi = ind.column(Indicator::kRsi14);
  size_t with_patterns = 0;
  for (const Window& w : ws) {
    SCOPED_TRACE(w.id);
    const size_t s = w.start_bar, e = s + w.n_bars - 1;
    double mx = kNaN, mn = kNaN;
    for (size_t i = s; i <= e; ++i) {
      if (std::isnan(rsi[i])) continue;
      mx = std::isnan(mx) ? rsi[i] : std::max(mx, rsi[i]);
      mn = std::isnan(mn) ? rsi[i] : std::min(mn, rsi[i]);
    }
    EXPECT_EQ(std::isnan(w.last.rsi14_max), std::isnan(mx));
    if (!std::isnan(mx)) {
      EXPECT_EQ(w.last.rsi14_max, mx);
      EXPECT_EQ(w.last.rsi14_min, mn);
    }
    const double sma50 = ind.at(Indicator::kSma50, e);
    EXPECT_TRUE(std::isnan(sma50) ? std::isnan(w.last.sma50) : w.last.sma50 == sma50);
    EXPECT_EQ(w.last.adx14 == ind.at(Indicator::kAdx14, e) || std::isnan(w.last.adx14), true);
    size_t n_events = 0;
    for (const PatternEvent& ev : events) n_events += (ev.bar >= s && ev.bar <= e);
    EXPECT_EQ(w.patterns.size(), n_events);
    with_patterns += n_events > 0;
    EXPECT_EQ(w.trend, trend[e]);
    EXPECT_LE(w.summary.size(), opt.max_summary_chars);
    EXPECT_EQ(w.summary.rfind("AAPL (Information Technology) " + FormatDate(w.start_ts) + " to " +
                                  FormatDate(w.end_ts) + ": ", 0), 0u);
    double norm = 0;
    for (float x : w.shape) norm += double(x) * x;
    EXPECT_NEAR(norm, 1.0, 1e-5);
  }
  EXPECT_GT(with_patterns, ws.size() / 2);

  // The example period, for the record (and a human reader).
  for (const Window& w : ws) {
    if (FormatDate(w.end_ts) >= "2019-04-12") {
      std::cout << "[ example  ] " << w.id << ": " << w.summary << "\n";
      break;
    }
  }
}

}  // namespace
}  // namespace ohlcv
