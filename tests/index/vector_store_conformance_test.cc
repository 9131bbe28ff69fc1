// The VectorStore conformance suite (see vector_store_conformance.h). Each
// store's test file instantiates it; this file holds the checks once.
#include "index/vector_store_conformance.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <set>

namespace ohlcv::testing {
namespace {

constexpr int64_t kBaseTs = 1546300800;  // 2019-01-01
constexpr int64_t kDay = 86400;
const char* const kTickers[] = {"AAPL", "MSFT", "XOM", "JPM"};
const char* const kSectors[] = {"Information Technology", "Information Technology", "Energy",
                                "Financials"};

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    d += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  return d / std::sqrt(na * nb);
}

std::set<std::string> Ids(const std::vector<SearchHit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.window.id);
  return out;
}

bool HasPattern(const Window& w, PatternKind k) {
  return std::any_of(w.patterns.begin(), w.patterns.end(), [&](auto& e) { return e.kind == k; });
}

}  // namespace

std::vector<float> ConformanceVector(int i, size_t dim) {
  std::mt19937 rng(1000u + static_cast<uint32_t>(i) * 7919u + static_cast<uint32_t>(dim));
  std::normal_distribution<float> g;
  std::vector<float> v(dim);
  for (auto& x : v) x = g(rng);
  return v;
}

Window ConformanceWindow(int i, const std::string& ticker, const std::string& sector,
                         Interval interval) {
  Window w;
  w.ticker = ticker;
  w.sector = sector;
  w.interval = interval;
  w.start_ts = kBaseTs + i * 5 * kDay;
  w.end_ts = w.start_ts + 20 * kDay;
  w.id = ticker + "_" + std::string(IntervalName(interval)) + "_" + std::to_string(w.start_ts) +
         "_" + std::to_string(w.end_ts);
  w.start_bar = static_cast<uint32_t>(i * 5);
  w.n_bars = 20;
  w.open = 100 + i;
  w.first_close = 100.5 + i;
  w.close = 101 + i + (i % 11) - 5;
  w.high = w.close + 3;
  w.high_ts = w.end_ts - kDay;
  w.low = w.open - 3;
  w.low_ts = w.start_ts + kDay;
  w.return_pct = (i % 11) - 5;
  w.volatility = 10 + i % 13;
  w.max_drawdown_pct = -(i % 9);
  w.avg_volume = 1e6 + i * 1000;
  w.relative_volume = 0.5 + (i % 6) * 0.25;
  w.trend = w.return_pct > 0 ? TrendState::kUp : w.return_pct < 0 ? TrendState::kDown : TrendState::kSideways;
  w.last.rsi14 = 30 + i % 50;
  w.last.rsi14_max = 40 + i;
  w.last.rsi14_min = 20 + i % 10;
  w.last.adx14 = 10 + i % 30;
  w.last.sma50 = 99 + i;
  if (i % 5 == 0) {
    w.patterns.push_back({PatternKind::kGoldenCross, w.start_bar + 3, w.start_ts + 3 * kDay,
                          w.start_ts + 3 * kDay, 101.25});
  }
  if (i % 7 == 0) {
    w.patterns.push_back({PatternKind::kRsiOverbought, w.start_bar + 9, w.start_ts + 9 * kDay,
                          w.start_ts + 9 * kDay, 71.5});
  }
  w.summary = ticker + " " + std::string(TrendStateName(w.trend)) + " window number " +
              std::to_string(i) + (i % 5 == 0 ? " with a golden cross" : "");
  w.shape = ConformanceVector(10000 + i, kConformanceShapeDim);
  return w;
}

void VectorStoreConformance::SetUp() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info->name();
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  ns_ = "conf_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + name;
  auto opened = GetParam().open(ns_, Embedder());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
}

void VectorStoreConformance::Reopen() {
  store_.reset();
  auto opened = GetParam().open(ns_, Embedder());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
}

