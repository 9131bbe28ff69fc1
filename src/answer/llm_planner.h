// LlmPlanner: with LLM_PROVIDER=openai, the model is asked for the question's
// plan (plan/plan.h) through the OpenAI-compatible tools (function-calling)
// API, so it reads the question and the executor computes every figure: the
// model never computes one.
//
// Request: one tool, "submit_plan", whose parameters are PlanJsonSchema(),
// forced with tool_choice; the system message says what the plan is, today's
// latest stored date and the stored tickers; temperature 0. The reply's
// submit_plan arguments go through PlanFromJson (which validates), and the
// question text is kept in plan.question.
//
// The answer engine (answer_engine.h, AnswerOptions::planner) executes the
// model's plan when it gives a valid one, else reads the question with the
// offline parser (the default) and notes why (LlmPlanFallbackNote): the
// server down or refusing the key, a timeout, a refusal or no tool call,
// arguments that are not JSON, a plan of the wrong schema or failing
// validation. A question is therefore always answered.
//
// Thread-safety: Plan is safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "answer/generator.h"  // LlmOptions
#include "core/status.h"
#include "net/openai_client.h"
#include "plan/plan.h"

namespace ohlcv {

// What the model is told about the store.
struct LlmPlanContext {
  std::optional<int64_t> latest_ts;   // newest stored bar ("today" for relative dates)
  std::vector<std::string> tickers;   // stored tickers (at most 1000 are listed)
};

class LlmPlanner {
 public:
  // The name of the one tool offered to the model.
  static constexpr std::string_view kToolName = "submit_plan";

  explicit LlmPlanner(const LlmOptions& options);

  // "llm:<model>".
  std::string name() const { return "llm:" + model_; }

  // The model's plan. Errors: the client's (Unavailable, DeadlineExceeded,
  // Unauthenticated, ...); Unavailable when the model refused; Corruption
  // when it called no submit_plan or its arguments are not a JSON object; InvalidArgument (naming the field) when the plan is of the wrong
  // schema or fails validation.
  Result<QuestionPlan> Plan(std::string_view question, const LlmPlanContext& context) const;

  // The system message sent (tests, docs).
  static std::string SystemPrompt(const LlmPlanContext& context);

 private:
  std::string model_;
  std::chrono::milliseconds timeout_;
  mutable OpenAiClient client_;  // thread-safe; Chat is non-const only by signature
};

// The note an answer carries when the model's plan was not used: "LLM plan
// not used (<status>); the offline parser read the question".
std::string LlmPlanFallbackNote(const Status& status);

}  // namespace ohlcv
