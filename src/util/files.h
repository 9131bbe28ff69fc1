// Small-file helpers for the data directory.
//
// Thread-safety: free functions; two writers of one path must be serialised
// by the caller (they share the temp name).
#pragma once

#include <string>

#include "core/status.h"

namespace ohlcv {

// Writes `content` to `path` through a temp file and a rename, so readers
// (and a crash) never see a partial file. Used for every small file of the
// data directory (sectors.csv, companies.csv) and for manifest.json.
Status WriteFileAtomic(const std::string& path, const std::string& content);

}  // namespace ohlcv
