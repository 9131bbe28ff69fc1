#include "answer/answer_engine.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "answer/draft.h"
#include "kb_fixture.h"
#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using testing::DayTs;

class AnswerEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    kb_ = new testing::TestKb(10);
    kb_->Add(testing::SyntheticSeries("AAA", DayTs(2016, 1, 4), 900, 1, 0.0008), "Information Technology");
    kb_->Add(testing::SyntheticSeries("BBB", DayTs(2016, 1, 4), 900, 2, -0.0002), "Information Technology");
    kb_->Add(testing::SyntheticSeries("CCC", DayTs(2016, 1, 4), 900, 3, 0.0003), "Energy");
    kb_->Finish();
  }
  static void TearDownTestSuite() {
    delete kb_;
    kb_ = nullptr;
  }
  void SetUp() override {
    AnswerOptions o;
    o.series.analysis = kb_->analysis();
    engine_ = std::make_unique<AnswerEngine>(kb_->bars(), kb_->retriever(), kb_->sectors(), o);
  }
  Answer Ask(const std::string& q, std::optional<QueryType> type = std::nullopt) {
    AskRequest r;
    r.question = q;
    r.type = type;
    auto a = engine_->Ask(r);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : Answer{};
  }
  static BarSeries Bars(const std::string& t) { return kb_->bars().Load(t, Interval::k1d).value(); }
  static bool HasFact(const Answer& a, const std::string& text) {
    return std::any_of(a.facts.begin(), a.facts.end(), [&](const Fact& f) { return f.text == text; });
  }

  static testing::TestKb* kb_;
  std::unique_ptr<AnswerEngine> engine_;
};
testing::TestKb* AnswerEngineTest::kb_ = nullptr;

// Return over calendar year `y` straight from the bars.
double YearReturn(const BarSeries& s, int y) {
  double first = 0, last = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (CivilFromTs(s.ts[i]).year != y) continue;
    if (first == 0) first = s.close[i];
    last = s.close[i];
  }
  return (last / first - 1) * 100;
}

