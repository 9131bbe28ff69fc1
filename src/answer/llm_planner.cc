#include "answer/llm_planner.h"

#include <nlohmann/json.hpp>

#include "util/time.h"

namespace ohlcv {
namespace {

// PlanJsonSchema() without "$schema", which some servers reject in
// function parameters.
const std::string& ToolSchema() {
  static const std::string schema = [] {
    nlohmann::json j = nlohmann::json::parse(PlanJsonSchema());
    j.erase("$schema");
    return j.dump();
  }();
  return schema;
}

}  // namespace

LlmPlanner::LlmPlanner(const LlmOptions& options)
    : model_(options.model), timeout_(options.timeout), client_(LlmClientOptions(options)) {}

std::string LlmPlanner::SystemPrompt(const LlmPlanContext& context) {
  std::string s =
      "You turn questions about stock market data (daily and intraday OHLCV bars) into a plan: call the function "
      "submit_plan exactly once with the plan as its arguments. Do not answer the question and do not compute any "
      "figure: a program executes the plan exactly over the stored bars. Subjects are stock tickers (map company "
      "names to their tickers: Exxon -> XOM, Google -> GOOGL), sectors or GICS sub-industries. Use ISO dates "
      "(YYYY-MM-DD, or YYYY-MM-DDTHH:MM in UTC for intraday). Put every part of the question you cannot express in "
      "the plan into not_understood, as written; never replace it with something nearby.";
  if (context.latest_ts) s += "\nThe newest stored bar is of " + FormatDateTime(*context.latest_ts) + " (\"today\").";
  if (!context.tickers.empty()) {
    s += "\nStored tickers:";
    const size_t n = std::min<size_t>(context.tickers.size(), 1000);
    for (size_t i = 0; i < n; ++i) s += " " + context.tickers[i];
    if (n < context.tickers.size()) s += " ...";
  }
  return s;
}

Result<QuestionPlan> LlmPlanner::Plan(std::string_view question, const LlmPlanContext& context) const {
  ChatRequest req;
  req.model = model_;
  req.temperature = 0;
  req.messages = {{"system", SystemPrompt(context)}, {"user", std::string(question)}};
  req.tools.push_back({std::string(kToolName), "Submit the typed plan of the user's question.", ToolSchema()});
  req.tool_choice = std::string(kToolName);
  req.timeout = timeout_;
  OHLCV_ASSIGN_OR_RETURN(ChatReply reply, client_.Chat(req));
  if (!reply.refusal.empty()) return Status::Unavailable("the model refused: " + reply.refusal);
  const ToolCall* call = nullptr;
  for (const ToolCall& c : reply.tool_calls)
    if (c.name == kToolName) call = &c;
  if (call == nullptr) {
    std::string said = reply.content.substr(0, 200);
    return Status::Corruption(
        reply.tool_calls.empty() ? "the model called no function" + (said.empty() ? std::string() : ": " + said)
                                 : "the model called " + reply.tool_calls[0].name + ", not " + std::string(kToolName));
  }
  nlohmann::json args = nlohmann::json::parse(call->arguments, nullptr, /*allow_exceptions=*/false);
  if (args.is_discarded() || !args.is_object())
    return Status::Corruption("the model's submit_plan arguments are not a JSON object");
  // Some models wrap the plan: {"plan": {...}}.
  if (args.size() == 1 && args.contains("plan") && args["plan"].is_object()) args = args["plan"];
  OHLCV_ASSIGN_OR_RETURN(QuestionPlan plan, PlanFromJson(args.dump()));
  plan.question = std::string(question);
  return plan;
}

std::string LlmPlanFallbackNote(const Status& status) {
  return "LLM plan not used (" + status.ToString() + "); the offline parser read the question";
}

}  // namespace ohlcv
