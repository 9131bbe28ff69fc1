// Incremental ingest against a full one on the whole shared dataset: the
// folder minus each file's last row, then the whole folder, must leave the
// same bars and the same windows (every field, every indicator value) as a
// fresh ingest of the whole folder; a re-run with nothing new reads nothing.
#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "pipeline/ingest.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<BarStore> OpenStore(const std::string& dir) {
  BarStoreOptions o;
  o.path = dir + "/bars.db";
  auto store = BarStore::Open(o);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

bool Same(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) || (a != a && b != b); }

// Every field of two windows, NaN-aware and bit-exact.
void ExpectSameWindow(const Window& a, const Window& b) {
  SCOPED_TRACE(a.id);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.ticker, b.ticker);
  EXPECT_EQ(a.sector, b.sector);
  EXPECT_EQ(a.interval, b.interval);
  EXPECT_EQ(a.start_ts, b.start_ts);
  EXPECT_EQ(a.end_ts, b.end_ts);
  EXPECT_EQ(a.start_bar, b.start_bar);
  EXPECT_EQ(a.n_bars, b.n_bars);
  const double av[] = {a.open, a.first_close, a.close, a.high, a.low, a.return_pct, a.volatility,
                       a.max_drawdown_pct, a.avg_volume, a.relative_volume};
  const double bv[] = {b.open, b.first_close, b.close, b.high, b.low, b.return_pct, b.volatility,
                       b.max_drawdown_pct, b.avg_volume, b.relative_volume};
  for (size_t i = 0; i < std::size(av); ++i) EXPECT_TRUE(Same(av[i], bv[i])) << "field " << i;
  EXPECT_EQ(a.high_ts, b.high_ts);
  EXPECT_EQ(a.low_ts, b.low_ts);
  EXPECT_EQ(a.trend, b.trend);
  constexpr size_t kInd = sizeof(WindowIndicators) / sizeof(double);
  static_assert(kInd * sizeof(double) == sizeof(WindowIndicators));
  double ai[kInd], bi[kInd];
  std::memcpy(ai, &a.last, sizeof ai);
  std::memcpy(bi, &b.last, sizeof bi);
  for (size_t i = 0; i < kInd; ++i) EXPECT_TRUE(Same(ai[i], bi[i])) << "indicator " << i;
  ASSERT_EQ(a.patterns.size(), b.patterns.size());
  for (size_t i = 0; i < a.patterns.size(); ++i) {
    EXPECT_EQ(a.patterns[i].kind, b.patterns[i].kind);
    EXPECT_EQ(a.patterns[i].bar, b.patterns[i].bar);
    EXPECT_EQ(a.patterns[i].ts, b.patterns[i].ts);
    EXPECT_EQ(a.patterns[i].ref_ts, b.patterns[i].ref_ts);
    EXPECT_TRUE(Same(a.patterns[i].value, b.patterns[i].value));
  }
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.shape, b.shape);
}

bool SameWindow(const Window& a, const Window& b) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    ExpectSameWindow(a, b);
  }
  return results.size() == 0;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The file without its last non-empty line.
std::string WithoutLastRow(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(0, nl + 1);
}

using WindowMap = std::map<std::string, Window>;

Result<IngestStats> Ingest(const std::string& folder, BarStore& store, WindowMap* windows) {
  auto source = NewCsvSource({folder, ""});
  IngestOptions options;
  options.threads = 2;
  std::mutex mu;
  return RunIngest(*source, FetchRequest{}, store, options, {},
                   [&](const BarSeries&, std::span<const Window> ws) {
                     std::lock_guard lock(mu);
                     for (const Window& w : ws) (*windows)[w.id] = w;
                     return Status::Ok();
                   });
}

