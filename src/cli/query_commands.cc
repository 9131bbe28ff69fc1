// `ohlcv-rag query | similar | status`: ask the knowledge base of the data
// directory, through the same KnowledgeBase the HTTP service uses.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "cli/cli_common.h"
#include "core/ticker.h"
#include "kb/knowledge_base.h"
#include "util/time.h"
#include "util/window_json.h"

namespace ohlcv::cli {
namespace {

struct QueryArgs {
  std::string question;
  std::string type;
  size_t n_results = 5;
  bool explain = false;   // print the plan executed
  std::string plan_file;  // a plan (JSON) to execute instead of the question
};

int RunQuery(const QueryArgs& args, const GlobalOptions& global) {
  AskRequest ask;
  ask.question = args.question;
  ask.n_results = args.n_results;
  if (!args.type.empty()) {
    auto type = ParseQueryType(args.type);
    if (!type.ok()) return ReportError(type.status());
    ask.type = *type;
  }
  if (!args.plan_file.empty()) {
    std::ifstream in(args.plan_file);
    if (!in) return ReportError(Status::NotFound("cannot read plan file " + args.plan_file));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto plan = PlanFromJson(text);
    if (!plan.ok()) return ReportError(plan.status());
    ask.plan = *std::move(plan);
    if (ask.question.empty()) ask.question = ask.plan->question;
  } else if (ask.question.find_first_not_of(" \t") == std::string::npos) {
    return ReportError(Status::InvalidArgument("give a question, or a plan with --plan FILE"));
  }
  auto engine = OpenKbToAsk(global);
  if (!engine.ok()) return ReportError(engine.status());
  auto answer = (*engine)->Ask(ask);
  if (!answer.ok()) return ReportError(answer.status());
  if (args.explain && !global.json) {
    if (answer->plan) {
      std::cout << "Plan:\n" << nlohmann::json::parse(PlanToJson(*answer->plan)).dump(2) << "\n\n";
    } else {
      std::cout << "Plan: none (answered by retrieval: an open question, a pattern search or a prediction)\n\n";
    }
  }
  return PrintAnswer(*answer, global.json);
}

struct SimilarArgs {
  std::string ticker;
  std::string end;
  size_t k = 5;
  bool same_dates = false;  // keep other tickers' windows over the same dates
};

// The shape score (cosine of the normalised price paths) in words.
std::string ShapeWords(double cos) {
  if (cos >= 0.95) return "nearly the same shape";
  if (cos >= 0.85) return "very similar shape";
  if (cos >= 0.70) return "similar shape";
  if (cos >= 0.50) return "loosely similar";
  return "weakly similar";
}

int RunSimilar(const SimilarArgs& args, const GlobalOptions& global) {
  SimilarRequest req;
  auto ticker = ParseTicker(args.ticker);
  if (!ticker.ok()) return ReportError(ticker.status());
  req.ticker = std::move(*ticker);
  req.k = args.k;
  req.exclude_overlapping = !args.same_dates;
  if (!args.end.empty() && !(req.end_ts = ParseEndTimestamp(args.end))) {
    return ReportError(Status::InvalidArgument("bad --end '" + args.end + "' (use YYYY-MM-DD)"));
  }
  auto engine = OpenKbToAsk(global);
  if (!engine.ok()) return ReportError(engine.status());
  auto result = (*engine)->Similar(req);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kNotFound) {
      auto status = (*engine)->GetStatus();
      bool stored = status.ok() && std::any_of(status->tickers.begin(), status->tickers.end(),
                                               [&](const TickerInfo& t) { return t.ticker == req.ticker; });
      if (!stored) return ReportError(UnknownTicker(global, req.ticker, result.status().message()));
    }
    return ReportError(result.status());
  }
  if (global.json) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : result->hits) {
      hits.push_back({{"score", h.score}, {"why", h.why}, {"window", WindowToJson(h.window)}});
    }
    PrintJson({{"query", WindowToJson(result->query)}, {"similar", hits}});
    return kExitOk;
  }
  const Window& q = result->query;
  std::cout << fmt::format("Periods shaped like {} {} to {}{}:\n", q.ticker, FormatDate(q.start_ts), FormatDate(q.end_ts),
                           args.same_dates ? "" : " (other dates only; --same-dates to include co-moving stocks)");
  if (result->hits.empty()) std::cout << "  none found\n";
  for (size_t i = 0; i < result->hits.size(); ++i) {
    const auto& h = result->hits[i];
    std::cout << fmt::format("  [{}] {} {} to {}: {} (shape match {:.0f}%)\n", i + 1, h.window.ticker,
                             FormatDate(h.window.start_ts), FormatDate(h.window.end_ts), ShapeWords(h.score),
                             std::max(0.0, h.score) * 100);
    size_t cols = TerminalColumns();
    std::string summary = "      " + h.window.summary;
    std::cout << (cols ? WrapText(summary, std::min<size_t>(cols, 120)) : summary) << "\n";
  }
  return kExitOk;
}

}  // namespace

