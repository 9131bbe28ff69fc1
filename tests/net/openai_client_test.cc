// OpenAiClient (the one OpenAI-compatible client) against the loopback replay
// server: chat with and without tools, tool-call replies, refusals,
// embeddings, models, error shapes and timeouts.
#include "net/openai_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using testing::CannedResponse;
using testing::ReplayServer;

class OpenAiClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }
  OpenAiClientOptions Options() {
    OpenAiClientOptions o;
    o.base_url = server_.base_url() + "/v1/";
    o.api_key = "sk-secret-key";
    o.timeout = 2000ms;
    o.retries = 0;
    o.what = "test server";
    return o;
  }
  ReplayServer server_;  // declared before clients: destroyed after them
};

ChatRequest Hi() {
  ChatRequest r;
  r.model = "m";
  r.messages = {{"user", "hi"}};
  return r;
}

std::string ToolCallReply(const std::string& name, const std::string& arguments) {
  json call = {{"id", "call_1"}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}};
  return json{{"model", "m-2024"},
              {"choices",
               {{{"index", 0},
                 {"finish_reason", "tool_calls"},
                 {"message", {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}}}}}}}
      .dump();
}

TEST_F(OpenAiClientTest, ChatSendsToolsAndForcedChoiceAndReadsToolCalls) {
  const std::string args = R"({"ticker":"MSFT","field":"open"})";
  server_.Set("POST", "/v1/chat/completions", {200, ToolCallReply("submit_plan", args)});
  OpenAiClient client(Options());
  ChatRequest req;
  req.model = "m";
  req.messages = {{"system", "be exact"}, {"user", "What did MSFT open at?"}};
  req.max_tokens = 50;
  req.tools.push_back({"submit_plan", "The plan", R"({"type":"object","properties":{"ticker":{"type":"string"}}})"});
  req.tool_choice = "submit_plan";
  auto reply = client.Chat(req);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->finish_reason, "tool_calls");
  EXPECT_EQ(reply->model, "m-2024");
  EXPECT_EQ(reply->content, "");
  ASSERT_EQ(reply->tool_calls.size(), 1u);
  EXPECT_EQ(reply->tool_calls[0].id, "call_1");
  EXPECT_EQ(reply->tool_calls[0].name, "submit_plan");
  EXPECT_EQ(reply->tool_calls[0].arguments, args);

  ASSERT_EQ(server_.request_count("/v1/chat/completions"), 1u);
  const auto sent = server_.requests()[0];
  EXPECT_EQ(sent.Header("authorization"), "Bearer sk-secret-key");
  EXPECT_EQ(sent.Header("content-type"), "application/json");
  json body = json::parse(sent.body);
  EXPECT_EQ(body["model"], "m");
  EXPECT_EQ(body["max_tokens"], 50);
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["messages"][1]["content"], "What did MSFT open at?");
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "submit_plan");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["properties"]["ticker"]["type"], "string");
  EXPECT_EQ(body["tool_choice"]["function"]["name"], "submit_plan");
}

TEST_F(OpenAiClientTest, ChatReadsContentRefusalAndObjectArguments) {
  server_.Enqueue("POST", "/v1/chat/completions",
                  {200, R"({"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"hello"}}]})"});
  server_.Enqueue("POST", "/v1/chat/completions",
                  {200, R"({"choices":[{"message":{"content":null,"refusal":"I can't help with that."}}]})"});
  // Ollama's native shape: arguments as an object.
  server_.Enqueue("POST", "/v1/chat/completions",
                  {200, R"({"choices":[{"message":{"tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}}]})"});
  OpenAiClient client(Options());
  ChatRequest req = Hi();
  auto a = client.Chat(req);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->content, "hello");
  EXPECT_TRUE(a->tool_calls.empty());
  EXPECT_FALSE(json::parse(server_.requests()[0].body).contains("tools"));
  EXPECT_FALSE(json::parse(server_.requests()[0].body).contains("max_tokens"));
  auto b = client.Chat(req);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->refusal, "I can't help with that.");
  auto c = client.Chat(req);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->tool_calls.size(), 1u);
  EXPECT_EQ(json::parse(c->tool_calls[0].arguments)["a"], 1);
}

TEST_F(OpenAiClientTest, MalformedChatRepliesAreCorruption) {
  OpenAiClient client(Options());
  ChatRequest req = Hi();
  for (const char* body : {"{not json", R"({"choices":"nope"})", R"({"choices":[]})", R"({"choices":[{"text":"x"}]})",
                           R"({"choices":[{"message":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]})",
                           R"({"choices":[{"message":{"tool_calls":{"a":1}}}]})"}) {
    server_.Set("POST", "/v1/chat/completions", {200, body});
    auto r = client.Chat(req);
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << body;
    EXPECT_NE(r.status().message().find("test server"), std::string::npos) << r.status().ToString();
  }
}

