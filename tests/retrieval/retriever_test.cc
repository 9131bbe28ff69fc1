// Tests of Retriever (retrieval/retriever.cc) over a small hand-made corpus in
// a real local store, embedded with the hashing embedder.
#include "retrieval/retriever.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "retrieval/window_indexer.h"
#include "retrieval_fixture.h"

namespace ohlcv {
namespace {

using testing::AddEvent;
using testing::Day;
using testing::MakeWindow;

constexpr int kWindowsPerTicker = 78;  // weekly starts from 2018-07-02, 41 days each
const int64_t kGoldenCross2019 = Day(2019, 3, 5);
const int64_t kGoldenCross2018 = Day(2018, 12, 28);

bool Contains(const Window& w, int64_t ts) { return w.start_ts <= ts && ts <= w.end_ts; }

std::vector<Window> Corpus() {
  std::vector<Window> out;
  const struct {
    const char* ticker;
    const char* sector;
    double phase0, step;  // shape phase of window i: phase0 + step * i
  } tickers[] = {{"AAPL", "Information Technology", 0.0, 0.05},
                 {"MSFT", "Information Technology", 0.01, 0.05},
                 {"XOM", "Energy", 1.0, 0.001}};
  for (const auto& t : tickers) {
    for (int i = 0; i < kWindowsPerTicker; ++i) {
      const int64_t start = Day(2018, 7, 2) + int64_t{i} * 7 * 86400;
      const bool hot = std::string(t.ticker) == "AAPL" && start >= Day(2019, 6, 1) && start < Day(2019, 8, 1);
      Window w = MakeWindow(t.ticker, t.sector, start, t.phase0 + t.step * i, hot ? 75 : 55, i % 2 ? 3 : -2);
      if (std::string(t.ticker) == "AAPL") {
        if (Contains(w, kGoldenCross2019)) AddEvent(&w, PatternKind::kGoldenCross, kGoldenCross2019);
        if (Contains(w, kGoldenCross2018)) AddEvent(&w, PatternKind::kGoldenCross, kGoldenCross2018);
      }
      if (std::string(t.ticker) == "XOM" && Contains(w, Day(2019, 3, 12))) {
        AddEvent(&w, PatternKind::kBreakout20High, Day(2019, 3, 12));
      }
      out.push_back(std::move(w));
    }
  }
  return out;
}

QuestionContext Context() {
  QuestionContext ctx;
  ctx.known_tickers = {"AAPL", "MSFT", "XOM"};
  ctx.sector_names = {"Energy", "Information Technology"};
  ctx.company_names = {{"Apple Inc.", "AAPL"}, {"Microsoft Corp", "MSFT"}};
  ctx.latest_ts = Day(2019, 12, 31);
  return ctx;
}

class RetrieverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    embedder_ = NewHashingEmbedder(testing::kTestDim);
    store_ = testing::OpenTestStore(testing::MakeTempDir("ohlcv-retriever"));
    ASSERT_NE(store_, nullptr);
    corpus_ = std::make_unique<std::vector<Window>>(Corpus());
    WindowIndexer indexer(*store_, *embedder_);
    ASSERT_TRUE(indexer.Index(*corpus_).ok());
  }
  static void TearDownTestSuite() {
    store_.reset();
    embedder_.reset();
    corpus_.reset();
  }

  Result<RetrievalResult> Ask(const std::string& q, size_t k = 10, WindowFilter extra = {}) {
    Retriever r(*store_, *embedder_, Context());
    RetrievalRequest req;
    req.question = q;
    req.k = k;
    req.extra = std::move(extra);
    return r.Retrieve(req);
  }

  static inline std::unique_ptr<Embedder> embedder_;
  static inline std::unique_ptr<VectorStore> store_;
  static inline std::unique_ptr<std::vector<Window>> corpus_;
};

