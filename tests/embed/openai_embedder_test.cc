// The OpenAI-compatible client against a loopback replay server.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "embed/embedder.h"
#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
using testing::CannedResponse;
using testing::RecordedRequest;
using testing::ReplayServer;

// Answers like OpenAI: one embedding per input, in reverse order so the
// client must sort by "index". Input "t<k>" gets vector (k, 1, 0) scaled by 2
// (not unit length, so normalisation is tested too).
CannedResponse FakeEmbeddings(const RecordedRequest& r) {
  json req = json::parse(r.body, nullptr, false);
  if (req.is_discarded() || !req.contains("input")) return {400, R"({"error":{"message":"bad"}})"};
  json data = json::array();
  const auto& input = req["input"];
  for (size_t i = input.size(); i-- > 0;) {
    const std::string s = input[i].get<std::string>();
    const double k = s.size() > 1 && s[0] == 't' ? std::stod(s.substr(1)) : 0.0;
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", {2 * k, 2.0, 0.0}}});
  }
  return {200, json{{"object", "list"}, {"data", data}, {"model", req["model"]}}.dump()};
}

class OpenAiEmbedderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }
  OpenAiEmbedderOptions Options() {
    OpenAiEmbedderOptions o;
    o.base_url = server_.base_url() + "/v1/";
    o.model = "test-embed";
    o.api_key = "sk-test";
    o.batch_size = 4;
    o.timeout = std::chrono::milliseconds(2000);
    o.retries = 0;
    return o;
  }
  ReplayServer server_;
};

TEST_F(OpenAiEmbedderTest, SendsTheRequestAndOrdersRowsByIndex) {
  server_.Handle("POST", "/v1/embeddings", FakeEmbeddings);
  auto e = NewOpenAiEmbedder(Options());
  EXPECT_EQ(e->name(), "openai:test-embed");
  EXPECT_EQ(e->dimension(), 0u);  // not learnt yet
  const std::vector<std::string> texts = {"t1", "t2", ""};
  std::vector<float> out;
  ASSERT_TRUE(e->Embed(texts, &out).ok());
  EXPECT_EQ(e->dimension(), 3u);
  ASSERT_EQ(out.size(), 9u);
  EXPECT_NEAR(out[0], 1 / std::sqrt(2.0f), 1e-6);  // (1,1,0) normalised
  EXPECT_NEAR(out[3], 2 / std::sqrt(5.0f), 1e-6);  // (2,1,0)
  EXPECT_NEAR(out[6], 0.0f, 1e-6);                 // (0,1,0)
  EXPECT_NEAR(out[7], 1.0f, 1e-6);

  ASSERT_EQ(server_.request_count("/v1/embeddings"), 1u);
  const RecordedRequest r = server_.requests().back();
  EXPECT_EQ(r.Header("authorization"), "Bearer sk-test");
  EXPECT_NE(r.Header("content-type").find("application/json"), std::string::npos);
  const json body = json::parse(r.body);
  EXPECT_EQ(body["model"], "test-embed");
  EXPECT_EQ(body["input"], json({"t1", "t2", " "}));  // empty text sent as " "
}

TEST_F(OpenAiEmbedderTest, SplitsIntoBatches) {
  server_.Handle("POST", "/v1/embeddings", FakeEmbeddings);
  auto e = NewOpenAiEmbedder(Options());  // batch_size 4
  std::vector<std::string> texts;
  for (int i = 0; i < 10; ++i) texts.push_back("t" + std::to_string(i + 1));
  std::vector<float> out;
  ASSERT_TRUE(e->Embed(texts, &out).ok());
  EXPECT_EQ(server_.request_count("/v1/embeddings"), 3u);  // 4 + 4 + 2
  ASSERT_EQ(out.size(), 30u);
  for (int i = 0; i < 10; ++i) {
    const float k = float(i + 1);
    EXPECT_NEAR(out[i * 3], k / std::sqrt(k * k + 1), 1e-6) << i;
  }
  const auto reqs = server_.requests();
  EXPECT_EQ(json::parse(reqs[2].body)["input"].size(), 2u);
}

TEST_F(OpenAiEmbedderTest, RepliesWithoutIndexAreTakenInOrder) {
  server_.Set("POST", "/v1/embeddings",
              {200, R"({"data":[{"embedding":[1,0]},{"embedding":[0,2]}]})"});
  const std::vector<std::string> texts = {"a", "b"};
  std::vector<float> out;
  ASSERT_TRUE(NewOpenAiEmbedder(Options())->Embed(texts, &out).ok());
  EXPECT_EQ(out, (std::vector<float>{1, 0, 0, 1}));
}

