#include "kb/kb_config.h"

#include <chrono>

#include "config/word_vectors.h"

namespace ohlcv {

KbOptions KbOptionsFromConfig(const AppConfig& c) {
  KbOptions o;
  o.data_dir = c.data_dir;
  o.word_vector_dirs = WordVectorSearchDirs(c);
  o.analysis.windows.length = static_cast<size_t>(c.window_bars);
  o.analysis.windows.stride = static_cast<size_t>(c.window_stride);
  o.analysis.windows.intraday_hours = static_cast<size_t>(c.intraday_window_hours);
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

SourceConfig SourceConfigFromConfig(const AppConfig& c) {
  SourceConfig s;
  s.csv.path = c.csv_path;
  s.alpha_vantage_api_key = c.alpha_vantage_api_key;
  s.polygon_api_key = c.polygon_api_key;
  return s;
}

}  // namespace ohlcv
