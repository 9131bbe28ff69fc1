#include "util/sector_map.h"

#include "core/ticker.h"
#include "util/csv_record.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

namespace ohlcv {
namespace {

struct Synonym {
  std::string_view phrase;  // normalized: lower case, single spaces
  std::string_view sector;  // GICS name
};

constexpr std::string_view kTech = "Information Technology";
constexpr std::string_view kHealth = "Health Care";
constexpr std::string_view kFin = "Financials";
constexpr std::string_view kComm = "Communication Services";
constexpr std::string_view kDisc = "Consumer Discretionary";
constexpr std::string_view kStaples = "Consumer Staples";

constexpr std::array<Synonym, 43> kSynonyms = {{
    {"information technology", kTech}, {"technology", kTech}, {"tech", kTech},
    {"info tech", kTech}, {"health care", kHealth}, {"healthcare", kHealth},
    {"health", kHealth}, {"pharma", kHealth}, {"medical", kHealth},
    {"financials", kFin}, {"financial", kFin}, {"finance", kFin},
    {"banks", kFin}, {"bank", kFin}, {"banking", kFin},
    {"financial services", kFin}, {"energy", "Energy"}, {"oil", "Energy"},
    {"oil and gas", "Energy"}, {"utilities", "Utilities"}, {"utility", "Utilities"},
    {"industrials", "Industrials"}, {"industrial", "Industrials"},
    {"materials", "Materials"}, {"basic materials", "Materials"},
    {"real estate", "Real Estate"}, {"reits", "Real Estate"}, {"reit", "Real Estate"},
    {"consumer discretionary", kDisc}, {"discretionary", kDisc},
    {"consumer cyclical", kDisc}, {"consumer staples", kStaples},
    {"staples", kStaples}, {"consumer defensive", kStaples},
    {"communication services", kComm}, {"communication", kComm},
    {"communications", kComm}, {"telecom", kComm}, {"telecoms", kComm},
    {"telecommunications", kComm}, {"telecommunication services", kComm},
    {"telecommunication", kComm}, {"media", kComm},
}};

constexpr std::array<std::string_view, 6> kTrailingWords = {"stocks", "stock",     "sector",
                                                            "shares", "companies", "names"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

// Lower-case words split on anything but letters and digits; '&' reads "and".
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : s) {
    char l = Lower(c);
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
      cur.push_back(l);
    } else {
      flush();
      if (c == '&') words.emplace_back("and");
    }
  }
  flush();
  return words;
}

std::string Join(const std::vector<std::string>& w, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out += ' ';
    out += w[i];
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string_view> SectorSynonym(std::string_view phrase) {
  std::vector<std::string> w = Words(phrase);
  std::string norm = Join(w, 0, w.size());
  for (const Synonym& s : kSynonyms)
    if (s.phrase == norm) return s.sector;
  return std::nullopt;
}

Result<SectorMap> SectorMap::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open sector map");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError(path + ": read failed");
  return Parse(buf.str(), path);
}

Result<SectorMap> SectorMap::Parse(std::string_view csv, std::string_view name) {
  SectorMap map;
  CsvRecordReader reader(csv);
  bool first = true;
  while (reader.Next()) {
    if (reader.blank()) continue;
    std::vector<std::string> f;
    for (const CsvField& field : reader.fields()) f.push_back(FieldText(field));
    if (first) {
      first = false;
      std::string key = f.empty() ? "" : Upper(f[0]);
      if (key == "TICKER" || key == "SYMBOL" || key == "NAME") continue;
    }
    if (reader.malformed() || f.size() < 2 || f[0].empty() || f[1].empty()) {
      return Status::InvalidArgument(std::string(name) + ":" + std::to_string(reader.line()) +
                                     ": expected ticker,sector, found \"" +
                                     std::string(Trim(reader.raw()).substr(0, 80)) + "\"");
    }
    map.Add(f[0], f[1]);
  }
  return map;
}

void SectorMap::Add(std::string_view ticker, std::string_view sector) {
  ticker = Trim(ticker);
  sector = Trim(sector);
  if (ticker.empty() || sector.empty()) return;
  auto canonical = ParseTicker(ticker);
  if (!canonical.ok()) return;  // not a ticker any entry point accepts
  std::string& slot = by_ticker_[*canonical];
  if (!slot.empty() && --sector_count_[slot] == 0) sector_count_.erase(slot);
  slot = std::string(sector);
  ++sector_count_[slot];
}

std::optional<std::string> SectorMap::Lookup(std::string_view ticker) const {
  auto canonical = ParseTicker(ticker);
  if (!canonical.ok()) return std::nullopt;
  auto it = by_ticker_.find(*canonical);
  if (it == by_ticker_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> SectorMap::Sectors() const {
  std::vector<std::string> out;
  for (const auto& [sector, count] : sector_count_) out.push_back(sector);
  return out;
}

std::vector<std::string> SectorMap::TickersIn(std::string_view sector) const {
  std::vector<std::string> out;
  std::optional<std::string> canon = FindSector(sector);
  if (!canon) return out;
  for (const auto& [t, s] : by_ticker_)  // std::map: already sorted by ticker
    if (s == *canon) out.push_back(t);
  return out;
}

std::optional<std::string> SectorMap::Canonical(const std::string& norm) const {
  if (norm.empty()) return std::nullopt;
  // `name` must already be normalized (lower-case words, single spaces).
  auto in_map = [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& [sector, count] : sector_count_) {
      std::vector<std::string> w = Words(sector);
      if (Join(w, 0, w.size()) == name) return sector;
    }
    return std::nullopt;
  };
  if (auto s = in_map(norm)) return s;
  for (const Synonym& syn : kSynonyms) {
    if (syn.phrase != norm) continue;
    if (sector_count_.empty()) return std::string(syn.sector);
    std::vector<std::string> w = Words(syn.sector);
    return in_map(Join(w, 0, w.size()));
  }
  return std::nullopt;
}

std::optional<std::string> SectorMap::FindSector(std::string_view phrase) const {
  std::vector<std::string> w = Words(phrase);
  while (!w.empty() &&
         std::find(kTrailingWords.begin(), kTrailingWords.end(), w.back()) != kTrailingWords.end()) {
    w.pop_back();
  }
  return Canonical(Join(w, 0, w.size()));
}

std::vector<std::string> SectorMap::SectorsMentioned(std::string_view text) const {
  constexpr size_t kMaxPhraseWords = 3;  // "oil and gas", "information technology"
  std::vector<std::string> w = Words(text);
  std::vector<std::string> found;
  for (size_t i = 0; i < w.size();) {
    size_t matched = 0;
    for (size_t len = std::min(kMaxPhraseWords, w.size() - i); len >= 1 && !matched; --len) {
      if (auto s = Canonical(Join(w, i, i + len))) {
        if (std::find(found.begin(), found.end(), *s) == found.end()) found.push_back(*s);
        matched = len;
      }
    }
    i += matched ? matched : 1;
  }
  return found;
}

}  // namespace ohlcv
