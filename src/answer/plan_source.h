// StorePlanSource: the PlanSource (plan/executor.h) of the answer engine:
// daily bars and their IndicatorSet from the SeriesCache (loaded once per
// data version), other intervals straight from the BarStore; sectors from the
// SectorMap, sub-industries from the industries map (ticker -> GICS
// sub-industry, <data_dir>/industries.csv).
//
// Ownership: everything is borrowed and must outlive the source.
// Thread-safety: safe for concurrent use (as the SeriesCache and BarStore).
#pragma once

#include <map>
#include <string>

#include "answer/series_cache.h"
#include "plan/executor.h"
#include "util/sector_map.h"

namespace ohlcv {

class StorePlanSource : public PlanSource {
 public:
  StorePlanSource(SeriesCache& cache, BarStore& store, const CachedUniverse& universe, const SectorMap& sectors,
                  const std::map<std::string, std::string>& industries)
      : cache_(cache), store_(store), universe_(universe), sectors_(sectors), industries_(industries) {}

  Result<PlanSeries> Series(const std::string& ticker, Interval interval, bool want_indicators) const override;
  // Intraday: a slice from a week before `first` to a day after `last` (a
  // bounded store read instead of the whole series), widened to the whole
  // series when it could be mistaken for the whole stored range.
  Result<PlanSeries> SeriesAround(const std::string& ticker, Interval interval, int64_t first,
                                  int64_t last) const override;
  std::vector<std::string> Tickers(Interval interval) const override;
  std::vector<std::string> Members(SubjectKind kind, const std::string& name, Interval interval) const override;

 private:
  SeriesCache& cache_;
  BarStore& store_;
  const CachedUniverse& universe_;
  const SectorMap& sectors_;
  const std::map<std::string, std::string>& industries_;
};

}  // namespace ohlcv
