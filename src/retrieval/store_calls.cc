#include "retrieval/store_calls.h"

#include <algorithm>
#include <unordered_set>

namespace ohlcv {
namespace {

constexpr int64_t kDay = 86400;
// Periods tried by FindMostRecent, in days back from the end; each is four
// times the last so a miss costs at most a third more than one full Find.
constexpr int64_t kRecentDays[] = {45, 180, 730};
// Up to this many tickers a Find walks the (ticker, end_ts) index directly.
constexpr size_t kFewTickers = 8;

}  // namespace

WindowFilter StoreFilter(const WindowFilter& filter, const SectorMap* sectors) {
  WindowFilter out = filter;
  if (sectors == nullptr || filter.sectors.empty() || !filter.tickers.empty()) return out;
  std::vector<std::string> tickers;
  for (const auto& s : filter.sectors) {
    auto members = sectors->TickersIn(s);
    if (members.empty()) return out;  // unknown here: let the store filter the column
    tickers.insert(tickers.end(), members.begin(), members.end());
  }
  std::sort(tickers.begin(), tickers.end());
  tickers.erase(std::unique(tickers.begin(), tickers.end()), tickers.end());
  out.tickers = std::move(tickers);
  out.sectors.clear();
  return out;
}

void KeepSectors(const WindowFilter& filter, std::vector<SearchHit>* hits) {
  if (filter.sectors.empty()) return;
  std::erase_if(*hits, [&](const SearchHit& h) {
    return std::find(filter.sectors.begin(), filter.sectors.end(), h.window.sector) == filter.sectors.end();
  });
}

bool IsSummaryTemplateWord(std::string_view lower) {
  // Words in more than a fifth of the summaries of the shared dataset
  // (windows_fts_vocab), all of them from windows/window_summary.cc.
  static const std::unordered_set<std::string_view> kWords = {
      "annualised", "annualized", "drawdown", "high", "low", "max", "on", "to", "volatility", "volume",
      "times", "day", "days", "average", "its", "crossover", "macd", "bollinger", "band", "close",
      "closed", "bullish", "bearish", "gap", "above", "up", "upper", "down", "support", "sideways",
      "rsi", "below", "lower", "spike", "resistance", "overbought", "began", "uptrend", "trend",
      "turned", "breakdown", "breakout", "reversal", "downtrend", "oversold", "engulfing"};
  return kWords.count(lower) > 0;
}

std::string LexicalText(const ParsedQuestion& parsed, std::string_view question) {
  std::string source = parsed.text_terms;
  if (source.empty() && !parsed.HasFilter()) source = std::string(question);
  std::string out, word;
  auto flush = [&] {
    if (!word.empty() && !IsSummaryTemplateWord(word)) {
      if (!out.empty()) out += ' ';
      out += word;
    }
    word.clear();
  };
  for (char c : source) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80) {
      word += c;
    } else if (u >= 'A' && u <= 'Z') {
      word += static_cast<char>(u - 'A' + 'a');
    } else {
      flush();
    }
  }
  flush();
  return out;
}

Result<std::vector<SearchHit>> FindMostRecent(VectorStore& store, const WindowFilter& filter,
                                              size_t limit, std::optional<int64_t> latest_ts) {
  const std::optional<int64_t> end = filter.end_ts ? filter.end_ts : latest_ts;
  const bool few = !filter.tickers.empty() && filter.tickers.size() <= kFewTickers;
  if (limit == 0 || few || !end) return store.Find(filter, limit);
  for (int64_t days : kRecentDays) {
    const int64_t cutoff = *end - days * kDay;
    if (filter.start_ts && cutoff <= *filter.start_ts) break;  // the whole range is no bigger
    WindowFilter recent = filter;
    recent.numeric.push_back({"end_ts", NumericCondition::Op::kGe, static_cast<double>(cutoff)});
    OHLCV_ASSIGN_OR_RETURN(auto hits, store.Find(recent, limit));
    // Every match ending after the cutoff is here, so when they fill the
    // limit they are exactly the `limit` most recent of the whole filter.
    if (hits.size() >= limit) return hits;
  }
  return store.Find(filter, limit);
}

}  // namespace ohlcv