void VectorStoreConformance::Put(const std::vector<Window>& windows, const std::vector<int>& vector_ids) {
  std::vector<float> emb;
  for (int v : vector_ids) {
    auto x = ConformanceVector(v, kConformanceDim);
    emb.insert(emb.end(), x.begin(), x.end());
  }
  Status st = store_->Upsert(windows, emb);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

void VectorStoreConformance::PutStandardSet() {
  data_.clear();
  text_.clear();
  std::vector<int> vids;
  for (int i = 0; i < 60; ++i) {
    data_.push_back(ConformanceWindow(i, kTickers[i % 4], kSectors[i % 4],
                                      i < 50 ? Interval::k1d : Interval::k1wk));
    text_.push_back(ConformanceVector(i, kConformanceDim));
    vids.push_back(i);
  }
  Put(data_, vids);
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(VectorStoreConformance);

TEST_P(VectorStoreConformance, UpsertGetCountRoundTrip) {
  PutStandardSet();
  auto n = store_->Count();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 60u);
  std::vector<std::string> ids = {data_[7].id, "NOPE_1d_1_2", data_[0].id};
  auto got = store_->Get(ids);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);  // the unknown id is left out, order kept
  const Window& a = (*got)[0];
  const Window& e = data_[7];
  EXPECT_EQ(a.id, e.id);
  EXPECT_EQ(a.ticker, e.ticker);
  EXPECT_EQ(a.sector, e.sector);
  EXPECT_EQ(a.interval, e.interval);
  EXPECT_EQ(a.start_ts, e.start_ts);
  EXPECT_EQ(a.end_ts, e.end_ts);
  EXPECT_EQ(a.n_bars, e.n_bars);
  EXPECT_DOUBLE_EQ(a.close, e.close);
  EXPECT_DOUBLE_EQ(a.return_pct, e.return_pct);
  EXPECT_DOUBLE_EQ(a.relative_volume, e.relative_volume);
  EXPECT_DOUBLE_EQ(a.last.rsi14_max, e.last.rsi14_max);
  EXPECT_EQ(a.trend, e.trend);
  EXPECT_EQ(a.summary, e.summary);
  ASSERT_EQ(a.patterns.size(), e.patterns.size());
  EXPECT_EQ(a.patterns[0].kind, PatternKind::kRsiOverbought);
  EXPECT_EQ(a.patterns[0].ts, e.patterns[0].ts);
  EXPECT_DOUBLE_EQ(a.patterns[0].value, 71.5);
  ASSERT_EQ(a.shape.size(), kConformanceShapeDim);
  for (size_t i = 0; i < a.shape.size(); ++i) EXPECT_FLOAT_EQ(a.shape[i], e.shape[i]);
  EXPECT_EQ((*got)[1].id, data_[0].id);
}

TEST_P(VectorStoreConformance, ReupsertIsIdempotentAndReplaces) {
  PutStandardSet();
  std::vector<int> vids(60);
  for (int i = 0; i < 60; ++i) vids[i] = i;
  Put(data_, vids);
  EXPECT_EQ(*store_->Count(), 60u);
  // Replace one window's summary and vector: the new vector finds it.
  Window changed = data_[3];
  changed.summary = "replaced summary text";
  Put({changed}, {777});
  EXPECT_EQ(*store_->Count(), 60u);
  std::vector<std::string> ids = {changed.id};
  auto got = store_->Get(ids);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].summary, "replaced summary text");
  auto q = ConformanceVector(777, kConformanceDim);
  auto hits = store_->Search(VectorSpace::kText, q, 1, {});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].window.id, changed.id);
  EXPECT_NEAR((*hits)[0].score, 1.0, 1e-4);
}

TEST_P(VectorStoreConformance, DeleteTicker) {
  PutStandardSet();
  auto removed = store_->DeleteTicker("XOM");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 15u);
  EXPECT_EQ(*store_->Count(), 45u);
  auto again = store_->DeleteTicker("XOM");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  std::vector<std::string> ids = {data_[2].id};  // an XOM window
  EXPECT_TRUE(store_->Get(ids)->empty());
  auto hits = store_->Search(VectorSpace::kText, text_[2], 60, {});
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 45u);
  for (const auto& h : *hits) EXPECT_NE(h.window.ticker, "XOM");
}

