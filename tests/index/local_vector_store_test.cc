// Tests of the embedded vector store (index/local_vector_store.cc): the
// conformance suite, plus what only a local store has: index files that go
// missing, corrupt or stale, crash safety under SIGKILL, a single writer
// process, read-only opens, the exact-vs-HNSW filter paths, the contentless
// FTS index and the schema migration. hnsw_index_test.cc, fts_query_test.cc
// and filter_sql_test.cc test its parts.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "index/vector_store.h"
#include "index/vector_store_conformance.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using testing::ConformanceVector;
using testing::ConformanceWindow;
using testing::VectorStoreConformance;
using testing::VectorStoreUnderTest;

const std::string& Root() {
  static const std::string root = testing::MakeTempDir("ohlcv-localstore");
  return root;
}

Result<std::unique_ptr<VectorStore>> OpenLocal(const std::string& ns, const EmbedderIdentity& e) {
  LocalVectorStoreOptions o;
  o.dir = Root() + "/" + ns;
  o.embedder = e;
  return OpenLocalVectorStore(o);
}

INSTANTIATE_TEST_SUITE_P(Local, VectorStoreConformance,
                         ::testing::Values(VectorStoreUnderTest{"local", OpenLocal, true}),
                         testing::VectorStoreUnderTestName);

constexpr size_t kDim = 16;
constexpr size_t kShapeDim = 4;
EmbedderIdentity TestEmbedder() { return {"test-embedder", kDim, kShapeDim}; }

LocalVectorStoreOptions Options(const std::string& dir) {
  LocalVectorStoreOptions o;
  o.dir = dir;
  o.embedder = TestEmbedder();
  return o;
}

// Windows [first, first + n) of ticker `ticker`, text vector i = ConformanceVector(i, kDim).
void PutRange(VectorStore& store, int first, int n, const std::string& ticker) {
  std::vector<Window> ws;
  std::vector<float> emb;
  for (int i = first; i < first + n; ++i) {
    ws.push_back(ConformanceWindow(i, ticker, "Sector " + ticker));
    auto v = ConformanceVector(i, kDim);
    emb.insert(emb.end(), v.begin(), v.end());
  }
  Status st = store.Upsert(ws, emb);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Fraction of windows i in [first, first + n) (every `stride`-th) whose own
// vector finds them in the top k. Windows are recognised by start_ts, which
// ConformanceWindow derives from i alone.
double SelfFound(VectorStore& store, int first, int n, size_t k = 10, int stride = 1) {
  int found = 0, tried = 0;
  for (int i = first; i < first + n; i += stride) {
    ++tried;
    auto hits = store.Search(VectorSpace::kText, ConformanceVector(i, kDim), k, {});
    if (!hits.ok()) return -1;
    for (const auto& h : *hits) {
      if (h.window.start_ts == ConformanceWindow(i, "X", "").start_ts) {
        ++found;
        break;
      }
    }
  }
  return double(found) / tried;
}

TEST(LocalVectorStoreTest, MissingIndexIsRebuilt) {
  std::string dir = testing::MakeTempDir();
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    PutRange(**s, 0, 300, "AAA");
  }
  ASSERT_TRUE(fs::exists(dir + "/text.hnsw"));
  ASSERT_TRUE(fs::exists(dir + "/shape.hnsw.meta"));
  fs::remove(dir + "/text.hnsw");
  auto s = OpenLocalVectorStore(Options(dir));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(fs::exists(dir + "/text.hnsw"));  // rebuilt and saved at open
  EXPECT_EQ(SelfFound(**s, 0, 300, 1), 1.0);
}

TEST(LocalVectorStoreTest, CorruptIndexIsRebuilt) {
  std::string dir = testing::MakeTempDir();
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok());
    PutRange(**s, 0, 300, "AAA");
  }
  {
    std::fstream f(dir + "/text.hnsw", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    std::string junk(4096, '\x7f');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  fs::resize_file(dir + "/shape.hnsw", 100);  // torn
  auto s = OpenLocalVectorStore(Options(dir));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(SelfFound(**s, 0, 300, 1), 1.0);
  auto w = ConformanceWindow(5, "AAA", "Sector AAA");
  auto hits = (*s)->Search(VectorSpace::kShape, w.shape, 1, {});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].window.id, w.id);
}

