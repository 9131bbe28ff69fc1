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

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/cli_common.h"
#include "core/ticker.h"

namespace ohlcv::cli {
namespace {

// The original system's default tickers.
const std::vector<std::string> kSetupTickers = {"AAPL", "MSFT", "GOOGL", "AMZN"};

// GICS sectors of the tickers setup knows (as in sp500_sectors.csv), so
// sector questions ("Which tech stocks broke out in March 2019?") work after
// `setup` on synthetic data too.
struct KnownSector {
  const char* ticker;
  const char* sector;
};
constexpr KnownSector kKnownSectors[] = {
    {"AAPL", "Information Technology"}, {"MSFT", "Information Technology"},
    {"GOOGL", "Communication Services"}, {"AMZN", "Consumer Discretionary"},
    {"NVDA", "Information Technology"}, {"META", "Communication Services"},
    {"JPM", "Financials"},               {"XOM", "Energy"},
};

// Writes a ticker,sector file for the known tickers among `tickers` to a
// temporary path; "" when none is known (or it cannot be written).
std::string WriteKnownSectors(const std::vector<std::string>& tickers) {
  std::string rows;
  for (const auto& t : tickers) {
    for (const auto& k : kKnownSectors) {
      if (t == k.ticker) rows += std::string(k.ticker) + "," + k.sector + "\n";
    }
  }
  if (rows.empty()) return "";
  char path[] = "/tmp/ohlcv-setup-sectors-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return "";
  ::close(fd);
  std::ofstream out(path);
  out << "ticker,sector\n" << rows;
  return out ? path : "";
}

int RunSetup(IngestArgs args, const GlobalOptions& global) {
  auto tickers = ParseTickerList(args.tickers);
  if (!tickers.ok()) return ReportError(tickers.status());
  args.tickers = std::move(*tickers);
  if (args.tickers.empty()) args.tickers = kSetupTickers;
  std::string temp_sectors;
  if (args.sectors_file.empty() && args.path.empty()) {
    temp_sectors = WriteKnownSectors(args.tickers);
    args.sectors_file = temp_sectors;
  }
  int rc = RunIngest(args, global);
  if (!temp_sectors.empty()) std::remove(temp_sectors.c_str());
  if (rc != kExitOk) return rc;
  std::cout << "\n";
  rc = RunStatus(global);
  if (rc == kExitOk) {
    std::cout << "\nReady. Try: " << CliPrefix(global) << " query \"How did " << args.tickers.front()
              << " perform in 2019?\"\n";
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
  if (!engine.ok()) return ReportError(ExplainWriterBusy(engine.status(), global));
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
