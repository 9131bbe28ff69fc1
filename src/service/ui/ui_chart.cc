#include "service/ui/ui_chart.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "indicators/indicator_set.h"
#include "patterns/pattern_detector.h"
#include "kb/knowledge_base.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

// The indicator columns the page draws, by their reply names.
constexpr Indicator kChartIndicators[] = {
    Indicator::kSma20,   Indicator::kSma50,    Indicator::kEma12,      Indicator::kEma26,
    Indicator::kBbUpper, Indicator::kBbMiddle, Indicator::kBbLower,    Indicator::kRsi14,
    Indicator::kMacd,    Indicator::kMacdSignal, Indicator::kMacdHist,
};

// Four decimals are more than a chart can show and keep the reply short
// (nlohmann prints the shortest round-trip form of the rounded value).
json Rounded(double v) {
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * 1e4) / 1e4;
}

template <typename T>
json Slice(const std::vector<T>& column, size_t from, size_t to) {
  json out = json::array();
  for (size_t i = from; i < to && i < column.size(); ++i) out.push_back(column[i]);
  return out;
}

}  // namespace

Result<json> BuildChartJson(const KnowledgeBase& engine, const BarsQuery& query) {
  // The whole history up to `end`: indicators need their warm-up bars.
  auto bars = engine.Bars(query.ticker, query.interval, std::nullopt, query.end);
  if (!bars.ok()) return bars.status();
  const BarSeries& b = *bars;
  if (b.size() == 0) {
    auto tickers = engine.Tickers();
    bool known = false;
    if (tickers.ok()) {
      for (const auto& t : *tickers) known = known || t.ticker == query.ticker;
    }
    if (!known) return Status::NotFound("ticker " + query.ticker + " is not in the store");
  }

  size_t to = b.size();
  size_t from = 0;
  if (query.start) from = std::lower_bound(b.ts.begin(), b.ts.end(), *query.start) - b.ts.begin();
  bool truncated = to - from > query.limit;
  if (truncated) from = to - query.limit;

  IndicatorSet ind;
  ind.Compute(b);
  std::vector<PatternEvent> events;
  DetectPatterns(b, ind, PatternOptions{}, &events);

  json indicators = json::object();
  for (Indicator id : kChartIndicators) {
    json col = json::array();
    auto values = ind.column(id);
    for (size_t i = from; i < to; ++i) col.push_back(i < values.size() ? Rounded(values[i]) : json(nullptr));
    indicators[std::string(IndicatorName(id))] = std::move(col);
  }
  json patterns = json::array();
  for (const PatternEvent& e : events) {
    if (e.bar < from || e.bar >= to) continue;
    patterns.push_back({{"time", e.ts},
                        {"ref_time", e.ref_ts},
                        {"kind", std::string(PatternKindName(e.kind))},
                        {"phrase", std::string(PatternKindPhrase(e.kind, query.interval))},
                        {"direction", PatternDirection(e.kind)},
                        {"value", Rounded(e.value)}});
  }
  return json{{"ticker", query.ticker},
              {"interval", std::string(IntervalName(query.interval))},
              {"count", to - from},
              {"truncated", truncated},
              {"time", Slice(b.ts, from, to)},
              {"open", Slice(b.open, from, to)},
              {"high", Slice(b.high, from, to)},
              {"low", Slice(b.low, from, to)},
              {"close", Slice(b.close, from, to)},
              {"volume", Slice(b.volume, from, to)},
              {"indicators", std::move(indicators)},
              {"patterns", std::move(patterns)}};
}

}  // namespace ohlcv
