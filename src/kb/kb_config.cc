#include "kb/kb_config.h"

#include <chrono>

#include "config/word_vectors.h"
#include "kb/shared_companies.h"
#include "store/pg_bar_store.h"

namespace ohlcv {

KbOptions KbOptionsFromConfig(const AppConfig& c) {
  KbOptions o;
  o.data_dir = c.data_dir;
  o.word_vector_dirs = WordVectorSearchDirs(c);
  o.analysis.windows.length = static_cast<size_t>(c.window_bars);
  o.analysis.windows.stride = static_cast<size_t>(c.window_stride);
  o.analysis.windows.intraday_hours = static_cast<size_t>(c.intraday_window_hours);
  o.analysis.windows.exchange = c.exchange;
  o.vector_store_type = c.vector_store_type;
  o.chroma.host = c.chromadb_host;
  o.chroma.port = static_cast<int>(c.chromadb_port);
  o.chroma.auth_token = c.chromadb_token;
  o.embedder = c.embedder;
  o.openai_embedder.base_url = c.openai_base_url;
  o.openai_embedder.api_key = c.openai_api_key;
  o.sectors_file = c.sectors_file;
  o.database_url = c.database_url;
  o.database_password = c.database_password;
  if (c.llm_provider == "openai") {
    LlmOptions llm;
    llm.base_url = c.openai_base_url;
    llm.api_key = c.openai_api_key;
    llm.model = c.openai_model;
    llm.timeout = std::chrono::milliseconds(static_cast<int64_t>(c.llm_timeout_seconds * 1000));
    o.answers.llm = llm;
    o.answers.planner = llm;  // the model also reads questions into plans (answer/llm_planner.h)
  }
  return o;
}

Result<std::unique_ptr<BarStore>> OpenBarStoreFor(const KbOptions& o, const BarStoreOpen& how) {
  if (!o.database_url.empty()) {
    PgBarStoreOptions po;
    po.db.url = o.database_url;
    po.db.password = o.database_password;
    po.read_only = how.read_only;
    po.listen = how.listen;
    OHLCV_ASSIGN_OR_RETURN(auto store, PgBarStore::Open(po));
    if (how.sectors && how.names) {
      OHLCV_RETURN_IF_ERROR(SyncSharedCompanies(store->pool(), how.read_only, how.sectors, how.names));
    }
    return std::unique_ptr<BarStore>(std::move(store));
  }
  BarStoreOptions bo;
  bo.path = o.data_dir + "/bars.db";
  bo.read_only = how.read_only;
  return BarStore::Open(bo);
}

SourceConfig SourceConfigFromConfig(const AppConfig& c) {
  SourceConfig s;
  s.csv.path = c.csv_path;
  s.alpha_vantage_api_key = c.alpha_vantage_api_key;
  s.polygon_api_key = c.polygon_api_key;
  s.remote.base_url = c.source_base_url;
  return s;
}

}  // namespace ohlcv