TEST_F(AnswerEngineTest, ReturnOverAYearIsExactAndSourced) {
  Answer a = Ask("How did AAA perform in 2018?");
  const std::string expected = FormatPct(YearReturn(Bars("AAA"), 2018));
  EXPECT_NE(a.text.find(expected), std::string::npos) << a.text;
  EXPECT_TRUE(HasFact(a, expected));
  EXPECT_FALSE(a.no_data);
  EXPECT_FALSE(a.sources.empty());
  for (const auto& s : a.sources) EXPECT_EQ(s.ticker, "AAA");
  EXPECT_GT(a.confidence, 0.5);
  EXPECT_LE(a.confidence, 1.0);
  ASSERT_FALSE(a.computations.empty());
  EXPECT_EQ(a.computations[0].name, "return");
  EXPECT_EQ(a.computations[0].inputs["start"], "2018-01-01");
  auto j = AnswerToJson(a);
  for (const char* key : {"answer", "query_type", "sources", "confidence", "timings", "computations", "facts", "notes"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["query_type"], "general");
}

TEST_F(AnswerEngineTest, HighestPriceWithDate) {
  BarSeries s = Bars("BBB");
  double high = 0;
  int64_t when = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (CivilFromTs(s.ts[i]).year == 2017 && s.high[i] > high) {
      high = s.high[i];
      when = s.ts[i];
    }
  Answer a = Ask("What was the highest price of BBB in 2017?");
  EXPECT_NE(a.text.find(FormatPrice(high) + " on " + FormatDate(when)), std::string::npos) << a.text;
}

TEST_F(AnswerEngineTest, UnknownTickerSaysNoDataAndSuggestsIngest) {
  Answer a = Ask("How did ZZZQ do in 2018?");
  EXPECT_TRUE(a.no_data);
  EXPECT_NE(a.text.find("no data for ZZZQ"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("ohlcv-rag ingest --source yahoo --tickers ZZZQ --period 5y"), std::string::npos);
  EXPECT_EQ(a.confidence, 0);
  EXPECT_TRUE(a.sources.empty());
  EXPECT_TRUE(a.facts.empty());
}

TEST_F(AnswerEngineTest, PeriodOutsideTheStoreSaysNoData) {
  Answer a = Ask("How did AAA do in 2012?");
  EXPECT_TRUE(a.no_data);
  EXPECT_NE(a.text.find("No data for AAA"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("2016-01-04"), std::string::npos) << a.text;  // what the store holds
}

TEST_F(AnswerEngineTest, ComparisonSideBySideWithCorrelation) {
  Answer a = Ask("Compare AAA and BBB in 2018");
  EXPECT_EQ(a.type, QueryType::kComparison);
  EXPECT_NE(a.text.find(FormatPct(YearReturn(Bars("AAA"), 2018))), std::string::npos) << a.text;
  EXPECT_NE(a.text.find(FormatPct(YearReturn(Bars("BBB"), 2018))), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("correlation of daily log returns between AAA and BBB"), std::string::npos) << a.text;
}

TEST_F(AnswerEngineTest, SectorRankingListsTheBest) {
  Answer a = Ask("Which tech stocks performed best in 2018?");
  const double ra = YearReturn(Bars("AAA"), 2018), rb = YearReturn(Bars("BBB"), 2018);
  const std::string best = ra > rb ? "AAA" : "BBB";
  EXPECT_NE(a.text.find("the best were " + best + " " + FormatPct(std::max(ra, rb))), std::string::npos) << a.text;
  EXPECT_EQ(a.text.find("CCC"), std::string::npos) << "energy stock in a tech ranking: " << a.text;
}

TEST_F(AnswerEngineTest, PredictionGivesBaseRatesAndDisclaimer) {
  Answer a = Ask("What usually happens after AAA's RSI falls below 30?");
  EXPECT_EQ(a.type, QueryType::kPrediction);
  EXPECT_NE(a.text.find("not a prediction"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("10-day forward return"), std::string::npos) << a.text;
  SeriesAnalysis an;
  AnalysisOptions o = kb_->analysis();
  o.build_windows = false;
  an.Analyze(Bars("AAA"), "", o);
  size_t oversold = 0;
  for (const auto& e : an.events) oversold += e.kind == PatternKind::kRsiOversold;
  const bool has_base_rate = std::any_of(a.computations.begin(), a.computations.end(), [&](const Computation& c) {
    return c.name == "base_rate" && c.result["events"] == oversold;
  });
  EXPECT_TRUE(has_base_rate) << AnswerToJson(a).dump(1);
}

TEST_F(AnswerEngineTest, TechnicalStateReadsTheRules) {
  Answer a = Ask("What do the indicators say about AAA now?", QueryType::kTechnical);
  EXPECT_NE(a.text.find("RSI(14)"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("SMA200"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find(FormatDate(Bars("AAA").ts.back())), std::string::npos) << a.text;
}

TEST_F(AnswerEngineTest, CacheHitsUntilTheDataChanges) {
  AskRequest r;
  r.question = "How did CCC perform in 2017?";
  auto a1 = engine_->Ask(r);
  auto a2 = engine_->Ask(r);
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_FALSE(a1->cached);
  EXPECT_TRUE(a2->cached);
  EXPECT_EQ(a1->text, a2->text);
  EXPECT_EQ(engine_->cache_stats().hits, 1u);
  // A new bar bumps the data version: the next ask misses.
  BarSeries s = Bars("CCC");
  BarSeries extra;
  extra.ticker = "CCC";
  Bar b = s.at(s.size() - 1);
  b.ts += 3 * 86400;
  extra.push_back(b);
  ASSERT_TRUE(kb_->bars().Upsert(extra).ok());
  auto a3 = engine_->Ask(r);
  ASSERT_TRUE(a3.ok());
  EXPECT_FALSE(a3->cached);
  EXPECT_EQ(engine_->cache_stats().misses, 2u);
}

TEST_F(AnswerEngineTest, RejectsEmptyQuestions) {
  AskRequest r;
  r.question = "   ";
  EXPECT_EQ(engine_->Ask(r).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AnswerEngineTest, AnalyzeIsDeterministicAndComplete) {
  AnalyzeRequest req;
  req.kind = AnalysisKind::kIndicator;
  req.tickers = {"aaa"};
  req.condition = "RSI > 70";
  auto r1 = engine_->Analyze(req);
  auto r2 = engine_->Analyze(req);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(AnalysisReportToJson(*r1).dump(), AnalysisReportToJson(*r2).dump());
  EXPECT_FALSE(r1->findings.empty());
  EXPECT_FALSE(r1->risk_factors.empty());
  EXPECT_TRUE(r1->confidence_level == "high" || r1->confidence_level == "medium" || r1->confidence_level == "low");
  EXPECT_EQ(FormatDate(r1->period_start), "2016-01-04");
  auto j = AnalysisReportToJson(*r1);
  EXPECT_EQ(j["kind"], "indicator");
  EXPECT_EQ(j["tickers"][0], "AAA");

  req.kind = AnalysisKind::kPattern;
  req.pattern = "golden_cross";
  auto p = engine_->Analyze(req);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(std::any_of(p->computations.begin(), p->computations.end(),
                          [](const Computation& c) { return c.name == "pattern_occurrences"; }));
  req.pattern = "no_such_pattern";
  EXPECT_FALSE(engine_->Analyze(req).ok());

  req.kind = AnalysisKind::kTrend;
  auto t = engine_->Analyze(req);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->findings.empty());

  req.kind = AnalysisKind::kComparison;
  req.tickers = {"AAA", "CCC"};
  auto c = engine_->Analyze(req);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(std::any_of(c->computations.begin(), c->computations.end(),
                          [](const Computation& x) { return x.name == "correlation"; }));

  req.kind = AnalysisKind::kTrend;
  req.tickers = {"NOPE"};
  auto n = engine_->Analyze(req);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->no_data);
}

TEST(AnalysisTest, ParsesConditionsAndKinds) {
  auto c = ParseConditionSpec("RSI > 70");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->indicator, Indicator::kRsi14);
  EXPECT_TRUE(c->above);
  EXPECT_EQ(c->threshold, 70);
  auto d = ParseConditionSpec("adx(14) <= 20.5");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->indicator, Indicator::kAdx14);
  EXPECT_FALSE(d->above);
  EXPECT_EQ(d->threshold, 20.5);
  EXPECT_FALSE(ParseConditionSpec("RSI is high").ok());
  EXPECT_FALSE(ParseConditionSpec("FOO > 3").ok());
  EXPECT_EQ(*ParseAnalysisKind("Trend"), AnalysisKind::kTrend);
  EXPECT_FALSE(ParseAnalysisKind("astrology").ok());
}

// ---- LLM generator against a loopback OpenAI-compatible server ----------

class LlmAnswerTest : public AnswerEngineTest {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }
  void TearDown() override { engine_.reset(); }
  void MakeEngine(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    LlmOptions llm;
    llm.base_url = server_.base_url() + "/v1/";
    llm.model = "test-model";
    llm.api_key = "sk-test";
    llm.timeout = timeout;
    llm.retries = 0;
    AnswerOptions o;
    o.series.analysis = kb_->analysis();
    o.llm = llm;
    engine_ = std::make_unique<AnswerEngine>(kb_->bars(), kb_->retriever(), kb_->sectors(), o);
  }
  static std::string Reply(const std::string& content) {
    nlohmann::json j = {{"id", "x"}, {"object", "chat.completion"},
                        {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}};
    return j.dump();
  }
  testing::ReplayServer server_;
};

TEST_F(LlmAnswerTest, PhrasesWithOnlyGroundedFactsAndFlagsOthers) {
  const std::string ret = FormatPct(YearReturn(Bars("AAA"), 2018));
  server_.Set("POST", "/v1/chat/completions",
              {200, Reply("AAA returned " + ret + " in 2018, and analysts expect 123.45 next year.")});
  MakeEngine();
  Answer a = Ask("How did AAA perform in 2018?");
  EXPECT_EQ(a.generator, "llm:test-model");
  EXPECT_NE(a.text.find(ret), std::string::npos);
  ASSERT_EQ(a.unverified_numbers.size(), 1u) << ::testing::PrintToString(a.unverified_numbers);
  EXPECT_EQ(a.unverified_numbers[0], "123.45");
  ASSERT_EQ(server_.request_count("/v1/chat/completions"), 1u);
  const auto req = server_.requests().back();
  EXPECT_EQ(req.Header("authorization"), "Bearer sk-test");
  auto body = nlohmann::json::parse(req.body);
  EXPECT_EQ(body["model"], "test-model");
  const std::string user = body["messages"][1]["content"];
  EXPECT_NE(user.find(ret), std::string::npos);  // the facts are in the prompt
  EXPECT_NE(body["messages"][0]["content"].get<std::string>().find("ONLY"), std::string::npos);
}

TEST_F(LlmAnswerTest, ServerErrorFallsBackToTheOfflineAnswer) {
  server_.Set("POST", "/v1/chat/completions", {500, R"({"error":{"message":"overloaded"}})"});
  MakeEngine();
  Answer a = Ask("How did AAA perform in 2018?");
  EXPECT_EQ(a.generator, "template");
  EXPECT_NE(a.text.find(FormatPct(YearReturn(Bars("AAA"), 2018))), std::string::npos);
  EXPECT_TRUE(std::any_of(a.notes.begin(), a.notes.end(),
                          [](const std::string& n) { return n.find("LLM unavailable") != std::string::npos &&
                                                            n.find("overloaded") != std::string::npos; }));
}

TEST_F(LlmAnswerTest, TimeoutFallsBackToTheOfflineAnswer) {
  server_.Set("POST", "/v1/chat/completions",
              testing::CannedResponse(200, Reply("late")).WithDelay(std::chrono::milliseconds(3000)));
  MakeEngine(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  Answer a = Ask("How did AAA perform in 2017?");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2500));
  EXPECT_EQ(a.generator, "template");
  EXPECT_TRUE(std::any_of(a.notes.begin(), a.notes.end(),
                          [](const std::string& n) { return n.find("DeadlineExceeded") != std::string::npos; }));
  server_.Stop();
}

TEST_F(LlmAnswerTest, MalformedReplyFallsBackToTheOfflineAnswer) {
  server_.Set("POST", "/v1/chat/completions", {200, R"({"choices": "nope"})"});
  MakeEngine();
  Answer a = Ask("How did BBB perform in 2018?");
  EXPECT_EQ(a.generator, "template");
  EXPECT_TRUE(std::any_of(a.notes.begin(), a.notes.end(),
                          [](const std::string& n) { return n.find("Corruption") != std::string::npos; }));
}

TEST(NumberCheckTest, ToleratesRoundingAndSignButNotInventions) {
  GroundedDraft d;
  d.question = "How did AAPL do in 2019?";
  d.facts.push_back({"r", 86.1623, "%", "+86.16%", 0});
  d.facts.push_back({"p", 157.9249, "USD", "$157.92", 0});
  d.facts.push_back({"d", 1546387200, "date", "2019-01-02", 0});
  d.facts.push_back({"dd", -16.71, "%", "-16.71%", 0});
  auto bad = UnverifiedNumbers(
      "AAPL rose 86.2% (86.16%) from $157.92 on 2019-01-02 in 2019, after a drawdown of 16.71%; 3 reasons; "
      "it may reach $400 on 2020-05-01.",
      d);
  ASSERT_EQ(bad.size(), 2u) << ::testing::PrintToString(bad);
  EXPECT_EQ(bad[0], "2020-05-01");
  EXPECT_EQ(bad[1], "$400");
}

}  // namespace
}  // namespace ohlcv
