// OpenAiClient: the one client of OpenAI-compatible servers (OpenAI, Ollama,
// vLLM, llama.cpp, TEI), over HttpClient. Used by the embedder
// (embed/openai_embedder.cc), the answer phraser (answer/llm_generator.cc),
// the LLM planner (answer/llm_planner.cc) and the /health probe
// (kb/llm_probe.cc), so the endpoint, the key, timeouts and the error shapes
// are handled in one place.
//
// Calls (paths relative to base_url, which includes the version, e.g.
// "https://api.openai.com/v1" or "http://127.0.0.1:11434/v1"):
//   Chat        POST /chat/completions  messages, optional tools (function
//                                       calling) and tool_choice
//   Embeddings  POST /embeddings        {"model", "input": [...]}
//   Models      GET  /models            the health call
//
// Errors: a transport failure is the HttpClient status (Unavailable,
// DeadlineExceeded, ...). An HTTP error reply becomes, by status: 400/404/
// 413/422 InvalidArgument, 401 Unauthenticated, 403 PermissionDenied,
// 408/504 DeadlineExceeded, 429 ResourceExhausted, other 5xx Unavailable,
// anything else Internal; the message names `what` (options), the HTTP
// status and the server's message, read from {"error":{"message":...}}
// (OpenAI, vLLM) or {"error":"..."} (Ollama, TEI). A 2xx reply that is not
// the documented shape is Corruption. Models() is the exception: any HTTP
// reply is a result (the probe decides what a status means).
//
// The API key is sent as "Authorization: Bearer <key>" and never appears in
// a message. nlohmann exceptions stop in openai_client.cc.
//
// Thread-safety: safe for concurrent use (HttpClient is).
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "net/http_client.h"

namespace ohlcv {

struct OpenAiClientOptions {
  // API root including the version; a trailing '/' is ignored.
  // REQUIRES: non-empty for any call to succeed (else InvalidArgument).
  std::string base_url = "https://api.openai.com/v1";
  std::string api_key;                          // "" = no Authorization header
  std::chrono::milliseconds timeout{30000};     // per attempt
  std::chrono::milliseconds connect_timeout{5000};
  int retries = 1;                              // after the first attempt (429, 5xx, transport)
  std::chrono::milliseconds initial_backoff{100};
  size_t max_response_bytes = size_t{64} << 20;
  size_t max_idle_handles = 4;
  std::string what = "OpenAI-compatible server";  // names the server in error messages
};

struct ChatMessage {
  std::string role;     // "system", "user", "assistant", "tool"
  std::string content;
};

// A function the model may call (OpenAI "tools": [{"type":"function",...}]).
struct ChatTool {
  std::string name;
  std::string description;
  std::string parameters_schema;  // JSON Schema of the arguments, as JSON text
};

struct ChatRequest {
  std::string model;
  std::vector<ChatMessage> messages;
  double temperature = 0.0;
  int max_tokens = 0;                 // 0 = not sent (server default)
  std::vector<ChatTool> tools;
  // "" = server default ("auto" with tools); "required", "none", or the name
  // of one tool to force that function.
  std::string tool_choice;
  std::chrono::milliseconds timeout{0};  // > 0 overrides options.timeout
};

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // the arguments exactly as the model sent them (JSON text, unchecked)
};

struct ChatReply {
  std::string content;              // "" when the model only called tools
  std::vector<ToolCall> tool_calls;
  std::string refusal;              // OpenAI's "refusal" field, when set
  std::string finish_reason;        // "stop", "tool_calls", "length", "content_filter", ...
  std::string model;                // as the server reported it
};

struct ModelsReply {
  long http_status = 0;
  std::vector<std::string> ids;     // data[].id of a 2xx reply; empty otherwise
};

class OpenAiClient {
 public:
  explicit OpenAiClient(OpenAiClientOptions options);
  ~OpenAiClient();
  OpenAiClient(const OpenAiClient&) = delete;
  OpenAiClient& operator=(const OpenAiClient&) = delete;

  // One chat completion (choices[0]). Corruption when the reply has no
  // choices[0].message, or a tool call without a function name.
  Result<ChatReply> Chat(const ChatRequest& request);

  // One embedding per input, in input order (sorted by "index"; replies
  // without "index" are taken in order). Checks: as many rows as inputs,
  // indices in range and unique, every row a non-empty array of finite
  // numbers, all rows of one size. Empty inputs are sent as " " (some
  // servers reject ""); invalid UTF-8 is replaced, never thrown on.
  // Never retried on its own beyond options.retries.
  Result<std::vector<std::vector<float>>> Embeddings(const std::string& model,
                                                     std::span<const std::string> inputs);

  // GET /models, never retried. A transport failure is an error; any HTTP
  // reply is a ModelsReply (ids parsed when 2xx and well-formed).
  Result<ModelsReply> Models(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  const OpenAiClientOptions& options() const { return options_; }

 private:
  HttpRequest Request(const std::string& method, const std::string& path) const;
  Status ErrorFor(const HttpResponse& response) const;

  OpenAiClientOptions options_;
  std::unique_ptr<HttpClient> http_;
};

// The Status an HTTP error reply of an OpenAI-compatible server maps to (see
// above); `what` names the server.
Status OpenAiHttpError(const std::string& what, long http_status, const std::string& body);

}  // namespace ohlcv
