// KbOptionsFromConfig: the one place where the settings table (config/) is
// mapped onto the options of the knowledge base and of each stage below it.
// Every front end (CLI commands, `serve`) opens its KnowledgeBase through it.
#pragma once

#include "config/app_config.h"
#include "kb/knowledge_base.h"
#include "sources/source_factory.h"

namespace ohlcv {

// Options for a config: data and cache dirs, vector store, ChromaDB,
// embedder, sectors file, LLM.
KbOptions KbOptionsFromConfig(const AppConfig& config);

// Which bar store the settings name, opened: the shared PostgreSQL store when
// a database URL is set (OHLCV_DATABASE_URL), else the embedded SQLite
// <data_dir>/bars.db. The one place that decides; the knowledge base and the
// CLI's bar-only commands both call it.
struct BarStoreOpen {
  bool read_only = false;
  // PostgreSQL: keep a LISTEN connection for DataVersion() (a server wants
  // it; a one-shot CLI command does not).
  bool listen = true;
  // PostgreSQL: merge the shared sectors and company names into these maps
  // and publish the files' additions (kb/shared_companies.h); null = skip.
  SectorMap* sectors = nullptr;
  CompanyNames* names = nullptr;
};
Result<std::unique_ptr<BarStore>> OpenBarStoreFor(const KbOptions& options, const BarStoreOpen& how);

// Source options for a config: the CSV path and the data providers' keys.
SourceConfig SourceConfigFromConfig(const AppConfig& config);

}  // namespace ohlcv