int RunStatus(const GlobalOptions& global) {
  // The bar store alone: no word vectors or index to load for one line.
  auto engine = OpenKbLight(global);
  if (!engine.ok()) return ReportError(engine.status());
  return PrintStatus(**engine, global.json);
}

int PrintStatus(const KnowledgeBase& engine, bool json) {
  auto status = engine.GetStatus();
  if (!status.ok()) return ReportError(status.status());
  std::vector<std::string> synthetic;
  for (const auto& t : status->tickers) {
    if (t.synthetic) synthetic.push_back(t.ticker);
  }
  if (json) {
    nlohmann::json tickers = nlohmann::json::array();
    for (const auto& t : status->tickers) {
      tickers.push_back({{"ticker", t.ticker}, {"interval", IntervalName(t.interval)}, {"bars", t.bars},
                         {"first", FormatDate(t.first_ts)}, {"last", FormatDate(t.last_ts)},
                         {"synthetic", t.synthetic}});
    }
    nlohmann::json j = {{"data_dir", status->data_dir}, {"tickers", tickers}, {"bars", status->bars},
                        {"vector_store", status->vector_store_type},
                        {"embedder", status->embedder}, {"data_version", status->data_version}};
    if (status->windows_known) j["windows"] = status->windows;
    PrintJson(j);
    return kExitOk;
  }
  std::cout << fmt::format("{}: {} tickers, {} bars", status->data_dir, status->tickers.size(), status->bars);
  if (status->windows_known) std::cout << fmt::format(", {} windows", status->windows);
  std::cout << fmt::format(" ({} store, {} embedder)\n", status->vector_store_type, status->embedder);
  if (!synthetic.empty() && synthetic.size() == status->tickers.size()) {
    std::cout << "  synthetic data: every ticker here was generated by the demo source, not market prices\n";
  } else if (!synthetic.empty()) {
    std::string list;
    for (size_t i = 0; i < synthetic.size() && i < 20; ++i) list += (i ? ", " : "") + synthetic[i];
    if (synthetic.size() > 20) list += fmt::format(", ... ({} in all)", synthetic.size());
    std::cout << "  synthetic data (generated, not market prices): " << list << "\n";
  }
  return kExitOk;
}

void RegisterQueryCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto q = std::make_shared<QueryArgs>();
  CLI::App* query = app.add_subcommand("query", "Ask a question; the answer cites its windows");
  query->add_option("question", q->question, "The question, in quotes (optional with --plan)");
  query->add_flag("--explain", q->explain, "Print the question plan executed (docs/plan.md) before the answer");
  query->add_option("--plan", q->plan_file, "Execute this plan (JSON file, docs/plan.md) instead of parsing a question");
  query->add_option("--type", q->type, "general | pattern | comparison | prediction | technical");
  query->add_option("--n-results,-n", q->n_results, "Sources to cite")->capture_default_str();
  query->add_flag("--json", global.json, "Print JSON");
  query->callback([q, &global, &exit_code] { exit_code = RunQuery(*q, global); });

  auto s = std::make_shared<SimilarArgs>();
  CLI::App* similar = app.add_subcommand("similar", "Find the periods most similar in shape to a ticker's window");
  similar->add_option("ticker", s->ticker, "Ticker")->required();
  similar->add_option("--end", s->end, "The window ends at or before this date (default: latest)");
  similar->add_option("-k", s->k, "How many")->capture_default_str();
  similar->add_flag("--same-dates", s->same_dates,
                    "Also list other tickers' windows over the same dates (co-movement, not a historical analogue)");
  similar->add_flag("--json", global.json, "Print JSON");
  similar->callback([s, &global, &exit_code] { exit_code = RunSimilar(*s, global); });

  CLI::App* status = app.add_subcommand("status", "What the data directory holds");
  status->add_flag("--json", global.json, "Print JSON");
  status->callback([&global, &exit_code] { exit_code = RunStatus(global); });
}

}  // namespace ohlcv::cli
