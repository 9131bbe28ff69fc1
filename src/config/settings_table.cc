// The one settings table (see app_config.h). Env names are fixed by the
// deployment contract (issue 5/6): Compose, Swarm and Kubernetes files set
// exactly these names, so never rename one without the deploy files.
#include <fmt/format.h>

#include "config/app_config.h"

// Rows leave trailing fields (secret, choices, bounds) at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ohlcv {
namespace {

using T = SettingType;
using A = AppConfig;

const std::vector<SettingSpec>& Table() {
  static const std::vector<SettingSpec> kTable = {
      {"log_level", "log_level", "LOG_LEVEL", "--log-level", T::kString, &A::log_level,
       "Log level", false, "", {"trace", "debug", "info", "warn", "error", "critical", "off"}},
      {"log_format", "log_format", "OHLCV_LOG_FORMAT", "--log-format", T::kString, &A::log_format,
       "Log line format: json (one object per line on stdout) or text", false, "", {"json", "text"}},
      {"data_source", "data_source", "DATA_SOURCE", "--data-source", T::kString, &A::data_source,
       "Default source for ingest", false, "", {"csv", "yahoo", "alphavantage", "polygon", "synthetic"}},
      {"csv_path", "csv_path", "OHLCV_CSV_PATH", "--csv-path", T::kString, &A::csv_path,
       "CSV file or folder when data_source is csv"},
      {"data_dir", "data_dir", "OHLCV_DATA_DIR", "--data-dir", T::kString, &A::data_dir,
       "Data directory (bar store, local index); /data in containers"},
      {"cache_dir", "cache_dir", "OHLCV_CACHE_DIR", "--cache-dir", T::kString, &A::cache_dir,
       "Folder of the word vectors (wink-sg-100d.bin); empty = search $XDG_CACHE_HOME/ohlcv-rag, ~/.cache/ohlcv-rag, beside the binary, <data_dir>/../.cache, ./.cache"},
      {"sectors_file", "sectors_file", "OHLCV_SECTORS_FILE", "--sectors-file", T::kString, &A::sectors_file,
       "Optional ticker,sector CSV merged into the data directory"},
      {"vector_store_type", "vector_store_type", "VECTOR_STORE_TYPE", "--vector-store", T::kString,
       &A::vector_store_type, "Vector store: local (embedded) or chromadb (server)", false, "",
       {"local", "chromadb"}},
      {"chromadb_host", "chromadb_host", "CHROMADB_HOST", "--chromadb-host", T::kString, &A::chromadb_host,
       "ChromaDB host"},
      {"chromadb_port", "chromadb_port", "CHROMADB_PORT", "--chromadb-port", T::kInt, &A::chromadb_port,
       "ChromaDB port", false, "", {}, 1, 65535},
      {"chromadb_token", "chromadb_token", "CHROMADB_TOKEN", "--chromadb-token", T::kString, &A::chromadb_token,
       "ChromaDB auth token (secret)", true, "chroma_token"},
      {"database_url", "database_url", "OHLCV_DATABASE_URL", "--database-url", T::kString, &A::database_url,
       "PostgreSQL URL of the shared bar store (postgresql://user@host:5432/db); empty = embedded SQLite "
       "bars.db in data_dir"},
      {"database_password", "database_password", "OHLCV_DATABASE_PASSWORD", "--database-password", T::kString,
       &A::database_password, "Password for database_url (secret)", true, "db_password"},
      {"embedder", "embedder", "OHLCV_EMBEDDER", "--embedder", T::kString, &A::embedder,
       "Text embedder: sif (offline word vectors), openai, hashing (tests)", false, "",
       {"sif", "openai", "hashing"}},
      {"window_bars", "window_bars", "OHLCV_WINDOW_BARS", "--window-bars", T::kInt, &A::window_bars,
       "Bars per indexed window; recorded in the index, which refuses another value (re-index to change)", false,
       "", {}, 2, 10000},
      {"window_stride", "window_stride", "OHLCV_WINDOW_STRIDE", "--window-stride", T::kInt, &A::window_stride,
       "Bars between the starts of consecutive windows; recorded in the index like window_bars", false, "", {}, 1,
       10000},
      {"intraday_window_hours", "intraday_window_hours", "OHLCV_INTRADAY_WINDOW_HOURS", "--intraday-window-hours",
       T::kInt, &A::intraday_window_hours,
       "Windows of intraday bars: 0 = one per session (the exchange-local trading date), N = one per N hours of "
       "local time from the session open; daily windows are also built from the intraday bars by local date "
       "(window_bars/window_stride). Recorded in the index",
       false, "", {}, 0, 24},
      {"exchange", "exchange", "OHLCV_EXCHANGE", "--exchange", T::kString, &A::exchange,
       "Exchange whose time zone and session hours apply to intraday bars: auto (by ticker suffix: none = US, "
       ".L London, .DE Xetra, .PA Paris, .T Tokyo, .HK Hong Kong, .AX Sydney, .TO Toronto, .NS NSE, ...) or a "
       "code (XNYS, XLON, XETR, XPAR, XTKS, XHKG, XASX, XTSE, XNSE, UTC, ...; docs/service.md)"},
      {"alpha_vantage_api_key", "alpha_vantage_api_key", "ALPHA_VANTAGE_API_KEY", "--alpha-vantage-api-key",
       T::kString, &A::alpha_vantage_api_key, "Alpha Vantage API key for the alphavantage source (secret)", true,
       "alpha_vantage_api_key"},
      {"polygon_api_key", "polygon_api_key", "POLYGON_API_KEY", "--polygon-api-key", T::kString,
       &A::polygon_api_key, "Polygon.io API key for the polygon source (secret)", true, "polygon_api_key"},
      {"source_base_url", "source_base_url", "OHLCV_SOURCE_BASE_URL", "--source-base-url", T::kString,
       &A::source_base_url,
       "Base URL of the remote provider (yahoo, alphavantage, polygon) for serve and ingest; empty = the "
       "provider's public URL (a proxy or a test server otherwise)"},
      {"refresh_interval_seconds", "refresh_interval_seconds", "OHLCV_REFRESH_INTERVAL_SECONDS",
       "--refresh-interval", T::kInt, &A::refresh_interval_seconds,
       "serve: refresh the stored (non-synthetic) tickers from refresh_source every N seconds, e.g. 3600 or "
       "86400; the first run is one interval after startup; 0 = off. In Kubernetes use the refresh CronJob "
       "instead",
       false, "", {}, 0, 31536000},
      {"refresh_source", "refresh_source", "OHLCV_REFRESH_SOURCE", "--refresh-source", T::kString,
       &A::refresh_source,
       "Source of the scheduled refresh: csv, yahoo, alphavantage or polygon; empty = data_source (synthetic "
       "is refused)"},
      {"llm_provider", "llm_provider", "LLM_PROVIDER", "--llm-provider", T::kString, &A::llm_provider,
       "LLM that phrases grounded answers: none or openai (any OpenAI-compatible server)", false, "",
       {"none", "openai"}},
      {"openai_base_url", "openai_base_url", "OPENAI_BASE_URL", "--openai-base-url", T::kString,
       &A::openai_base_url, "OpenAI-compatible API root including /v1"},
      {"openai_api_key", "openai_api_key", "OPENAI_API_KEY", "--openai-api-key", T::kString, &A::openai_api_key,
       "OpenAI-compatible API key (secret)", true, "openai_api_key"},
      {"openai_model", "openai_model", "OPENAI_MODEL", "--openai-model", T::kString, &A::openai_model,
       "Chat model id"},
      {"llm_timeout_seconds", "llm_timeout_seconds", "OHLCV_LLM_TIMEOUT_SECONDS", "--llm-timeout", T::kDouble,
       &A::llm_timeout_seconds, "LLM request timeout in seconds", false, "", {}, 0.1, 600},
      {"bind", "bind", "OHLCV_BIND", "--bind", T::kString, &A::bind,
       "Address the HTTP and metrics listeners bind; 0.0.0.0 in containers"},
      {"http_port", "http_port", "OHLCV_HTTP_PORT", "--port", T::kInt, &A::http_port,
       "HTTP port for the API and the probes (0 = ephemeral)", false, "", {}, 0, 65535},
      {"metrics_port", "metrics_port", "OHLCV_METRICS_PORT", "--metrics-port", T::kInt, &A::metrics_port,
       "Port for /metrics (0 = ephemeral, -1 = off)", false, "", {}, -1, 65535},
      {"api_keys", "api_keys", "API_KEY", "--api-key", T::kList, &A::api_keys,
       "API keys for /api/ routes, comma-separated (secret)", true, "api_key"},
      {"insecure", "insecure", "OHLCV_INSECURE", "--insecure", T::kBool, &A::insecure,
       "Allow serving without an API key on a non-loopback address"},
      {"rate_limit_rps", "rate_limit_rps", "OHLCV_RATE_LIMIT_RPS", "--rate-limit-rps", T::kDouble,
       &A::rate_limit_rps, "Per-key (no keys: per-client-IP) token refill rate in requests per second (0 = no limit)", false, "", {}, 0,
       1e9},
      {"rate_limit_burst", "rate_limit_burst", "OHLCV_RATE_LIMIT_BURST", "--rate-limit-burst", T::kInt,
       &A::rate_limit_burst, "Per-key (no keys: per-client-IP) token bucket size", false, "", {}, 1, 1e9},
      {"max_body_bytes", "max_body_bytes", "OHLCV_MAX_BODY_BYTES", "--max-body-bytes", T::kInt,
       &A::max_body_bytes, "Largest request body; larger gets 413", false, "", {}, 1, 1 << 30},
      {"max_header_bytes", "max_header_bytes", "OHLCV_MAX_HEADER_BYTES", "--max-header-bytes", T::kInt,
       &A::max_header_bytes, "Largest request header block; larger gets 431", false, "", {}, 512, 1 << 20},
      {"header_timeout_seconds", "header_timeout_seconds", "OHLCV_HEADER_TIMEOUT_SECONDS", "--header-timeout",
       T::kDouble, &A::header_timeout_seconds, "Time allowed for the whole request header to arrive", false, "",
       {}, 0.05, 3600},
      {"body_timeout_seconds", "body_timeout_seconds", "OHLCV_BODY_TIMEOUT_SECONDS", "--body-timeout",
       T::kDouble, &A::body_timeout_seconds, "Time allowed for the whole request body to arrive", false, "", {},
       0.05, 3600},
      {"idle_timeout_seconds", "idle_timeout_seconds", "OHLCV_IDLE_TIMEOUT_SECONDS", "--idle-timeout",
       T::kDouble, &A::idle_timeout_seconds, "Keep-alive connection idle limit", false, "", {}, 0.05, 86400},
      {"io_threads", "io_threads", "OHLCV_IO_THREADS", "--io-threads", T::kInt, &A::io_threads,
       "Threads doing socket I/O", false, "", {}, 1, 256},
      {"worker_threads", "worker_threads", "OHLCV_WORKER_THREADS", "--worker-threads", T::kInt,
       &A::worker_threads, "Handler threads (0 = hardware concurrency, at least 2)", false, "", {}, 0, 1024},
      {"max_queued_requests", "max_queued_requests", "OHLCV_MAX_QUEUED_REQUESTS", "--max-queued-requests",
       T::kInt, &A::max_queued_requests, "Handler queue bound; beyond it requests get 503", false, "", {}, 1,
       1e7},
      {"max_connections", "max_connections", "OHLCV_MAX_CONNECTIONS", "--max-connections", T::kInt,
       &A::max_connections, "Open connections beyond this are closed at accept (0 = derived from the descriptor limit)",
       false, "", {}, 0, 1e7},
      {"drain_seconds", "drain_seconds", "OHLCV_DRAIN_SECONDS", "--drain-seconds", T::kDouble, &A::drain_seconds,
       "After SIGTERM, seconds to keep serving with /ready 503 before closing the listener", false, "", {}, 0,
       3600},
      {"shutdown_timeout_seconds", "shutdown_timeout_seconds", "OHLCV_SHUTDOWN_TIMEOUT_SECONDS",
       "--shutdown-timeout", T::kDouble, &A::shutdown_timeout_seconds,
       "After the drain, seconds to wait for in-flight requests", false, "", {}, 0, 3600},
      {"pod_name", "pod_name", "POD_NAME", "--pod-name", T::kString, &A::pod_name,
       "Name of this replica in every log line (Kubernetes sets it from the downward API)"},
      {"ingest_roots", "ingest_roots", "OHLCV_INGEST_ROOTS", "--ingest-roots", T::kList, &A::ingest_roots,
       "Folders POST /api/v1/ingest may read CSV files from, comma-separated (none = refused; csv_path is one)"},
      {"ingest_max_file_bytes", "ingest_max_file_bytes", "OHLCV_INGEST_MAX_FILE_BYTES", "--ingest-max-file-bytes",
       T::kInt, &A::ingest_max_file_bytes, "CSV files larger than this are refused by API ingests (0 = no limit)",
       false, "", {}, 0, 1e15},
      {"max_connections_per_address", "max_connections_per_address", "OHLCV_MAX_CONNECTIONS_PER_ADDRESS",
       "--max-connections-per-address", T::kInt, &A::max_connections_per_address,
       "Open connections per client address; more are closed at accept (0 = no limit)", false, "", {}, 0, 1e7},
      {"first_byte_timeout_seconds", "first_byte_timeout_seconds", "OHLCV_FIRST_BYTE_TIMEOUT_SECONDS",
       "--first-byte-timeout", T::kDouble, &A::first_byte_timeout_seconds,
       "A new connection that sends nothing for this long is closed", false, "", {}, 0.01, 3600},
  };
  return kTable;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

std::string FieldText(const AppConfig& c, const SettingField& field) {
  return std::visit(
      [&c](auto member) -> std::string {
        const auto& v = c.*member;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) return v;
        else if constexpr (std::is_same_v<V, int64_t>) return std::to_string(v);
        else if constexpr (std::is_same_v<V, double>) return fmt::format("{}", v);
        else if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
        else return Join(v);
      },
      field);
}

}  // namespace

std::span<const SettingSpec> SettingsTable() { return Table(); }

std::string DefaultText(const SettingSpec& spec) { return FieldText(AppConfig{}, spec.field); }

std::string ValueText(const AppConfig& config, const SettingSpec& spec, bool show_secrets) {
  std::string v = FieldText(config, spec.field);
  if (spec.secret && !show_secrets && !v.empty()) return "<redacted>";
  return v;
}

}  // namespace ohlcv
