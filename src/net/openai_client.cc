#include "net/openai_client.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace ohlcv {
namespace {

using json = nlohmann::json;

// The server's error message, from either error shape; a short prefix of a
// non-JSON body; "" if none.
std::string ServerMessage(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("error")) return body.size() <= 200 ? body : body.substr(0, 200);
  const json& e = j["error"];
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
  return e.dump();
}

std::string StringOr(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<ChatReply> ParseChatReply(const std::string& body, const std::string& what) {
  auto bad = [&](const std::string& why) { return Status::Corruption(what + " reply is not a chat completion: " + why); };
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not JSON");
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
    return bad("no choices");
  const json& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object())
    return bad("choices[0] has no message");
  const json& m = choice["message"];
  ChatReply r;
  r.content = StringOr(m, "content");
  r.refusal = StringOr(m, "refusal");
  r.finish_reason = StringOr(choice, "finish_reason");
  r.model = StringOr(j, "model");
  if (m.contains("tool_calls") && !m["tool_calls"].is_null()) {
    if (!m["tool_calls"].is_array()) return bad("tool_calls is not an array");
    for (const json& c : m["tool_calls"]) {
      if (!c.is_object() || !c.contains("function") || !c["function"].is_object()) return bad("tool call without a function");
      const json& f = c["function"];
      ToolCall call;
      call.id = StringOr(c, "id");
      call.name = StringOr(f, "name");
      if (call.name.empty()) return bad("tool call without a function name");
      // OpenAI sends the arguments as a JSON string; some servers (Ollama's
      // native shape) send an object: keep its text.
      if (f.contains("arguments")) call.arguments = f["arguments"].is_string() ? f["arguments"].get<std::string>() : Dump(f["arguments"]);
      r.tool_calls.push_back(std::move(call));
    }
  }
  return r;
}

Result<std::vector<std::vector<float>>> ParseEmbeddings(const std::string& body, size_t expected, const std::string& what) {
  auto bad = [&](const std::string& why) { return Status::Corruption(what + " reply: " + why); };
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not JSON");
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) return bad("no \"data\" array");
  const json& data = j["data"];
  if (data.size() != expected)
    return bad(std::to_string(data.size()) + " embeddings for " + std::to_string(expected) + " inputs");
  std::vector<std::vector<float>> rows(expected);
  std::vector<bool> seen(expected, false);
  size_t dim = 0;
  for (size_t pos = 0; pos < data.size(); ++pos) {
    const json& item = data[pos];
    if (!item.is_object() || !item.contains("embedding") || !item["embedding"].is_array())
      return bad("item without an \"embedding\" array");
    size_t index = pos;  // some servers omit "index" and answer in order
    if (item.contains("index")) {
      if (!item["index"].is_number_unsigned()) return bad("\"index\" is not a non-negative integer");
      index = item["index"].get<size_t>();
    }
    if (index >= expected || seen[index]) return bad("index out of range or repeated");
    seen[index] = true;
    const json& emb = item["embedding"];
    if (emb.empty()) return bad("empty embedding");
    if (dim == 0) dim = emb.size();
    if (emb.size() != dim)
      return bad("embeddings of sizes " + std::to_string(dim) + " and " + std::to_string(emb.size()) + " in one reply");
    std::vector<float>& row = rows[index];
    row.resize(dim);
    for (size_t d = 0; d < dim; ++d) {
      if (!emb[d].is_number()) return bad("non-number in embedding");
      row[d] = emb[d].get<float>();
      if (!std::isfinite(row[d])) return bad("non-finite value in embedding");
    }
  }
  return rows;
}

json ChatBody(const ChatRequest& r) {
  json messages = json::array();
  for (const ChatMessage& m : r.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
  json body = {{"model", r.model}, {"messages", std::move(messages)}, {"temperature", r.temperature}};
  if (r.max_tokens > 0) body["max_tokens"] = r.max_tokens;
  if (!r.tools.empty()) {
    json tools = json::array();
    for (const ChatTool& t : r.tools) {
      json params = json::parse(t.parameters_schema, nullptr, /*allow_exceptions=*/false);
      if (params.is_discarded()) params = json::object();
      tools.push_back({{"type", "function"},
                       {"function", {{"name", t.name}, {"description", t.description}, {"parameters", std::move(params)}}}});
    }
    body["tools"] = std::move(tools);
  }
  if (r.tool_choice == "auto" || r.tool_choice == "none" || r.tool_choice == "required")
    body["tool_choice"] = r.tool_choice;
  else if (!r.tool_choice.empty())
    body["tool_choice"] = {{"type", "function"}, {"function", {{"name", r.tool_choice}}}};
  return body;
}

}  // namespace

