// LlmPlanner against a loopback OpenAI-compatible server: tool-call replies
// become validated plans; invalid JSON, the wrong schema, invalid plans,
// refusals, no tool call, server errors and timeouts are errors. Through the
// AnswerEngine (AnswerOptions::planner): the model's plan is executed
// exactly over the bars, and every failure falls back to the offline parser
// with a note naming why.
#include "answer/llm_planner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "answer/answer_engine.h"
#include "kb_fixture.h"
#include "testutil/replay_server.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using testing::CannedResponse;
using testing::ReplayServer;

// "What did Boeing open at on 2017-03-08?" as the model should plan it.
const char* kBoeingOpen =
    R"({"subjects":[{"kind":"ticker","name":"BA","as_written":"Boeing"}],"measure":{"kind":"open"},)"
    R"("operation":"value","period":{"at":"2017-03-08","interval":"1d"},"form":"number"})";

std::string ToolReply(const std::string& name, const std::string& arguments) {
  json call = {{"id", "call_1"}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}};
  return json{{"choices", {{{"finish_reason", "tool_calls"}, {"message", {{"role", "assistant"}, {"tool_calls", {call}}}}}}}}
      .dump();
}

class LlmPlannerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }
  LlmOptions Options(std::chrono::milliseconds timeout = 2000ms) {
    LlmOptions o;
    o.base_url = server_.base_url() + "/v1";
    o.model = "plan-model";
    o.api_key = "sk-test";
    o.timeout = timeout;
    o.retries = 0;
    return o;
  }
  LlmPlanContext Context() {
    LlmPlanContext c;
    c.latest_ts = DaysFromCivil(2020, 4, 1) * 86400;
    c.tickers = {"BA", "MSFT", "XOM"};
    return c;
  }
  ReplayServer server_;
};

TEST_F(LlmPlannerTest, AToolCallBecomesTheValidatedPlan) {
  server_.Set("POST", "/v1/chat/completions", {200, ToolReply("submit_plan", kBoeingOpen)});
  LlmPlanner planner(Options());
  const std::string q = "What did Boeing open at on 2017-03-08?";
  EXPECT_EQ(planner.name(), "llm:plan-model");
  auto plan = planner.Plan(q, Context());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->subjects.size(), 1u);
  EXPECT_EQ(plan->subjects[0].name, "BA");
  EXPECT_EQ(plan->measure.kind, MeasureKind::kOpen);
  EXPECT_EQ(plan->operation, Operation::kValue);
  EXPECT_EQ(plan->period.at, DaysFromCivil(2017, 3, 8) * 86400);
  EXPECT_EQ(plan->question, q);

  // What was sent: the plan's schema as the one tool, forced, and the store's context.
  ASSERT_EQ(server_.request_count("/v1/chat/completions"), 1u);
  json body = json::parse(server_.requests()[0].body);
  EXPECT_EQ(body["model"], "plan-model");
  EXPECT_EQ(body["temperature"], 0.0);
  ASSERT_EQ(body["tools"].size(), 1u);
  EXPECT_EQ(body["tools"][0]["function"]["name"], "submit_plan");
  json schema = json::parse(PlanJsonSchema());
  schema.erase("$schema");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"], schema);
  EXPECT_EQ(body["tool_choice"]["function"]["name"], "submit_plan");
  const std::string system = body["messages"][0]["content"];
  EXPECT_NE(system.find("2020-04-01"), std::string::npos);
  EXPECT_NE(system.find("BA MSFT XOM"), std::string::npos);
  EXPECT_NE(system.find("not compute"), std::string::npos);
  EXPECT_EQ(body["messages"][1]["content"], q);
}

TEST_F(LlmPlannerTest, APlanWrappedInPlanIsAccepted) {
  server_.Set("POST", "/v1/chat/completions",
              {200, ToolReply("submit_plan", std::string(R"({"plan":)") + kBoeingOpen + "}")});
  LlmPlanner planner(Options());
  auto plan = planner.Plan("q", Context());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->measure.kind, MeasureKind::kOpen);
}

struct BadReply {
  std::string what;
  CannedResponse reply;
  StatusCode code;
  std::string says;
};

