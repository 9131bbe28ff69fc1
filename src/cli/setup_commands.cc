// `ohlcv-rag setup` and `ohlcv-rag clear`: the first and last thing a user
// does with a data directory.
//
// setup: like the original system's setup, ingests AAPL MSFT GOOGL AMZN from
// the configured source (DATA_SOURCE; synthetic, i.e. offline, by default)
// and prints what the directory then holds.
//
// clear: removes every bar and window of the data directory after a y/N
// prompt, or at once with --yes. Without --yes and without a terminal on
// stdin there is nobody to ask, so it refuses (exit 2) rather than guess.
// It opens the stores for writing, so it fails while a server holds them.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "cli/cli_common.h"
#include "core/ticker.h"

namespace ohlcv::cli {
namespace {

// The original system's default tickers.
const std::vector<std::string> kSetupTickers = {"AAPL", "MSFT", "GOOGL", "AMZN"};

int RunSetup(IngestArgs args, const GlobalOptions& global) {
  auto tickers = ParseTickerList(args.tickers);
  if (!tickers.ok()) return ReportError(tickers.status());
  args.tickers = std::move(*tickers);
  if (args.tickers.empty()) args.tickers = kSetupTickers;
  int rc = RunIngest(args, global);
  if (rc != kExitOk) return rc;
  std::cout << "\n";
  rc = RunStatus(global);
  if (rc == kExitOk) {
    std::cout << "\nReady. Try: ohlcv-rag query \"How did " << args.tickers.front() << " perform last year?\"\n";
  }
  return rc;
}

bool Confirmed(std::string answer) {
  while (!answer.empty() && (answer.back() == '\r' || answer.back() == ' ')) answer.pop_back();
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
}

int RunClear(bool yes, const GlobalOptions& global) {
  if (!yes) {
    if (!StdinIsTerminal()) {
      std::cerr << "error: refusing to clear " << global.data_dir
                << " without confirmation: stdin is not a terminal; pass --yes to clear it\n";
      return kExitUsage;
    }
    std::cout << "Delete every bar and window in " << global.data_dir << "? [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || !Confirmed(answer)) {
      std::cout << "aborted; nothing was deleted\n";
      return kExitFailure;
    }
  }
  auto engine = OpenKb(global);
  if (!engine.ok()) return ReportError(engine.status());
  auto before = (*engine)->GetStatus();
  Status st = (*engine)->Clear();
  if (!st.ok()) return ReportError(st);
  if (before.ok()) {
    std::cout << "cleared " << global.data_dir << ": removed " << before->bars << " bars and " << before->windows
              << " windows of " << before->tickers.size() << " tickers\n";
  } else {
    std::cout << "cleared " << global.data_dir << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterSetupCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<IngestArgs>();
  args->source = DefaultSourceName();
  CLI::App* setup = app.add_subcommand(
      "setup", "Ingest the default tickers (AAPL MSFT GOOGL AMZN) from the configured source, then show status");
  setup->add_option("--source", args->source, "csv | yahoo | alphavantage | polygon | synthetic (env DATA_SOURCE)")
      ->capture_default_str();
  setup->add_option("--tickers,-t", args->tickers, "Tickers instead of the defaults");
  setup->add_option("--path", args->path, "CSV file or folder (source csv)");
  setup->add_option("--period", args->period, "How far back: 1y, 5y, max (default: the source's)");
  setup->add_option("--seed", args->seed, "Seed of the synthetic source")->capture_default_str();
  setup->callback([args, &global, &exit_code] { exit_code = RunSetup(*args, global); });

  auto yes = std::make_shared<bool>(false);
  CLI::App* clear = app.add_subcommand("clear", "Delete every bar and window of the data directory (asks first)");
  clear->add_flag("--yes,-y", *yes, "Do not ask");
  clear->callback([yes, &global, &exit_code] { exit_code = RunClear(*yes, global); });
}

}  // namespace ohlcv::cli
