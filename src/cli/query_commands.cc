// `ohlcv-rag query | similar | status`: ask the knowledge base of the data
// directory, through the same KnowledgeBase the HTTP service uses.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "kb/knowledge_base.h"
#include "util/time.h"
#include "util/window_json.h"

namespace ohlcv::cli {
namespace {

struct QueryArgs {
  std::string question;
  std::string type;
  size_t n_results = 5;
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
  auto engine = OpenKbToRead(global);
  if (!engine.ok()) return ReportError(engine.status());
  auto answer = (*engine)->Ask(ask);
  if (!answer.ok()) return ReportError(answer.status());
  return PrintAnswer(*answer, global.json);
}

struct SimilarArgs {
  std::string ticker;
  std::string end;
  size_t k = 5;
};

int RunSimilar(const SimilarArgs& args, const GlobalOptions& global) {
  SimilarRequest req;
  req.ticker = NormalizeTicker(args.ticker);
  req.k = args.k;
  if (!args.end.empty() && !(req.end_ts = ParseEndTimestamp(args.end))) {
    return ReportError(Status::InvalidArgument("bad --end '" + args.end + "' (use YYYY-MM-DD)"));
  }
  auto engine = OpenKbToRead(global);
  if (!engine.ok()) return ReportError(engine.status());
  auto result = (*engine)->Similar(req);
  if (!result.ok()) return ReportError(result.status());
  if (global.json) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : result->hits) {
      hits.push_back({{"score", h.score}, {"why", h.why}, {"window", WindowToJson(h.window)}});
    }
    PrintJson({{"query", WindowToJson(result->query)}, {"similar", hits}});
    return kExitOk;
  }
  std::cout << "Periods shaped like " << result->query.id << ":\n";
  for (const auto& h : result->hits) {
    std::cout << fmt::format("  {:.3f}  {}\n         {}\n", h.score, h.window.id, h.window.summary);
  }
  return kExitOk;
}

}  // namespace

int PrintAnswer(const Answer& answer, bool json) {
  if (json) {
    PrintJson(AnswerToJson(answer));
    return kExitOk;  // the JSON says no_data itself
  }
  std::cout << answer.text << "\n";
  if (!answer.sources.empty()) {
    std::cout << "\nSources (" << QueryTypeName(answer.type) << ", confidence "
              << fmt::format("{:.2f}", answer.confidence) << "):\n";
    for (const auto& src : answer.sources) {
      std::cout << fmt::format("  {}  {} {} to {}  score {:.3f}\n", src.window_id, src.ticker, src.start_date,
                               src.end_date, src.score);
    }
  }
  for (const auto& note : answer.notes) std::cout << "note: " << note << "\n";
  return answer.no_data ? 3 : kExitOk;
}

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
  if (!synthetic.empty()) {
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
  query->add_option("question", q->question, "The question, in quotes")->required();
  query->add_option("--type", q->type, "general | pattern | comparison | prediction | technical");
  query->add_option("--n-results,-n", q->n_results, "Sources to cite")->capture_default_str();
  query->add_flag("--json", global.json, "Print JSON");
  query->callback([q, &global, &exit_code] { exit_code = RunQuery(*q, global); });

  auto s = std::make_shared<SimilarArgs>();
  CLI::App* similar = app.add_subcommand("similar", "Find the periods most similar in shape to a ticker's window");
  similar->add_option("ticker", s->ticker, "Ticker")->required();
  similar->add_option("--end", s->end, "The window ends at or before this date (default: latest)");
  similar->add_option("-k", s->k, "How many")->capture_default_str();
  similar->add_flag("--json", global.json, "Print JSON");
  similar->callback([s, &global, &exit_code] { exit_code = RunSimilar(*s, global); });

  CLI::App* status = app.add_subcommand("status", "What the data directory holds");
  status->add_flag("--json", global.json, "Print JSON");
  status->callback([&global, &exit_code] { exit_code = RunStatus(global); });
}

}  // namespace ohlcv::cli
