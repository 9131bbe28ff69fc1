// `ohlcv-rag ingest`: any source into the data directory, with a progress bar
// on a terminal and a summary of bars, skipped rows and windows.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/cli_common.h"
#include "core/ticker.h"
#include "kb/kb_config.h"
#include "cli/progress_bar.h"
#include "pipeline/ingest.h"
#include "sources/source_factory.h"
#include "util/time.h"

namespace ohlcv::cli {
namespace {
namespace fs = std::filesystem;

// --sectors, else a sectors file next to (or one folder above) a CSV path.
std::string FindSectorsFile(const IngestArgs& args) {
  if (!args.sectors_file.empty()) return args.sectors_file;
  if (args.path.empty()) return {};
  fs::path p = fs::absolute(args.path);
  fs::path dir = fs::is_directory(p) ? p : p.parent_path();
  for (const fs::path& d : {dir, dir.parent_path()}) {
    for (const char* name : {"sectors.csv", "sp500_sectors.csv"}) {
      if (fs::exists(d / name)) return (d / name).string();
    }
  }
  return {};
}

Result<FetchRequest> BuildRequest(const IngestArgs& args) {
  FetchRequest req;
  OHLCV_ASSIGN_OR_RETURN(req.tickers, ParseTickerList(args.tickers));
  req.strict = args.strict;
  OHLCV_ASSIGN_OR_RETURN(req.interval, ParseInterval(args.interval));
  if (!args.period.empty()) {
    OHLCV_ASSIGN_OR_RETURN(req.start, PeriodStart(args.period, NowSeconds()));
  }
  if (!args.start.empty()) {
    req.start = ParseTimestamp(args.start);
    if (!req.start) return Status::InvalidArgument("bad --start '" + args.start + "' (use YYYY-MM-DD)");
  }
  if (!args.end.empty()) {
    req.end = ParseEndTimestamp(args.end);
    if (!req.end) return Status::InvalidArgument("bad --end '" + args.end + "' (use YYYY-MM-DD)");
  }
  if (req.start && req.end && *req.start > *req.end) {
    return Status::InvalidArgument("--start is after --end");
  }
  return req;
}

nlohmann::json StatsToJson(const IngestStats& s, std::string_view source) {
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& i : s.issues) issues.push_back({{"where", i.where}, {"reason", i.reason}});
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : s.errors) errors.push_back({{"unit", e.unit}, {"error", e.status.ToString()}});
  return {{"source", source},         {"units", s.units_total},
          {"tickers", s.tickers},     {"rows_read", s.rows_read},
          {"bars_inserted", s.bars_inserted}, {"bars_updated", s.bars_updated},
          {"bars_unchanged", s.bars_unchanged}, {"rows_skipped", s.rows_skipped}, {"rows_noted", s.rows_noted},
          {"windows", s.windows},     {"seconds", s.seconds},
          {"units_unchanged", s.units_skipped}, {"tickers_unchanged", s.tickers_unchanged},
          {"issues", issues},         {"errors", errors}};
}

void PrintSummary(const IngestStats& s, std::string_view source, const std::string& data_dir) {
  std::cout << fmt::format(
      "Ingested {} ticker(s) from {} into {} in {:.2f} s\n"
      "  bars: {} read, {} new, {} updated, {} unchanged\n"
      "  rows skipped: {}   notes: {}   windows (new or changed): {}\n",
      s.tickers, source, data_dir, s.seconds, s.rows_read, s.bars_inserted, s.bars_updated,
      s.bars_unchanged, s.rows_skipped, s.rows_noted, s.windows);
  if (s.units_skipped > 0) {
    std::cout << fmt::format("  {} of {} unit(s) unchanged since the last ingest (not read)\n",
                             s.units_skipped, s.units_total);
  }
  size_t shown = 0;
  for (const auto& i : s.issues) {
    if (shown++ == 10) {
      std::cout << "  ... (use --json for the first " << s.issues.size() << ")\n";
      break;
    }
    std::cout << "  " << i.where << ": " << i.reason << "\n";
  }
  for (const auto& e : s.errors) std::cout << "  FAILED " << e.unit << ": " << e.status.ToString() << "\n";
}

}  // namespace