TEST_F(RetrieverTest, PatternInPeriodRanksFirstWithDatedReasons) {
  auto r = Ask("AAPL golden cross in 2019", 20);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->filter.tickers, std::vector<std::string>{"AAPL"});
  ASSERT_FALSE(r->hits.empty());
  size_t in_period = 0;
  for (const auto& w : *corpus_) in_period += w.ticker == "AAPL" && Contains(w, kGoldenCross2019);
  ASSERT_GE(in_period, 5u);
  // Every window containing the 2019 cross comes before any window whose only
  // cross is the 2018 one (which overlaps 2019 but is dated outside it).
  for (size_t i = 0; i < r->hits.size(); ++i) {
    const auto& h = r->hits[i];
    EXPECT_EQ(h.window.ticker, "AAPL");
    if (i < in_period) {
      EXPECT_TRUE(Contains(h.window, kGoldenCross2019)) << h.window.id;
      EXPECT_TRUE(h.exact);
      EXPECT_NE(std::find(h.why.begin(), h.why.end(), "golden_cross on 2019-03-05"), h.why.end());
      EXPECT_NE(std::find(h.why.begin(), h.why.end(), "ticker AAPL"), h.why.end());
    } else {
      EXPECT_FALSE(h.exact) << h.window.id;
    }
    if (i > 0) {
      EXPECT_GE(r->hits[i - 1].score, h.score);
    }
  }
}

TEST_F(RetrieverTest, ConditionHitsAllHoldAndSayTheValue) {
  auto r = Ask("AAPL windows in 2019 where RSI exceeded 70", 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->hits.empty());
  for (const auto& h : r->hits) {
    EXPECT_TRUE(h.exact);
    EXPECT_GT(h.window.last.rsi14_max, 70);
    EXPECT_NE(std::find(h.why.begin(), h.why.end(), "rsi14_max 75 > 70"), h.why.end()) << h.why.size();
  }
}

TEST_F(RetrieverTest, SectorAndMonthWithBreakout) {
  auto r = Ask("Which energy stocks broke out in March 2019?", 5);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hits.empty());
  for (const auto& h : r->hits) {
    EXPECT_EQ(h.window.sector, "Energy");
    EXPECT_TRUE(Contains(h.window, Day(2019, 3, 12))) << h.window.id;
  }
}

TEST_F(RetrieverTest, NoFilterStillReturnsRankedHits) {
  auto r = Ask("rose sharply with strong momentum", 7);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->parsed.HasFilter());
  ASSERT_EQ(r->hits.size(), 7u);
  std::set<std::string> ids;
  for (const auto& h : r->hits) {
    ids.insert(h.window.id);
    EXPECT_FALSE(h.exact);
    const bool ranked = std::any_of(h.why.begin(), h.why.end(), [](const std::string& s) {
      return s.rfind("text rank", 0) == 0 || s.rfind("vector cos", 0) == 0;
    });
    EXPECT_TRUE(ranked);
  }
  EXPECT_EQ(ids.size(), 7u) << "hits are deduplicated by id";
}

TEST_F(RetrieverTest, OnlyUnknownTickersGiveNoHits) {
  auto r = Ask("How did ZZZQ do in 2019?");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hits.empty());
  EXPECT_EQ(r->parsed.unknown_tickers, std::vector<std::string>{"ZZZQ"});
}

TEST_F(RetrieverTest, ExtraFilterIsAnded) {
  WindowFilter extra;
  extra.tickers = {"MSFT"};
  auto r = Ask("AAPL in 2019", 5, extra);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hits.empty()) << "AAPL AND MSFT matches nothing";

  WindowFilter year;
  year.start_ts = Day(2019, 1, 1);
  year.end_ts = Day(2019, 12, 31);
  auto r2 = Ask("MSFT", 10, year);
  ASSERT_TRUE(r2.ok());
  ASSERT_FALSE(r2->hits.empty());
  for (const auto& h : r2->hits) {
    EXPECT_EQ(h.window.ticker, "MSFT");
    EXPECT_GE(h.window.end_ts, *year.start_ts);
  }
}

