// Choosing a Source by name ("csv", "yahoo", "alphavantage", "polygon",
// "synthetic"), as DATA_SOURCE and `--source` name them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace ohlcv {

struct SourceConfig {
  CsvSourceOptions csv;
  RemoteSourceOptions remote;  // remote.api_key, when set, wins over the keys below
  SyntheticSourceOptions synthetic;
  // The providers' keys (settings ALPHA_VANTAGE_API_KEY, POLYGON_API_KEY:
  // secrets, also from *_FILE and /run/secrets).
  std::string alpha_vantage_api_key;
  std::string polygon_api_key;
};

// The accepted names, in help order.
const std::vector<std::string_view>& SourceNames();

// InvalidArgument naming the accepted names for an unknown name; also when
// "csv" is asked for without a path.
Result<std::unique_ptr<Source>> NewSourceByName(std::string_view name, const SourceConfig& config);

}  // namespace ohlcv
