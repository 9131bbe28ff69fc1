// Generator: turns a grounded draft into the answer text. Two real
// implementations:
//   NewTemplateGenerator  - offline default: joins the draft's statements
//                           (whose figures are the facts' texts), then the
//                           disclaimer and the cited windows. Deterministic.
//   NewOpenAiChatGenerator - any server speaking OpenAI's
//                           /v1/chat/completions (OpenAI, Ollama, vLLM,
//                           llama.cpp server). The prompt holds only the
//                           question, the facts, the grounded statements and
//                           the sources, and tells the model to use nothing
//                           else. Numbers in the reply that match no fact are
//                           returned in unverified_numbers.
// The engine falls back to the template text, with a note, when the LLM
// fails (answer_engine.h).
//
// Thread-safety: generators are safe for concurrent use.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "answer/draft.h"
#include "core/status.h"
#include "net/openai_client.h"

namespace ohlcv {

struct GeneratedText {
  std::string text;
  std::string generator;  // "template" or "llm:<model>"
  std::vector<std::string> unverified_numbers;
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual std::string name() const = 0;  // "template", "llm:<model>"
  // Template: never fails. LLM: Unavailable / DeadlineExceeded / Corruption
  // (reply not the documented JSON) / Unauthenticated / InvalidArgument.
  virtual Result<GeneratedText> Generate(const GroundedDraft& draft) = 0;
};

std::unique_ptr<Generator> NewTemplateGenerator();
// The template text of a draft (what NewTemplateGenerator returns).
std::string TemplateText(const GroundedDraft& draft);

struct LlmOptions {
  // API root including the version; the client POSTs to base_url +
  // "/chat/completions". E.g. "https://api.openai.com/v1",
  // "http://127.0.0.1:11434/v1" (Ollama). A trailing '/' is ignored.
  std::string base_url = "https://api.openai.com/v1";
  std::string model = "gpt-4o-mini";
  // Sent as "Authorization: Bearer <api_key>" when non-empty. Never logged.
  std::string api_key;
  double temperature = 0.0;  // 0 keeps the phrasing close to the facts
  int max_tokens = 400;
  // Per attempt; a slower reply is DeadlineExceeded. Default 20 s.
  std::chrono::milliseconds timeout{20000};
  // Retries after the first attempt on transport errors, 429 and 5xx.
  int retries = 1;
};

// The chat client's options for an LLM (the phraser and the planner share them).
OpenAiClientOptions LlmClientOptions(const LlmOptions& options);

// Never fails to construct; errors surface from Generate().
std::unique_ptr<Generator> NewOpenAiChatGenerator(const LlmOptions& options);

// The chat messages sent to the LLM: [{"role":"system",...},{"role":"user",...}].
std::string BuildLlmSystemPrompt();
std::string BuildLlmUserPrompt(const GroundedDraft& draft);

// Numbers written in `reply` that match no fact value, no number or date in
// the draft's facts, statements, sources or question, within rounding (a
// number written with d decimals matches v when |x - v| <= 0.5 * 10^-d; the
// sign may be dropped, "fell 16.71%" for -16.71). Integers 0..12 (list
// numbering, months) always pass. Returned as written.
std::vector<std::string> UnverifiedNumbers(std::string_view reply, const GroundedDraft& draft);

}  // namespace ohlcv
