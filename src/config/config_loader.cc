#include "config/config_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/exchange.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string_view item = Trim(s.substr(start, comma - start));
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::string_view TypeName(SettingType t) {
  switch (t) {
    case SettingType::kString: return "string";
    case SettingType::kInt: return "integer";
    case SettingType::kDouble: return "number";
    case SettingType::kBool: return "boolean";
    case SettingType::kList: return "list";
  }
  return "?";
}

Status Bad(const SettingSpec& spec, std::string_view origin, std::string_view why) {
  return Status::InvalidArgument(fmt::format("{} ({}): {}", origin, spec.name, why));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

Status CheckValue(const AppConfig& c, const SettingSpec& spec, std::string_view origin) {
  return std::visit(
      [&](auto member) -> Status {
        const auto& v = c.*member;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          if (spec.choices.empty()) return Status::Ok();
          for (auto choice : spec.choices) {
            if (v == choice) return Status::Ok();
          }
          std::string list;
          for (auto choice : spec.choices) list += (list.empty() ? "" : ", ") + std::string(choice);
          return Bad(spec, origin, fmt::format("'{}' is not one of {}", v, list));
        } else if constexpr (std::is_same_v<V, int64_t> || std::is_same_v<V, double>) {
          double d = static_cast<double>(v);
          if (!(d >= spec.min && d <= spec.max)) {
            return Bad(spec, origin, fmt::format("{} is outside [{}, {}]", v, spec.min, spec.max));
          }
          return Status::Ok();
        } else {
          return Status::Ok();
        }
      },
      spec.field);
}

// Reads a secret file; trailing newlines are dropped (editors and `echo` add them).
Result<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read secret file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

Status ApplyJson(AppConfig* c, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read config file " + path);
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("config file " + path + " is not valid JSON");
  if (!doc.is_object()) return Status::InvalidArgument("config file " + path + " must hold a JSON object");
  for (const auto& [key, value] : doc.items()) {
    const SettingSpec* spec = nullptr;
    for (const auto& s : SettingsTable()) {
      if (s.json_key == key) spec = &s;
    }
    std::string origin = fmt::format("config file {} key '{}'", path, key);
    if (!spec) return Status::InvalidArgument(fmt::format("{}: unknown key", origin));
    std::string text;
    switch (spec->type) {
      case SettingType::kString:
        if (!value.is_string()) return Bad(*spec, origin, "expected a string");
        text = value.get<std::string>();
        break;
      case SettingType::kInt:
        if (!value.is_number_integer()) return Bad(*spec, origin, "expected an integer");
        text = std::to_string(value.get<int64_t>());
        break;
      case SettingType::kDouble:
        if (!value.is_number()) return Bad(*spec, origin, "expected a number");
        text = fmt::format("{}", value.get<double>());
        break;
      case SettingType::kBool:
        if (!value.is_boolean()) return Bad(*spec, origin, "expected true or false");
        text = value.get<bool>() ? "true" : "false";
        break;
      case SettingType::kList:
        if (value.is_string()) {
          text = value.get<std::string>();
        } else if (value.is_array()) {
          for (const auto& item : value) {
            if (!item.is_string()) return Bad(*spec, origin, "expected an array of strings");
            text += (text.empty() ? "" : ",") + item.get<std::string>();
          }
        } else {
          return Bad(*spec, origin, "expected an array of strings or a comma-separated string");
        }
        break;
    }
    OHLCV_RETURN_IF_ERROR(SetSetting(c, *spec, text, origin));
  }
  return Status::Ok();
}

std::string EnvName(std::string_view env) { return std::string(env); }

}  // namespace

const SettingSpec* FindSetting(std::string_view any) {
  for (const auto& s : SettingsTable()) {
    if (s.name == any || s.json_key == any || s.env == any || s.flag == any) return &s;
  }
  return nullptr;
}

