#include "answer/series_cache.h"

#include <algorithm>

namespace ohlcv {

const SeriesAnalysis& TickerData::analysis(const AnalysisOptions& options) const {
  std::call_once(once_, [&] {
    AnalysisOptions o = options;
    o.build_windows = false;
    analysis_.Analyze(bars_, "", o);
  });
  return analysis_;
}

const TickerInfo* CachedUniverse::Find(const std::string& ticker) const {
  auto it = std::lower_bound(tickers.begin(), tickers.end(), ticker,
                             [](const TickerInfo& t, const std::string& s) { return t.ticker < s; });
  return it != tickers.end() && it->ticker == ticker ? &*it : nullptr;
}

SeriesCache::SeriesCache(BarStore& store, SeriesCacheOptions options)
    : store_(store), options_(std::move(options)) {}

Result<std::shared_ptr<const CachedUniverse>> SeriesCache::Sync() {
  OHLCV_ASSIGN_OR_RETURN(uint64_t version, store_.DataVersion());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (universe_ && universe_->version == version) return universe_;
  }
  OHLCV_ASSIGN_OR_RETURN(std::vector<TickerInfo> all, store_.ListTickers());
  auto u = std::make_shared<CachedUniverse>();
  u->version = version;
  for (auto& t : all) {
    if (t.interval != Interval::k1d || t.bars == 0) continue;
    if (u->tickers.empty() || t.first_ts < u->first_ts) u->first_ts = t.first_ts;
    if (u->tickers.empty() || t.last_ts > u->last_ts) u->last_ts = t.last_ts;
    u->tickers.push_back(std::move(t));
  }
  std::sort(u->tickers.begin(), u->tickers.end(),
            [](const TickerInfo& a, const TickerInfo& b) { return a.ticker < b.ticker; });
  std::lock_guard<std::mutex> lock(mu_);
  if (!universe_ || universe_->version < version) {
    universe_ = std::move(u);
    entries_.clear();
    lru_.clear();
  }
  return universe_;
}

Result<std::shared_ptr<const TickerData>> SeriesCache::Get(const std::string& ticker) {
  uint64_t version = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(ticker);
    if (it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.pos);
      return it->second.data;
    }
    version = universe_ ? universe_->version : 0;
  }
  // Loaded outside the lock: two threads may load the same ticker once each,
  // which is cheaper than serialising every load.
  OHLCV_ASSIGN_OR_RETURN(BarSeries bars, store_.Load(ticker, Interval::k1d));
  if (bars.empty()) return Status::NotFound("no daily bars stored for " + ticker);
  auto data = std::make_shared<const TickerData>(std::move(bars));
  std::lock_guard<std::mutex> lock(mu_);
  if (universe_ && universe_->version != version) return data;  // a newer Sync raced us
  auto it = entries_.find(ticker);
  if (it != entries_.end()) return it->second.data;
  lru_.push_front(ticker);
  entries_[ticker] = Entry{data, lru_.begin()};
  while (entries_.size() > std::max<size_t>(options_.capacity, 1)) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  return data;
}

}  // namespace ohlcv
