#include "sources/source_factory.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ohlcv {

namespace {

RemoteSourceOptions WithKey(RemoteSourceOptions remote, const std::string& key) {
  if (remote.api_key.empty()) remote.api_key = key;
  return remote;
}

using Made = Result<std::unique_ptr<Source>>;

// One row a source: its name, the other spellings accepted, and how to make it.
struct SourceRow {
  std::string_view name;
  std::vector<std::string_view> aliases;  // compared after lower-casing and dropping '_' and '-'
  Made (*make)(const SourceConfig& config);
};

const std::vector<SourceRow>& Rows() {
  static const std::vector<SourceRow> kRows = {
      {"csv", {}, [](const SourceConfig& c) -> Made {
         if (c.csv.path.empty()) return Status::InvalidArgument("source 'csv' needs a file or folder (--path)");
         return NewCsvSource(c.csv);
       }},
      {"yahoo", {"yahoofinance"},
       [](const SourceConfig& c) -> Made { return NewYahooSource(c.remote); }},
      {"alphavantage", {},
       [](const SourceConfig& c) -> Made { return NewAlphaVantageSource(WithKey(c.remote, c.alpha_vantage_api_key)); }},
      {"polygon", {"polygonio"},
       [](const SourceConfig& c) -> Made { return NewPolygonSource(WithKey(c.remote, c.polygon_api_key)); }},
      {"synthetic", {"demo"}, [](const SourceConfig& c) -> Made { return NewSyntheticSource(c.synthetic); }},
  };
  return kRows;
}

}  // namespace

const std::vector<std::string_view>& SourceNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const auto& row : Rows()) names.push_back(row.name);
    return names;
  }();
  return kNames;
}

Result<std::unique_ptr<Source>> NewSourceByName(std::string_view name, const SourceConfig& config) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  n.erase(std::remove_if(n.begin(), n.end(), [](char c) { return c == '_' || c == '-'; }), n.end());
  for (const auto& row : Rows()) {
    if (n == row.name || std::find(row.aliases.begin(), row.aliases.end(), n) != row.aliases.end()) {
      return row.make(config);
    }
  }
  std::string names;
  for (auto s : SourceNames()) {
    if (!names.empty()) names += ", ";
    names += s;
  }
  return Status::InvalidArgument("unknown data source '" + std::string(name) + "' (expected one of " +
                                 names + ")");
}

}  // namespace ohlcv