Status OpenAiHttpError(const std::string& what, long http_status, const std::string& body) {
  const std::string message = ServerMessage(body);
  const std::string m =
      what + " replied HTTP " + std::to_string(http_status) + (message.empty() ? "" : ": " + message);
  switch (http_status) {
    case 400:
    case 404:
    case 413:
    case 422:
      return Status::InvalidArgument(m);
    case 401:
      return Status::Unauthenticated(m);
    case 403:
      return Status::PermissionDenied(m);
    case 408:
    case 504:
      return Status::DeadlineExceeded(m);
    case 429:
      return Status::ResourceExhausted(m);
    default:
      return http_status >= 500 ? Status::Unavailable(m) : Status::Internal(m);
  }
}

OpenAiClient::OpenAiClient(OpenAiClientOptions options) : options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  HttpClientOptions h;
  h.request_timeout = options_.timeout;
  h.connect_timeout = std::min(options_.timeout, options_.connect_timeout);
  h.max_retries = options_.retries;
  h.initial_backoff = options_.initial_backoff;
  h.max_response_bytes = options_.max_response_bytes;
  h.max_idle_handles = options_.max_idle_handles;
  http_ = std::make_unique<HttpClient>(h);
}

OpenAiClient::~OpenAiClient() = default;

HttpRequest OpenAiClient::Request(const std::string& method, const std::string& path) const {
  HttpRequest req;
  req.method = method;
  req.url = options_.base_url + path;
  if (method == "POST") req.headers.emplace_back("Content-Type", "application/json");
  if (!options_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  return req;
}

Status OpenAiClient::ErrorFor(const HttpResponse& response) const {
  return OpenAiHttpError(options_.what, response.status, response.body);
}

Result<ChatReply> OpenAiClient::Chat(const ChatRequest& request) {
  if (options_.base_url.empty()) return Status::InvalidArgument(options_.what + ": empty base_url");
  if (request.model.empty()) return Status::InvalidArgument(options_.what + ": empty model");
  HttpRequest req = Request("POST", "/chat/completions");
  req.body = Dump(ChatBody(request));
  req.timeout = request.timeout;
  OHLCV_ASSIGN_OR_RETURN(HttpResponse resp, http_->Send(req));
  if (resp.status < 200 || resp.status >= 300) return ErrorFor(resp);
  return ParseChatReply(resp.body, options_.what);
}

Result<std::vector<std::vector<float>>> OpenAiClient::Embeddings(const std::string& model,
                                                                 std::span<const std::string> inputs) {
  if (options_.base_url.empty()) return Status::InvalidArgument(options_.what + ": empty base_url");
  if (model.empty()) return Status::InvalidArgument(options_.what + ": empty model");
  json input = json::array();
  for (const std::string& t : inputs) input.push_back(t.empty() ? std::string(" ") : t);
  HttpRequest req = Request("POST", "/embeddings");
  req.body = Dump(json{{"model", model}, {"input", std::move(input)}});
  OHLCV_ASSIGN_OR_RETURN(HttpResponse resp, http_->Send(req));
  if (resp.status < 200 || resp.status >= 300) return ErrorFor(resp);
  return ParseEmbeddings(resp.body, inputs.size(), options_.what);
}

Result<ModelsReply> OpenAiClient::Models(std::chrono::milliseconds timeout) {
  if (options_.base_url.empty()) return Status::InvalidArgument(options_.what + ": empty base_url");
  HttpRequest req = Request("GET", "/models");
  req.retry = false;
  req.timeout = timeout;
  OHLCV_ASSIGN_OR_RETURN(HttpResponse resp, http_->Send(req));
  ModelsReply r;
  r.http_status = resp.status;
  if (resp.status >= 200 && resp.status < 300) {
    json j = json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("data") && j["data"].is_array())
      for (const json& m : j["data"])
        if (m.is_object()) {
          std::string id = StringOr(m, "id");
          if (!id.empty()) r.ids.push_back(std::move(id));
        }
  }
  return r;
}

}  // namespace ohlcv
