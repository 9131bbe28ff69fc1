#include "mcp/mcp_server.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"
#include "mcp/mcp_tools.h"
#include "util/build_info.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

// JSON-RPC 2.0 error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Error(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json Reply(const json& id, json result) { return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}; }

bool ValidId(const json& id) { return id.is_string() || id.is_number_integer() || id.is_number_unsigned(); }

struct Context {
  const KnowledgeBase& kb;
  const McpServerOptions& options;
};

json Initialize(const Context& c, const json& params) {
  const auto& supported = McpServer::SupportedProtocolVersions();
  std::string version = supported.front();
  if (params.is_object() && params.contains("protocolVersion") && params["protocolVersion"].is_string()) {
    const std::string asked = params["protocolVersion"].get<std::string>();
    if (std::find(supported.begin(), supported.end(), asked) != supported.end()) version = asked;
  }
  return {{"protocolVersion", version},
          {"capabilities", {{"tools", {{"listChanged", false}}}}},
          {"serverInfo",
           {{"name", c.options.name},
            {"title", "ohlcv-rag knowledge base"},
            {"version", c.options.version.empty() ? std::string(BuildVersion()) : c.options.version}}},
          {"instructions",
           "Tools over a knowledge base of OHLCV market bars. Every figure they return is computed exactly from "
           "the stored bars: use them instead of computing figures yourself. list_tickers says what is stored."}};
}

json ToolsList() {
  json tools = json::array();
  for (const McpTool& t : McpTools())
    tools.push_back({{"name", t.name}, {"title", t.title}, {"description", t.description}, {"inputSchema", t.input_schema}});
  return {{"tools", std::move(tools)}};
}

json ToolError(const std::string& message) {
  return {{"content", {{{"type", "text"}, {"text", message}}}}, {"isError", true}};
}

// tools/call: JSON-RPC errors for a malformed call or an unknown tool; a
// tool's own failure is a result with isError.
json ToolsCall(const Context& c, const json& id, const json& params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
    return Error(id, kInvalidParams, "tools/call needs params.name (a string)");
  const std::string name = params["name"].get<std::string>();
  const auto& tools = McpTools();
  auto it = std::find_if(tools.begin(), tools.end(), [&](const McpTool& t) { return t.name == name; });
  if (it == tools.end()) return Error(id, kInvalidParams, "unknown tool: " + name);
  const json args = params.contains("arguments") && !params["arguments"].is_null() ? params["arguments"] : json::object();
  Status checked = CheckMcpToolArguments(*it, args);
  if (!checked.ok()) return Reply(id, ToolError(name + ": " + checked.message()));
  Result<McpToolOutput> out = Status::Internal("not run");
  try {
    out = it->run(c.kb, c.options, args);
  } catch (const std::exception& e) {  // a handler bug must not take the server down
    return Error(id, kInternalError, name + ": " + e.what());
  }
  if (!out.ok()) return Reply(id, ToolError(name + ": " + out.status().ToString()));
  json content = json::array({{{"type", "text"}, {"text", out->text}}});
  // The structured result also as text, for clients that read only content.
  content.push_back({{"type", "text"}, {"text", Dump(out->structured)}});
  return Reply(id, {{"content", std::move(content)}, {"structuredContent", std::move(out->structured)}, {"isError", false}});
}

// One message -> reply, or null for nothing to send.
json HandleOne(const Context& c, const json& msg) {
  if (!msg.is_object() || msg.value("jsonrpc", json()) != "2.0")
    return Error(msg.is_object() && msg.contains("id") && ValidId(msg["id"]) ? msg["id"] : json(nullptr), kInvalidRequest,
                 "not a JSON-RPC 2.0 message");
  const bool has_id = msg.contains("id");
  if (!msg.contains("method")) {
    // A response (result/error) to a request of ours: we send none, so ignore.
    if (has_id && (msg.contains("result") || msg.contains("error"))) return nullptr;
    return Error(has_id && ValidId(msg["id"]) ? msg["id"] : json(nullptr), kInvalidRequest, "no method");
  }
  if (!msg["method"].is_string()) return Error(has_id && ValidId(msg["id"]) ? msg["id"] : json(nullptr), kInvalidRequest, "method is not a string");
  const std::string method = msg["method"].get<std::string>();
  if (!has_id) return nullptr;  // a notification (initialized, cancelled, ...): nothing to reply
  const json& id = msg["id"];
  if (!ValidId(id)) return Error(nullptr, kInvalidRequest, "id must be a string or an integer");
  const json params = msg.contains("params") ? msg["params"] : json::object();
  if (!params.is_object()) return Error(id, kInvalidParams, "params must be an object");
  if (method == "initialize") return Reply(id, Initialize(c, params));
  if (method == "ping") return Reply(id, json::object());
  if (method == "tools/list") return Reply(id, ToolsList());
  if (method == "tools/call") return ToolsCall(c, id, params);
  return Error(id, kMethodNotFound, "method not found: " + method);
}

}  // namespace

McpServer::McpServer(const KnowledgeBase& kb, McpServerOptions options) : kb_(kb), options_(std::move(options)) {}

const std::vector<std::string>& McpServer::SupportedProtocolVersions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  return versions;
}

std::vector<std::string> McpServer::ToolNames() const {
  std::vector<std::string> names;
  for (const McpTool& t : McpTools()) names.push_back(t.name);
  return names;
}

std::string McpServer::Handle(std::string_view message) const {
  json msg = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded()) return Dump(Error(nullptr, kParseError, "parse error: not JSON"));
  const Context c{kb_, options_};
  try {
    if (!msg.is_array()) {
      json r = HandleOne(c, msg);
      return r.is_null() ? std::string() : Dump(r);
    }
    if (msg.empty()) return Dump(Error(nullptr, kInvalidRequest, "empty batch"));
    json replies = json::array();
    for (const json& m : msg) {
      json r = HandleOne(c, m);
      if (!r.is_null()) replies.push_back(std::move(r));
    }
    return replies.empty() ? std::string() : Dump(replies);
  } catch (const std::exception& e) {
    return Dump(Error(nullptr, kInternalError, e.what()));
  }
}

}  // namespace ohlcv
