#include "kb/company_names.h"

#include "core/ticker.h"
#include "util/csv_record.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "kb/backup.h"

namespace ohlcv {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<CompanyNames> LoadCompanyNames(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound("no file " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  CompanyNames names;
  CsvRecordReader reader(text);
  if (!reader.Next()) return names;
  int ticker_col = -1, name_col = -1;
  for (size_t i = 0; i < reader.fields().size(); ++i) {
    std::string h = Lower(Trim(FieldText(reader.fields()[i])));
    if (ticker_col < 0 && (h == "ticker" || h == "symbol")) ticker_col = static_cast<int>(i);
    if (name_col < 0 && (h == "name" || h == "company" || h == "company_name" || h == "security")) {
      name_col = static_cast<int>(i);
    }
  }
  if (ticker_col < 0 || name_col < 0) return names;
  while (reader.Next()) {
    const auto& f = reader.fields();
    if (reader.malformed() || static_cast<int>(f.size()) <= std::max(ticker_col, name_col)) continue;
    auto ticker = ParseTicker(f[ticker_col].text);
    std::string name = Trim(FieldText(f[name_col]));
    if (ticker.ok() && !name.empty()) names[*ticker] = std::move(name);
  }
  return names;
}

Status SaveCompanyNames(const CompanyNames& names, const std::string& path) {
  std::string csv = "ticker,name\n";
  for (const auto& [ticker, name] : names) csv += ticker + "," + Quote(name) + "\n";
  return WriteFileAtomic(path, csv);
}

const std::map<std::string, std::string>& BuiltinCompanyNames() {
  // Names people actually type; the parser drops Inc/Corp suffixes itself.
  static const std::map<std::string, std::string> kNames = {
      {"Apple", "AAPL"},          {"Microsoft", "MSFT"},       {"Alphabet", "GOOGL"},
      {"Google", "GOOGL"},        {"Amazon", "AMZN"},          {"Meta", "META"},
      {"Facebook", "FB"},         {"Nvidia", "NVDA"},          {"Netflix", "NFLX"},
      {"Intel", "INTC"},          {"JPMorgan", "JPM"},         {"JPMorgan Chase", "JPM"},
      {"Bank of America", "BAC"}, {"Goldman Sachs", "GS"},     {"Exxon Mobil", "XOM"},
      {"ExxonMobil", "XOM"},      {"Chevron", "CVX"},          {"Boeing", "BA"},
      {"Walmart", "WMT"},         {"Johnson & Johnson", "JNJ"}, {"Procter & Gamble", "PG"},
      {"Coca-Cola", "KO"},        {"PepsiCo", "PEP"},          {"Visa", "V"},
      {"Mastercard", "MA"},       {"Disney", "DIS"},           {"Tesla", "TSLA"},
      {"Berkshire Hathaway", "BRK.B"}};
  return kNames;
}

std::map<std::string, std::string> CompanyNamesFor(const CompanyNames& names,
                                                   const std::set<std::string>& known_tickers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, ticker] : BuiltinCompanyNames()) {
    if (known_tickers.count(ticker)) out[name] = ticker;
  }
  // Published names win over the built-in spelling of the same name.
  for (const auto& [ticker, name] : names) {
    if (known_tickers.count(ticker)) out[name] = ticker;
  }
  return out;
}

}  // namespace ohlcv