TEST_F(LlmPlannerTest, BadRepliesAreErrorsNamingWhy) {
  const std::vector<BadReply> cases = {
      {"arguments not JSON", {200, ToolReply("submit_plan", R"({"subjects": [)")}, StatusCode::kCorruption,
       "not a JSON object"},
      {"arguments a JSON array", {200, ToolReply("submit_plan", "[1,2]")}, StatusCode::kCorruption, "not a JSON object"},
      {"wrong schema", {200, ToolReply("submit_plan", R"({"ticker":"BA","field":"open","date":"2017-03-08"})")},
       StatusCode::kInvalidArgument, "unknown field"},
      {"unknown measure", {200, ToolReply("submit_plan", R"({"subjects":["BA"],"measure":{"kind":"rsx"},"operation":"value"})")},
       StatusCode::kInvalidArgument, "measure.kind"},
      {"invalid plan: count without a condition",
       {200, ToolReply("submit_plan", R"({"subjects":["BA"],"measure":{"kind":"close"},"operation":"count"})")},
       StatusCode::kInvalidArgument, "condition"},
      {"another function", {200, ToolReply("get_weather", "{}")}, StatusCode::kCorruption, "get_weather"},
      {"no tool call", {200, R"({"choices":[{"message":{"content":"The open was $180."}}]})"},
       StatusCode::kCorruption, "called no function: The open was $180."},
      {"refusal", {200, R"({"choices":[{"message":{"content":null,"refusal":"I cannot help with that."}}]})"},
       StatusCode::kUnavailable, "refused"},
      {"server error", {500, R"({"error":{"message":"overloaded"}})"}, StatusCode::kUnavailable, "overloaded"},
      {"key refused", {401, R"({"error":{"message":"Incorrect API key"}})"}, StatusCode::kUnauthenticated, "API key"},
      {"not a chat completion", {200, R"({"choices":"nope"})"}, StatusCode::kCorruption, "chat completion"},
  };
  for (const BadReply& c : cases) {
    server_.Set("POST", "/v1/chat/completions", c.reply);
    LlmPlanner planner(Options());
    auto plan = planner.Plan("What did Boeing open at on 2017-03-08?", Context());
    EXPECT_EQ(plan.status().code(), c.code) << c.what << ": " << plan.status().ToString();
    EXPECT_NE(plan.status().message().find(c.says), std::string::npos) << c.what << ": " << plan.status().ToString();
    const std::string note = LlmPlanFallbackNote(plan.status());
    EXPECT_NE(note.find("LLM plan not used"), std::string::npos) << c.what;
    EXPECT_NE(note.find(c.says), std::string::npos) << c.what << ": " << note;
  }
}

TEST_F(LlmPlannerTest, ATimeoutIsDeadlineExceededWithinTheTimeout) {
  server_.Set("POST", "/v1/chat/completions", CannedResponse(200, ToolReply("submit_plan", kBoeingOpen)).WithDelay(5000ms));
  LlmPlanner planner(Options(300ms));
  const auto t0 = std::chrono::steady_clock::now();
  auto plan = planner.Plan("What did Boeing open at on 2017-03-08?", Context());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  EXPECT_EQ(plan.status().code(), StatusCode::kDeadlineExceeded) << plan.status().ToString();
  server_.Stop();
}

// ---- through the AnswerEngine ------------------------------------------------

class LlmPlannedAnswerTest : public LlmPlannerTest {
 protected:
  static void SetUpTestSuite() {
    kb_ = new testing::TestKb(20);
    kb_->Add(testing::SyntheticSeries("AAA", testing::DayTs(2017, 1, 2), 300, 1, 0.0008), "Information Technology");
    kb_->Add(testing::SyntheticSeries("BBB", testing::DayTs(2017, 1, 2), 300, 2, -0.0002), "Energy");
    kb_->Finish();
  }
  static void TearDownTestSuite() {
    delete kb_;
    kb_ = nullptr;
  }
  void TearDown() override { engine_.reset(); }
  void MakeEngine(std::chrono::milliseconds timeout = 2000ms) {
    AnswerOptions o;
    o.series.analysis = kb_->analysis();
    o.planner = Options(timeout);
    engine_ = std::make_unique<AnswerEngine>(kb_->bars(), kb_->retriever(), kb_->sectors(), o);
  }
  Answer Ask(const std::string& q) {
    AskRequest r;
    r.question = q;
    auto a = engine_->Ask(r);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : Answer{};
  }
  // The stored bar of `ticker` on its 100th day, and the question about its close.
  static size_t Day() { return 100; }
  static BarSeries Bars(const std::string& t) { return kb_->bars().Load(t, Interval::k1d).value(); }
  static bool HasValue(const Answer& a, double v) {
    return std::any_of(a.facts.begin(), a.facts.end(), [&](const Fact& f) { return std::abs(f.value - v) <= 1e-6 * std::abs(v); });
  }
  static std::string PlanFor(const std::string& ticker, const std::string& measure, int64_t ts) {
    return json{{"subjects", {ticker}}, {"measure", {{"kind", measure}}}, {"operation", "value"},
                {"period", {{"at", FormatDate(ts)}}}, {"form", "number"}}
        .dump();
  }

