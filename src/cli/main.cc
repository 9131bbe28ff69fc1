// ohlcv-rag: the command line. Each command group registers itself from its
// own file (cli_common.h lists them); this file only sets up the app.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/cli_common.h"
#include "util/build_info.h"

int main(int argc, char** argv) {
  using namespace ohlcv::cli;
  CLI::App app{"ohlcv-rag: ask questions of OHLCV market data"};
  app.set_version_flag("--version", "ohlcv-rag " + std::string(ohlcv::BuildVersion()) + " (" + std::string(ohlcv::BuildCommit()) + ")");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.footer(
      "Exit codes: 0 ok, 1 failure, 2 usage or bad input, 3 not found, 4 remote unavailable or timed out,\n"
      "5 authentication, 6 rate limited.");

  GlobalOptions global;
  const char* env_dir = std::getenv("OHLCV_DATA_DIR");
  global.data_dir = env_dir && *env_dir ? env_dir : "./data";
  app.add_option("--data-dir", global.data_dir, "Data directory (env OHLCV_DATA_DIR)")->capture_default_str();

  int exit_code = kExitOk;
  RegisterIngestCommand(app, global, exit_code);
  RegisterInspectCommands(app, global, exit_code);
  RegisterServiceCommands(app, global, exit_code);
  RegisterQueryCommands(app, global, exit_code);
  RegisterSetupCommands(app, global, exit_code);
  RegisterAnalyzeCommand(app, global, exit_code);
  RegisterInteractiveCommand(app, global, exit_code);
  RegisterDeleteCommand(app, global, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
