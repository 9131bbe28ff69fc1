// ohlcv-rag: the command line. Each command group registers itself from its
// own file (cli_common.h lists them); this file only sets up the app.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "util/build_info.h"

namespace {

// The first word that is neither a global option nor its value, when it is
// not a command; "" otherwise (no word, or a known command).
std::string UnknownCommand(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--data-dir") {
      ++i;  // its value
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->check_name(arg)) return "";
    }
    return arg;
  }
  return "";
}

}  // namespace

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
  // The default comes from the settings (OHLCV_DATA_DIR, the config file); a
  // bad setting is reported by the command that loads the config again.
  global.data_dir = SettingsFromEnvironment().data_dir;
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
  RegisterStoreCommands(app, global, exit_code);
  RegisterMcpCommand(app, global, exit_code);

  // A mistyped command ("qurey") would only say "A subcommand is required":
  // name it and suggest the closest commands instead.
  if (std::string unknown = UnknownCommand(app, argc, argv); !unknown.empty()) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
    std::string guess = DidYouMean(ClosestNames(unknown, names));
    std::cerr << "error: unknown command '" << unknown << "'" << (guess.empty() ? "" : "; " + guess)
              << "\n  commands: ";
    for (size_t i = 0; i < names.size(); ++i) std::cerr << (i ? ", " : "") << names[i];
    std::cerr << "\n  run `ohlcv-rag --help` for more\n";
    return kExitUsage;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
