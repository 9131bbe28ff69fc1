// SeriesCache: stored bars of each ticker, and their SeriesAnalysis, loaded
// once per data version so answers do not re-read SQLite and recompute
// indicators for every question.
//
// Entries are keyed by ticker (daily bars) and tagged with the BarStore's
// DataVersion(): a Sync() that sees a newer version drops everything, so an
// ingest is visible to the next question. The analysis (indicators, pattern
// events, trend states; no windows) is computed lazily on first use, with the
// same AnalysisOptions as ingest, so events match the indexed windows.
// Bounded: at most `capacity` tickers, least recently used evicted first
// (a full analysed ticker of 5 years is ~0.4 MB).
//
// Ownership: the BarStore is borrowed and must outlive the cache; entries are
// shared_ptr so a question keeps its data while the cache moves on.
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/bar_store.h"
#include "windows/series_analysis.h"

namespace ohlcv {

struct SeriesCacheOptions {
  AnalysisOptions analysis;  // build_windows is ignored (always false)
  size_t capacity = 1024;    // tickers kept; default 1024 (every S&P 500 name)
};

class TickerData {
 public:
  explicit TickerData(BarSeries bars) : bars_(std::move(bars)) {}
  const BarSeries& bars() const { return bars_; }
  // Indicators, events and trend of the whole stored series; computed on the
  // first call (thread-safe), then shared.
  const SeriesAnalysis& analysis(const AnalysisOptions& options) const;

 private:
  BarSeries bars_;
  mutable std::once_flag once_;
  mutable SeriesAnalysis analysis_;
};

struct CachedUniverse {
  uint64_t version = 0;
  std::vector<TickerInfo> tickers;  // daily tickers only
  int64_t first_ts = 0, last_ts = 0;  // over all of them; 0 when empty
  const TickerInfo* Find(const std::string& ticker) const;
};

class SeriesCache {
 public:
  SeriesCache(BarStore& store, SeriesCacheOptions options = {});

  // Reads the store's data version and drops entries of older versions.
  // Returns the universe (tickers and their coverage) of that version.
  Result<std::shared_ptr<const CachedUniverse>> Sync();

  // The daily bars of `ticker` (upper case) as of the last Sync(). NotFound
  // when the store has none.
  Result<std::shared_ptr<const TickerData>> Get(const std::string& ticker);

  const AnalysisOptions& analysis_options() const { return options_.analysis; }

 private:
  BarStore& store_;
  const SeriesCacheOptions options_;
  std::mutex mu_;  // guards everything below
  std::shared_ptr<const CachedUniverse> universe_;
  std::list<std::string> lru_;  // most recent first
  struct Entry {
    std::shared_ptr<const TickerData> data;
    std::list<std::string>::iterator pos;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace ohlcv
