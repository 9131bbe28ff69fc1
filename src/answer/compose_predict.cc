// Prediction questions answered with base rates: what followed past events
// of the same kind on the same ticker, never a forecast.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "answer/compose_internal.h"
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

std::string KindPhrase(PatternKind k) {
  switch (k) {
    case PatternKind::kRsiOversold: return "RSI(14) fell below 30";
    case PatternKind::kRsiOverbought: return "RSI(14) rose above 70";
    case PatternKind::kRsiOversoldExit: return "RSI(14) rose back above 30";
    case PatternKind::kRsiOverboughtExit: return "RSI(14) fell back below 70";
    default: {
      std::string s(PatternKindPhrase(k));
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
    EventSet set{KindPhrase(kind), {}};
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
  return {{"events", f.events}, {"measured", f.measured}, {"median_pct", j(f.median_pct)}, {"mean_pct", j(f.mean_pct)},
          {"min_pct", j(f.min_pct)}, {"max_pct", j(f.max_pct)}, {"positive_share", j(f.positive_share)}};
}

}  // namespace

Status ComposePrediction(Ctx& c, DraftBuilder& b) {
  b.draft().disclaimer = kDisclaimer;
  std::vector<std::string> tickers = c.scope.tickers;
  if (tickers.empty()) {
    b.Say("Base rates are computed per ticker: name one (for example \"after RSI fell below 30 on AAPL, what "
          "happened over the next 10 days?\").");
    ComposeFromHits(c, b);
    return Status::Ok();
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
      if (f.measured == 0) {
        b.Say(fmt::format("On {} {} {} times from {}; none has {} later bars stored, so there is no base rate.",
                          t, set.phrase, b.Count(k, p + " events", f.events), period, h));
        continue;
      }
      std::string s = fmt::format(
          "After {} on {} ({} times, {} to {}), the {}-day forward return had median {} and was positive {} of the "
          "time (mean {}, from {} to {}, {} measured).",
          set.phrase, t, b.Count(k, p + " events", f.events), b.Date(k, p + " first event", f.first_event_ts),
          b.Date(k, p + " last event", f.last_event_ts), h, b.Pct(k, p + " median forward return", f.median_pct),
          b.Share(k, p + " positive share", f.positive_share), b.Pct(k, p + " mean forward return", f.mean_pct),
          b.Pct(k, p + " min forward return", f.min_pct), b.Pct(k, p + " max forward return", f.max_pct),
          b.Count(k, p + " measured", f.measured));
      if (f.measured < 10) {
        s += " That is a very small sample.";
        b.draft().coverage *= 0.7;
      }
      b.Say(std::move(s));
    }
    const BaseRateFigure base = ComputeBaselineRate(bars, *r, h);
    if (base.measured == 0) continue;
    const size_t k = b.Computation("base_rate_all_days", base_in, RateJson(base));
    const std::string p = fmt::format("{} all days {}-day", t, h);
    b.Say(fmt::format("For comparison, over every trading day of {} from {} the {}-day forward return had median {} "
                      "and was positive {} of the time ({} measured).",
                      t, period, h, b.Pct(k, p + " median forward return", base.median_pct),
                      b.Share(k, p + " positive share", base.positive_share), b.Count(k, p + " measured", base.measured)));
  }
  return Status::Ok();
}

}  // namespace ohlcv::compose_internal