TEST(LocalVectorStoreTest, StaleIndexCatchesUpInsertsReplacementsAndDeletes) {
  std::string dir = testing::MakeTempDir();
  std::string saved = testing::MakeTempDir();
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok());
    PutRange(**s, 0, 200, "AAA");
    PutRange(**s, 200, 200, "BBB");
  }
  for (const char* f : {"text.hnsw", "text.hnsw.meta", "shape.hnsw", "shape.hnsw.meta"}) {
    fs::copy_file(dir + "/" + f, saved + "/" + f);
  }
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok());
    PutRange(**s, 400, 200, "CCC");
    ASSERT_EQ(*(*s)->DeleteTicker("BBB"), 200u);
    // Replace window 0's vector with vector 5000.
    std::vector<Window> one = {ConformanceWindow(0, "AAA", "Sector AAA")};
    auto v = ConformanceVector(5000, kDim);
    ASSERT_TRUE((*s)->Upsert(one, v).ok());
  }
  // Put the old (stale) index files back, as if the last saves never happened.
  for (const char* f : {"text.hnsw", "text.hnsw.meta", "shape.hnsw", "shape.hnsw.meta"}) {
    fs::copy_file(saved + "/" + f, dir + "/" + f, fs::copy_options::overwrite_existing);
  }
  auto s = OpenLocalVectorStore(Options(dir));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*(*s)->Count(), 400u);
  EXPECT_EQ(SelfFound(**s, 400, 200, 1), 1.0);  // rows added after the save
  EXPECT_EQ(SelfFound(**s, 1, 199, 1), 1.0);
  auto all = (*s)->Search(VectorSpace::kText, ConformanceVector(250, kDim), 400, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 400u);
  for (const auto& h : *all) EXPECT_NE(h.window.ticker, "BBB");
  auto moved = (*s)->Search(VectorSpace::kText, ConformanceVector(5000, kDim), 1, {});
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ(moved->front().window.id, ConformanceWindow(0, "AAA", "").id);
  EXPECT_NEAR(moved->front().score, 1.0, 1e-4);
}

TEST(LocalVectorStoreTest, OneWriterProcessAndReadOnlyOpens) {
  std::string dir = testing::MakeTempDir();
  auto w = OpenLocalVectorStore(Options(dir));
  ASSERT_TRUE(w.ok());
  PutRange(**w, 0, 50, "AAA");
  auto second = OpenLocalVectorStore(Options(dir));
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  auto ro_opts = Options(dir);
  ro_opts.read_only = true;
  auto ro = OpenLocalVectorStore(ro_opts);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  EXPECT_EQ(*(*ro)->Count(), 50u);
  EXPECT_EQ(SelfFound(**ro, 0, 50, 1), 1.0);
  std::vector<Window> one = {ConformanceWindow(99, "AAA", "")};
  EXPECT_EQ((*ro)->Upsert(one, ConformanceVector(99, kDim)).code(), StatusCode::kInvalidArgument);
  auto missing = Options(dir + "/nope");
  missing.read_only = true;
  EXPECT_EQ(OpenLocalVectorStore(missing).status().code(), StatusCode::kNotFound);
}

