// `ohlcv-rag serve | config | healthcheck | backup`: the commands that run on
// the service's configuration (config/: defaults < JSON file < environment <
// flags, secrets from files). Their flags are the settings table's, so they
// are parsed by config/ rather than declared again here.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli_common.h"
#include "config/config_loader.h"
#include "kb/knowledge_base.h"
#include "kb/kb_config.h"
#include "service/api/server_main.h"

namespace ohlcv::cli {
namespace {

enum class Command { kServe, kConfig, kHealthcheck, kBackup };

// Settings from the environment, an optional JSON file and the command's own
// flags; --data-dir given before the command counts as a flag too.
Result<AppConfig> LoadCommandConfig(CLI::App& app, const CLI::App& cmd, const GlobalOptions& global) {
  ConfigInputs inputs;
  std::vector<std::string> args = cmd.remaining();
  if (app.count("--data-dir") > 0) inputs.flags.emplace_back("--data-dir", global.data_dir);
  std::vector<std::string> rest;
  OHLCV_RETURN_IF_ERROR(ParseConfigFlags(args, inputs, &rest));
  if (!rest.empty()) {
    return Status::InvalidArgument("unexpected argument '" + rest.front() +
                                   "' (see `ohlcv-rag config --help-settings`)");
  }
  return LoadConfig(inputs);
}

int Run(Command command, CLI::App& app, CLI::App& cmd, const GlobalOptions& global,
        const std::string& backup_dest, bool help_settings) {
  if (help_settings) {
    std::cout << ConfigHelp();
    return kExitOk;
  }
  auto config = LoadCommandConfig(app, cmd, global);
  if (!config.ok()) return ReportError(config.status());
  switch (command) {
    case Command::kServe: {
      Status st = RunServer(*config);
      return st.ok() ? kExitOk : ReportError(st);
    }
    case Command::kConfig:
      std::cout << FormatConfig(*config);
      return kExitOk;
    case Command::kHealthcheck: {
      Status st = Healthcheck(*config);
      if (!st.ok()) std::cerr << "unhealthy: " << st.message() << "\n";
      return st.ok() ? kExitOk : kExitFailure;
    }
    case Command::kBackup: {
      KbOptions options = KbOptionsFromConfig(*config);
      options.read_only = true;
      auto engine = KnowledgeBase::Open(options);
      if (!engine.ok()) return ReportError(engine.status());
      Status st = (*engine)->Backup(backup_dest);
      if (!st.ok()) return ReportError(st);
      std::cout << "backup of " << options.data_dir << " written to " << backup_dest << "\n";
      return kExitOk;
    }
  }
  return kExitOk;
}

void Register(CLI::App& app, GlobalOptions& global, int& exit_code, Command command, const char* name,
              const char* help) {
  CLI::App* cmd = app.add_subcommand(name, help);
  // The settings table's flags are parsed by config/: they stay with this
  // command as extras instead of falling through to the top-level parser
  // (which would reject them: `serve --port 8000`).
  cmd->allow_extras();
  cmd->fallthrough(false);
  auto help_settings = std::make_shared<bool>(false);
  cmd->add_flag("--help-settings", *help_settings, "List every setting with its env var and flag");
  auto dest = std::make_shared<std::string>();
  if (command == Command::kBackup) {
    cmd->add_option("dest", *dest, "Folder to write the snapshot into")->required();
  }
  cmd->footer("Settings flags (e.g. --port 8000 --api-key K --config FILE) are listed by --help-settings.");
  cmd->callback([=, &app, &global, &exit_code] {
    exit_code = Run(command, app, *cmd, global, *dest, *help_settings);
  });
}

}  // namespace

void RegisterServiceCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  Register(app, global, exit_code, Command::kServe, "serve", "Run the HTTP service (port 8000, metrics 9090)");
  Register(app, global, exit_code, Command::kConfig, "config", "Print the effective configuration (secrets redacted)");
  Register(app, global, exit_code, Command::kHealthcheck, "healthcheck",
           "Exit 0 when the running service's /health is not unhealthy, else 1");
  Register(app, global, exit_code, Command::kBackup, "backup",
           "Write a consistent snapshot of the data directory into DEST");
}

}  // namespace ohlcv::cli