// Delete by id (what an incremental ingest does with a superseded trailing
// window): only those windows go, from rows and from both searches; ids not
// stored are ignored.
TEST_P(VectorStoreConformance, DeleteByIds) {
  PutStandardSet();
  std::vector<std::string> gone = {data_[2].id, data_[41].id, "NOPE_1d_0_1"};
  auto removed = store_->Delete(gone);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(*store_->Count(), 58u);
  EXPECT_TRUE(store_->Get(gone)->empty());
  std::vector<std::string> kept = {data_[3].id};
  EXPECT_EQ(store_->Get(kept)->size(), 1u);
  for (VectorSpace space : {VectorSpace::kText, VectorSpace::kShape}) {
    const std::vector<float> q = space == VectorSpace::kText ? text_[2] : data_[2].shape;
    auto hits = store_->Search(space, q, 60, {});
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    for (const auto& h : *hits) {
      EXPECT_NE(h.window.id, data_[2].id);
      EXPECT_NE(h.window.id, data_[41].id);
    }
  }
  auto none = store_->Delete(std::vector<std::string>{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
}

TEST_P(VectorStoreConformance, SearchReturnsExactNearestInOrder) {
  PutStandardSet();
  for (int probe : {0, 17, 42, 59}) {
    auto hits = store_->Search(VectorSpace::kText, text_[probe], 5, {});
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    ASSERT_EQ(hits->size(), 5u);
    EXPECT_EQ((*hits)[0].window.id, data_[probe].id);
    EXPECT_NEAR((*hits)[0].score, 1.0, 1e-4);
    std::vector<std::pair<double, std::string>> exact;
    for (size_t i = 0; i < data_.size(); ++i) exact.emplace_back(-Cosine(text_[probe], text_[i]), data_[i].id);
    std::sort(exact.begin(), exact.end());
    for (size_t r = 0; r < 5; ++r) {
      EXPECT_EQ((*hits)[r].window.id, exact[r].second) << "rank " << r;
      EXPECT_NEAR((*hits)[r].score, -exact[r].first, 1e-4);
    }
  }
}

TEST_P(VectorStoreConformance, ShapeSpaceSearch) {
  PutStandardSet();
  auto hits = store_->Search(VectorSpace::kShape, data_[33].shape, 3, {});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].window.id, data_[33].id);
  EXPECT_NEAR((*hits)[0].score, 1.0, 1e-4);
  // Excluding the query's own window returns the next best.
  WindowFilter f;
  f.exclude_ids = {data_[33].id};
  auto rest = store_->Search(VectorSpace::kShape, data_[33].shape, 3, f);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ(Ids(*rest).count(data_[33].id), 0u);
  EXPECT_EQ((*rest)[0].window.id, (*hits)[1].window.id);
}

// Similar periods compare windows of one length only (WindowFilter::n_bars).
TEST_P(VectorStoreConformance, ShapeSearchKeepsToOneWindowLength) {
  PutStandardSet();
  std::vector<Window> longer;
  std::vector<int> vids;
  for (int i = 0; i < 6; ++i) {
    longer.push_back(ConformanceWindow(200 + i, "LONG", "Energy"));
    longer.back().n_bars = 60;
    longer.back().shape = data_[33].shape;  // the best shape match, but of another length
    vids.push_back(200 + i);
  }
  Put(longer, vids);
  WindowFilter f;
  f.n_bars = 20;
  auto hits = store_->Search(VectorSpace::kShape, data_[33].shape, 5, f);
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->size(), 5u);
  for (const auto& h : *hits) EXPECT_EQ(h.window.n_bars, 20u) << h.window.id;
  EXPECT_EQ((*hits)[0].window.id, data_[33].id);
  f.n_bars = 60;
  auto found = store_->Find(f, 100);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->size(), longer.size());
}

TEST_P(VectorStoreConformance, WrongDimensionsAreInvalidArgument) {
  PutStandardSet();
  std::vector<float> bad(kConformanceDim + 1, 0.1f);
  EXPECT_EQ(store_->Search(VectorSpace::kText, bad, 3, {}).status().code(), StatusCode::kInvalidArgument);
  std::vector<Window> one = {data_[0]};
  EXPECT_EQ(store_->Upsert(one, bad).code(), StatusCode::kInvalidArgument);
}