TEST(LocalVectorStoreTest, InvalidOptions) {
  auto o = Options("");
  EXPECT_EQ(OpenLocalVectorStore(o).status().code(), StatusCode::kInvalidArgument);
  o = Options(testing::MakeTempDir());
  o.embedder.dimension = 0;
  EXPECT_EQ(OpenLocalVectorStore(o).status().code(), StatusCode::kInvalidArgument);
  o = Options(testing::MakeTempDir());
  auto s = OpenLocalVectorStore(o);
  ASSERT_TRUE(s.ok());
  std::vector<Window> bad = {ConformanceWindow(1, "AAA", "")};
  bad[0].shape.resize(kShapeDim + 1);
  EXPECT_EQ((*s)->Upsert(bad, ConformanceVector(1, kDim)).code(), StatusCode::kInvalidArgument);
  bad[0].shape.resize(kShapeDim);
  bad[0].id.clear();
  EXPECT_EQ((*s)->Upsert(bad, ConformanceVector(1, kDim)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*(*s)->Count(), 0u);
}

TEST(LocalVectorStoreTest, NanMetadataRoundTripsAndFailsNumericFilters) {
  auto s = OpenLocalVectorStore(Options(testing::MakeTempDir()));
  ASSERT_TRUE(s.ok());
  std::vector<Window> ws = {ConformanceWindow(1, "AAA", ""), ConformanceWindow(2, "AAA", "")};
  ws[0].relative_volume = std::nan("");
  ws[0].last.sma200 = std::nan("");
  ws[0].patterns.push_back({PatternKind::kGapUp, 1, 2, 3, std::nan("")});
  std::vector<float> emb = ConformanceVector(1, kDim);
  auto v2 = ConformanceVector(2, kDim);
  emb.insert(emb.end(), v2.begin(), v2.end());
  ASSERT_TRUE((*s)->Upsert(ws, emb).ok());
  std::vector<std::string> ids = {ws[0].id};
  auto got = (*s)->Get(ids);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE(std::isnan((*got)[0].relative_volume));
  EXPECT_TRUE(std::isnan((*got)[0].last.sma200));
  ASSERT_EQ((*got)[0].patterns.size(), 1u);
  EXPECT_TRUE(std::isnan((*got)[0].patterns[0].value));
  WindowFilter f;
  f.numeric = {{"relative_volume", NumericCondition::Op::kGt, -1e9}};
  auto found = (*s)->Find(f, 10);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].window.id, ws[1].id);
  f.numeric = {{"relative_volume", NumericCondition::Op::kGt, std::nan("")}};
  EXPECT_EQ((*s)->Find(f, 10).status().code(), StatusCode::kInvalidArgument);
}

// Broad filters (more rows than the exact-scan threshold) go through HNSW
// with over-fetch; results must match brute force over the filtered rows.
TEST(LocalVectorStoreTest, BroadAndSelectiveFiltersMatchBruteForce) {
  auto s = OpenLocalVectorStore(Options(testing::MakeTempDir()));
  ASSERT_TRUE(s.ok());
  const int n = 6000;
  const char* tickers[] = {"AAA", "BBB", "CCC"};
  std::vector<Window> ws;
  std::vector<float> emb;
  std::vector<std::vector<float>> vecs;
  for (int i = 0; i < n; ++i) {
    ws.push_back(ConformanceWindow(i, tickers[i % 3], "S"));
    vecs.push_back(ConformanceVector(i, kDim));
    emb.insert(emb.end(), vecs.back().begin(), vecs.back().end());
  }
  ASSERT_TRUE((*s)->Upsert(ws, emb).ok());
  auto brute = [&](const std::vector<float>& q, auto pass, size_t k) {
    std::vector<std::pair<float, std::string>> all;
    for (int i = 0; i < n; ++i) {
      if (!pass(i)) continue;
      const auto& v = vecs[i];
      double d = 0, nv = 0, nq = 0;
      for (size_t j = 0; j < kDim; ++j) {
        d += v[j] * q[j];
        nv += v[j] * v[j];
        nq += q[j] * q[j];
      }
      all.emplace_back(static_cast<float>(-d / std::sqrt(nv * nq)), ws[i].id);
    }
    std::sort(all.begin(), all.end());
    std::set<std::string> out;
    for (size_t r = 0; r < std::min(k, all.size()); ++r) out.insert(all[r].second);
    return out;
  };
  WindowFilter broad;  // 4000 rows: HNSW path
  broad.tickers = {"AAA", "BBB"};
  WindowFilter selective;  // 200 rows: exact path
  selective.tickers = {"CCC"};
  selective.numeric = {{"rsi14_max", NumericCondition::Op::kLt, 640}};
  WindowFilter rare;  // ~1/13 of 4000 rows = ~307: exact path, on a numeric column
  rare.tickers = {"AAA", "BBB"};
  rare.numeric = {{"volatility", NumericCondition::Op::kGe, 22}};  // i % 13 == 12
  size_t hits_total = 0, hits_found = 0;
  for (int qn = 0; qn < 20; ++qn) {
    auto q = ConformanceVector(900000 + qn, kDim);
    struct C { const WindowFilter* f; std::function<bool(int)> pass; };
    C cases[] = {{&broad, [](int i) { return i % 3 != 2; }},
                 {&selective, [](int i) { return i % 3 == 2 && 40 + i < 640; }},
                 {&rare, [](int i) { return i % 3 != 2 && 10 + i % 13 >= 22; }}};
    for (const auto& c : cases) {
      auto hits = (*s)->Search(VectorSpace::kText, q, 10, *c.f);
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      auto expected = brute(q, c.pass, 10);
      ASSERT_EQ(hits->size(), expected.size());
      for (const auto& h : *hits) {
        EXPECT_TRUE(c.pass(static_cast<int>((h.window.start_ts - 1546300800) / (5 * 86400))));
        hits_found += expected.count(h.window.id);
      }
      hits_total += expected.size();
    }
  }
  EXPECT_GE(double(hits_found) / hits_total, 0.95);
}