TEST_F(RetrieverTest, SeveralTickersAlternate) {
  auto r = Ask("Compare AAPL and XOM in 2019", 6);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 6u);
  for (size_t i = 0; i < r->hits.size(); ++i) {
    EXPECT_NE(r->hits[i].window.ticker, "MSFT");
    if (i > 0) {
      EXPECT_NE(r->hits[i].window.ticker, r->hits[i - 1].window.ticker) << i;
    }
  }
}

TEST_F(RetrieverTest, StoreWithoutLexicalSearchStillAnswers) {
  testing::NoLexicalStore nolex(*store_);
  Retriever r(nolex, *embedder_, Context());
  RetrievalRequest req;
  req.question = "XOM strong gains in 2019";
  req.k = 5;
  auto res = r.Retrieve(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(nolex.lexical_calls, 0) << "asked a store without a full-text index for lexical search";
  ASSERT_EQ(res->hits.size(), 5u);
  for (const auto& h : res->hits) EXPECT_EQ(h.window.ticker, "XOM");
}

TEST_F(RetrieverTest, RefreshSwapsTheContext) {
  Retriever r(*store_, *embedder_, QuestionContext{});
  RetrievalRequest req;
  req.question = "AAPL in 2019";
  auto before = r.Retrieve(req);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->parsed.tickers.empty());
  r.Refresh(Context());
  EXPECT_EQ(r.context().known_tickers.count("AAPL"), 1u);
  auto after = r.Retrieve(req);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->parsed.tickers, std::vector<std::string>{"AAPL"});
  for (const auto& h : after->hits) EXPECT_EQ(h.window.ticker, "AAPL");
}

TEST_F(RetrieverTest, SimilarExcludesOwnOverlapAndDuplicatePeriods) {
  Retriever r(*store_, *embedder_, Context());
  SimilarRequest req;
  req.ticker = "aapl";
  req.k = 5;
  auto res = r.Similar(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  const Window& q = res->query;
  EXPECT_EQ(q.ticker, "AAPL");
  EXPECT_EQ(q.end_ts, Day(2018, 7, 2) + int64_t{kWindowsPerTicker - 1} * 7 * 86400 + 41 * 86400);
  ASSERT_EQ(res->hits.size(), 5u);
  // MSFT's window of the same weeks has almost the same shape.
  EXPECT_EQ(res->hits[0].window.ticker, "MSFT");
  EXPECT_EQ(res->hits[0].window.start_ts, q.start_ts);
  EXPECT_GT(res->hits[0].score, 0.99);
  EXPECT_EQ(res->hits[0].why.front().rfind("shape cos", 0), 0u);
  for (size_t i = 0; i < res->hits.size(); ++i) {
    const Window& w = res->hits[i].window;
    EXPECT_FALSE(w.ticker == "AAPL" && w.start_ts <= q.end_ts && w.end_ts >= q.start_ts) << w.id;
    for (size_t j = 0; j < i; ++j) {
      const Window& o = res->hits[j].window;
      EXPECT_FALSE(o.ticker == w.ticker && w.start_ts <= o.end_ts && w.end_ts >= o.start_ts)
          << w.id << " overlaps " << o.id;
    }
  }
}

TEST_F(RetrieverTest, SimilarHonoursEndDateAndUnknownTicker) {
  Retriever r(*store_, *embedder_, Context());
  SimilarRequest req;
  req.ticker = "XOM";
  req.end_ts = Day(2019, 3, 31);
  req.k = 3;
  auto res = r.Similar(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_LE(res->query.end_ts, *req.end_ts);
  EXPECT_GT(res->query.end_ts, *req.end_ts - 7 * 86400) << "the latest window ending by then";
  EXPECT_EQ(res->hits.size(), 3u);

  req.ticker = "NOPE";
  EXPECT_EQ(r.Similar(req).status().code(), StatusCode::kNotFound);
  req.ticker = "XOM";
  req.end_ts = Day(2000, 1, 1);
  EXPECT_EQ(r.Similar(req).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ohlcv
