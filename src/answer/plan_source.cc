#include "answer/plan_source.h"

#include <algorithm>

namespace ohlcv {

Result<PlanSeries> StorePlanSource::Series(const std::string& ticker, Interval interval,
                                           bool want_indicators) const {
  PlanSeries out;
  if (interval == Interval::k1d) {
    OHLCV_ASSIGN_OR_RETURN(auto data, cache_.Get(ticker));
    out.bars = &data->bars();
    if (want_indicators) out.indicators = &data->analysis(cache_.analysis_options()).indicators;
    out.owner = std::move(data);
    return out;
  }
  OHLCV_ASSIGN_OR_RETURN(BarSeries bars, store_.Load(ticker, interval));
  auto owned = std::make_shared<BarSeries>(std::move(bars));
  out.bars = owned.get();
  out.owner = std::move(owned);
  return out;
}

Result<PlanSeries> StorePlanSource::SeriesAround(const std::string& ticker, Interval interval, int64_t first,
                                                 int64_t last) const {
  constexpr int64_t kDay = 86400;
  if (!IsIntraday(interval)) return Series(ticker, interval, false);
  OHLCV_ASSIGN_OR_RETURN(BarSeries bars, store_.Load(ticker, interval, first - 7 * kDay, last + kDay));
  // The slice must start at or before `first` (else the period may begin
  // before the stored data). It holds every stored bar up to a day after
  // `last`; when it ends before `last` (a Friday, a holiday, the newest
  // data) it is used as long as the executor cannot mistake that end for the
  // end of the data: the store ends there too, or the slice reaches `first`.
  bool whole = bars.empty() || bars.ts.front() > first;
  if (!whole && bars.ts.back() < last) {
    OHLCV_ASSIGN_OR_RETURN(auto newest, store_.LastTimestamp(ticker, interval));
    whole = !newest || (*newest != bars.ts.back() && bars.ts.back() < first);
  }
  if (whole) return Series(ticker, interval, false);
  PlanSeries out;
  auto owned = std::make_shared<BarSeries>(std::move(bars));
  out.bars = owned.get();
  out.owner = std::move(owned);
  return out;
}

std::vector<std::string> StorePlanSource::Tickers(Interval interval) const {
  std::vector<std::string> out;
  if (interval == Interval::k1d) {
    for (const auto& t : universe_.tickers) out.push_back(t.ticker);
    return out;
  }
  auto all = store_.ListTickers();
  if (!all.ok()) return out;
  for (const auto& t : *all) {
    if (t.interval == interval) out.push_back(t.ticker);
  }
  return out;
}

std::vector<std::string> StorePlanSource::Members(SubjectKind kind, const std::string& name,
                                                  Interval interval) const {
  const auto stored = Tickers(interval);
  if (kind == SubjectKind::kAll) return stored;
  std::vector<std::string> out;
  for (const auto& t : stored) {
    if (kind == SubjectKind::kSector) {
      auto s = sectors_.Lookup(t);
      if (s && *s == name) out.push_back(t);
    } else if (kind == SubjectKind::kIndustry) {
      auto it = industries_.find(t);
      if (it != industries_.end() && it->second == name) out.push_back(t);
    } else if (t == name) {
      out.push_back(t);
    }
  }
  return out;
}

}  // namespace ohlcv