TEST(LocalVectorStoreTest, ReadersNeverSeeHalfAnUpsert) {
  auto s = OpenLocalVectorStore(Options(testing::MakeTempDir()));
  ASSERT_TRUE(s.ok());
  VectorStore& store = **s;
  constexpr int kBatch = 100, kBatches = 10;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  auto reader = [&] {
    while (!done) {
      auto n = store.Count();
      auto hits = store.Search(VectorSpace::kText, ConformanceVector(3, kDim), 1000, {});
      if (!n.ok() || !hits.ok()) {
        ++bad;
        continue;
      }
      // Every search sees whole batches only.
      if (hits->size() % kBatch != 0 || *n % kBatch != 0) ++bad;
      ++reads;
    }
  };
  std::thread r1(reader), r2(reader);
  for (int b = 0; b < kBatches; ++b) PutRange(store, b * kBatch, kBatch, "T" + std::to_string(b));
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(*store.Count(), static_cast<uint64_t>(kBatch * kBatches));
}

// REQUIRED by issue 3: SIGKILL a writer mid-ingest, reopen, nothing lost.
TEST(LocalVectorStoreTest, SigkillDuringLargeUpsertLosesNothingCommitted) {
  std::string dir = testing::MakeTempDir();
  constexpr int kInitial = 12000;  // big enough to trigger an index save
  constexpr int kBatch = 500, kMaxBatches = 200;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto s = OpenLocalVectorStore(Options(dir));
    if (!s.ok()) _exit(2);
    std::vector<Window> ws;
    std::vector<float> emb;
    auto put = [&](int first, int n, const std::string& ticker) {
      ws.clear();
      emb.clear();
      for (int i = first; i < first + n; ++i) {
        ws.push_back(ConformanceWindow(i, ticker, "S"));
        auto v = ConformanceVector(i, kDim);
        emb.insert(emb.end(), v.begin(), v.end());
      }
      return (*s)->Upsert(ws, emb).ok();
    };
    if (!put(0, kInitial, "INIT")) _exit(3);
    // The background indexer saves the files once it has drained this batch;
    // wait for that so the kill below exercises catch-up, not just rebuild.
    for (int waited = 0; !fs::exists(dir + "/text.hnsw.meta"); waited += 10) {
      if (waited > 60000) _exit(6);
      usleep(10000);
    }
    for (int b = 0; b < kMaxBatches; ++b) {
      if (!put(kInitial + b * kBatch, kBatch, "B" + std::to_string(b))) _exit(4);
      int32_t ack = b;
      if (write(fds[1], &ack, sizeof(ack)) != sizeof(ack)) _exit(5);
    }
    _exit(0);  // no destructors: like a crash, but not killed
  }
  close(fds[1]);
  int acked = -1;
  std::mt19937 rng(static_cast<uint32_t>(::getpid()));
  const int kill_after = 6 + static_cast<int>(rng() % 4);
  while (acked < kill_after) {
    pollfd p{fds[0], POLLIN, 0};
    int ready = poll(&p, 1, 60000);
    if (ready <= 0) break;
    int32_t ack;
    if (read(fds[0], &ack, sizeof(ack)) != sizeof(ack)) break;
    acked = ack;
  }
  usleep(static_cast<useconds_t>(rng() % 20000));  // land mid-batch
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  ASSERT_GE(acked, kill_after) << "child did not make progress (exit status " << status << ")";
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_TRUE(fs::exists(dir + "/text.hnsw"));  // the initial save happened: catch-up path

  {  // SQLite integrity, including the FTS index.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir + "/windows.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
    sqlite3_finalize(st);
    EXPECT_EQ(sqlite3_exec(db, "INSERT INTO windows_fts(windows_fts) VALUES('integrity-check')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  auto s = OpenLocalVectorStore(Options(dir));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto count = (*s)->Count();
  ASSERT_TRUE(count.ok());
  // Whole batches only: the acked ones, plus possibly one committed but not yet acked.
  ASSERT_EQ((*count - kInitial) % kBatch, 0u) << *count;
  int committed = static_cast<int>((*count - kInitial) / kBatch);
  EXPECT_GE(committed, acked + 1);
  EXPECT_LE(committed, acked + 2);
  for (int b = 0; b < committed + 1; ++b) {
    WindowFilter f;
    f.tickers = {"B" + std::to_string(b)};
    auto found = (*s)->Find(f, 1000);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->size(), b < committed ? size_t{kBatch} : 0u) << "batch " << b;
  }
  // The index caught up: every window after the save, and a sample before it,
  // is found by its own vector (top 10, unfiltered HNSW path).
  EXPECT_EQ(SelfFound(**s, kInitial, committed * kBatch, 10, 3), 1.0);
  EXPECT_GE(SelfFound(**s, 0, kInitial, 10, 7), 0.999);
}

// Term document counts of the store's FTS index, read as FTS5 keeps them.
int64_t FtsDocs(const std::string& dir, const std::string& term) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2((dir + "/windows.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT coalesce((SELECT doc FROM windows_fts_vocab WHERE term = ?), 0)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, term.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

void ExecSql(const std::string& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/windows.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// The FTS index is contentless: replacing or deleting a window must remove
// exactly the terms it was indexed with, or FTS5 silently keeps stale
// postings. Checked through FTS5's own document counts and integrity check.
TEST(LocalVectorStoreTest, FullTextIndexForgetsReplacedAndDeletedWindows) {
  const std::string dir = testing::MakeTempDir();
  auto batch = [](const std::string& ticker, const std::string& word, int n) {
    std::vector<Window> ws;
    std::vector<float> emb;
    for (int i = 0; i < n; ++i) {
      ws.push_back(ConformanceWindow(i, ticker, "Energy"));
      ws.back().summary = ticker + " " + word + " 2019-03-01 to 2019-04-12: +4.2% gap up 3 times";
      auto v = ConformanceVector(i, kDim);
      emb.insert(emb.end(), v.begin(), v.end());
    }
    return std::pair{ws, emb};
  };
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (auto [ticker, word] : {std::pair{"AAA", "zebra"}, {"BBB", "zebra"}}) {
      auto [ws, emb] = batch(ticker, word, 30);
      ASSERT_TRUE((*s)->Upsert(ws, emb).ok());
    }
    auto [ws, emb] = batch("AAA", "walrus", 30);  // same ids, new summaries
    // The same id twice in one batch: the last copy wins, indexed once.
    ws.push_back(ws.front());
    emb.insert(emb.end(), emb.begin(), emb.begin() + kDim);
    ASSERT_TRUE((*s)->Upsert(ws, emb).ok());
    auto hits = (*s)->LexicalSearch("walrus", 100, {});
    ASSERT_TRUE(hits.ok());
    EXPECT_EQ(hits->size(), 30u);
  }
  EXPECT_EQ(FtsDocs(dir, "zebra"), 30);   // BBB only
  EXPECT_EQ(FtsDocs(dir, "walrus"), 30);
  EXPECT_EQ(FtsDocs(dir, "aaa"), 30);
  EXPECT_EQ(FtsDocs(dir, "2019"), 0);     // numbers are not indexed
  EXPECT_EQ(FtsDocs(dir, "gap"), 60);
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok());
    auto removed = (*s)->DeleteTicker("AAA");
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, 30u);
  }
  EXPECT_EQ(FtsDocs(dir, "walrus"), 0);
  EXPECT_EQ(FtsDocs(dir, "aaa"), 0);
  EXPECT_EQ(FtsDocs(dir, "gap"), 30);
  ExecSql(dir, "INSERT INTO windows_fts(windows_fts) VALUES('integrity-check')");
}

