#include "kb/question_scope.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "util/time.h"

namespace ohlcv {
namespace {

// Stems of the words a market question uses; a question word starting with
// one of them is "about the market".
constexpr std::string_view kMarketStems[] = {
    "stock",   "share",   "market",  "price",   "close",   "open",     "return",  "perform", "volatil",
    "risk",    "trend",   "break",   "broke",   "rsi",     "macd",     "sma",     "ema",     "moving",
    "average", "bolling", "volume",  "pattern", "similar", "sector",   "rall",    "crash",   "drop",
    "fell",    "fall",    "gain",    "lose",    "loss",    "rose",     "rise",    "high",    "low",
    "bull",    "bear",    "cross",   "support", "resist",  "momentum", "oversold", "overbought",
    "gap",     "compar",  "best",    "worst",   "drawdown", "indicator", "signal", "candle",  "doji",
    "hammer",  "engulf",  "reversal", "consolidat", "squeeze", "golden", "death",  "ticker",  "bar",
    "ohlc",    "analog",  "period",  "window",  "year",    "month",    "week",    "quarter", "day",
    "tech",    "financ",  "energy",  "health",  "compan",  "invest",   "buy",     "sell",    "outperform",
    "underperform", "beat", "correl",
};

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  return out;
}

bool UsesMarketWord(const std::string& question) {
  for (const auto& w : Words(question)) {
    if (std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return true;  // a year or a number
    }
    for (std::string_view stem : kMarketStems) {
      if (w.size() >= stem.size() && std::string_view(w).substr(0, stem.size()) == stem) return true;
    }
  }
  return false;
}

// Daily series first, then by ticker.
std::vector<TickerInfo> Daily(const std::vector<TickerInfo>& tickers) {
  std::vector<TickerInfo> out;
  for (const auto& t : tickers) {
    if (t.interval == Interval::k1d && t.bars > 0) out.push_back(t);
  }
  if (out.empty()) {
    for (const auto& t : tickers) {
      if (t.bars > 0) out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end(), [](const TickerInfo& a, const TickerInfo& b) { return a.ticker < b.ticker; });
  return out;
}

int YearOf(int64_t ts) { return std::stoi(FormatDate(ts).substr(0, 4)); }

}  // namespace

bool IsOutOfScope(const std::string& question, const Answer& answer) {
  // Facts do not count: a question that retrieved nothing in particular still
  // gets the figures of the windows it fell on.
  return answer.notes.empty() && !UsesMarketWord(question);
}

std::vector<std::string> ExampleQuestions(const std::vector<TickerInfo>& tickers) {
  std::vector<TickerInfo> daily = Daily(tickers);
  if (daily.empty()) return {};
  auto pick = std::find_if(daily.begin(), daily.end(), [](const TickerInfo& t) { return t.ticker == "AAPL"; });
  const TickerInfo& a = pick != daily.end() ? *pick : daily.front();
  const TickerInfo* b = nullptr;
  for (const auto& t : daily) {
    if (t.ticker != a.ticker) {
      b = &t;
      break;
    }
  }
  // The last calendar year fully inside the data, else the last year.
  int first_year = YearOf(a.first_ts), last_year = YearOf(a.last_ts);
  int year = FormatDate(a.last_ts).substr(5) >= "12-28" ? last_year : last_year - 1;
  if (year < first_year) year = last_year;
  std::vector<std::string> out;
  out.push_back(fmt::format("How did {} perform in {}?", a.ticker, year));
  out.push_back(fmt::format("What was the volatility of {} in {}?", a.ticker, year));
  if (b) out.push_back(fmt::format("Compare {} and {} in {}", a.ticker, b->ticker, year));
  out.push_back(fmt::format("When did {} break out above its 20-day high in {}?", a.ticker, year));
  return out;
}

void MakeOutOfScopeAnswer(const std::vector<TickerInfo>& tickers, Answer* answer) {
  std::vector<TickerInfo> daily = Daily(tickers);
  std::string text =
      "That question is not about the loaded market data, so there is nothing to compute for it. "
      "I answer questions about the stored bars: returns, volatility, highs and lows, drawdowns, indicators "
      "(RSI, MACD, moving averages, Bollinger bands), patterns such as breakouts and crossovers, comparisons "
      "between tickers or sectors, and periods similar to a given one.";
  if (daily.empty()) {
    text += "\n\nNothing is loaded yet: run `ohlcv-rag setup` or an ingest first.";
  } else {
    std::set<std::string> names, intervals;
    int64_t first = daily.front().first_ts, last = daily.front().last_ts;
    for (const auto& t : tickers) {
      names.insert(t.ticker);
      intervals.insert(std::string(IntervalName(t.interval)));
      first = std::min(first, t.first_ts);
      last = std::max(last, t.last_ts);
    }
    std::string list;
    size_t shown = 0;
    for (const auto& n : names) {
      if (shown == 8) {
        list += fmt::format(" and {} more", names.size() - shown);
        break;
      }
      list += (shown ? ", " : "") + n;
      ++shown;
    }
    std::string iv;
    for (const auto& i : intervals) iv += (iv.empty() ? "" : ", ") + i;
    text += fmt::format("\n\nLoaded: {} tickers ({}), {} to {}, interval {}.", names.size(), list, FormatDate(first),
                        FormatDate(last), iv);
    text += "\n\nFor example:";
    for (const auto& q : ExampleQuestions(tickers)) text += "\n  - " + q;
  }
  answer->text = std::move(text);
  answer->sources.clear();
  answer->computations.clear();
  answer->facts.clear();
  answer->confidence = 0;
  answer->no_data = false;
  answer->notes = {"out of scope: the question names no ticker, sector, date, pattern or market term"};
}

bool ConfidenceIsMeaningful(const Answer& answer) {
  return !answer.no_data && !answer.facts.empty() && !answer.notes.empty();
}

}  // namespace ohlcv
