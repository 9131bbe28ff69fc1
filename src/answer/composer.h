// Composer: from a retrieval result (parsed question + hits) to a grounded
// draft, by exact computations on the stored bars.
//
// What is computed depends on the query type and on what the question names
// (tickers, sectors, period, patterns, indicator conditions):
//   general     per ticker: return, high/low with dates, max drawdown and
//               volatility over the period; a sector or "best/worst"
//               question ranks tickers by return; indicator conditions and
//               patterns add threshold episodes and occurrences.
//   pattern     occurrences of the asked patterns (dates, values), per ticker
//               or counted across a sector or the whole store.
//   comparison  side-by-side figures of tickers or sectors over one period,
//               and the correlation of daily log returns between tickers.
//   prediction  base rates: forward returns after past events (pattern or
//               indicator crossing), against the unconditional baseline,
//               with n, the period, median, share positive and a
//               disclaimer. No forecast is made. Without a ticker the
//               events of the asked sector (or of every stored stock) are
//               pooled; a ticker with fewer than 10 measured events also
//               gets its sector's stocks pooled over the same dates.
//   technical   the indicator state at the end of the period and what the
//               usual rules say, or the episodes of an asked condition.
// When the store lacks the tickers, sector or period asked about, the draft
// says so (no_data) and suggests the ingest command instead of answering
// about something else.
//
// Ownership: borrows everything for the call. Thread-safety: reentrant.
#pragma once

#include <cstddef>
#include <string>

#include "answer/draft.h"
#include "answer/series_cache.h"
#include "retrieval/retriever.h"
#include "util/sector_map.h"

namespace ohlcv {

struct ComposeOptions {
  // Forward horizon of base rates, in bars, when the question names none
  // ("10-day", "next 2 weeks"). Default 10.
  size_t default_horizon = 10;
  // Rankings list this many best and worst tickers. Default 5.
  size_t max_ranked = 5;
  // Pattern answers list at most this many dated events per ticker. Default 8.
  size_t max_listed_events = 8;
  // At most this many tickers get per-ticker figures. Default 6.
  size_t max_tickers = 6;
  // Suggested when data is missing; "{}" becomes the tickers.
  std::string ingest_command = "ohlcv-rag ingest --source yahoo --tickers {} --period 5y";
};

// REQUIRES: cache synced for this question (SeriesCache::Sync()).
// Errors: those of the bar store; missing data is a draft with no_data.
Result<GroundedDraft> ComposeDraft(const AskRequest& request, const RetrievalResult& retrieval,
                                   SeriesCache& cache, const CachedUniverse& universe,
                                   const SectorMap& sectors, const ComposeOptions& options);

}  // namespace ohlcv
