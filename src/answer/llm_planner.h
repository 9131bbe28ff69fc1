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
// ChoosePlan is what callers use: the model's plan when it gives a valid
// one, else the offline parser's (the default), with a note naming why —
// the server down or refusing the key, a timeout, a refusal or no tool call,
// arguments that are not JSON, a plan of the wrong schema or failing
// validation. A question is therefore always answered.
//
// Thread-safety: Plan and ChoosePlan are safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
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
  // Unauthenticated, ...); FailedPrecondition when the model refused or
  // called no submit_plan; Corruption when the arguments are not a JSON
  // object; InvalidArgument (naming the field) when the plan is of the wrong
  // schema or fails validation.
  Result<QuestionPlan> Plan(std::string_view question, const LlmPlanContext& context) const;

  // The system message sent (tests, docs).
  static std::string SystemPrompt(const LlmPlanContext& context);

 private:
  std::string model_;
  std::chrono::milliseconds timeout_;
  mutable OpenAiClient client_;  // thread-safe; Chat is non-const only by signature
};

struct PlanChoice {
  QuestionPlan plan;
  std::string planner;  // "llm:<model>" or "offline"
  std::string note;     // why the offline parser was used; "" when the model's plan was
};

// The LLM's plan when `llm` is set and it gives a valid one, else
// offline(question). Never fails.
PlanChoice ChoosePlan(std::string_view question, const LlmPlanner* llm, const LlmPlanContext& context,
                      const std::function<QuestionPlan(std::string_view)>& offline);

}  // namespace ohlcv
