// Pattern occurrences (per ticker, or counted across a sector or the store)
// and answers built from the retrieved windows alone.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "answer/compose_internal.h"
#include "answer/figures.h"
#include "util/time.h"

namespace ohlcv::compose_internal {
namespace {

// "golden cross (SMA50 above SMA200)" -> "golden cross": the short name reads
// better in counts; the computation keeps the kind's stable name.
std::string ShortPhrase(PatternKind k, Interval interval = Interval::k1d) {
  std::string s(PatternKindPhrase(k, interval));
  const size_t paren = s.find(" (");
  return paren == std::string::npos ? s : s.substr(0, paren);
}

struct Occurrence {
  std::string what;  // "golden cross", "RSI(14) above 70"
  size_t bar = 0;
  int64_t ts = 0;
  double value = kNaN;
};

// Events of the asked kinds (or, without kinds, entries into the asked
// indicator conditions) inside the period, oldest first.
std::vector<Occurrence> Occurrences(Ctx& c, const TickerData& data) {
  std::vector<Occurrence> out;
  const BarSeries& bars = data.bars();
  auto r = FindBarRange(bars, c.scope.start, c.scope.end);
  if (!r) return out;
  const SeriesAnalysis& an = data.analysis(c.cache.analysis_options());
  if (!c.q.patterns.empty()) {
    // Events are sorted by bar: only the period's slice is visited.
    auto first = std::lower_bound(an.events.begin(), an.events.end(), r->first,
                                  [](const PatternEvent& e, size_t bar) { return e.bar < bar; });
    for (auto it = first; it != an.events.end() && it->bar <= r->last; ++it) {
      const PatternEvent& e = *it;
      if (std::find(c.q.patterns.begin(), c.q.patterns.end(), e.kind) == c.q.patterns.end()) continue;
      out.push_back({ShortPhrase(e.kind, bars.interval), e.bar, e.ts, e.value});
    }
    return out;
  }
  for (const auto& cond : IndicatorConditions(c.q)) {
    const ThresholdFigure f = ComputeThreshold(bars, an.indicators, cond.indicator, cond.above, cond.threshold, *r);
    const std::string what = fmt::format("{} {} {}", IndicatorLabel(cond.indicator), cond.above ? "above" : "below",
                                         FormatValue(cond.threshold));
    for (size_t e : f.entries) out.push_back({what, e, bars.ts[e], an.indicators.at(cond.indicator, e)});
  }
  std::sort(out.begin(), out.end(), [](const Occurrence& a, const Occurrence& b) { return a.bar < b.bar; });
  return out;
}

std::string AskedWhat(Ctx& c) {
  std::vector<std::string> names;
  for (PatternKind k : c.q.patterns) names.push_back(ShortPhrase(k));
  if (names.empty())
    for (const auto& cond : IndicatorConditions(c.q))
      names.push_back(fmt::format("{} {} {}", IndicatorLabel(cond.indicator), cond.above ? "above" : "below",
                                  FormatValue(cond.threshold)));
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? " or " : "") + names[i];
  return out;
}

}  // namespace

