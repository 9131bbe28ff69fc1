// Shared state of one composition and the per-type composers (compose_*.cc).
// Private to answer/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "answer/composer.h"
#include "answer/draft.h"

namespace ohlcv::compose_internal {

struct Scope {
  std::vector<std::string> tickers;  // asked and stored
  std::vector<std::string> sectors;  // asked and with stored tickers
  std::vector<std::string> sector_tickers;  // stored tickers of `sectors`
  std::optional<int64_t> asked_start, asked_end;
  int64_t start = 0, end = 0;  // the period, clamped to the stored data
  bool period_asked = false;
  bool rank_words = false;     // best/worst/top/... in the question
  bool rank_worst_first = false;  // worst/losers/...: rankings lead with the worst
  size_t horizon = 10;         // forward bars for base rates
};

struct Ctx {
  const AskRequest& request;
  const RetrievalResult& retrieval;
  const ParsedQuestion& q;
  SeriesCache& cache;
  const CachedUniverse& universe;
  const SectorMap& sectors;
  const ComposeOptions& options;
  QueryType type;
  Scope scope;
};

// An indicator condition of the question: "rsi14_max > 70" means RSI rose
// above 70 at some bar, "rsi14_min < 30" that it fell below 30.
struct IndicatorCondition {
  Indicator indicator = Indicator::kRsi14;
  bool above = true;  // > or >= (true), < or <= (false)
  double threshold = 0;
};
std::vector<IndicatorCondition> IndicatorConditions(const ParsedQuestion& q);
std::string IndicatorLabel(Indicator id);  // "RSI(14)", "ADX(14)", ...

// "2019-01-02 to 2019-12-31".
std::string PeriodText(int64_t start, int64_t end);
// "AAPL, MSFT and GOOG".
std::string JoinAnd(const std::vector<std::string>& items);
Result<std::shared_ptr<const TickerData>> Load(Ctx& c, const std::string& ticker);

// Each adds statements, facts and computations; errors are the store's.
Status ComposeTickerFigures(Ctx& c, DraftBuilder& b, const std::string& ticker);
Status ComposeThresholds(Ctx& c, DraftBuilder& b, const std::string& ticker);
Status ComposePatterns(Ctx& c, DraftBuilder& b);
Status ComposeRanking(Ctx& c, DraftBuilder& b, const std::vector<std::string>& tickers,
                      const std::string& universe_label);
Status ComposeComparison(Ctx& c, DraftBuilder& b);
Status ComposePrediction(Ctx& c, DraftBuilder& b);
Status ComposeTechnical(Ctx& c, DraftBuilder& b, const std::string& ticker);
void ComposeFromHits(Ctx& c, DraftBuilder& b);

}  // namespace ohlcv::compose_internal