TEST_F(OpenAiEmbedderTest, ChecksTheConfiguredDimension) {
  server_.Handle("POST", "/v1/embeddings", FakeEmbeddings);
  auto o = Options();
  o.dimension = 5;
  auto e = NewOpenAiEmbedder(o);
  EXPECT_EQ(e->dimension(), 5u);
  std::vector<float> out;
  const std::vector<std::string> texts = {"t1"};
  const Status s = e->Embed(texts, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("expected 5"), std::string::npos) << s.ToString();
}

TEST_F(OpenAiEmbedderTest, ErrorRepliesBecomeClearStatuses) {
  const std::vector<std::string> texts = {"t1"};
  std::vector<float> out;
  server_.Set("POST", "/v1/embeddings",
              {401, R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})"});
  Status s = NewOpenAiEmbedder(Options())->Embed(texts, &out);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("Incorrect API key provided"), std::string::npos) << s.ToString();

  server_.Set("POST", "/v1/embeddings", {404, R"({"error":"model \"nope\" not found"})"});  // Ollama
  s = NewOpenAiEmbedder(Options())->Embed(texts, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("not found"), std::string::npos) << s.ToString();

  server_.Set("POST", "/v1/embeddings", {429, R"({"error":{"message":"Rate limit reached"}})"});
  EXPECT_EQ(NewOpenAiEmbedder(Options())->Embed(texts, &out).code(), StatusCode::kResourceExhausted);

  server_.Set("POST", "/v1/embeddings", {503, "upstream down", "text/plain"});
  s = NewOpenAiEmbedder(Options())->Embed(texts, &out);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("503"), std::string::npos);
}

TEST_F(OpenAiEmbedderTest, MalformedRepliesAreCorruption) {
  const std::vector<std::string> texts = {"t1", "t2"};
  std::vector<float> out;
  const std::vector<std::string> bodies = {
      "{not json",
      R"({"object":"list"})",
      R"({"data":[{"index":0,"embedding":[1,0]}]})",                                  // 1 for 2
      R"({"data":[{"index":0,"embedding":[1,0]},{"index":0,"embedding":[0,1]}]})",    // repeated
      R"({"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[0,1,2]}]})",  // size
      R"({"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":["a",1]}]})",
      R"({"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[0,0]}]})",    // zero
  };
  for (const auto& body : bodies) {
    server_.Set("POST", "/v1/embeddings", {200, body});
    const Status s = NewOpenAiEmbedder(Options())->Embed(texts, &out);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << body << " -> " << s.ToString();
  }
}

TEST_F(OpenAiEmbedderTest, SlowReplyIsDeadlineExceeded) {
  server_.Set("POST", "/v1/embeddings",
              CannedResponse(200, R"({"data":[{"index":0,"embedding":[1,0]}]})")
                  .WithDelay(std::chrono::milliseconds(5000)));
  auto o = Options();
  o.timeout = std::chrono::milliseconds(300);
  const std::vector<std::string> texts = {"t1"};
  std::vector<float> out;
  const auto start = std::chrono::steady_clock::now();
  const Status s = NewOpenAiEmbedder(o)->Embed(texts, &out);
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3000));
  server_.Stop();  // ends the pending delay at once
}

TEST_F(OpenAiEmbedderTest, RetriesServerErrorsThenSucceeds) {
  server_.Enqueue("POST", "/v1/embeddings", {500, R"({"error":{"message":"try again"}})"});
  server_.Enqueue("POST", "/v1/embeddings", {200, R"({"data":[{"index":0,"embedding":[3,4]}]})"});
  auto o = Options();
  o.retries = 2;
  const std::vector<std::string> texts = {"t1"};
  std::vector<float> out;
  ASSERT_TRUE(NewOpenAiEmbedder(o)->Embed(texts, &out).ok());
  EXPECT_EQ(server_.request_count("/v1/embeddings"), 2u);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NEAR(out[0], 0.6f, 1e-6);
}

TEST_F(OpenAiEmbedderTest, UnreachableServerIsUnavailable) {
  auto o = Options();
  server_.Stop();
  const std::vector<std::string> texts = {"t1"};
  std::vector<float> out;
  EXPECT_EQ(NewOpenAiEmbedder(o)->Embed(texts, &out).code(), StatusCode::kUnavailable);
  o.batch_size = 0;
  EXPECT_EQ(NewOpenAiEmbedder(o)->Embed(texts, &out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ohlcv
