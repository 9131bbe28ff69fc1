// AppConfig: the effective configuration of one ohlcv-rag process, and the
// one settings table it is read from.
//
// Every setting is a row of SettingsTable() (settings_table.cc): its name, its
// key in the JSON config file, its environment variable, its command-line
// flag, its type, its default, its help text and whether it is a secret. The
// loader (config_loader.h), the help text, `ohlcv-rag config` (secrets
// redacted) and the table in docs/service.md are all derived from those rows,
// so they cannot drift apart. To add a setting: add a member here and one row
// to the table.
//
// Thread-safety: plain values; a loaded AppConfig is immutable by convention
// and safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ohlcv {

struct AppConfig {
  // Logging.
  std::string log_level = "info";          // trace | debug | info | warn | error | critical | off
  std::string log_format = "json";         // json (one object per line) | text

  // Data and stores.
  std::string data_source = "synthetic";   // csv | yahoo | alphavantage | polygon | synthetic
  std::string csv_path;                    // file or folder for data_source=csv
  std::string data_dir = "./data";         // bar store and local index; /data in containers
  std::string cache_dir;                   // word vectors; "" = search (config/word_vectors.h)
  std::string sectors_file;                // optional ticker,sector CSV
  std::string vector_store_type = "local"; // local | chromadb
  std::string chromadb_host = "localhost";
  int64_t chromadb_port = 8000;
  std::string chromadb_token;              // secret; Swarm: /run/secrets/chroma_token
  std::string database_url;                // "" = embedded SQLite bars.db; postgresql://... = shared store
  std::string database_password;           // secret; Swarm: /run/secrets/db_password
  std::string embedder = "sif";            // sif | openai | hashing
  int64_t window_bars = 30;                // bars per indexed window (window ids depend on it)
  int64_t window_stride = 5;               // bars between window starts
  int64_t intraday_window_hours = 0;       // intraday windows: 0 = one per session (exchange-local day), N = per N hours
  std::string exchange = "auto";           // exchange clock for intraday bars: auto (ticker suffix) or a code (XNYS, XASX, ...)
  std::string alpha_vantage_api_key;       // secret; data provider key
  std::string polygon_api_key;             // secret; data provider key
  std::string source_base_url;             // remote provider base URL; "" = the provider's public URL
  int64_t refresh_interval_seconds = 0;    // serve: refresh the stored tickers every N s; 0 = off
  std::string refresh_source;              // source of the scheduled refresh; "" = data_source

  // LLM (optional phrasing of grounded answers).
  std::string llm_provider = "none";       // none | openai
  std::string openai_base_url = "https://api.openai.com/v1";
  std::string openai_api_key;              // secret
  std::string openai_model = "gpt-4o-mini";
  double llm_timeout_seconds = 30;

  // HTTP service.
  std::string bind = "127.0.0.1";          // 0.0.0.0 in containers
  int64_t http_port = 8000;                // API and probes; 0 = ephemeral (tests)
  int64_t metrics_port = 9090;             // /metrics; 0 = ephemeral (tests); -1 = off
  std::vector<std::string> api_keys;       // secret; any one of them authorises /api/
  bool insecure = false;                   // allow no key on a non-loopback bind
  double rate_limit_rps = 50;              // per key, token refill per second; 0 = off
  int64_t rate_limit_burst = 100;          // per key, bucket size
  int64_t max_body_bytes = 1 << 20;        // larger bodies get 413
  int64_t max_header_bytes = 16 << 10;     // larger headers get 431/413
  double header_timeout_seconds = 10;      // whole request header must arrive within this
  double body_timeout_seconds = 30;        // whole body must arrive within this
  double idle_timeout_seconds = 75;        // keep-alive connection idle limit
  int64_t io_threads = 1;                  // Asio threads doing socket I/O
  int64_t worker_threads = 0;              // handler pool; 0 = hardware concurrency (>= 2)
  int64_t max_queued_requests = 1024;      // handler queue bound; beyond it 503
  int64_t max_connections = 0;             // accepted sockets beyond it are closed; 0 = from RLIMIT_NOFILE
  double drain_seconds = 5;                // after SIGTERM: keep serving with /ready 503
  double shutdown_timeout_seconds = 10;    // then wait this long for in-flight requests
  std::string pod_name;                    // POD_NAME (Kubernetes downward API), in every log line
  std::vector<std::string> ingest_roots;   // folders POST /api/v1/ingest may read CSV from; none = refused
  int64_t ingest_max_file_bytes = 256 << 20;  // CSV files above this are refused; 0 = no limit
  int64_t max_connections_per_address = 64;   // open connections per client address; 0 = no limit
  double first_byte_timeout_seconds = 5;   // a new connection must send its first byte within this
};

// Types a setting can have. kList is a comma-separated list in env and flags
// and a JSON array (or comma-separated string) in the file.
enum class SettingType : uint8_t { kString, kInt, kDouble, kBool, kList };

using SettingField = std::variant<std::string AppConfig::*, int64_t AppConfig::*, double AppConfig::*,
                                  bool AppConfig::*, std::vector<std::string> AppConfig::*>;

struct SettingSpec {
  std::string_view name;      // canonical name shown in help and docs
  std::string_view json_key;  // key in the JSON config file
  std::string_view env;       // environment variable
  std::string_view flag;      // command-line flag, "--name"
  SettingType type;
  SettingField field;
  std::string_view help;
  bool secret = false;        // redacted when printed; also read from <env>_FILE and /run/secrets/<secret_file>
  std::string_view secret_file;           // file name under the secrets directory ("" = none)
  std::vector<std::string_view> choices;  // allowed values for strings (empty = any)
  double min = -1e300;                    // inclusive bounds for numbers
  double max = 1e300;
};

// The table, in help order. Immutable; safe to read from any thread.
std::span<const SettingSpec> SettingsTable();

// The default value of a setting rendered as text ("" for empty).
std::string DefaultText(const SettingSpec& spec);

// The current value rendered as text; secrets are "<redacted>" (or "" when
// unset) unless show_secrets.
std::string ValueText(const AppConfig& config, const SettingSpec& spec, bool show_secrets = false);

}  // namespace ohlcv
