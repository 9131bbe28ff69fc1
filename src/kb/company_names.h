// Company names for the question parser: "How did Apple do in 2019?" must
// reach AAPL. QuestionContext::company_names maps a published name to its
// ticker; this file says where those names come from.
//
//  - A sectors CSV with a name column (`ticker,sector,name`, header names
//    "name", "company", "company_name" or "security", any case) — the shape of
//    the S&P 500 constituents lists. The shared sp500_sectors.csv has no such
//    column, so it contributes nothing; a user file may.
//  - <data_dir>/companies.csv (`ticker,name`), written by the KnowledgeBase so the
//    names survive restarts like sectors.csv does.
//  - A short built-in list of the best-known names (the setup defaults Apple,
//    Microsoft, Alphabet/Google, Amazon and a few large caps), used only for
//    tickers that are actually in the store.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/status.h"

namespace ohlcv {

// ticker (upper case) -> company name.
using CompanyNames = std::map<std::string, std::string>;

// Names from a CSV whose header has a ticker column ("ticker"/"symbol") and a
// name column (see above). A file without a name column gives an empty map.
// NotFound / IOError when it cannot be read.
Result<CompanyNames> LoadCompanyNames(const std::string& path);

// Writes `ticker,name` rows (temp file + rename).
Status SaveCompanyNames(const CompanyNames& names, const std::string& path);

// The built-in list, name -> ticker (a ticker may have several names, e.g.
// Alphabet and Google). Case-insensitive matching is the parser's job.
const std::map<std::string, std::string>& BuiltinCompanyNames();

// name -> ticker for the parser: `names` plus the built-in list, restricted to
// `known_tickers`.
std::map<std::string, std::string> CompanyNamesFor(const CompanyNames& names,
                                                   const std::set<std::string>& known_tickers);

}  // namespace ohlcv
