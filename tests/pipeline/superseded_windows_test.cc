// Issue 16: a daily update replaces each ticker's trailing window (its id
// names the last bar) with one ending at the new bar. The superseded window
// must leave the index (rows, full-text and both graphs), so that after any
// number of updates the stored windows are exactly those of a fresh full
// ingest. Real SQLite + HNSW store, hashing embedder, a slice of the shared
// data (kept small: this runs in CI).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "embed/embedder.h"
#include "index/vector_store.h"
#include "pipeline/ingest.h"
#include "testutil/test_paths.h"
#include "windows/shape_vector.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;

constexpr int kTickers = 12;
constexpr int kUpdates = 4;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text without its last `k` non-empty lines.
std::string WithoutLastRows(std::string text, int k) {
  for (int i = 0; i < k; ++i) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    size_t nl = text.rfind('\n');
    text = nl == std::string::npos ? text : text.substr(0, nl + 1);
  }
  return text;
}

struct Store {
  std::unique_ptr<BarStore> bars;
  std::unique_ptr<Embedder> embedder = NewHashingEmbedder(32);
  std::unique_ptr<VectorStore> vectors;

  explicit Store(const std::string& dir) {
    BarStoreOptions o;
    o.path = dir + "/bars.db";
    auto b = BarStore::Open(o);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    bars = std::move(b).value();
    LocalVectorStoreOptions vo;
    vo.dir = dir + "/index";
    vo.embedder = {std::string(embedder->name()), embedder->dimension(), kShapeDims};
    auto v = OpenLocalVectorStore(vo);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    vectors = std::move(v).value();
  }

  Result<IngestStats> Ingest(const std::string& folder) {
    auto source = NewCsvSource({folder, ""});
    IngestOptions options;
    options.threads = 2;
    return IngestAndIndex(*source, FetchRequest{}, *bars, IndexTarget{*vectors, *embedder}, options);
  }

  // Every stored window id, and the ids a vector search over everything returns.
  std::set<std::string> Ids() {
    auto all = vectors->Find(WindowFilter{}, size_t{1} << 20);
    EXPECT_TRUE(all.ok());
    std::set<std::string> ids;
    for (const auto& h : *all) ids.insert(h.window.id);
    return ids;
  }
};

TEST(SupersededWindowsTest, AfterDailyUpdatesTheWindowsEqualAFreshFullIngest) {
  OHLCV_REQUIRE_SHARED_DATA();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(testing::SharedDataDir())) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), static_cast<size_t>(kTickers));
  files.resize(kTickers);
  const std::string tmp = testing::MakeTempDir();
  const std::string folder = tmp + "/csv";
  fs::create_directories(folder);
  auto write_cut = [&](int k) {
    for (const auto& f : files) {
      std::ofstream(folder + "/" + f.filename().string(), std::ios::binary) << WithoutLastRows(ReadFile(f), k);
    }
  };

  // A full ingest of the folder minus kUpdates rows, then one row more per run.
  Store inc(tmp + "/inc");
  write_cut(kUpdates);
  auto first = inc.Ingest(folder);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const size_t after_first = inc.Ids().size();
  for (int k = kUpdates - 1; k >= 0; --k) {
    write_cut(k);
    auto run = inc.Ingest(folder);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_TRUE(run->errors.empty()) << run->errors.front().status.ToString();
    EXPECT_EQ(run->bars_inserted, static_cast<uint64_t>(kTickers));
  }
  const std::set<std::string> inc_ids = inc.Ids();

  Store full(tmp + "/full");
  auto fresh = full.Ingest(folder);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  const std::set<std::string> full_ids = full.Ids();

  // Before superseded windows were deleted, each update left one extra window
  // per ticker (whenever the old trailing window was not an aligned one).
  EXPECT_GT(full_ids.size(), after_first);
  EXPECT_EQ(inc_ids, full_ids);
  auto inc_count = inc.vectors->Count();
  auto full_count = full.vectors->Count();
  ASSERT_TRUE(inc_count.ok() && full_count.ok());
  EXPECT_EQ(*inc_count, *full_count);

  // The graphs hold no superseded window either: an unfiltered vector search
  // (HNSW, not an exact scan) returns only ids of the full ingest.
  std::vector<float> q(inc.embedder->dimension(), 0.0f);
  q[0] = 1.0f;
  auto hits = inc.vectors->Search(VectorSpace::kText, q, 1000, WindowFilter{});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  EXPECT_EQ(hits->size(), 1000u);
  for (const auto& h : *hits) EXPECT_TRUE(full_ids.count(h.window.id)) << h.window.id;

  // Reopened (graphs caught up from the deletions log): the same ids.
  inc.vectors.reset();
  Store reopened(tmp + "/inc");
  EXPECT_EQ(reopened.Ids(), full_ids);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace ohlcv
