// `ohlcv-rag delete TICKER...`: removes tickers from the data directory —
// bars, windows, vectors, cached answers (KnowledgeBase::DeleteTicker, which
// is crash-safe: an interrupted delete is finished by the next open or by
// running the command again).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "core/ticker.h"

namespace ohlcv::cli {
namespace {

int RunDelete(const std::vector<std::string>& raw, const GlobalOptions& global) {
  auto parsed = ParseTickerList(raw);
  if (!parsed.ok()) return ReportError(parsed.status());
  const std::vector<std::string> tickers = std::move(*parsed);
  if (tickers.empty()) return ReportError(Status::InvalidArgument("delete: name at least one ticker"));
  auto engine = OpenKb(global);
  if (!engine.ok()) return ReportError(engine.status());
  nlohmann::json rows = nlohmann::json::array();
  int rc = kExitOk;
  for (const auto& ticker : tickers) {
    auto bars = (*engine)->DeleteTicker(ticker);
    if (!bars.ok()) {
      rc = rc == kExitOk ? ExitCodeFor(bars.status()) : rc;
      if (global.json) {
        rows.push_back({{"ticker", ticker}, {"error", bars.status().message()}});
      } else {
        std::cerr << "error: " << bars.status().message() << "\n";
      }
      continue;
    }
    if (global.json) {
      rows.push_back({{"ticker", ticker}, {"bars_deleted", *bars}});
    } else {
      std::cout << fmt::format("deleted {}: {} bars and its windows\n", ticker, *bars);
    }
  }
  if (global.json) PrintJson({{"deleted", rows}});
  return rc;
}

}  // namespace

void RegisterDeleteCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto tickers = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "delete", "Remove tickers: their bars, windows, vectors and cached answers (exit 3 if absent)");
  cmd->add_option("ticker", *tickers, "Ticker(s) to remove")->required();
  cmd->add_flag("--json", global.json, "Print JSON");
  cmd->callback([tickers, &global, &exit_code] { exit_code = RunDelete(*tickers, global); });
}

}  // namespace ohlcv::cli
