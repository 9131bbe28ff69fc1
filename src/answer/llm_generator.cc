// OpenAI-compatible chat client that phrases a grounded draft. The only file
// of answer/ that speaks HTTP; nlohmann exceptions stop here.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "answer/generator.h"
#include "net/http_client.h"

namespace ohlcv {
namespace {

class OpenAiChatGenerator final : public Generator {
 public:
  explicit OpenAiChatGenerator(LlmOptions o) : options_(std::move(o)), http_(MakeHttpOptions(options_)) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  }

  std::string name() const override { return "llm:" + options_.model; }

  Result<GeneratedText> Generate(const GroundedDraft& draft) override {
    nlohmann::json body = {
        {"model", options_.model},
        {"temperature", options_.temperature},
        {"max_tokens", options_.max_tokens},
        {"messages",
         {{{"role", "system"}, {"content", BuildLlmSystemPrompt()}},
          {{"role", "user"}, {"content", BuildLlmUserPrompt(draft)}}}}};
    HttpRequest req;
    req.method = "POST";
    req.url = options_.base_url + "/chat/completions";
    req.headers.emplace_back("Content-Type", "application/json");
    if (!options_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    req.body = body.dump();
    req.timeout = options_.timeout;
    OHLCV_ASSIGN_OR_RETURN(HttpResponse resp, http_.Send(req));
    if (resp.status != 200) {
      std::string msg;
      try {
        auto j = nlohmann::json::parse(resp.body);
        if (j.contains("error") && j["error"].is_object()) msg = j["error"].value("message", "");
      } catch (const nlohmann::json::exception&) {
      }
      const std::string text = fmt::format("LLM HTTP {}{}{}", resp.status, msg.empty() ? "" : ": ", msg);
      if (resp.status == 401) return Status::Unauthenticated(text);
      if (resp.status == 400 || resp.status == 404 || resp.status == 422) return Status::InvalidArgument(text);
      return Status::Unavailable(text);
    }
    std::string content;
    try {
      auto j = nlohmann::json::parse(resp.body);
      content = j.at("choices").at(0).at("message").at("content").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
      return Status::Corruption(std::string("LLM reply is not a chat completion: ") + e.what());
    }
    if (content.find_first_not_of(" \n\r\t") == std::string::npos)
      return Status::Corruption("LLM reply has empty content");
    GeneratedText out;
    out.text = content;
    out.generator = name();
    out.unverified_numbers = UnverifiedNumbers(content, draft);
    return out;
  }

 private:
  static HttpClientOptions MakeHttpOptions(const LlmOptions& o) {
    HttpClientOptions h;
    h.request_timeout = o.timeout;
    h.connect_timeout = std::min(o.timeout, std::chrono::milliseconds(5000));
    h.max_retries = o.retries;
    h.initial_backoff = std::chrono::milliseconds(100);
    h.max_response_bytes = size_t{4} << 20;
    return h;
  }

  LlmOptions options_;
  HttpClient http_;
};

}  // namespace

std::string BuildLlmSystemPrompt() {
  return "You answer questions about stock market data. Use ONLY the facts, statements and sources given in the "
         "user message; use no other knowledge. Copy every number exactly as written there and do not compute or "
         "invent new ones. If they do not answer the question, say so. Never forecast prices; if a disclaimer is "
         "given, include it. Answer in a short paragraph.";
}

std::string BuildLlmUserPrompt(const GroundedDraft& d) {
  std::string s = "Question: " + d.question + "\n\nFacts:\n";
  for (const auto& f : d.facts) s += "- " + f.label + ": " + f.text + "\n";
  s += "\nGrounded statements:\n";
  for (const auto& st : d.statements) s += "- " + st + "\n";
  if (!d.sources.empty()) {
    s += "\nSources:\n";
    for (const auto& src : d.sources)
      s += fmt::format("- {} ({} {} to {})\n", src.window_id, src.ticker, src.start_date, src.end_date);
  }
  if (!d.disclaimer.empty()) s += "\nDisclaimer: " + d.disclaimer + "\n";
  return s;
}

std::unique_ptr<Generator> NewOpenAiChatGenerator(const LlmOptions& options) {
  return std::make_unique<OpenAiChatGenerator>(options);
}

}  // namespace ohlcv
