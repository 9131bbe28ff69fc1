// Prediction questions answered with base rates: what followed past events
// of the same kind on the same ticker, never a forecast.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "answer/compose_internal.h"
#include "answer/result_keys.h"
#include "answer/figures.h"
#include "util/time.h"

namespace ohlcv::compose_internal {
namespace {

constexpr char kDisclaimer[] =
    "These are historical base rates, not a prediction: they describe what followed similar events in the "
    "stored data, the sample is small, and past behaviour does not determine future prices. Not investment advice.";

struct EventSet {
  std::string phrase;  // "RSI(14) fell below 30", "a golden cross"
  std::vector<size_t> bars;
};

std::string KindPhrase(PatternKind k, Interval interval) {
  switch (k) {
    case PatternKind::kRsiOversold: return "RSI(14) fell below 30";
    case PatternKind::kRsiOverbought: return "RSI(14) rose above 70";
    case PatternKind::kRsiOversoldExit: return "RSI(14) rose back above 30";
    case PatternKind::kRsiOverboughtExit: return "RSI(14) fell back below 70";
    default: {
      std::string s(PatternKindPhrase(k, interval));
      return "a " + s.substr(0, s.find(" ("));  // "a golden cross", without the definition
    }
  }
}

// Event bars inside r, decided causally: pattern events from the detectors,
// or the bars where an asked indicator condition started to hold (it holds
// at t and did not at t-1).
std::vector<EventSet> FindEvents(Ctx& c, const TickerData& data, BarRange r) {
  std::vector<EventSet> out;
  const SeriesAnalysis& an = data.analysis(c.cache.analysis_options());
  for (PatternKind kind : c.q.patterns) {
    EventSet set{KindPhrase(kind, data.bars().interval), {}};
    for (const PatternEvent& e : an.events)
      if (e.kind == kind && e.bar >= r.first && e.bar <= r.last) set.bars.push_back(e.bar);
    out.push_back(std::move(set));
  }
  if (!out.empty()) return out;
  for (const auto& cond : IndicatorConditions(c.q)) {
    EventSet set{fmt::format("{} {} {}", IndicatorLabel(cond.indicator), cond.above ? "rose above" : "fell below",
                             FormatValue(cond.threshold)),
                 {}};
    const auto col = an.indicators.column(cond.indicator);
    for (size_t t = std::max<size_t>(r.first, 1); t <= r.last; ++t) {
      const double v0 = col[t - 1], v1 = col[t];
      if (std::isnan(v0) || std::isnan(v1)) continue;
      const bool now = cond.above ? v1 > cond.threshold : v1 < cond.threshold;
      const bool before = cond.above ? v0 > cond.threshold : v0 < cond.threshold;
      if (now && !before) set.bars.push_back(t);
    }
    out.push_back(std::move(set));
  }
  return out;
}

nlohmann::json RateJson(const BaseRateFigure& f) {
  auto j = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  return {{"events", f.events}, {result_key::kMeasured.name, f.measured}, {"median_pct", j(f.median_pct)}, {"mean_pct", j(f.mean_pct)},
          {"min_pct", j(f.min_pct)}, {"max_pct", j(f.max_pct)}, {"positive_share", j(f.positive_share)}};
}

// Fewer measured events than this on one ticker: its sector's stocks are
// pooled as well, so the answer also rests on a sample worth the name.
constexpr size_t kMinMeasured = 10;
// Pooled all-days baselines beyond this many bars are skipped (the median of
// every day of every stock costs more than the question is worth).
constexpr size_t kMaxBaselineBars = 200000;

// "After <phrase> on <who> (<n> times, <first> to <last>), the h-day forward
// return had median ... and was positive ...% of the time (...)."
// `in_tickers` > 0: a pooled sample, "(n times in m of them, ...)".
std::string RateSentence(DraftBuilder& b, size_t k, const std::string& label, const std::string& phrase,
                         const std::string& who, const BaseRateFigure& f, size_t in_tickers = 0) {
  const std::string where = in_tickers > 0 ? fmt::format(" in {} of them", b.Count(k, label + " tickers with events", in_tickers)) : "";
  return fmt::format(
      "After {} on {} ({} times{}, {} to {}), the {}-day forward return had median {} and was positive {} of the "
      "time (mean {}, from {} to {}, {} measured).",
      phrase, who, b.Count(k, label + " events", f.events), where, b.Date(k, label + " first event", f.first_event_ts),
      b.Date(k, label + " last event", f.last_event_ts), f.horizon, b.Pct(k, label + " median forward return", f.median_pct),
      b.Share(k, label + " positive share", f.positive_share), b.Pct(k, label + " mean forward return", f.mean_pct),
      b.Pct(k, label + " min forward return", f.min_pct), b.Pct(k, label + " max forward return", f.max_pct),
      b.Count(k, label + " measured", f.measured));
}

// "For comparison, over every trading day of <who> from <period> ...".
void SayBaseline(DraftBuilder& b, size_t k, const std::string& label, const std::string& who,
                 const std::string& period, const BaseRateFigure& base) {
  b.Say(fmt::format("For comparison, over every trading day of {} from {} the {}-day forward return had median {} and "
                    "was positive {} of the time ({} measured).",
                    who, period, base.horizon, b.Pct(k, label + " median forward return", base.median_pct),
                    b.Share(k, label + " positive share", base.positive_share), b.Count(k, label + " measured", base.measured)));
}

// Base rates pooled over `tickers` inside [start, end]: one sentence per
// asked event kind, then the all-days baseline of the same stocks.
Status ComposePooled(Ctx& c, DraftBuilder& b, const std::vector<std::string>& tickers, const std::string& who,
                     int64_t start, int64_t end) {
  const size_t h = c.scope.horizon;
  std::vector<std::shared_ptr<const TickerData>> keep;  // owns the bars the pools borrow
  std::vector<std::vector<SeriesEvents>> pools;         // per event kind
  std::vector<std::string> phrases;
  std::vector<SeriesEvents> all_days;
  size_t day_count = 0;
  for (const auto& t : tickers) {
    OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, t));
    const BarSeries& bars = data->bars();
    auto r = FindBarRange(bars, start, end);
    if (!r) continue;
    std::vector<EventSet> sets = FindEvents(c, *data, *r);
    if (pools.empty()) {
      pools.resize(sets.size());
      for (const auto& set : sets) phrases.push_back(set.phrase);
    }
    for (size_t j = 0; j < sets.size() && j < pools.size(); ++j) {
      if (!sets[j].bars.empty()) pools[j].push_back({&bars, std::move(sets[j].bars)});
    }
    day_count += r->size();
    SeriesEvents every{&bars, {}};
    for (size_t i = r->first; i <= r->last; ++i) every.event_bars.push_back(i);
    all_days.push_back(std::move(every));
    keep.push_back(std::move(data));
  }
  const std::string period = PeriodText(start, end);
  const nlohmann::json base_in = {{"universe", who}, {"tickers", keep.size()}, {"start", FormatDate(start)},
                                  {"end", FormatDate(end)}, {"horizon_bars", h},
                                  {"forward_return", "close[t+h]/close[t]-1 within each ticker, only when bar t+h is stored"}};
  if (pools.empty()) {
    b.Say(fmt::format("No asked event could be looked for among {} from {}.", who, period));
    return Status::Ok();
  }
  for (size_t j = 0; j < pools.size(); ++j) {
    const BaseRateFigure f = ComputePooledBaseRate(pools[j], h);
    nlohmann::json in = base_in;
    in["event"] = phrases[j];
    nlohmann::json res = RateJson(f);
    res["tickers_with_events"] = pools[j].size();
    const size_t k = b.Computation("base_rate_pooled", in, res);
    const std::string label = fmt::format("{} after {} {}-day", who, phrases[j], h);
    if (f.measured == 0) {
      b.Say(fmt::format("Among {} from {}, {} happened {} times, none with {} later bars stored: no base rate.", who,
                        period, phrases[j], b.Count(k, label + " events", f.events), h));
      continue;
    }
    b.Say(RateSentence(b, k, label, phrases[j], who, f, pools[j].size()));
  }
  if (day_count > kMaxBaselineBars) return Status::Ok();
  const BaseRateFigure base = ComputePooledBaseRate(all_days, h);
  if (base.measured == 0) return Status::Ok();
  const size_t k = b.Computation("base_rate_pooled_all_days", base_in, RateJson(base));
  SayBaseline(b, k, fmt::format("{} all days {}-day", who, h), who, period, base);
  return Status::Ok();
}

}  // namespace

