// The MCP protocol core in-process: JSON-RPC 2.0 framing and errors,
// version negotiation, tools/list, tools/call over a real KnowledgeBase
// (synthetic bars ingested by the pipeline, hashing embedder), argument
// errors, and the stdio transport. The reference SDK client drives the real
// binary in mcp_client_test.mjs.
#include "mcp/mcp_server.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kb/knowledge_base.h"
#include "mcp/mcp_stdio.h"
#include "sources/source.h"
#include "testutil/test_paths.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

class McpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("mcp"));
    KbOptions o;
    o.data_dir = *dir_;
    o.embedder = "hashing";
    auto kb = KnowledgeBase::Open(o);
    ASSERT_TRUE(kb.ok()) << kb.status().ToString();
    kb_ = kb->release();
    SyntheticSourceOptions so;
    so.bars = 300;
    auto source = NewSyntheticSource(so);
    FetchRequest req;
    req.tickers = {"AAA", "BBB"};
    auto stats = kb_->Ingest(*source, req, IngestOptions{});
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  }
  static void TearDownTestSuite() {
    delete kb_;
    delete dir_;
  }

  json Call(const json& request) {
    McpServer server(*kb_);
    std::string reply = server.Handle(request.dump());
    EXPECT_FALSE(reply.empty()) << request.dump();
    return json::parse(reply, nullptr, false);
  }
  json Tool(const std::string& name, const json& args) {
    return Call({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/call"}, {"params", {{"name", name}, {"arguments", args}}}});
  }
  static std::string Text(const json& reply) { return reply["result"]["content"][0]["text"].get<std::string>(); }

  static std::string* dir_;
  static KnowledgeBase* kb_;
};
std::string* McpServerTest::dir_ = nullptr;
KnowledgeBase* McpServerTest::kb_ = nullptr;

TEST_F(McpServerTest, InitializeNegotiatesTheProtocolVersion) {
  for (const std::string& v : McpServer::SupportedProtocolVersions()) {
    json r = Call({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
                   {"params", {{"protocolVersion", v}, {"capabilities", json::object()}, {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    EXPECT_EQ(r["id"], 1);
    EXPECT_EQ(r["result"]["protocolVersion"], v);
    EXPECT_TRUE(r["result"]["capabilities"].contains("tools"));
    EXPECT_EQ(r["result"]["serverInfo"]["name"], "ohlcv-rag");
  }
  // An unknown revision is answered with the newest supported one.
  json r = Call({{"jsonrpc", "2.0"}, {"id", "a"}, {"method", "initialize"}, {"params", {{"protocolVersion", "2099-01-01"}}}});
  EXPECT_EQ(r["id"], "a");
  EXPECT_EQ(r["result"]["protocolVersion"], McpServer::SupportedProtocolVersions().front());
}

TEST_F(McpServerTest, JsonRpcErrorsAndNotifications) {
  McpServer server(*kb_);
  json r = json::parse(server.Handle("{not json"));
  EXPECT_EQ(r["error"]["code"], -32700);
  EXPECT_TRUE(r["id"].is_null());
  r = json::parse(server.Handle(R"({"id":1,"method":"ping"})"));  // no "jsonrpc":"2.0"
  EXPECT_EQ(r["error"]["code"], -32600);
  EXPECT_EQ(r["id"], 1);
  r = json::parse(server.Handle(R"({"jsonrpc":"2.0","id":2,"method":"resources/list"})"));
  EXPECT_EQ(r["error"]["code"], -32601);
  r = json::parse(server.Handle(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}})"));
  EXPECT_EQ(r["error"]["code"], -32602);
  r = json::parse(server.Handle(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope"}})"));
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("unknown tool"), std::string::npos);
  r = json::parse(server.Handle(R"({"jsonrpc":"2.0","id":5,"method":"tools/list","params":[1]})"));
  EXPECT_EQ(r["error"]["code"], -32602);
  r = json::parse(server.Handle(R"({"jsonrpc":"2.0","id":{"x":1},"method":"ping"})"));
  EXPECT_EQ(r["error"]["code"], -32600);
  // Notifications and responses get no reply.
  EXPECT_EQ(server.Handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"), "");
  EXPECT_EQ(server.Handle(R"({"jsonrpc":"2.0","id":9,"result":{}})"), "");
  r = json::parse(server.Handle(R"({"jsonrpc":"2.0","id":6,"method":"ping"})"));
  EXPECT_EQ(r["result"], json::object());
  // A batch: one reply per request, none for the notification.
  r = json::parse(server.Handle(
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}])"));
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1]["id"], 2);
  EXPECT_EQ(server.Handle("[]").find("-32600") != std::string::npos, true);
}

TEST_F(McpServerTest, ToolsListHasSchemasForEveryTool) {
  json r = Call({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}});
  const json& tools = r["result"]["tools"];
  std::vector<std::string> names;
  for (const json& t : tools) {
    names.push_back(t["name"]);
    EXPECT_EQ(t["inputSchema"]["type"], "object") << t.dump();
    EXPECT_FALSE(t["description"].get<std::string>().empty());
  }
  EXPECT_EQ(names, McpServer(*kb_).ToolNames());
  for (const char* want : {"ask", "execute_plan", "similar_periods", "get_bars", "list_tickers", "status"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

TEST_F(McpServerTest, GetBarsReturnsTheStoredBarsExactly) {
  auto stored = kb_->Bars("AAA", Interval::k1d, std::nullopt, std::nullopt);
  ASSERT_TRUE(stored.ok());
  ASSERT_GT(stored->size(), 100u);
  const std::string start = FormatDate(stored->ts[50]), end = FormatDate(stored->ts[59]);
  json r = Tool("get_bars", {{"ticker", "aaa"}, {"start", start}, {"end", end}});
  ASSERT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
  const json& s = r["result"]["structuredContent"];
  ASSERT_EQ(s["count"], 10);
  EXPECT_EQ(s["ticker"], "AAA");
  for (size_t i = 0; i < 10; ++i) {
    const json& b = s["bars"][i];
    EXPECT_EQ(b["t"], FormatDate(stored->ts[50 + i]));
    EXPECT_EQ(b["open"].get<double>(), stored->open[50 + i]);
    EXPECT_EQ(b["high"].get<double>(), stored->high[50 + i]);
    EXPECT_EQ(b["low"].get<double>(), stored->low[50 + i]);
    EXPECT_EQ(b["close"].get<double>(), stored->close[50 + i]);
    EXPECT_EQ(b["volume"].get<double>(), stored->volume[50 + i]);
  }
  // The text content repeats the structured result for clients that read only text.
  EXPECT_EQ(json::parse(r["result"]["content"][1]["text"].get<std::string>()), s);

  r = Tool("get_bars", {{"ticker", "BBB"}, {"limit", 2}});
  const json& last = r["result"]["structuredContent"];
  auto bbb = kb_->Bars("BBB", Interval::k1d, std::nullopt, std::nullopt);
  EXPECT_EQ(last["count"], 2);
  EXPECT_EQ(last["matching"], bbb->size());
  EXPECT_TRUE(last["truncated"].get<bool>());
  EXPECT_EQ(last["bars"][1]["close"].get<double>(), bbb->close.back());
}

TEST_F(McpServerTest, BadArgumentsAreToolErrorsNamingTheField) {
  struct Case {
    std::string tool;
    json args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"get_bars", json::object(), "'ticker': required"},
      {"get_bars", {{"ticker", 5}}, "'ticker': expected a string"},
      {"get_bars", {{"ticker", "AA A"}}, "not a ticker"},
      {"get_bars", {{"ticker", "AAA"}, {"start", "2019-02-30"}}, "'start': expected a date"},
      {"get_bars", {{"ticker", "AAA"}, {"start", "2019-03-02"}, {"end", "2019-03-01"}}, "after 'end'"},
      {"get_bars", {{"ticker", "AAA"}, {"limit", 2.5}}, "'limit': expected an integer"},
      {"get_bars", {{"ticker", "AAA"}, {"limit", 100000}}, "'limit': must be between 1 and 5000"},
      {"get_bars", {{"ticker", "AAA"}, {"interval", "2d"}}, "'interval'"},
      {"get_bars", {{"ticker", "AAA"}, {"extra", true}}, "'extra': unknown field"},
      {"get_bars", {{"ticker", "ZZZ"}}, "not stored"},
      {"ask", json::object(), "'question': required"},
      {"ask", {{"question", "  "}}, "'question': empty"},
      {"ask", {{"question", "x"}, {"n_results", 0}}, "'n_results': must be between"},
      {"similar_periods", {{"ticker", "AAA"}, {"end", "soon"}}, "'end': expected a date"},
      {"list_tickers", {{"x", 1}}, "'x': unknown field"},
  };
  for (const Case& c : cases) {
    json r = Tool(c.tool, c.args);
    ASSERT_TRUE(r.contains("result")) << r.dump();
    EXPECT_TRUE(r["result"]["isError"].get<bool>()) << c.tool << " " << c.args.dump();
    EXPECT_NE(Text(r).find(c.says), std::string::npos) << c.tool << " " << c.args.dump() << " -> " << Text(r);
  }
  // Arguments that are not an object.
  json r = Call({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"}, {"params", {{"name", "status"}, {"arguments", {1, 2}}}}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
}

TEST_F(McpServerTest, ListTickersStatusAskAndSimilarAnswerFromTheKb) {
  auto infos = kb_->Tickers();
  ASSERT_TRUE(infos.ok());
  json r = Tool("list_tickers", json::object());
  const json& list = r["result"]["structuredContent"]["tickers"];
  ASSERT_EQ(list.size(), infos->size());
  for (size_t i = 0; i < infos->size(); ++i) {
    EXPECT_EQ(list[i]["ticker"], (*infos)[i].ticker);
    EXPECT_EQ(list[i]["bars"], (*infos)[i].bars);
    EXPECT_EQ(list[i]["first"], FormatDate((*infos)[i].first_ts));
  }
  r = Tool("status", json::object());
  auto status = kb_->GetStatus();
  EXPECT_EQ(r["result"]["structuredContent"]["bars"], status->bars);
  EXPECT_EQ(r["result"]["structuredContent"]["windows"], status->windows);

  r = Tool("ask", {{"question", "How did AAA perform?"}});
  ASSERT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
  AskRequest ask;
  ask.question = "How did AAA perform?";
  auto direct = kb_->Ask(ask);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(Text(r), direct->text);
  EXPECT_FALSE(r["result"]["structuredContent"]["facts"].empty());

  r = Tool("similar_periods", {{"ticker", "AAA"}, {"k", 2}});
  ASSERT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["query"]["ticker"], "AAA");
  EXPECT_LE(r["result"]["structuredContent"]["similar"].size(), 2u);
  EXPECT_GE(r["result"]["structuredContent"]["similar"].size(), 1u);
}

TEST_F(McpServerTest, ExecutePlanComputesThePlanFromTheBars) {
  auto stored = kb_->Bars("BBB", Interval::k1d, std::nullopt, std::nullopt);
  ASSERT_TRUE(stored.ok());
  const size_t i = 120;
  json plan = {{"subjects", {"BBB"}}, {"measure", {{"kind", "high"}}}, {"operation", "value"},
               {"period", {{"at", FormatDate(stored->ts[i])}}}, {"form", "number"}};
  json r = Tool("execute_plan", {{"plan", plan}});
  ASSERT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
  const json& s = r["result"]["structuredContent"];
  bool found = false;
  for (const json& f : s["facts"])
    if (f["value"].is_number() && std::abs(f["value"].get<double>() - stored->high[i]) <= 1e-9 * stored->high[i]) found = true;
  EXPECT_TRUE(found) << s.dump();
  EXPECT_EQ(s["plan"]["measure"]["kind"], "high");
  EXPECT_EQ(s["plan"]["subjects"][0]["name"], "BBB");

  // Invalid plans are tool errors naming the field.
  plan["measure"]["kind"] = "rsx";
  r = Tool("execute_plan", {{"plan", plan}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  EXPECT_NE(Text(r).find("measure.kind"), std::string::npos) << Text(r);
  r = Tool("execute_plan", {{"plan", "BBB high"}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  EXPECT_NE(Text(r).find("'plan': expected a JSON object"), std::string::npos) << Text(r);
  r = Tool("execute_plan", json::object());
  EXPECT_NE(Text(r).find("'plan': required"), std::string::npos) << Text(r);
}

TEST_F(McpServerTest, StdioTransportAnswersLineByLineInOrder) {
  McpServer server(*kb_);
  std::istringstream in(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}\n"
      "\n"
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
      "garbage\n"
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
  std::ostringstream out;
  ServeMcpStdio(server, in, out);
  std::istringstream lines(out.str());
  std::vector<json> replies;
  for (std::string line; std::getline(lines, line);) replies.push_back(json::parse(line));
  ASSERT_EQ(replies.size(), 4u) << out.str();
  EXPECT_EQ(replies[0]["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(replies[1]["id"], 2);
  EXPECT_EQ(replies[2]["error"]["code"], -32700);
  EXPECT_EQ(replies[3]["id"], 3);
}

}  // namespace
}  // namespace ohlcv
