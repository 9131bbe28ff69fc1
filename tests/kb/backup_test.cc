// KnowledgeBase::Backup: a snapshot of the whole data directory (bars.db, the
// embedded vector store's windows.db, sectors/companies) taken while an
// ingest writes, restored into a new directory and opened there.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <thread>

#include "kb/backup.h"
#include "kb/knowledge_base.h"
#include "sources/source.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

KbOptions Options(const std::string& dir) {
  KbOptions o;
  o.data_dir = dir;
  o.embedder = "hashing";
  return o;
}

// Options with a sectors file of `csv` text written into `dir`.
KbOptions OptionsWithSectors(const std::string& dir, const std::string& csv) {
  std::ofstream(dir + "/sectors_in.csv") << csv;
  KbOptions o = Options(dir);
  o.sectors_file = dir + "/sectors_in.csv";
  return o;
}

json ReadManifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.json");
  return json::parse(in, nullptr, false);
}

// The documented restore: the backup's files, without the manifest, into an
// empty data directory.
std::string Restore(const std::string& backup) {
  std::string dir = testing::MakeTempDir("restored");
  for (const auto& entry : fs::recursive_directory_iterator(backup)) {
    fs::path rel = fs::relative(entry.path(), backup);
    if (rel == "manifest.json") continue;
    if (entry.is_directory()) {
      fs::create_directories(fs::path(dir) / rel);
    } else {
      fs::copy_file(entry.path(), fs::path(dir) / rel, fs::copy_options::overwrite_existing);
    }
  }
  return dir;
}

void ExpectRestoredCountsMatch(const std::string& backup) {
  json m = ReadManifest(backup);
  ASSERT_TRUE(m.is_object()) << "manifest.json missing or unreadable in " << backup;
  auto restored = KnowledgeBase::Open(Options(Restore(backup)));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto st = (*restored)->GetStatus();
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(static_cast<int64_t>(st->bars), m["bars"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(st->windows), m["windows"].get<int64_t>());
  // Every restored window can be answered from restored bars.
  std::set<std::string> tickers;
  for (const auto& t : st->tickers) tickers.insert(t.ticker);
  restored->reset();  // read the restored index file itself
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((Restore(backup) + "/index/windows.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT DISTINCT ticker FROM windows", -1, &stmt, nullptr), SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::string ticker = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    EXPECT_TRUE(tickers.count(ticker)) << ticker;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(EngineBackupTest, SnapshotDuringIngestRestoresWithMatchingCounts) {
  KbOptions o = OptionsWithSectors(testing::MakeTempDir("backup-src"),
                                       "ticker,sector,name\nAAA,Energy,\"Alpha Energy, Inc.\"\nBBB,Financials,Beta Bank\n");
  auto engine = KnowledgeBase::Open(o);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  KnowledgeBase& e = **engine;

  SyntheticSourceOptions so;
  so.bars = 600;
  auto source = NewSyntheticSource(so);
  FetchRequest first;
  first.tickers = {"AAA", "BBB"};
  ASSERT_TRUE(e.Ingest(*source, first, IngestOptions{}).ok());

  // Idle: one moment for both stores; the copy equals the live directory.
  std::string idle_backup = testing::MakeTempDir("backup-idle");
  ASSERT_TRUE(e.Backup(idle_backup).ok());
  json idle = ReadManifest(idle_backup);
  EXPECT_TRUE(idle["quiescent"].get<bool>());
  EXPECT_EQ(idle["files"], json({"index/windows.db", "bars.db", "sectors.csv", "companies.csv"}));
  EXPECT_EQ(idle["skipped"], json({"index/text.hnsw", "index/shape.hnsw"}));
  auto live = e.GetStatus();
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(idle["bars"].get<uint64_t>(), live->bars);
  EXPECT_EQ(idle["windows"].get<uint64_t>(), live->windows);
  ExpectRestoredCountsMatch(idle_backup);

  // During an ingest: keep taking backups until one overlaps the writer.
  std::atomic<bool> ingest_done{false};
  Status ingest_status;
  std::thread writer([&] {
    SyntheticSourceOptions big;
    big.bars = 1260;
    auto s = NewSyntheticSource(big);
    FetchRequest more;
    for (int i = 0; i < 16; ++i) more.tickers.push_back("T" + std::to_string(i));
    IngestOptions io;
    io.threads = 1;
    auto stats = e.Ingest(*s, more, io);
    ingest_status = stats.status();
    ingest_done = true;
  });
  std::vector<std::string> during;
  while (!ingest_done.load() && during.size() < 20) {
    std::string b = testing::MakeTempDir("backup-during");
    Status st = e.Backup(b);
    ASSERT_TRUE(st.ok()) << st.ToString();
    if (!ReadManifest(b)["quiescent"].get<bool>()) during.push_back(b);
  }
  writer.join();
  ASSERT_TRUE(ingest_status.ok()) << ingest_status.ToString();
  ASSERT_FALSE(during.empty()) << "no backup overlapped the ingest";
  // Restoring costs an HNSW rebuild each: check the first, a middle and the last.
  for (size_t i : {size_t{0}, during.size() / 2, during.size() - 1}) ExpectRestoredCountsMatch(during[i]);
  json last = ReadManifest(during.back());
  EXPECT_NE(last["notes"].dump().find("during an ingest"), std::string::npos);
}

TEST(EngineBackupTest, CompanyNamesReachTheQuestionParser) {
  std::string dir = testing::MakeTempDir("companies");
  KbOptions o = OptionsWithSectors(
      dir, "Symbol,Sector,Security\nAAA,Energy,Acme Drilling Corp\nMSFT,Information Technology,Microsoft\n");
  {
    auto e = KnowledgeBase::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    auto source = NewSyntheticSource(SyntheticSourceOptions{.bars = 300});
    FetchRequest req;
    req.tickers = {"AAA", "MSFT", "AMZN"};
    ASSERT_TRUE((*e)->Ingest(*source, req, IngestOptions{}).ok());
    auto names = (*e)->company_names();
    EXPECT_EQ(names["AAA"], "Acme Drilling Corp");
  }
  // Reopened without the file: names were kept in the data directory.
  auto e = KnowledgeBase::Open(Options(dir));
  ASSERT_TRUE(e.ok());
  const QuestionContext& ctx = (*e)->question_context();
  EXPECT_EQ(ctx.company_names.at("Acme Drilling Corp"), "AAA");
  EXPECT_EQ(ctx.company_names.at("Amazon"), "AMZN");  // built-in, ticker in the store
  EXPECT_EQ(ctx.company_names.count("Apple"), 0u);    // built-in, ticker not in the store
  ParsedQuestion q = ParseQuestion("How did Acme Drilling do compared with Amazon in 2016?", ctx);
  EXPECT_EQ(q.tickers, (std::vector<std::string>{"AAA", "AMZN"}));
}

TEST(EngineBackupTest, LoadCompanyNamesWithoutANameColumnIsEmpty) {
  std::string dir = testing::MakeTempDir("companies2");
  {
    std::ofstream f(dir + "/s.csv");
    f << "ticker,sector\nAAPL,Information Technology\n";
  }
  auto names = LoadCompanyNames(dir + "/s.csv");
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  EXPECT_EQ(LoadCompanyNames(dir + "/missing.csv").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ohlcv
