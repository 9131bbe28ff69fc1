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

// Source options for a config: the CSV path and the data providers' keys.
SourceConfig SourceConfigFromConfig(const AppConfig& config);

}  // namespace ohlcv
