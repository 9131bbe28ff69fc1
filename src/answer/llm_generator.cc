// OpenAI-compatible chat model that phrases a grounded draft, through the one
// OpenAI-compatible client (net/openai_client.h).
#include <fmt/format.h>

#include "answer/generator.h"
#include "net/openai_client.h"

namespace ohlcv {
namespace {

class OpenAiChatGenerator final : public Generator {
 public:
  explicit OpenAiChatGenerator(LlmOptions o) : options_(std::move(o)), client_(LlmClientOptions(options_)) {}

  std::string name() const override { return "llm:" + options_.model; }

  Result<GeneratedText> Generate(const GroundedDraft& draft) override {
    ChatRequest req;
    req.model = options_.model;
    req.temperature = options_.temperature;
    req.max_tokens = options_.max_tokens;
    req.messages = {{"system", BuildLlmSystemPrompt()}, {"user", BuildLlmUserPrompt(draft)}};
    OHLCV_ASSIGN_OR_RETURN(ChatReply reply, client_.Chat(req));
    if (!reply.refusal.empty()) return Status::Unavailable("LLM refused: " + reply.refusal);
    if (reply.content.find_first_not_of(" \n\r\t") == std::string::npos)
      return Status::Corruption("LLM reply has empty content");
    GeneratedText out;
    out.text = std::move(reply.content);
    out.generator = name();
    out.unverified_numbers = UnverifiedNumbers(out.text, draft);
    return out;
  }

 private:

  LlmOptions options_;
  OpenAiClient client_;
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

OpenAiClientOptions LlmClientOptions(const LlmOptions& o) {
  OpenAiClientOptions c;
  c.base_url = o.base_url;
  c.api_key = o.api_key;
  c.timeout = o.timeout;
  c.retries = o.retries;
  c.initial_backoff = std::chrono::milliseconds(100);
  c.max_response_bytes = size_t{4} << 20;
  c.what = "LLM";
  return c;
}

}  // namespace ohlcv