TEST_F(OpenAiClientTest, HttpErrorsMapToStatusesWithTheServerMessageAndNoKey) {
  OpenAiClient client(Options());
  ChatRequest req = Hi();
  struct Case {
    int http;
    std::string body;
    StatusCode code;
    std::string text;
  };
  const std::vector<Case> cases = {
      {401, R"({"error":{"message":"Incorrect API key provided"}})", StatusCode::kUnauthenticated, "Incorrect API key"},
      {403, R"({"error":{"message":"forbidden"}})", StatusCode::kPermissionDenied, "forbidden"},
      {404, R"({"error":"model \"nope\" not found"})", StatusCode::kInvalidArgument, "not found"},
      {429, R"({"error":{"message":"Rate limit reached"}})", StatusCode::kResourceExhausted, "Rate limit"},
      {504, "gateway timeout", StatusCode::kDeadlineExceeded, "504"},
      {503, "upstream down", StatusCode::kUnavailable, "upstream down"},
  };
  for (const Case& c : cases) {
    server_.Set("POST", "/v1/chat/completions", {c.http, c.body});
    auto r = client.Chat(req);
    EXPECT_EQ(r.status().code(), c.code) << c.http;
    EXPECT_NE(r.status().message().find(c.text), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find("HTTP " + std::to_string(c.http)), std::string::npos);
    EXPECT_EQ(r.status().message().find("sk-secret-key"), std::string::npos);
  }
}

TEST_F(OpenAiClientTest, ASlowServerIsDeadlineExceededWithinThePerRequestTimeout) {
  server_.Set("POST", "/v1/chat/completions", CannedResponse(200, ToolCallReply("f", "{}")).WithDelay(5000ms));
  OpenAiClient client(Options());
  ChatRequest req = Hi();
  req.timeout = 300ms;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = client.Chat(req);
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2000ms);
  server_.Stop();
}

TEST_F(OpenAiClientTest, EmbeddingsAreOrderedByIndexAndChecked) {
  server_.Set("POST", "/v1/embeddings",
              {200, R"({"data":[{"index":1,"embedding":[0,2]},{"index":0,"embedding":[1,0.5]}]})"});
  OpenAiClient client(Options());
  const std::vector<std::string> inputs = {"a", ""};
  auto rows = client.Embeddings("e", inputs);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (std::vector<float>{1, 0.5f}));
  EXPECT_EQ((*rows)[1], (std::vector<float>{0, 2}));
  json body = json::parse(server_.requests()[0].body);
  EXPECT_EQ(body["model"], "e");
  EXPECT_EQ(body["input"][1], " ");  // empty input sent as one space

  for (const char* bad : {R"({"data":[{"index":0,"embedding":[1]}]})",                                // too few
                          R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]})",    // repeated
                          R"({"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[2,3]}]})",  // sizes
                          R"({"data":[{"index":0,"embedding":["x"]},{"index":1,"embedding":[2]}]})",
                          R"({"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]})", R"({"x":1})"}) {
    server_.Set("POST", "/v1/embeddings", {200, bad});
    EXPECT_EQ(client.Embeddings("e", inputs).status().code(), StatusCode::kCorruption) << bad;
  }
}

TEST_F(OpenAiClientTest, ModelsIsAHealthCallThatReturnsAnyHttpReply) {
  server_.Set("GET", "/v1/models", {200, R"({"object":"list","data":[{"id":"gpt-x"},{"id":"emb-y"}]})"});
  OpenAiClient client(Options());
  auto m = client.Models(500ms);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->http_status, 200);
  EXPECT_EQ(m->ids, (std::vector<std::string>{"gpt-x", "emb-y"}));
  server_.Set("GET", "/v1/models", {401, R"({"error":{"message":"bad key"}})"});
  m = client.Models();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->http_status, 401);
  EXPECT_TRUE(m->ids.empty());
  server_.Set("GET", "/v1/models", {500, "boom"});
  m = client.Models();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->http_status, 500);
  EXPECT_EQ(server_.request_count("/v1/models"), 3u);  // never retried
}

TEST_F(OpenAiClientTest, TransportFailureAndMissingSettingsAreErrors) {
  OpenAiClientOptions o = Options();
  server_.Stop();
  OpenAiClient down(o);
  EXPECT_EQ(down.Models(300ms).status().code(), StatusCode::kUnavailable);
  o.base_url = "";
  OpenAiClient empty(o);
  EXPECT_EQ(empty.Chat(Hi()).status().code(), StatusCode::kInvalidArgument);
  OpenAiClient no_model(Options());
  EXPECT_EQ(no_model.Chat({}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ohlcv