  static testing::TestKb* kb_;
  std::unique_ptr<AnswerEngine> engine_;
};
testing::TestKb* LlmPlannedAnswerTest::kb_ = nullptr;

TEST_F(LlmPlannedAnswerTest, TheModelsPlanIsExecutedExactlyOverTheBars) {
  const BarSeries aaa = Bars("AAA");
  const int64_t ts = aaa.ts[Day()];
  // The question asks for the close; the model's plan asks for the open, so
  // the figure in the answer proves the plan was the model's and was
  // computed from the bars (the model sent no figure).
  server_.Set("POST", "/v1/chat/completions", {200, ToolReply("submit_plan", PlanFor("AAA", "open", ts))});
  MakeEngine();
  Answer a = Ask("What did AAA close at on " + FormatDate(ts) + "?");
  ASSERT_TRUE(a.plan.has_value()) << a.text;
  EXPECT_EQ(a.plan->measure.kind, MeasureKind::kOpen);
  EXPECT_TRUE(HasValue(a, aaa.open[Day()])) << a.text;
  EXPECT_FALSE(HasValue(a, aaa.close[Day()])) << a.text;
  EXPECT_TRUE(std::any_of(a.notes.begin(), a.notes.end(),
                          [](const std::string& n) { return n.find("llm:plan-model") != std::string::npos; }));
  EXPECT_EQ(server_.request_count("/v1/chat/completions"), 1u);
}

TEST_F(LlmPlannedAnswerTest, InvalidJsonWrongSchemaAndRefusalsFallBackToTheOfflineParser) {
  const BarSeries bbb = Bars("BBB");
  const int64_t ts = bbb.ts[Day()];
  const std::string q = "What did BBB close at on " + FormatDate(ts) + "?";
  const std::vector<std::pair<std::string, CannedResponse>> replies = {
      {"not a JSON object", {200, ToolReply("submit_plan", "{\"subjects\": [")}},
      {"unknown field", {200, ToolReply("submit_plan", R"({"ticker":"BBB","field":"close"})")}},
      {"refused", {200, R"({"choices":[{"message":{"content":null,"refusal":"no"}}]})"}},
      {"HTTP 503", {503, "down"}},
  };
  for (const auto& [why, reply] : replies) {
    server_.Set("POST", "/v1/chat/completions", reply);
    MakeEngine();
    Answer a = Ask(q);
    // The offline parser's plan: BBB's close on that date, from the bars.
    EXPECT_TRUE(HasValue(a, bbb.close[Day()])) << why << ": " << a.text;
    EXPECT_TRUE(std::any_of(a.notes.begin(), a.notes.end(),
                            [&](const std::string& n) {
                              return n.find("LLM plan not used") != std::string::npos && n.find(why) != std::string::npos;
                            }))
        << why << ": " << ::testing::PrintToString(a.notes);
    // Not cached: the model is asked again next time.
    const size_t before = server_.request_count("/v1/chat/completions");
    Ask(q);
    EXPECT_EQ(server_.request_count("/v1/chat/completions"), before + 1) << why;
  }
}

TEST_F(LlmPlannedAnswerTest, ATimeoutFallsBackToTheOfflineParserInTime) {
  const BarSeries aaa = Bars("AAA");
  const int64_t ts = aaa.ts[Day()];
  server_.Set("POST", "/v1/chat/completions",
              CannedResponse(200, ToolReply("submit_plan", PlanFor("AAA", "open", ts))).WithDelay(5000ms));
  MakeEngine(300ms);
  const auto t0 = std::chrono::steady_clock::now();
  Answer a = Ask("What did AAA close at on " + FormatDate(ts) + "?");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  EXPECT_TRUE(HasValue(a, aaa.close[Day()])) << a.text;
  EXPECT_TRUE(std::any_of(a.notes.begin(), a.notes.end(),
                          [](const std::string& n) { return n.find("DeadlineExceeded") != std::string::npos; }));
  server_.Stop();
}

}  // namespace
}  // namespace ohlcv