int RunIngest(const IngestArgs& args, const GlobalOptions& global) {
  if (args.refresh && (!args.tickers.empty() || !args.period.empty() || !args.start.empty() ||
                       !args.end.empty())) {
    return ReportError(Status::InvalidArgument(
        "--refresh fetches the stored tickers after their newest bar: do not combine it with --tickers, "
        "--period, --start or --end"));
  }
  auto request = BuildRequest(args);
  if (!request.ok()) return ReportError(request.status());

  auto settings = LoadCliConfig(global);
  if (!settings.ok()) return ReportError(settings.status());
  SourceConfig config = SourceConfigFromConfig(*settings);  // provider keys, OHLCV_CSV_PATH
  if (!args.path.empty()) config.csv.path = args.path;
  if (!args.base_url.empty()) config.remote.base_url = args.base_url;  // else OHLCV_SOURCE_BASE_URL
  config.synthetic.seed = args.seed;
  // A refresh reads OHLCV_REFRESH_SOURCE unless --source says otherwise.
  std::string source_name = args.source;
  if (args.refresh && !args.source_given && !settings->refresh_source.empty()) {
    source_name = settings->refresh_source;
  }
  auto source = NewSourceByName(source_name, config);
  if (!source.ok()) return ReportError(source.status());

  auto engine = OpenKb(global, FindSectorsFile(args), /*lazy_index=*/true);
  if (!engine.ok()) return ReportError(ExplainWriterBusy(engine.status(), global));

  // Window length and stride are the engine's, the same for every ingest, so
  // window ids stay stable across re-ingests.
  IngestOptions options;
  options.threads = args.threads;

  ProgressBar bar(args.refresh ? "refresh" : "ingest");
  IngestProgressFn on_progress = [&bar](const IngestStats& s, const std::string& unit) {
    bar.Update(s.units_done, s.units_total, fmt::format("{}  {} bars", unit, s.rows_read));
  };
  auto stats = args.refresh ? (*engine)->Refresh(**source, options, on_progress)
                            : (*engine)->Ingest(**source, *request, options, on_progress);
  bar.Finish();
  if (!stats.ok()) return ReportError(stats.status());
  if (global.json) {
    PrintJson(StatsToJson(*stats, (*source)->name()));
  } else {
    PrintSummary(*stats, (*source)->name(), global.data_dir);
  }
  return stats->errors.empty() ? kExitOk : kExitFailure;
}

void RegisterIngestCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<IngestArgs>();
  args->source = DefaultSourceName();

  CLI::App* cmd = app.add_subcommand("ingest", "Fetch bars from a source into the data directory");
  cmd->add_option("--source", args->source,
                  "csv | yahoo | alphavantage | polygon | synthetic (env DATA_SOURCE)")
      ->capture_default_str();
  cmd->add_option("--path", args->path, "CSV file or folder (source csv)");
  cmd->add_option("--tickers,-t", args->tickers, "Tickers, comma or space separated");
  cmd->add_option("--period", args->period, "How far back: 5d, 1mo, 6mo, 1y, 5y, ytd, max");
  cmd->add_option("--interval", args->interval, "Bar interval: 1m 5m 15m 30m 1h 1d 1wk 1mo")
      ->capture_default_str();
  cmd->add_option("--start", args->start, "First date (YYYY-MM-DD), inclusive");
  cmd->add_option("--end", args->end, "Last date (YYYY-MM-DD), inclusive");
  cmd->add_flag("--strict", args->strict, "Fail on the first bad row instead of skipping it");
  cmd->add_option("--sectors", args->sectors_file,
                  "ticker,sector CSV (default: sectors.csv or sp500_sectors.csv beside --path)");
  cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--base-url", args->base_url, "Override the remote API's base URL");
  cmd->add_option("--seed", args->seed, "Seed of the synthetic source")->capture_default_str();
  cmd->add_flag("--refresh", args->refresh,
                "Refresh the stored tickers (not synthetic ones) from --source (default OHLCV_REFRESH_SOURCE, "
                "else DATA_SOURCE): only bars after the newest stored one; csv reads its path again");
  cmd->add_flag("--json", global.json, "Print the summary as JSON");
  cmd->callback([args, cmd, &global, &exit_code] {
    args->source_given = cmd->count("--source") > 0;
    exit_code = RunIngest(*args, global);
  });
}

}  // namespace ohlcv::cli