Status ComposePatterns(Ctx& c, DraftBuilder& b) {
  const std::string period = PeriodText(c.scope.start, c.scope.end);
  const std::string what = AskedWhat(c);
  if (!c.scope.tickers.empty()) {
    for (size_t i = 0; i < c.scope.tickers.size() && i < c.options.max_tickers; ++i) {
      const std::string& t = c.scope.tickers[i];
      OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, t));
      const std::vector<Occurrence> occ = Occurrences(c, *data);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& o : occ)
        list.push_back({{"what", o.what}, {"date", FormatDate(o.ts)}, {"value", std::isfinite(o.value) ? nlohmann::json(o.value) : nlohmann::json()}});
      const size_t k = b.Computation("pattern_occurrences",
                                     {{"ticker", t}, {"what", what}, {"start", FormatDate(c.scope.start)},
                                      {"end", FormatDate(c.scope.end)}, {"detector", "SeriesAnalysis events (causal)"}},
                                     {{"count", occ.size()}, {"events", list}});
      const std::string p = t + " " + what + " " + period;
      if (occ.empty()) {
        b.Say(fmt::format("{} had no {} event from {} ({} events).", t, what, period, b.Count(k, p + " count", 0)));
        continue;
      }
      std::vector<std::string> dates;
      // The most recent ones matter most; list them in date order.
      const size_t from = occ.size() > c.options.max_listed_events ? occ.size() - c.options.max_listed_events : 0;
      for (size_t j = from; j < occ.size(); ++j) {
        std::string d = b.Date(k, p + " event", occ[j].ts);
        if (c.q.patterns.size() > 1 || c.q.patterns.empty()) d += " (" + occ[j].what + ")";
        dates.push_back(std::move(d));
      }
      b.Say(fmt::format("{} had {} {} event{} from {}, {} {}.", t, b.Count(k, p + " count", occ.size()), what,
                        occ.size() == 1 ? "" : "s", period, from > 0 ? "the latest on" : "on", JoinAnd(dates)));
    }
    return Status::Ok();
  }
  // Across a sector or the whole store.
  std::vector<std::string> targets = c.scope.sector_tickers;
  const std::string label = c.scope.sectors.empty() ? "stored tickers" : JoinAnd(c.scope.sectors) + " stocks";
  if (targets.empty())
    for (const auto& t : c.universe.tickers) targets.push_back(t.ticker);
  struct PerTicker {
    std::string ticker;
    size_t count;
    int64_t last_ts;
  };
  std::vector<PerTicker> hits;
  size_t total = 0;
  for (const auto& t : targets) {
    OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, t));
    const auto occ = Occurrences(c, *data);
    if (occ.empty()) continue;
    hits.push_back({t, occ.size(), occ.back().ts});
    total += occ.size();
  }
  std::sort(hits.begin(), hits.end(), [](const PerTicker& a, const PerTicker& b) {
    return a.last_ts != b.last_ts ? a.last_ts > b.last_ts : a.ticker < b.ticker;
  });
  nlohmann::json per = nlohmann::json::array();
  for (const auto& h : hits) per.push_back({{"ticker", h.ticker}, {"count", h.count}, {"last_date", FormatDate(h.last_ts)}});
  const size_t k = b.Computation("pattern_occurrences_across",
                                 {{"universe", label}, {"tickers", targets.size()}, {"what", what},
                                  {"start", FormatDate(c.scope.start)}, {"end", FormatDate(c.scope.end)}},
                                 {{"events", total}, {"tickers_with_events", hits.size()}, {"per_ticker", per}});
  const std::string p = label + " " + what + " " + period;
  if (hits.empty()) {
    b.Say(fmt::format("None of the {} {} had a {} event from {}.", b.Count(k, p + " tickers", targets.size()), label,
                      what, period));
    return Status::Ok();
  }
  std::vector<std::string> latest;
  for (size_t i = 0; i < hits.size() && i < c.options.max_ranked; ++i)
    latest.push_back(fmt::format("{} on {}", hits[i].ticker, b.Date(k, hits[i].ticker + " " + what + " latest", hits[i].last_ts)));
  b.Say(fmt::format("From {}, {} of the {} {} had a {} event ({} events in all). The most recent: {}.", period,
                    b.Count(k, p + " tickers with events", hits.size()), b.Count(k, p + " tickers", targets.size()),
                    label, what, b.Count(k, p + " events", total), JoinAnd(latest)));
  return Status::Ok();
}

void ComposeFromHits(Ctx& c, DraftBuilder& b) {
  size_t n = 0;
  for (const auto& h : c.retrieval.hits) {
    if (n++ >= c.request.n_results) break;
    const Window& w = h.window;
    const size_t k = b.Computation(
        "window_figures", {{"window_id", w.id}, {"ticker", w.ticker}, {"start", FormatDate(w.start_ts)},
                           {"end", FormatDate(w.end_ts)}},
        {{"return_pct", w.return_pct}, {"high", w.high}, {"high_date", FormatDate(w.high_ts)}, {"low", w.low},
         {"low_date", FormatDate(w.low_ts)}, {"max_drawdown_pct", w.max_drawdown_pct},
         {"trend", std::string(TrendStateName(w.trend))}});
    const std::string p = w.ticker + " " + PeriodText(w.start_ts, w.end_ts);
    std::string s = fmt::format("{} from {} to {} ({}): return {}, high {} on {}, low {} on {}, max drawdown {}",
                                w.ticker, FormatDate(w.start_ts), FormatDate(w.end_ts), TrendStateName(w.trend),
                                b.Pct(k, p + " return", w.return_pct), b.Price(k, p + " high", w.high),
                                b.Date(k, p + " high date", w.high_ts), b.Price(k, p + " low", w.low),
                                b.Date(k, p + " low date", w.low_ts), b.Pct(k, p + " max drawdown", w.max_drawdown_pct));
    std::vector<std::string> pats;
    for (const auto& e : w.patterns) {
      if (pats.size() >= 3) break;
      if (!c.q.patterns.empty() && std::find(c.q.patterns.begin(), c.q.patterns.end(), e.kind) == c.q.patterns.end())
        continue;
      pats.push_back(fmt::format("{} on {}", ShortPhrase(e.kind, w.interval), b.Date(k, p + " pattern", e.ts)));
    }
    if (!pats.empty()) s += "; " + JoinAnd(pats);
    b.Say(s + ".");
  }
  if (n == 0) b.Note("no stored window matched the question");
}

}  // namespace ohlcv::compose_internal