Status ComposePrediction(Ctx& c, DraftBuilder& b) {
  b.draft().disclaimer = kDisclaimer;
  const std::vector<std::string>& tickers = c.scope.tickers;
  if (c.q.patterns.empty() && IndicatorConditions(c.q).empty()) {
    b.Say("Base rates need an event to condition on: a pattern (\"after a golden cross\") or an indicator condition "
          "(\"after RSI fell below 30\").");
    if (!tickers.empty()) return ComposeTickerFigures(c, b, tickers.front());
    ComposeFromHits(c, b);
    return Status::Ok();
  }
  if (tickers.empty()) {
    // No ticker: pool the sector asked about, or every stored ticker.
    std::vector<std::string> pool = c.scope.sector_tickers;
    std::string who = JoinAnd(c.scope.sectors) + " stocks";
    if (pool.empty()) {
      for (const auto& t : c.universe.tickers) pool.push_back(t.ticker);
      who = "stored stocks";
    }
    who = fmt::format("the {} {}", pool.size(), who);
    return ComposePooled(c, b, pool, who, c.scope.start, c.scope.end);
  }
  const size_t h = c.scope.horizon;
  for (size_t i = 0; i < tickers.size() && i < 3; ++i) {
    const std::string& t = tickers[i];
    OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, t));
    const BarSeries& bars = data->bars();
    auto r = FindBarRange(bars, c.scope.start, c.scope.end);
    if (!r) continue;
    const std::string period = PeriodText(bars.ts[r->first], bars.ts[r->last]);
    const nlohmann::json base_in = {{"ticker", t}, {"start", FormatDate(bars.ts[r->first])},
                                    {"end", FormatDate(bars.ts[r->last])}, {"horizon_bars", h},
                                    {"forward_return", "close[t+h]/close[t]-1, only when bar t+h is stored"}};
    bool thin = false;
    for (const EventSet& set : FindEvents(c, *data, *r)) {
      const BaseRateFigure f = ComputeBaseRate(bars, set.bars, h);
      nlohmann::json in = base_in;
      in["event"] = set.phrase;
      nlohmann::json dates = nlohmann::json::array();
      for (size_t e : set.bars) dates.push_back(FormatDate(bars.ts[e]));
      nlohmann::json res = RateJson(f);
      res["event_dates"] = dates;
      const size_t k = b.Computation("base_rate", in, res);
      const std::string p = fmt::format("{} after {} {}-day", t, set.phrase, h);
      if (f.measured < kMinMeasured) thin = true;
      if (f.measured == 0) {
        b.Say(fmt::format("On {} {} {} times from {}; none has {} later bars stored, so there is no base rate.",
                          t, set.phrase, b.Count(k, p + " events", f.events), period, h));
        continue;
      }
      std::string s = RateSentence(b, k, p, set.phrase, t, f);
      if (f.measured < kMinMeasured) {
        s += " That is a very small sample.";
        b.draft().coverage *= 0.7;
      }
      b.Say(std::move(s));
    }
    const BaseRateFigure base = ComputeBaselineRate(bars, *r, h);
    if (base.measured > 0) {
      const size_t k = b.Computation("base_rate_all_days", base_in, RateJson(base));
      SayBaseline(b, k, fmt::format("{} all days {}-day", t, h), t, period, base);
    }
    // Too few events on this ticker alone: its sector's stocks, same period.
    const std::optional<std::string> sector = c.sectors.Lookup(t);
    if (thin && sector && i == 0) {
      std::vector<std::string> peers;
      for (const auto& p : c.sectors.TickersIn(*sector))
        if (c.universe.Find(p)) peers.push_back(p);
      if (peers.size() >= 2) {
        b.Say(fmt::format("{} alone has too few events for a reliable rate, so here are the {} stocks pooled:", t, *sector));
        OHLCV_RETURN_IF_ERROR(ComposePooled(c, b, peers, fmt::format("the {} {} stocks", peers.size(), *sector),
                                            bars.ts[r->first], bars.ts[r->last]));
      }
    }
  }
  return Status::Ok();
}

}  // namespace ohlcv::compose_internal