// Every filter kind, through Find (exact) and Search (k larger than the data).
TEST_P(VectorStoreConformance, EveryFilterKind) {
  PutStandardSet();
  struct Case {
    std::string name;
    WindowFilter filter;
    std::function<bool(const Window&)> expect;
  };
  std::vector<Case> cases;
  cases.push_back({"tickers", {}, [](const Window& w) { return w.ticker == "AAPL" || w.ticker == "JPM"; }});
  cases.back().filter.tickers = {"AAPL", "JPM"};
  cases.push_back({"sectors", {}, [](const Window& w) { return w.sector == "Energy"; }});
  cases.back().filter.sectors = {"Energy"};
  cases.push_back({"interval", {}, [](const Window& w) { return w.interval == Interval::k1wk; }});
  cases.back().filter.interval = Interval::k1wk;
  const int64_t lo = kBaseTs + 100 * kDay, hi = kBaseTs + 130 * kDay;
  cases.push_back({"dates", {}, [=](const Window& w) { return w.end_ts >= lo && w.start_ts <= hi; }});
  cases.back().filter.start_ts = lo;
  cases.back().filter.end_ts = hi;
  cases.push_back({"start_only", {}, [=](const Window& w) { return w.end_ts >= hi; }});
  cases.back().filter.start_ts = hi;
  cases.push_back({"patterns", {}, [](const Window& w) {
                     return HasPattern(w, PatternKind::kGoldenCross) || HasPattern(w, PatternKind::kDeathCross);
                   }});
  cases.back().filter.patterns = {PatternKind::kGoldenCross, PatternKind::kDeathCross};
  cases.push_back({"numeric_window", {}, [](const Window& w) { return w.return_pct >= 3; }});
  cases.back().filter.numeric = {{"return_pct", NumericCondition::Op::kGe, 3}};
  cases.push_back({"numeric_indicator", {}, [](const Window& w) { return w.last.rsi14_max > 70 && w.last.rsi14_max <= 90; }});
  cases.back().filter.numeric = {{"rsi14_max", NumericCondition::Op::kGt, 70}, {"rsi14_max", NumericCondition::Op::kLe, 90}};
  cases.push_back({"numeric_lt", {}, [](const Window& w) { return w.max_drawdown_pct < -6; }});
  cases.back().filter.numeric = {{"max_drawdown_pct", NumericCondition::Op::kLt, -6}};
  cases.push_back({"exclude", {}, [&](const Window& w) { return w.id != data_[1].id && w.id != data_[2].id; }});
  cases.back().filter.exclude_ids = {data_[1].id, data_[2].id};
  cases.push_back({"combined", {}, [](const Window& w) {
                     return w.sector == "Information Technology" && w.interval == Interval::k1d &&
                            HasPattern(w, PatternKind::kGoldenCross) && w.last.rsi14 > 35;
                   }});
  cases.back().filter.sectors = {"Information Technology"};
  cases.back().filter.interval = Interval::k1d;
  cases.back().filter.patterns = {PatternKind::kGoldenCross};
  cases.back().filter.numeric = {{"rsi14", NumericCondition::Op::kGt, 35}};
  cases.push_back({"no_match", {}, [](const Window&) { return false; }});
  cases.back().filter.tickers = {"ZZZZ"};

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::set<std::string> expected;
    for (const auto& w : data_) {
      if (c.expect(w)) expected.insert(w.id);
    }
    auto found = store_->Find(c.filter, 1000);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(Ids(*found), expected);
    auto hits = store_->Search(VectorSpace::kText, text_[5], 100, c.filter);
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    EXPECT_EQ(Ids(*hits), expected);
    for (size_t i = 1; i < hits->size(); ++i) EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score);
  }
}

TEST_P(VectorStoreConformance, UnknownNumericFieldIsInvalidArgument) {
  PutStandardSet();
  WindowFilter f;
  f.numeric = {{"rsi14_max; DROP TABLE windows", NumericCondition::Op::kGt, 1}};
  EXPECT_EQ(store_->Find(f, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Search(VectorSpace::kText, text_[0], 3, f).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->Count(), 60u);
}

TEST_P(VectorStoreConformance, HostileFilterValuesAreJustValues) {
  PutStandardSet();
  WindowFilter f;
  f.tickers = {"AAPL' OR '1'='1", "\"; DELETE FROM windows; --"};
  auto found = store_->Find(f, 100);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found->empty());
  EXPECT_EQ(*store_->Count(), 60u);
}

