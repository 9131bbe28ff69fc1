#include "cli/cli_common.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "config/config_loader.h"
#include "kb/kb_config.h"

namespace ohlcv::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: return 4;
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied: return 5;
    case StatusCode::kResourceExhausted: return 6;
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal: return kExitFailure;
  }
  return kExitFailure;
}

int ReportError(const Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

std::string BarStorePath(const GlobalOptions& global) { return global.data_dir + "/bars.db"; }

Result<std::unique_ptr<BarStore>> OpenBarStore(const GlobalOptions& global, bool read_only) {
  OHLCV_ASSIGN_OR_RETURN(AppConfig config, LoadCliConfig(global));
  KbOptions kb = KbOptionsFromConfig(config);
  kb.data_dir = global.data_dir;
  if (read_only && kb.database_url.empty()) OHLCV_RETURN_IF_ERROR(RequireDataDir(global));
  auto store = OpenBarStoreFor(kb, {.read_only = read_only, .listen = false});
  if (!store.ok() && read_only && store.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no data in " + global.data_dir +
                            " yet; load some first, e.g. `" + CliPrefix(global) + " setup` (synthetic demo data) or `" +
                            CliPrefix(global) + " ingest --source csv --path ../shared/data/sp500_2015_2020`");
  }
  return store;
}

AppConfig SettingsFromEnvironment() {
  auto config = LoadConfig(ConfigInputs{});
  return config.ok() ? *config : AppConfig{};
}

Result<AppConfig> LoadCliConfig(const GlobalOptions& global) {
  ConfigInputs inputs;
  inputs.flags.emplace_back("--data-dir", global.data_dir);
  return LoadConfig(inputs);
}

namespace {

Result<KbOptions> EngineOptionsFor(const GlobalOptions& global) {
  OHLCV_ASSIGN_OR_RETURN(AppConfig config, LoadCliConfig(global));
  return KbOptionsFromConfig(config);
}

}  // namespace

Result<std::unique_ptr<KnowledgeBase>> OpenKb(const GlobalOptions& global, const std::string& sectors_file,
                                              bool lazy_index) {
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  options.open_index = !lazy_index;
  options.finish_indexing = true;  // the next command finds the graphs complete
  if (!sectors_file.empty()) options.sectors_file = sectors_file;
  return KnowledgeBase::Open(options);
}

Result<std::unique_ptr<KnowledgeBase>> OpenKbToRead(const GlobalOptions& global) {
  OHLCV_RETURN_IF_ERROR(RequireDataDir(global));
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  auto engine = KnowledgeBase::Open(options);
  // Unavailable: the directory's single writer is another process.
  if (engine.ok() || engine.status().code() != StatusCode::kUnavailable) return engine;
  options.read_only = true;
  return KnowledgeBase::Open(options);
}

Result<std::unique_ptr<KnowledgeBase>> OpenKbToAsk(const GlobalOptions& global) {
  OHLCV_RETURN_IF_ERROR(RequireDataDir(global));
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  // Read-only first: no writer lock, schema transaction, indexer thread or
  // index save at exit; the rows a writer left unsaved in the graph files
  // (e.g. a daily update's ~1,000) are caught up in memory. A store that
  // cannot be opened so (no index yet, an older schema) is opened as before.
  KbOptions ro = options;
  ro.read_only = true;
  auto engine = KnowledgeBase::Open(ro);
  if (engine.ok()) return engine;
  engine = KnowledgeBase::Open(options);
  if (engine.ok() || engine.status().code() != StatusCode::kUnavailable) return engine;
  return KnowledgeBase::Open(ro);
}

Result<std::unique_ptr<KnowledgeBase>> OpenKbLight(const GlobalOptions& global) {
  OHLCV_RETURN_IF_ERROR(RequireDataDir(global));
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  options.open_index = false;
  options.read_only = true;
  auto kb = KnowledgeBase::Open(options);
  if (!kb.ok() && kb.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no data in " + global.data_dir + " yet; load some first, e.g. `" + CliPrefix(global) +
                            " setup` (synthetic demo data) or `" + CliPrefix(global) +
                            " ingest --source csv --path ../shared/data/sp500_2015_2020`");
  }
  return kb;
}