// A schema-2 store indexed whole summaries; a writable open rebuilds the
// FTS index (so later deletes pass the values it holds) and marks it 3.
TEST(LocalVectorStoreTest, SchemaTwoStoreIsMigratedOnWritableOpen) {
  const std::string dir = testing::MakeTempDir();
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok());
    PutRange(**s, 0, 40, "OLD");
  }
  // What version 2 wrote: the summary as it is.
  ExecSql(dir,
          "INSERT INTO windows_fts(windows_fts) VALUES('delete-all');"
          "INSERT INTO windows_fts(rowid, summary, ticker, sector) SELECT w.label, d.summary || ' 2019 to', "
          "w.ticker, w.sector FROM windows w JOIN window_docs d USING(label);"
          "UPDATE meta SET value = '2' WHERE key = 'schema_version';");
  EXPECT_EQ(FtsDocs(dir, "2019"), 40);
  {
    LocalVectorStoreOptions ro = Options(dir);
    ro.read_only = true;
    auto r = OpenLocalVectorStore(ro);  // a reader searches it as it is
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(FtsDocs(dir, "2019"), 40);
  }
  {
    auto s = OpenLocalVectorStore(Options(dir));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(FtsDocs(dir, "2019"), 0);
    EXPECT_EQ(FtsDocs(dir, "old"), 40);
    auto removed = (*s)->DeleteTicker("OLD");
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, 40u);
  }
  EXPECT_EQ(FtsDocs(dir, "old"), 0);
  ExecSql(dir, "INSERT INTO windows_fts(windows_fts) VALUES('integrity-check')");
  {
    LocalVectorStoreOptions ro = Options(dir);
    ro.read_only = true;
    ASSERT_TRUE(OpenLocalVectorStore(ro).ok());
  }
}

}  // namespace
}  // namespace ohlcv

