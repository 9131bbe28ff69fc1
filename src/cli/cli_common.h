// What every subcommand shares: the data directory, output helpers, and the
// one mapping from Status codes to process exit codes.
//
// Exit codes (documented in `ohlcv-rag --help`):
//   0 success; 1 failure (internal, I/O, some units failed); 2 usage or bad
//   input; 3 not found; 4 a remote service unavailable or timed out;
//   5 authentication or permission; 6 rate limited / resource exhausted.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/app_config.h"
#include "core/status.h"
#include "kb/knowledge_base.h"
#include "store/bar_store.h"

namespace CLI {
class App;
}

namespace ohlcv::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string data_dir;  // --data-dir, else OHLCV_DATA_DIR, else ./data
  bool json = false;     // --json on commands that support it
};

int ExitCodeFor(const Status& status);

// Prints "error: <message>" to stderr and returns ExitCodeFor(status).
int ReportError(const Status& status);

// Pretty JSON to stdout.
void PrintJson(const nlohmann::json& j);

// <data_dir>/bars.db
std::string BarStorePath(const GlobalOptions& global);

// Opens the bar store of the data directory (created when missing unless read_only).
Result<std::unique_ptr<BarStore>> OpenBarStore(const GlobalOptions& global, bool read_only);

// The engine of the data directory, configured like `serve` (environment,
// optional /app/config.json); --data-dir wins. `sectors_file` ("" = none) is
// merged into the data directory's sector map.
// The settings from the environment and the config file (defaults when they
// do not load; the command that loads them again reports why).
AppConfig SettingsFromEnvironment();
// The settings with --data-dir applied: what every command runs on.
Result<AppConfig> LoadCliConfig(const GlobalOptions& global);

// `lazy_index`: open the index only when needed (KbOptions::open_index =
// false; what `ingest` uses so that a run with nothing new stays fast).
Result<std::unique_ptr<KnowledgeBase>> OpenKb(const GlobalOptions& global, const std::string& sectors_file = "",
                                              bool lazy_index = false);

// For commands that only read (query, similar, analyze, status,
// interactive): the engine opened for writing when it can be, read-only when
// another process (a running `serve`) holds the data directory.
Result<std::unique_ptr<KnowledgeBase>> OpenKbToRead(const GlobalOptions& global);
// For one question or analysis (query, similar, analyze): read-only first,
// then as OpenKbToRead.
Result<std::unique_ptr<KnowledgeBase>> OpenKbToAsk(const GlobalOptions& global);

// Tickers follow core/ticker.h (ParseTicker, ParseTickerList): one rule for
// the CLI, the API and the sources.
// Read commands refuse a data directory that does not exist (instead of
// creating it and reporting "0 tickers"): NotFound naming --data-dir and
// OHLCV_DATA_DIR; OK when it exists.
Status RequireDataDir(const GlobalOptions& global);

// "ohlcv-rag --data-dir DIR": the start of a hint the user can run as printed.
std::string CliPrefix(const GlobalOptions& global);

// A writer open failed because another process holds the directory
// (Unavailable): the same status with what to do (stop `serve`, or
// POST /api/v1/ingest). Other statuses pass through.
Status ExplainWriterBusy(const Status& status, const GlobalOptions& global);

// Up to `max` candidates closest to `word` by edit distance (case-insensitive,
// transpositions count 1), closest first; only those within about a third of
// the word's length, so unrelated names are not suggested.
std::vector<std::string> ClosestNames(const std::string& word, const std::vector<std::string>& candidates,
                                      size_t max = 3);

// "did you mean X?" / "did you mean X, Y or Z?"; "" when `names` is empty.
std::string DidYouMean(const std::vector<std::string>& names);

// The stored tickers of the data directory closest to `ticker` (read-only;
// empty on any error).
std::vector<std::string> ClosestStoredTickers(const GlobalOptions& global, const std::string& ticker);

// A NotFound for a ticker the directory does not hold: the closest stored
// tickers, and a runnable ingest hint with the data directory and a source
// that has real data for it (yahoo; a CSV path otherwise), never synthetic.
Status UnknownTicker(const GlobalOptions& global, const std::string& ticker, const std::string& what);

// Word-wraps `text` at `width` columns, breaking only at spaces, so numbers
// and dates are never split; existing line breaks are kept.
std::string WrapText(const std::string& text, size_t width);

// Columns of the terminal on stdout; 0 when stdout is not a terminal.
size_t TerminalColumns();

// For `status`: the bar store alone (read-only; no word vectors, no index),
// so it answers in milliseconds even beside a running server.
Result<std::unique_ptr<KnowledgeBase>> OpenKbLight(const GlobalOptions& global);



// True when stdin is a terminal (prompts, confirmations).
bool StdinIsTerminal();

// What `ingest` takes; `setup` fills it with the original system's defaults.
struct IngestArgs {
  std::string source;  // csv | yahoo | alphavantage | polygon | synthetic
  std::string path;
  std::vector<std::string> tickers;
  std::string period;
  std::string interval = "1d";
  std::string start, end;
  bool strict = false;
  std::string sectors_file;
  size_t threads = 0;
  std::string base_url;
  uint64_t seed = 42;
  bool refresh = false;       // --refresh: the stored tickers, incrementally (KnowledgeBase::Refresh)
  bool source_given = false;  // --source was on the command line
};

// The source named by DATA_SOURCE, else "synthetic" (offline).
std::string DefaultSourceName();

// Runs an ingest into the data directory with a progress bar and a summary
// (JSON with global.json); returns the exit code.
int RunIngest(const IngestArgs& args, const GlobalOptions& global);

// Prints what the data directory holds; returns the exit code.
int RunStatus(const GlobalOptions& global);
int PrintStatus(const KnowledgeBase& engine, bool json);  // the same, on an open engine

// Prints an answer (text, sources, notes; or JSON); returns the exit code
// (3 when the store lacks the data asked about).
int PrintAnswer(const Answer& answer, bool json);

// Registration of each command group; `exit_code` receives the result of the
// command that ran.
void RegisterIngestCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterInspectCommands(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterServiceCommands(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterQueryCommands(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterSetupCommands(CLI::App& app, GlobalOptions& global, int& exit_code);     // setup, clear
void RegisterAnalyzeCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterInteractiveCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterMcpCommand(CLI::App& app, GlobalOptions& global, int& exit_code);  // mcp (stdio)
void RegisterStoreCommands(CLI::App& app, GlobalOptions& global, int& exit_code);     // migrate-store
void RegisterDeleteCommand(CLI::App& app, GlobalOptions& global, int& exit_code);  // delete_command.cc

}  // namespace ohlcv::cli