Status SetSetting(AppConfig* c, const SettingSpec& spec, std::string_view text_in, std::string_view origin) {
  std::string text(Trim(text_in));
  Status st = std::visit(
      [&](auto member) -> Status {
        auto& v = c->*member;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          v = text;
          // A setting with choices takes them in any case (LOG_LEVEL=INFO,
          // VECTOR_STORE_TYPE=ChromaDB) and stores the canonical spelling.
          for (auto choice : spec.choices) {
            if (EqualsIgnoreCase(text, choice)) v = std::string(choice);
          }
        } else if constexpr (std::is_same_v<V, int64_t>) {
          errno = 0;
          char* end = nullptr;
          long long parsed = std::strtoll(text.c_str(), &end, 10);
          if (text.empty() || *end != '\0' || errno == ERANGE) {
            return Bad(spec, origin, fmt::format("'{}' is not an integer", text));
          }
          v = parsed;
        } else if constexpr (std::is_same_v<V, double>) {
          errno = 0;
          char* end = nullptr;
          double parsed = std::strtod(text.c_str(), &end);
          if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(parsed)) {
            return Bad(spec, origin, fmt::format("'{}' is not a number", text));
          }
          v = parsed;
        } else if constexpr (std::is_same_v<V, bool>) {
          std::string lower;
          for (char ch : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") v = true;
          else if (lower == "false" || lower == "0" || lower == "no" || lower == "off") v = false;
          else return Bad(spec, origin, fmt::format("'{}' is not a boolean (true/false)", text));
        } else {
          v = SplitList(text);
        }
        return Status::Ok();
      },
      spec.field);
  OHLCV_RETURN_IF_ERROR(st);
  return CheckValue(*c, spec, origin);
}

Status ValidateConfig(const AppConfig& config) {
  for (const auto& spec : SettingsTable()) OHLCV_RETURN_IF_ERROR(CheckValue(config, spec, spec.name));
  // An exchange code, and the tz database holding every exchange's zone.
  return ValidateExchangeSetting(config.exchange);
}

Result<AppConfig> LoadConfig(const ConfigInputs& inputs) {
  auto getenv = inputs.getenv;
  if (!getenv) {
    getenv = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      if (!v) return std::nullopt;
      return std::string(v);
    };
  }
  AppConfig c;
  // 2. JSON file.
  std::error_code ec;
  if (!inputs.config_path.empty()) {
    if (!std::filesystem::exists(inputs.config_path, ec)) {
      return Status::InvalidArgument("--config: file " + inputs.config_path + " does not exist");
    }
    OHLCV_RETURN_IF_ERROR(ApplyJson(&c, inputs.config_path));
  } else if (!inputs.default_config_path.empty() && std::filesystem::exists(inputs.default_config_path, ec)) {
    OHLCV_RETURN_IF_ERROR(ApplyJson(&c, inputs.default_config_path));
  }
  for (const auto& spec : SettingsTable()) {
    // 3. Secret files: the Swarm mount, then <ENV>_FILE.
    if (spec.secret) {
      if (!spec.secret_file.empty() && !inputs.secrets_dir.empty()) {
        std::string path = inputs.secrets_dir + "/" + std::string(spec.secret_file);
        if (std::filesystem::is_regular_file(path, ec)) {
          OHLCV_ASSIGN_OR_RETURN(std::string v, ReadSecretFile(path));
          OHLCV_RETURN_IF_ERROR(SetSetting(&c, spec, v, "secret file " + path));
        }
      }
      std::string file_env = EnvName(spec.env) + "_FILE";
      if (auto path = getenv(file_env); path && !path->empty()) {
        auto v = ReadSecretFile(*path);
        if (!v.ok()) return Status::InvalidArgument(file_env + ": " + v.status().message());
        OHLCV_RETURN_IF_ERROR(SetSetting(&c, spec, *v, "environment " + file_env));
      }
    }
    // 4. Environment. An empty variable counts as unset: Compose and
    // Kubernetes often pass "" for optional values.
    if (auto v = getenv(EnvName(spec.env)); v && !v->empty()) {
      OHLCV_RETURN_IF_ERROR(SetSetting(&c, spec, *v, "environment " + EnvName(spec.env)));
    }
  }
  // 5. Flags, in order; a list flag given twice appends.
  std::vector<const SettingSpec*> lists_seen;
  for (const auto& [flag, value] : inputs.flags) {
    const SettingSpec* spec = FindSetting(flag);
    if (!spec) return Status::InvalidArgument("unknown flag " + flag);
    std::string origin = "flag " + std::string(spec->flag);
    if (spec->type == SettingType::kList) {
      auto member = std::get<std::vector<std::string> AppConfig::*>(spec->field);
      bool seen = std::find(lists_seen.begin(), lists_seen.end(), spec) != lists_seen.end();
      std::vector<std::string> before = seen ? c.*member : std::vector<std::string>{};
      OHLCV_RETURN_IF_ERROR(SetSetting(&c, *spec, value, origin));
      before.insert(before.end(), (c.*member).begin(), (c.*member).end());
      c.*member = std::move(before);
      lists_seen.push_back(spec);
    } else {
      OHLCV_RETURN_IF_ERROR(SetSetting(&c, *spec, value, origin));
    }
  }
  OHLCV_RETURN_IF_ERROR(ValidateConfig(c));
  return c;
}