namespace ohlcv {
namespace {

// Window ids depend on the window length and stride: a store records them
// and refuses to be opened with others, naming the settings and the re-index.
TEST(LocalVectorStoreWindowingTest, RecordedAndCheckedOnOpen) {
  const std::string dir = testing::MakeTempDir("windowing");
  LocalVectorStoreOptions o = Options(dir);
  o.windowing = "30 bars, stride 5";
  {
    auto s = OpenLocalVectorStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  { EXPECT_TRUE(OpenLocalVectorStore(o).ok()); }
  o.windowing = "20 bars, stride 5";
  auto other = OpenLocalVectorStore(o);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("30 bars, stride 5"), std::string::npos) << other.status().message();
  EXPECT_NE(other.status().message().find("OHLCV_WINDOW_BARS"), std::string::npos);
  EXPECT_NE(other.status().message().find("ingest"), std::string::npos);
  o.windowing = "";  // not checked
  EXPECT_TRUE(OpenLocalVectorStore(o).ok());
}

// Intraday sessions moved from UTC days to exchange time (issue 16): a store
// recorded under the old rule opens (and is re-recorded) when it holds no
// intraday windows, and is refused with a re-index message when it does.
TEST(LocalVectorStoreWindowingTest, OldSessionRuleIsAcceptedOnlyWithoutIntradayWindows) {
  for (Interval iv : {Interval::k1d, Interval::k1m}) {
    const std::string dir = testing::MakeTempDir("windowing-sessions");
    LocalVectorStoreOptions o = Options(dir);
    o.windowing = "30 bars, stride 5";  // what the old rule recorded
    {
      auto s = OpenLocalVectorStore(o);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      std::vector<Window> one = {ConformanceWindow(0, "AAA", "Sector AAA", iv)};
      ASSERT_TRUE((*s)->Upsert(one, ConformanceVector(0, kDim)).ok());
    }
    o.windowing_intraday_legacy = o.windowing;
    o.windowing = "30 bars, stride 5, sessions in exchange time";
    auto s = OpenLocalVectorStore(o);
    if (iv == Interval::k1d) {
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      s->reset();
      // Re-recorded: the old value alone is now refused.
      LocalVectorStoreOptions old = Options(dir);
      old.windowing = "30 bars, stride 5";
      EXPECT_FALSE(OpenLocalVectorStore(old).ok());
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(s.status().message().find("1 intraday windows cut by the old session rule"), std::string::npos)
          << s.status().message();
      EXPECT_NE(s.status().message().find("Re-index"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace ohlcv
