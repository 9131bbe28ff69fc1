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
  RemoteSourceOptions remote;
  SyntheticSourceOptions synthetic;
};

// The accepted names, in help order.
const std::vector<std::string_view>& SourceNames();

// InvalidArgument naming the accepted names for an unknown name; also when
// "csv" is asked for without a path.
Result<std::unique_ptr<Source>> NewSourceByName(std::string_view name, const SourceConfig& config);

}  // namespace ohlcv
