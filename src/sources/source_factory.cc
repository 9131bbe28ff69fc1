#include "sources/source_factory.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ohlcv {

const std::vector<std::string_view>& SourceNames() {
  static const std::vector<std::string_view> kNames = {"csv", "yahoo", "alphavantage", "polygon",
                                                       "synthetic"};
  return kNames;
}

Result<std::unique_ptr<Source>> NewSourceByName(std::string_view name, const SourceConfig& config) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  n.erase(std::remove_if(n.begin(), n.end(), [](char c) { return c == '_' || c == '-'; }), n.end());
  if (n == "csv") {
    if (config.csv.path.empty()) {
      return Status::InvalidArgument("source 'csv' needs a file or folder (--path)");
    }
    return NewCsvSource(config.csv);
  }
  if (n == "yahoo" || n == "yahoofinance") return NewYahooSource(config.remote);
  if (n == "alphavantage") return NewAlphaVantageSource(config.remote);
  if (n == "polygon" || n == "polygonio") return NewPolygonSource(config.remote);
  if (n == "synthetic" || n == "demo") return NewSyntheticSource(config.synthetic);
  std::string names;
  for (auto s : SourceNames()) {
    if (!names.empty()) names += ", ";
    names += s;
  }
  return Status::InvalidArgument("unknown data source '" + std::string(name) + "' (expected one of " +
                                 names + ")");
}

}  // namespace ohlcv
