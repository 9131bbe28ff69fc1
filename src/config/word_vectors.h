// Where the offline embedder's word vectors (wink-sg-100d.bin, made by
// tools/embeddings/fetch_wink.sh DIR) are looked for, so the binary finds
// them wherever it runs. The first folder holding the file wins:
//   1. cache_dir (OHLCV_CACHE_DIR / --cache-dir) when set: only there;
//   2. $XDG_CACHE_HOME/ohlcv-rag, else $HOME/.cache/ohlcv-rag;
//   3. beside the binary, then <binary dir>/../share/ohlcv-rag, then
//      <binary dir>/../.cache (a build tree inside a checkout);
//   4. <data_dir>/../.cache, then ./.cache.
//
// Thread-safety: pure apart from reading the environment through `getenv`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/app_config.h"

namespace ohlcv {

inline constexpr const char* kWordVectorFile = "wink-sg-100d.bin";

// The folders in search order. `getenv` empty = std::getenv.
std::vector<std::string> WordVectorSearchDirs(
    const AppConfig& config, const std::function<std::optional<std::string>(const std::string&)>& getenv = {});

}  // namespace ohlcv