Status RequireDataDir(const GlobalOptions& global) {
  std::error_code ec;
  if (std::filesystem::is_directory(global.data_dir, ec)) return Status::Ok();
  return Status::NotFound("data directory '" + global.data_dir +
                          "' does not exist; pass the right one with --data-dir DIR or OHLCV_DATA_DIR=DIR, "
                          "or create it with `" + CliPrefix(global) + " setup`");
}

std::string CliPrefix(const GlobalOptions& global) {
  const std::string& d = global.data_dir;
  bool plain = !d.empty() && d.find_first_of(" \t'\"$`\\;&|<>*?()") == std::string::npos;
  std::string quoted = plain ? d : "'" + d + "'";
  return "ohlcv-rag --data-dir " + quoted;
}

Status ExplainWriterBusy(const Status& status, const GlobalOptions& global) {
  if (status.code() != StatusCode::kUnavailable) return status;
  return Status::Unavailable(
      status.message() + "\n  another process holds " + global.data_dir +
      " for writing, usually a running `ohlcv-rag serve`: stop the server and run this again, or ingest "
      "through the running server:\n    curl -X POST http://127.0.0.1:8000/api/v1/ingest -H 'Content-Type: "
      "application/json' -d '{\"source\":\"csv\",\"path\":\"/path/to/bars.csv\"}'\n  (add -H 'X-API-Key: KEY' "
      "when the server has keys; docs/service.md)");
}

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::vector<std::string> ClosestNames(const std::string& word, const std::vector<std::string>& candidates,
                                      size_t max) {
  const std::string w = Lower(word);
  const size_t limit = std::max<size_t>(1, (w.size() + 2) / 3);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& c : candidates) {
    size_t d = EditDistance(w, Lower(c));
    if (d <= limit && d > 0) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [d, c] : scored) {
    if (out.size() >= max) break;
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

std::string DidYouMean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string out = "did you mean " + names[0];
  for (size_t i = 1; i < names.size(); ++i) out += (i + 1 == names.size() ? " or " : ", ") + names[i];
  return out + "?";
}

std::vector<std::string> ClosestStoredTickers(const GlobalOptions& global, const std::string& ticker) {
  auto store = OpenBarStore(global, /*read_only=*/true);
  if (!store.ok()) return {};
  auto list = (*store)->ListTickers();
  if (!list.ok()) return {};
  std::vector<std::string> names;
  for (const auto& t : *list) names.push_back(t.ticker);
  return ClosestNames(ticker, names);
}

Status UnknownTicker(const GlobalOptions& global, const std::string& ticker, const std::string& what) {
  std::string msg = what;
  std::string guess = DidYouMean(ClosestStoredTickers(global, ticker));
  if (!guess.empty()) msg += "; " + guess;
  msg += fmt::format(
      "\n  to load it: `{0} ingest --source yahoo --tickers {1} --period 5y` (needs the internet), or from a CSV "
      "file: `{0} ingest --source csv --path FILE.csv`; see what is loaded: `{0} status`",
      CliPrefix(global), ticker);
  return Status::NotFound(msg);
}

std::string WrapText(const std::string& text, size_t width) {
  if (width < 20) return text;
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    // Keep a line's leading indent on its continuation lines.
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || indent > width / 2) indent = 0;
    size_t col = 0;
    size_t pos = 0;
    bool first_word = true;
    out.append(indent, ' ');
    col = indent;
    pos = indent;
    while (pos < line.size()) {
      size_t sp = line.find(' ', pos);
      std::string word = line.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
      if (!first_word && col + 1 + word.size() > width) {
        out += '\n';
        out.append(indent, ' ');
        col = indent;
        first_word = true;
      }
      if (!first_word) {
        out += ' ';
        ++col;
      }
      out += word;
      col += word.size();
      first_word = false;
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

size_t TerminalColumns() {
  if (::isatty(STDOUT_FILENO) != 1) return 0;
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return 80;
  return ws.ws_col;
}

bool StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }

std::string DefaultSourceName() { return SettingsFromEnvironment().data_source; }

}  // namespace ohlcv::cli
