// `ohlcv-rag migrate-store`: copies the embedded bar store (<data_dir>/bars.db)
// into the shared PostgreSQL store, ticker by ticker (one transaction each,
// idempotent: a rerun after an interruption only fills what is missing), then
// checks that every (ticker, interval) has the same bar count and date range
// on both sides. The database password comes from the settings table
// (OHLCV_DATABASE_PASSWORD, its _FILE, /run/secrets/db_password).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli_common.h"
#include "config/config_loader.h"
#include "store/pg_bar_store.h"

namespace ohlcv::cli {
namespace {

struct MigrateArgs {
  std::string to;    // "" = the configured database_url
  std::string from;  // "" = <data_dir>/bars.db
};

int RunMigrate(const MigrateArgs& args, const GlobalOptions& global) {
  ConfigInputs inputs;
  inputs.flags.emplace_back("--data-dir", global.data_dir);
  auto config = LoadConfig(inputs);
  if (!config.ok()) return ReportError(config.status());
  PgBarStoreOptions po;
  po.db.url = args.to.empty() ? config->database_url : args.to;
  po.db.password = config->database_password;
  po.listen = false;
  if (po.db.url.empty()) {
    return ReportError(Status::InvalidArgument(
        "migrate-store: no target database; pass --to postgresql://user@host:5432/db or set OHLCV_DATABASE_URL"));
  }
  BarStoreOptions so;
  so.path = args.from.empty() ? BarStorePath(global) : args.from;
  so.read_only = true;
  auto source = BarStore::Open(so);
  if (!source.ok()) return ReportError(source.status());
  auto dest = PgBarStore::Open(po);
  if (!dest.ok()) return ReportError(dest.status());

  auto tickers = (*source)->ListTickers();
  if (!tickers.ok()) return ReportError(tickers.status());
  UpsertStats total;
  uint64_t bars = 0;
  for (const TickerInfo& t : *tickers) {
    auto series = (*source)->Load(t.ticker, t.interval);
    if (!series.ok()) return ReportError(series.status());
    auto st = (*dest)->Upsert(*series);
    if (!st.ok()) return ReportError(st.status());
    total.inserted += st->inserted;
    total.updated += st->updated;
    total.unchanged += st->unchanged;
    bars += series->size();
    if (!global.json) {
      std::cerr << "  " << t.ticker << " " << IntervalName(t.interval) << ": " << series->size()
                << " bars (" << st->inserted << " new)\n";
    }
  }
  // Verify: every copied (ticker, interval) has the same count and range.
  auto copied = (*dest)->ListTickers();
  if (!copied.ok()) return ReportError(copied.status());
  size_t j = 0, mismatches = 0;
  for (const TickerInfo& t : *tickers) {
    while (j < copied->size() &&
           ((*copied)[j].ticker < t.ticker ||
            ((*copied)[j].ticker == t.ticker && (*copied)[j].interval < t.interval))) {
      ++j;
    }
    bool same = j < copied->size() && (*copied)[j].ticker == t.ticker && (*copied)[j].interval == t.interval &&
                (*copied)[j].bars == t.bars && (*copied)[j].first_ts == t.first_ts &&
                (*copied)[j].last_ts == t.last_ts;
    if (!same) {
      ++mismatches;
      std::cerr << "mismatch: " << t.ticker << " " << IntervalName(t.interval) << "\n";
    }
  }
  const std::string target = pg::RedactUrl(po.db.url);
  if (global.json) {
    PrintJson({{"from", so.path},
               {"to", target},
               {"series", tickers->size()},
               {"bars", bars},
               {"inserted", total.inserted},
               {"updated", total.updated},
               {"unchanged", total.unchanged},
               {"verified", mismatches == 0}});
  } else {
    std::cout << "copied " << tickers->size() << " series (" << bars << " bars: " << total.inserted << " new, "
              << total.updated << " updated, " << total.unchanged << " unchanged) from " << so.path << " to "
              << target << "\n";
  }
  if (mismatches > 0) {
    return ReportError(Status::Corruption("migrate-store: " + std::to_string(mismatches) +
                                          " series differ after the copy"));
  }
  return kExitOk;
}

}  // namespace

void RegisterStoreCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "migrate-store", "Copy the embedded bar store (<data-dir>/bars.db) into a PostgreSQL database");
  cmd->add_option("--to", args->to,
                  "Target database URL, e.g. postgresql://ohlcv@db:5432/ohlcv (default OHLCV_DATABASE_URL); "
                  "password from OHLCV_DATABASE_PASSWORD(_FILE) or /run/secrets/db_password");
  cmd->add_option("--from", args->from, "Source SQLite bar store (default <data-dir>/bars.db)");
  cmd->add_flag("--json", global.json, "Print the summary as JSON");
  cmd->footer(
      "Idempotent: rerun after an interruption to copy what is missing. Windows are not copied: with a\n"
      "shared store, re-run `ingest` (or point VECTOR_STORE_TYPE=chromadb at the shared ChromaDB).");
  cmd->callback([args, &global, &exit_code] { exit_code = RunMigrate(*args, global); });
}

}  // namespace ohlcv::cli
