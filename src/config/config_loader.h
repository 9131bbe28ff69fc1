// Loading AppConfig from its layers, and everything else derived from the
// settings table: help text, the redacted `config` printout, the docs table.
//
// Precedence, lowest first:
//   1. defaults (AppConfig member initialisers)
//   2. the JSON config file: --config PATH, else /app/config.json when present
//   3. secret files: <secrets_dir>/<secret_file> (Docker Swarm mounts
//      /run/secrets/api_key), then the file named by <ENV>_FILE (API_KEY_FILE)
//   4. environment variables (API_KEY, LOG_LEVEL, ...)
//   5. command-line flags (--api-key, --log-level, ...)
// Unknown JSON keys, bad values (wrong type, not a choice, out of range),
// unreadable secret files and unknown table flags are InvalidArgument errors
// that name the key, variable or flag.
//
// Thread-safety: all functions are reentrant; LoadConfig reads the
// environment through inputs.getenv (std::getenv when unset).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/app_config.h"
#include "core/status.h"

namespace ohlcv {

struct ConfigInputs {
  // --config PATH; "" = default_config_path when that file exists. A
  // config_path that does not exist is an error.
  std::string config_path;
  std::string default_config_path = "/app/config.json";
  // Where Docker Swarm mounts secrets.
  std::string secrets_dir = "/run/secrets";
  // Environment lookup; empty = std::getenv. Tests pass a map.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // Flag values in command-line order: (flag as in the table, e.g.
  // "--log-level", value). Later ones win; kList flags given twice append.
  std::vector<std::pair<std::string, std::string>> flags;
};

Result<AppConfig> LoadConfig(const ConfigInputs& inputs);

// Picks the table's flags (and --config) out of argv-style args: "--x v",
// "--x=v", and bare "--x" for bool flags. Anything else is appended to *rest
// in order (rest may be null, then unknown "--" flags are errors).
Status ParseConfigFlags(std::span<const std::string> args, ConfigInputs& inputs,
                        std::vector<std::string>* rest);

// Finds a setting by name, JSON key, env var or flag; null when unknown.
const SettingSpec* FindSetting(std::string_view any_name);

// Parses `text` into the setting's member of *config and checks choices and
// range. `origin` names where the text came from, for the error message.
Status SetSetting(AppConfig* config, const SettingSpec& spec, std::string_view text, std::string_view origin);

// Checks every setting's choices and range (LoadConfig calls it).
Status ValidateConfig(const AppConfig& config);

// Help text, one block per setting: flag, env, default, help.
std::string ConfigHelp();

// The effective configuration as a JSON object in the config file's format
// (usable as --config), secrets shown as "<redacted>" unless show_secrets.
std::string FormatConfig(const AppConfig& config, bool show_secrets = false);

// The Markdown table of docs/service.md (name, JSON key, env, flag, type,
// default, secret, help). A test checks the doc contains it verbatim.
std::string ConfigMarkdownTable();

}  // namespace ohlcv
