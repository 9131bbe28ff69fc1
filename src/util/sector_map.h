// SectorMap: ticker -> sector (GICS names such as "Information Technology"),
// loaded from `ticker,sector` CSV (../shared/data/sp500_sectors.csv or a
// user-supplied mapping), plus the reverse direction used when parsing
// questions: sector names and common synonyms ("tech", "banks", "telecom")
// to the canonical sector.
//
// Tickers are matched case-insensitively (stored upper case); sector names
// keep the spelling of the file. Synonyms map to the 11 GICS sector names;
// a synonym resolves only when its sector is in the map, unless the map is
// empty (then any GICS name is returned).
//
// Thread-safety: immutable after loading; const methods are safe to call
// concurrently. Add() needs external synchronization.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ohlcv {

class SectorMap {
 public:
  SectorMap() = default;

  // Reads a file. NotFound / IOError when it cannot be read; otherwise as Parse.
  static Result<SectorMap> Load(const std::string& path);

  // `ticker,sector` rows; an optional header row (first field "ticker",
  // "symbol" or "name", case-insensitive) is skipped; blank lines, CRLF, a BOM
  // and "quoted, fields" are accepted; later rows override earlier ones for
  // the same ticker. InvalidArgument "<name>:<line>: ..." for a row without
  // two non-empty fields. `name` only labels errors.
  static Result<SectorMap> Parse(std::string_view csv, std::string_view name = "sectors");

  // Sets (or replaces) the sector of `ticker`. Empty arguments are ignored.
  void Add(std::string_view ticker, std::string_view sector);

  // The ticker's sector, or nullopt. Case-insensitive.
  std::optional<std::string> Lookup(std::string_view ticker) const;

  // Distinct sectors, sorted.
  std::vector<std::string> Sectors() const;

  // Tickers (upper case, sorted) whose sector is `sector` (case-insensitive,
  // synonyms accepted: "tech" lists Information Technology).
  std::vector<std::string> TickersIn(std::string_view sector) const;

  // Reverse lookup: the canonical sector named by `phrase`, matching a sector
  // of the map or a synonym, ignoring case, extra spaces, '-'/'_' and a
  // trailing "stocks", "stock", "sector", "shares", "companies" or "names"
  // ("tech stocks" -> "Information Technology"). nullopt when none matches.
  std::optional<std::string> FindSector(std::string_view phrase) const;

  // Sectors mentioned anywhere in free text, by whole words, in order of first
  // mention, without repeats ("compare banks and energy" -> Financials, Energy).
  std::vector<std::string> SectorsMentioned(std::string_view text) const;

  size_t size() const { return by_ticker_.size(); }
  bool empty() const { return by_ticker_.empty(); }

 private:
  std::optional<std::string> Canonical(const std::string& normalized) const;

  std::map<std::string, std::string> by_ticker_;  // upper-case ticker -> sector
  std::map<std::string, size_t> sector_count_;    // sector -> tickers in it (> 0)
};

// The GICS sector a lower-case word or phrase stands for ("tech",
// "health care", "telecom"), ignoring the map; nullopt if not a known
// synonym. Exposed for tests and for callers without a SectorMap.
std::optional<std::string_view> SectorSynonym(std::string_view phrase);

}  // namespace ohlcv
