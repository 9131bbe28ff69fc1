// `ohlcv-rag analyze pattern|trend|comparison|indicator`: the analyses of
// answer/analysis.h (the same ones POST /api/v1/analyze serves) from the
// command line. Deterministic for the same data: no retrieval, no clock.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "answer/analysis.h"
#include "cli/cli_common.h"
#include "core/ticker.h"
#include "util/time.h"

namespace ohlcv::cli {
namespace {

struct AnalyzeArgs {
  std::string kind;
  std::vector<std::string> tickers;
  std::vector<std::string> sectors;
  std::string pattern;
  std::string condition;
  std::string start, end;
  size_t horizon = 10;
};

Result<AnalyzeRequest> BuildRequest(const AnalyzeArgs& args) {
  AnalyzeRequest req;
  OHLCV_ASSIGN_OR_RETURN(req.kind, ParseAnalysisKind(args.kind));
  OHLCV_ASSIGN_OR_RETURN(req.tickers, ParseTickerList(args.tickers));
  req.sectors = args.sectors;
  if (req.tickers.empty()) return Status::InvalidArgument("--tickers is required (e.g. --tickers AAPL,MSFT)");
  if (req.kind == AnalysisKind::kComparison && req.tickers.size() < 2 && req.sectors.empty()) {
    return Status::InvalidArgument("comparison needs two or more --tickers (or --sectors)");
  }
  if (req.kind == AnalysisKind::kPattern && args.pattern.empty()) {
    return Status::InvalidArgument("pattern analysis needs --pattern (e.g. golden_cross, rsi_oversold)");
  }
  if (req.kind == AnalysisKind::kIndicator && args.condition.empty()) {
    return Status::InvalidArgument("indicator analysis needs --condition (e.g. \"RSI > 70\")");
  }
  req.pattern = args.pattern;
  req.condition = args.condition;
  req.horizon = args.horizon;
  if (!args.start.empty() && !(req.start_ts = ParseTimestamp(args.start))) {
    return Status::InvalidArgument("bad --start '" + args.start + "' (use YYYY-MM-DD)");
  }
  if (!args.end.empty() && !(req.end_ts = ParseEndTimestamp(args.end))) {
    return Status::InvalidArgument("bad --end '" + args.end + "' (use YYYY-MM-DD)");
  }
  return req;
}

void PrintReport(const AnalysisReport& r) {
  std::string tickers;
  for (const auto& t : r.tickers) tickers += (tickers.empty() ? "" : ", ") + t;
  std::cout << fmt::format("{} analysis of {}", AnalysisKindName(r.kind), tickers);
  if (r.period_end > 0) std::cout << fmt::format(", {} to {}", FormatDate(r.period_start), FormatDate(r.period_end));
  std::cout << "\n";
  auto list = [](const char* title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    std::cout << "\n" << title << ":\n";
    for (const auto& item : items) std::cout << "  - " << item << "\n";
  };
  list("Findings", r.findings);
  list("Risk factors", r.risk_factors);
  std::cout << fmt::format("\nConfidence: {} ({:.2f})\n", r.confidence_level, r.confidence);
  for (const auto& note : r.notes) std::cout << "note: " << note << "\n";
}

int RunAnalyze(const AnalyzeArgs& args, const GlobalOptions& global) {
  auto req = BuildRequest(args);
  if (!req.ok()) return ReportError(req.status());
  auto engine = OpenKbToAsk(global);
  if (!engine.ok()) return ReportError(engine.status());
  auto report = (*engine)->Analyze(*req);
  if (!report.ok()) return ReportError(report.status());
  if (global.json) {
    PrintJson(AnalysisReportToJson(*report));
    return kExitOk;
  }
  PrintReport(*report);
  return report->no_data ? 3 : kExitOk;
}

}  // namespace

void RegisterAnalyzeCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto a = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand("analyze", "Findings, risk factors and confidence for tickers (deterministic)");
  cmd->add_option("kind", a->kind, "pattern | trend | comparison | indicator")
      ->required()
      ->check(CLI::IsMember({"pattern", "trend", "comparison", "indicator"}));
  cmd->add_option("--tickers,-t", a->tickers, "Tickers, comma or space separated")->required();
  cmd->add_option("--sectors", a->sectors, "Sectors to compare against (comparison)");
  cmd->add_option("--pattern", a->pattern, "Pattern for `pattern` (golden_cross, rsi_oversold, breakout_20_high...)");
  cmd->add_option("--condition,--indicator", a->condition, "Condition for `indicator`, e.g. \"RSI > 70\"");
  cmd->add_option("--start", a->start, "First date (YYYY-MM-DD)");
  cmd->add_option("--end", a->end, "Last date (YYYY-MM-DD)");
  cmd->add_option("--horizon", a->horizon, "Forward bars for base rates")->capture_default_str();
  cmd->add_flag("--json", global.json, "Print JSON");
  cmd->callback([a, &global, &exit_code] { exit_code = RunAnalyze(*a, global); });
}

}  // namespace ohlcv::cli