TEST(IncrementalIngestTest, AppendingOneBarPerTickerEqualsAFullIngestOnTheWholeDataset) {
  OHLCV_REQUIRE_SHARED_DATA();
  const std::string data = testing::SharedDataDir();
  const std::string tmp = testing::MakeTempDir();
  const std::string folder = tmp + "/csv";
  fs::create_directories(folder);
  std::map<std::string, std::string> full_text;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.path().extension() != ".csv") continue;
    full_text[e.path().filename().string()] = ReadFile(e.path());
  }
  ASSERT_GT(full_text.size(), 500u);
  for (const auto& [name, text] : full_text) {
    std::ofstream(folder + "/" + name, std::ios::binary) << WithoutLastRow(text);
  }

  // Incremental: the folder minus the last rows, then the whole folder.
  auto inc_store = OpenStore(tmp + "/inc");
  WindowMap inc;
  auto first = Ingest(folder, *inc_store, &inc);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->errors.empty());
  const size_t first_windows = inc.size();
  for (const auto& [name, text] : full_text) std::ofstream(folder + "/" + name, std::ios::binary) << text;
  auto second = Ingest(folder, *inc_store, &inc);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->errors.empty());
  EXPECT_EQ(second->units_skipped, 0u);
  // One new bar per ticker that had more than a header (a few files hold one row).
  EXPECT_GT(second->bars_inserted, 500u);
  EXPECT_LE(second->bars_inserted, full_text.size());
  EXPECT_EQ(second->bars_updated, 0u);
  EXPECT_GT(second->bars_unchanged, 600000u);
  // Only windows ending at the new bar are rebuilt: about two per ticker.
  // (a ticker with fewer than WindowOptions::min_bars bars has no window)
  EXPECT_GE(second->windows + 5, second->bars_inserted);
  EXPECT_LE(second->windows, 3 * second->bars_inserted);

  // Full: a fresh store, the whole folder at once.
  auto full_store = OpenStore(tmp + "/full");
  WindowMap full;
  auto fresh = Ingest(folder, *full_store, &full);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_GT(full.size(), 120000u);

  // Bars: identical, ticker by ticker (and so every indicator computed from them).
  auto inc_tickers = inc_store->ListTickers();
  auto full_tickers = full_store->ListTickers();
  ASSERT_TRUE(inc_tickers.ok() && full_tickers.ok());
  ASSERT_EQ(inc_tickers->size(), full_tickers->size());
  SeriesAnalysis inc_analysis, full_analysis;
  AnalysisOptions no_windows;
  no_windows.build_windows = false;
  for (size_t i = 0; i < full_tickers->size(); ++i) {
    const TickerInfo& t = (*full_tickers)[i];
    EXPECT_EQ((*inc_tickers)[i].ticker, t.ticker);
    EXPECT_EQ((*inc_tickers)[i].bars, t.bars);
    auto a = inc_store->Load(t.ticker, t.interval);
    auto b = full_store->Load(t.ticker, t.interval);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->ts, b->ts) << t.ticker;
    EXPECT_EQ(a->close, b->close) << t.ticker;
    EXPECT_EQ(a->volume, b->volume) << t.ticker;
  }

  // Windows: every window of the full ingest exists in the incremental one
  // with every field equal. The only extras are the previous trailing
  // windows (their id names the old last bar), at most one per ticker.
  size_t compared = 0;
  for (const auto& [id, w] : full) {
    auto it = inc.find(id);
    ASSERT_NE(it, inc.end()) << "missing after the incremental ingest: " << id;
    if (!SameWindow(it->second, w)) {
      ExpectSameWindow(it->second, w);  // reports every differing field
      break;
    }
    ++compared;
  }
  EXPECT_EQ(compared, full.size());
  EXPECT_LE(inc.size() - full.size(), full_tickers->size());
  EXPECT_GT(first_windows, 120000u);

  // Nothing new: every file skipped by its fingerprint, nothing rebuilt.
  WindowMap none;
  auto third = Ingest(folder, *inc_store, &none);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->units_skipped, third->units_total);
  EXPECT_EQ(third->rows_read, 0u);
  EXPECT_EQ(third->windows, 0u);
  EXPECT_TRUE(none.empty());
  fs::remove_all(tmp);
}

// A run whose sink fails leaves the pending mark: the next run rebuilds those
// windows although the bars were stored, and then clears the mark.
TEST(IncrementalIngestTest, WindowsLostToAFailedSinkAreRebuiltByTheNextRun) {
  const std::string tmp = testing::MakeTempDir();
  std::ofstream(tmp + "/XYZ.csv") << "Date,Open,High,Low,Close,Volume\n"
                                   << [] {
                                        std::string rows;
                                        for (int d = 1; d <= 28; ++d) {
                                          char buf[96];
                                          std::snprintf(buf, sizeof buf, "2020-02-%02d,%d,%d,%d,%d,1000\n", d,
                                                        10 + d, 12 + d, 9 + d, 11 + d);
                                          rows += buf;
                                        }
                                        return rows;
                                      }();
  auto store = OpenStore(tmp);
  auto source = NewCsvSource({tmp + "/XYZ.csv", ""});
  IngestOptions options;
  options.threads = 1;
  auto failing = [](const BarSeries&, std::span<const Window>) { return Status::IOError("index down"); };
  auto first = RunIngest(*source, FetchRequest{}, *store, options, {}, failing);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->errors.size(), 1u);
  EXPECT_EQ(first->bars_inserted, 28u);
  auto mark = store->GetState(TickerStateKey("XYZ") + "pending/1d");
  ASSERT_TRUE(mark.ok());
  EXPECT_TRUE(mark->has_value());

  size_t sunk = 0;
  auto counting = [&](const BarSeries&, std::span<const Window> ws) {
    sunk += ws.size();
    return Status::Ok();
  };
  auto second = RunIngest(*source, FetchRequest{}, *store, options, {}, counting);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->errors.empty());
  EXPECT_EQ(second->bars_inserted, 0u);
  EXPECT_EQ(sunk, 1u);  // 28 bars < length 30: one whole-series window
  mark = store->GetState(TickerStateKey("XYZ") + "pending/1d");
  ASSERT_TRUE(mark.ok());
  EXPECT_FALSE(mark->has_value());

  auto third = RunIngest(*source, FetchRequest{}, *store, options, {}, counting);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->units_skipped, 1u);
  EXPECT_EQ(sunk, 1u);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace ohlcv
