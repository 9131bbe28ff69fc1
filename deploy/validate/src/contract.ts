// The service's deployment contract, read from the C++ sources so the deploy
// files are checked against what the binary actually does, not a copy:
//  - settings (name, JSON key, env, secret file, allowed choices, default) from
//    src/config/settings_table.cc and src/config/app_config.h;
//  - config file and secrets paths from src/config/config_loader.h;
//  - probe routes from src/service/api/probes.cc, the metrics path and metric
//    names from src/service/api/service.cc.
// Parsing is by regular expression over the table rows; a failure to find a
// piece is reported as a failed check rather than silently skipped.
import * as fs from "fs";
import * as path from "path";

export interface Setting {
  name: string;
  jsonKey: string;
  env: string;
  flag: string;
  secret: boolean;
  secretFile: string;
  choices: string[];
  defaultText?: string;  // from app_config.h initialisers, when simple
}

export interface Contract {
  settings: Map<string, Setting>;  // by env name
  byJsonKey: Map<string, Setting>;
  configPath: string;
  secretsDir: string;
  probeRoutes: string[];
  metricsPath: string;
  metricNames: string[];
  problems: string[];
}

function Read(root: string, rel: string, problems: string[]): string {
  const p = path.join(root, rel);
  if (!fs.existsSync(p)) {
    problems.push(`missing ${rel}`);
    return "";
  }
  return fs.readFileSync(p, "utf8");
}

export function LoadContract(root: string): Contract {
  const problems: string[] = [];
  const table = Read(root, "src/config/settings_table.cc", problems);
  const header = Read(root, "src/config/app_config.h", problems);
  const loader = Read(root, "src/config/config_loader.h", problems);
  const probes = Read(root, "src/service/api/probes.cc", problems);
  const service = Read(root, "src/service/api/service.cc", problems);

  // Member defaults: `std::string log_level = "info";`, `int64_t http_port = 8000;`
  const defaults = new Map<string, string>();
  for (const m of header.matchAll(/^\s*(?:std::string|int64_t|double|bool)\s+(\w+)\s*=\s*("?)([^";]*)\2;/gm)) {
    defaults.set(m[1], m[3]);
  }

  const settings = new Map<string, Setting>();
  const byJsonKey = new Map<string, Setting>();
  // Each row starts with {"name", "json_key", "ENV", "--flag", T::kType, &A::member, "help"...}
  const rows = table.split(/\n\s*\{(?="\w+", "\w+", "[A-Z])/).slice(1);
  for (const row of rows) {
    const m = /^"(\w+)", "(\w+)", "([A-Z0-9_]+)", "(--[\w-]+)", T::k\w+,\s*&A::(\w+),/.exec(row.replace(/\s+/g, " "));
    if (!m) continue;
    const flat = row.replace(/\s+/g, " ");
    const sec = /"\s*,\s*(true|false),\s*"(\w*)"/.exec(flat);
    const choicesMatch = /(?:true|false), "\w*", \{([^}]*)\}/.exec(flat);
    const s: Setting = {
      name: m[1], jsonKey: m[2], env: m[3], flag: m[4],
      secret: sec?.[1] === "true",
      secretFile: sec?.[2] ?? "",
      choices: choicesMatch ? [...choicesMatch[1].matchAll(/"([^"]*)"/g)].map((c) => c[1]) : [],
      defaultText: defaults.get(m[5]),
    };
    settings.set(s.env, s);
    byJsonKey.set(s.jsonKey, s);
  }
  if (settings.size < 10) problems.push(`settings table: parsed only ${settings.size} rows`);

  const configPath = /default_config_path\s*=\s*"([^"]+)"/.exec(loader)?.[1] ?? "";
  const secretsDir = /secrets_dir\s*=\s*"([^"]+)"/.exec(loader)?.[1] ?? "";
  if (!configPath) problems.push("config_loader.h: default_config_path not found");
  if (!secretsDir) problems.push("config_loader.h: secrets_dir not found");
  const probeRoutes = [...probes.matchAll(/router\.Add\("GET",\s*"([^"]+)"/g)].map((m) => m[1]);
  const metricsPath = /request\.path != "([^"]+)"/.exec(service)?.[1] ?? "";
  const metricNames = [...service.matchAll(/Add(?:Counter|Gauge|Histogram)\w*\("(\w+)"/g)].map((m) => m[1]);
  return { settings, byJsonKey, configPath, secretsDir, probeRoutes, metricsPath, metricNames, problems };
}