Status ParseConfigFlags(std::span<const std::string> args, ConfigInputs& inputs, std::vector<std::string>* rest) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      if (rest) rest->push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (name == "--config") {
      if (!value) {
        if (i + 1 >= args.size()) return Status::InvalidArgument("--config needs a path");
        value = args[++i];
      }
      inputs.config_path = *value;
      continue;
    }
    const SettingSpec* spec = nullptr;
    for (const auto& s : SettingsTable()) {
      if (s.flag == name) spec = &s;
    }
    if (!spec) {
      if (!rest) return Status::InvalidArgument("unknown flag " + name);
      rest->push_back(arg);
      continue;
    }
    if (!value) {
      if (spec->type == SettingType::kBool) {
        value = "true";
      } else {
        if (i + 1 >= args.size()) return Status::InvalidArgument(fmt::format("{} needs a value", name));
        value = args[++i];
      }
    }
    inputs.flags.emplace_back(name, *value);
  }
  return Status::Ok();
}

std::string ConfigHelp() {
  std::string out;
  for (const auto& s : SettingsTable()) {
    std::string def = DefaultText(s);
    out += fmt::format("  {:<28} {}\n      env {}{}; default {}{}\n", fmt::format("{} <{}>", s.flag, TypeName(s.type)),
                       s.help, s.env, s.secret ? fmt::format(" (or {}_FILE)", s.env) : "",
                       def.empty() ? "(empty)" : def,
                       s.secret_file.empty() ? "" : fmt::format("; file /run/secrets/{}", s.secret_file));
  }
  return out;
}

std::string FormatConfig(const AppConfig& config, bool show_secrets) {
  json doc = json::object();
  for (const auto& s : SettingsTable()) {
    std::string text = ValueText(config, s, show_secrets);
    if (s.secret && !show_secrets) {
      doc[std::string(s.json_key)] = text;  // "<redacted>" or ""
      continue;
    }
    std::visit(
        [&](auto member) {
          doc[std::string(s.json_key)] = config.*member;
        },
        s.field);
  }
  return doc.dump(2);
}

std::string ConfigMarkdownTable() {
  std::string out =
      "| Setting | JSON key | Environment | Flag | Type | Default | Secret | Meaning |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : SettingsTable()) {
    std::string def = DefaultText(s);
    std::string secret = s.secret ? (s.secret_file.empty() ? std::string("yes")
                                                            : fmt::format("yes, `/run/secrets/{}`", s.secret_file))
                                   : "";
    out += fmt::format("| {} | `{}` | `{}` | `{}` | {} | {} | {} | {} |\n", s.name, s.json_key, s.env, s.flag,
                       TypeName(s.type), def.empty() ? "" : fmt::format("`{}`", def), secret, s.help);
  }
  return out;
}

}  // namespace ohlcv
