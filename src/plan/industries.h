// GICS sub-industries of tickers, for sector slang in question plans
// ("banks" -> Diversified Banks + Regional Banks, not the whole Financials
// sector).
//
// File: CSV with a header naming a ticker column ("ticker"/"symbol") and a
// sub-industry column ("sub_industry", "gics_sub_industry", "industry");
// other columns are ignored; "quoted, fields" allowed (the shape of
// ../shared/data/sp500_industries.csv). The knowledge base keeps its copy at
// <data_dir>/industries.csv, like sectors.csv.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "core/status.h"

namespace ohlcv {

using IndustryMap = std::map<std::string, std::string>;  // upper-case ticker -> sub-industry

// NotFound when the file is missing; InvalidArgument naming the file and line
// for a header without the two columns.
Result<IndustryMap> LoadIndustries(const std::string& path);
// ticker,sub_industry rows (temp file + rename).
Status SaveIndustries(const IndustryMap& map, const std::string& path);
// The industries file beside a sectors file: ".../sp500_sectors.csv" ->
// ".../sp500_industries.csv", ".../sectors.csv" -> ".../industries.csv"; ""
// when the name has no "sectors".
std::string IndustriesPathBeside(const std::string& sectors_path);

}  // namespace ohlcv
