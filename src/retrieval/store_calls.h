// How the retriever phrases its store calls so that their cost follows the
// size of the answer, not the size of the store.
//
// Measured on the whole shared dataset (129k windows, local store), one
// thread: a filter on the `sector` column scans every window of the sector
// (Find with a month and a pattern in tech: ~100 ms; a filtered vector
// search over a sector-year: ~22 ms), while the same filter written as the
// sector's tickers walks the (ticker, end_ts) index (~9 ms and ~1.3 ms). A
// full-text query whose words all occur in most summaries ("drawdown",
// "rsi", "volatility": words of the summary template) makes FTS5 score most
// of the 129k rows (~0.9 s) to rank nothing. An exact Find over a broad
// filter ("golden cross in 2019", every ticker) reads every matching row
// before keeping the most recent `limit`.
//
// So the retriever (retrieval/retriever.cc):
//  - sends sectors as their tickers when it knows them (StoreFilter) and
//    drops, afterwards, any hit whose stored sector differs (KeepSectors), so
//    the result is the same as with the sector filter;
//  - sends to BM25 only the words that can rank windows (LexicalText);
//  - asks broad exact filters for the most recent period first and widens it
//    only when that period holds fewer than `limit` matches
//    (FindMostRecent): the same rows as one Find, at a fraction of the cost.
//
// Thread-safety: pure functions; FindMostRecent calls the store, which is
// safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "index/vector_store.h"
#include "retrieval/question.h"
#include "util/sector_map.h"

namespace ohlcv {

// `filter` with its sectors replaced by their tickers in `sectors` (when the
// filter names no tickers and every sector has at least one ticker there).
// Otherwise a copy of `filter`. `sectors` may be null.
WindowFilter StoreFilter(const WindowFilter& filter, const SectorMap* sectors);

// Removes hits whose window.sector is not in filter.sectors (no-op when the
// filter names no sector).
void KeepSectors(const WindowFilter& filter, std::vector<SearchHit>* hits);

// True for lower-case words of the window summary template ("drawdown",
// "volatility", "rsi", "macd", "bullish"...): nearly every summary holds them,
// so they cannot rank windows and are the expensive ones for BM25.
bool IsSummaryTemplateWord(std::string_view lower);

// The words of a parsed question worth a full-text search: text_terms without
// summary-template words. When the question gave no filter and no terms,
// the question itself (minus template words). May be empty: then skip BM25.
std::string LexicalText(const ParsedQuestion& parsed, std::string_view question);

// The same windows as store.Find(filter, limit) (the `limit` most recent by
// end_ts), asked period by period backwards from the filter's end (or
// `latest_ts`): the last 45 days, then 180, then 730, then everything, until
// one period holds `limit` matches. Filters on a few tickers go straight to
// Find (their index is cheap). Errors are the store's.
Result<std::vector<SearchHit>> FindMostRecent(VectorStore& store, const WindowFilter& filter,
                                              size_t limit, std::optional<int64_t> latest_ts);

}  // namespace ohlcv