TEST_P(VectorStoreConformance, FindOrdersByEndDescendingWithLimit) {
  PutStandardSet();
  WindowFilter f;
  f.tickers = {"MSFT"};
  auto found = store_->Find(f, 4);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 4u);
  // MSFT is i = 1, 5, 9, ..., 57: the latest four are 57, 53, 49, 45.
  const int expect[] = {57, 53, 49, 45};
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_EQ((*found)[r].window.id, data_[expect[r]].id);
    EXPECT_EQ((*found)[r].score, 1.0);
  }
  auto all = store_->Find({}, 1000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 60u);
  for (size_t i = 1; i < all->size(); ++i) EXPECT_GE((*all)[i - 1].window.end_ts, (*all)[i].window.end_ts);
}

TEST_P(VectorStoreConformance, LexicalSearchRanksAndSurvivesHostileText) {
  if (!GetParam().supports_lexical) {
    EXPECT_EQ(store_->LexicalSearch("breakout", 5, {}).status().code(), StatusCode::kInvalidArgument);
    return;
  }
  PutStandardSet();
  std::vector<Window> extra = {ConformanceWindow(100, "NVDA", "Information Technology"),
                               ConformanceWindow(101, "NVDA", "Information Technology"),
                               ConformanceWindow(102, "AMD", "Information Technology")};
  extra[0].summary = "breakout above resistance on a volume surge, breakout confirmed";
  extra[1].summary = "a breakout attempt that faded";
  extra[2].summary = "quiet sideways range with no news";
  Put(extra, {100, 101, 102});
  auto hits = store_->LexicalSearch("breakout volume", 10, {});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].window.id, extra[0].id);
  EXPECT_EQ((*hits)[1].window.id, extra[1].id);
  EXPECT_DOUBLE_EQ((*hits)[0].score, 1.0);
  EXPECT_GT((*hits)[1].score, 0.0);
  EXPECT_LT((*hits)[1].score, 1.0);
  // Filters apply to lexical search too.
  WindowFilter f;
  f.exclude_ids = {extra[0].id};
  auto filtered = store_->LexicalSearch("breakout volume", 10, f);
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].window.id, extra[1].id);
  // User text can never be an FTS syntax error.
  for (const char* hostile : {"AND OR \" * NEAR(", "\"", "((", "summary:breakout", "NOT", "*", "",
                              "breakout\" OR \"x", "^ - + : { }"}) {
    auto r = store_->LexicalSearch(hostile, 5, {});
    EXPECT_TRUE(r.ok()) << hostile << ": " << r.status().ToString();
  }
  auto by_ticker = store_->LexicalSearch("msft", 100, {});
  ASSERT_TRUE(by_ticker.ok());
  EXPECT_EQ(by_ticker->size(), 15u);
}

TEST_P(VectorStoreConformance, ReopenKeepsData) {
  PutStandardSet();
  Reopen();
  ASSERT_TRUE(store_);
  EXPECT_EQ(*store_->Count(), 60u);
  auto hits = store_->Search(VectorSpace::kText, text_[11], 1, {});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].window.id, data_[11].id);
  EXPECT_TRUE(store_->Health().ok());
}

TEST_P(VectorStoreConformance, EmbedderMismatchNamesBoth) {
  PutStandardSet();
  store_.reset();
  EmbedderIdentity other{"other-embedder", kConformanceDim * 2, kConformanceShapeDim};
  auto opened = GetParam().open(ns_, other);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("conformance-embedder"), std::string::npos)
      << opened.status().message();
  EXPECT_NE(opened.status().message().find("other-embedder"), std::string::npos)
      << opened.status().message();
}

TEST_P(VectorStoreConformance, StatsCount) {
  PutStandardSet();
  (void)store_->Search(VectorSpace::kText, text_[0], 3, {});
  std::vector<std::string> ids = {data_[0].id};
  (void)store_->Get(ids);
  auto s = store_->stats();
  EXPECT_GE(s.upserts, 60u);
  EXPECT_GE(s.searches, 1u);
  EXPECT_GE(s.gets, 1u);
}

}  // namespace ohlcv::testing
