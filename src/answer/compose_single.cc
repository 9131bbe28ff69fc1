// Per-ticker figures: returns, extremes, drawdown, volatility, indicator
// threshold episodes and the technical state.
#include <cmath>

#include <fmt/format.h>

#include "answer/compose_internal.h"
#include "answer/result_keys.h"
#include "answer/figures.h"
#include "util/time.h"

namespace ohlcv::compose_internal {
namespace {

nlohmann::json RangeInputs(const std::string& ticker, const BarSeries& bars, BarRange r) {
  return {{"ticker", ticker}, {"start", FormatDate(bars.ts[r.first])},
          {"end", FormatDate(bars.ts[r.last])}, {"bars", r.size()}, {"price", "close"}};
}

}  // namespace

// Indicator and direction of a parsed condition: "rsi14_max > 70" means RSI
// rose above 70 at some bar; "rsi14_min < 30" that it fell below 30.

std::vector<IndicatorCondition> IndicatorConditions(const ParsedQuestion& q) {
  std::vector<IndicatorCondition> out;
  for (const auto& c : q.conditions) {
    std::string f = c.field;
    if (f.size() > 4 && (f.ends_with("_max") || f.ends_with("_min"))) f.resize(f.size() - 4);
    auto id = ParseIndicator(f);
    if (!id) continue;
    const bool above = c.op == NumericCondition::Op::kGt || c.op == NumericCondition::Op::kGe;
    out.push_back({*id, above, c.value});
  }
  return out;
}

std::string IndicatorLabel(Indicator id) {
  switch (id) {
    case Indicator::kRsi14: return "RSI(14)";
    case Indicator::kAdx14: return "ADX(14)";
    case Indicator::kMacd: return "MACD";
    case Indicator::kCci20: return "CCI(20)";
    case Indicator::kMfi14: return "MFI(14)";
    case Indicator::kWillR14: return "Williams %R(14)";
    case Indicator::kStochK: return "Stochastic %K";
    case Indicator::kBbPercentB: return "Bollinger %B";
    default: return std::string(IndicatorName(id));
  }
}


Status ComposeTickerFigures(Ctx& c, DraftBuilder& b, const std::string& ticker) {
  OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, ticker));
  const BarSeries& bars = data->bars();
  auto r = FindBarRange(bars, c.scope.start, c.scope.end);
  if (!r) {
    b.Say(fmt::format("The store has no {} bars from {}.", ticker, PeriodText(c.scope.start, c.scope.end)));
    b.draft().coverage *= 0.5;
    return Status::Ok();
  }
  const nlohmann::json in = RangeInputs(ticker, bars, *r);
  const ReturnFigure ret = ComputeReturn(bars, *r);
  size_t k = b.Computation("return", in,
                           {{"first_close", ret.first_close}, {"last_close", ret.last_close},
                            {"return_pct", ret.return_pct}});
  const std::string p = ticker + " " + PeriodText(ret.first_ts, ret.last_ts);
  std::string s = fmt::format("{} from {} to {}: the close went from {} to {}, a return of {}.", ticker,
                              b.Date(k, p + " first date", ret.first_ts), b.Date(k, p + " last date", ret.last_ts),
                              b.Price(k, p + " first close", ret.first_close),
                              b.Price(k, p + " last close", ret.last_close), b.Pct(k, p + " return", ret.return_pct));
  const ExtremesFigure ex = ComputeExtremes(bars, *r);
  k = b.Computation("high_low", in,
                    {{"high", ex.high}, {"high_date", FormatDate(ex.high_ts)}, {"low", ex.low},
                     {"low_date", FormatDate(ex.low_ts)}});
  s += fmt::format(" The highest price was {} on {} and the lowest {} on {}.", b.Price(k, p + " high", ex.high),
                   b.Date(k, p + " high date", ex.high_ts), b.Price(k, p + " low", ex.low),
                   b.Date(k, p + " low date", ex.low_ts));
  const DrawdownFigure dd = ComputeMaxDrawdown(bars, *r);
  k = b.Computation("max_drawdown", in,
                    {{result_key::kMaxDrawdownPct.name, dd.max_drawdown_pct}, {"peak_close", dd.peak_close},
                     {"peak_date", FormatDate(dd.peak_ts)}, {"trough_close", dd.trough_close},
                     {"trough_date", FormatDate(dd.trough_ts)}});
  if (dd.max_drawdown_pct < 0) {
    s += fmt::format(" The maximum drawdown was {} (from {} on {} to {} on {}).",
                     b.Pct(k, p + " max drawdown", dd.max_drawdown_pct), b.Price(k, p + " drawdown peak", dd.peak_close),
                     b.Date(k, p + " drawdown peak date", dd.peak_ts),
                     b.Price(k, p + " drawdown trough", dd.trough_close),
                     b.Date(k, p + " drawdown trough date", dd.trough_ts));
  } else {
    s += " The close never fell below an earlier close of the period (no drawdown).";
  }
  const double vol = ComputeVolatility(bars, *r);
  if (std::isfinite(vol)) {
    k = b.Computation("volatility", in, {{result_key::kAnnualisedVolatilityPct.name, vol}, {"method", "stdev(log returns)*sqrt(252)"}});
    s += fmt::format(" Annualised volatility was {}%.", b.Value(k, p + " volatility", vol, "%"));
  }
  b.Say(std::move(s));
  return Status::Ok();
}

Status ComposeThresholds(Ctx& c, DraftBuilder& b, const std::string& ticker) {
  OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, ticker));
  const BarSeries& bars = data->bars();
  auto r = FindBarRange(bars, c.scope.start, c.scope.end);
  if (!r) return Status::Ok();
  const SeriesAnalysis& an = data->analysis(c.cache.analysis_options());
  for (const auto& cond : IndicatorConditions(c.q)) {
    const ThresholdFigure f = ComputeThreshold(bars, an.indicators, cond.indicator, cond.above, cond.threshold, *r);
    const std::string name = IndicatorLabel(cond.indicator);
    const std::string rel = cond.above ? "above" : "below";
    nlohmann::json in = RangeInputs(ticker, bars, *r);
    in["indicator"] = std::string(IndicatorName(cond.indicator));
    in["condition"] = fmt::format("{} {}", cond.above ? ">" : "<", FormatValue(cond.threshold));
    nlohmann::json entries = nlohmann::json::array();
    for (size_t e : f.entries) entries.push_back(FormatDate(bars.ts[e]));
    const size_t k = b.Computation("indicator_threshold", in,
                                   {{"bars_holding", f.bars_holding}, {"bars_known", f.bars_known},
                                    {"episodes", entries}, {"extreme", f.extreme},
                                    {"extreme_date", f.bars_known ? FormatDate(f.extreme_ts) : ""}});
    const std::string p = fmt::format("{} {} {} {}", ticker, name, rel, FormatValue(cond.threshold));
    std::string s = fmt::format("{} {} was {} {} on {} of {} trading days from {}", ticker, name, rel,
                                FormatValue(cond.threshold), b.Count(k, p + " days", f.bars_holding),
                                b.Count(k, p + " days known", f.bars_known), PeriodText(bars.ts[r->first], bars.ts[r->last]));
    if (f.entries.empty()) {
      s += ".";
    } else {
      s += fmt::format(", in {} episode{} (first beginning {}, last beginning {})",
                       b.Count(k, p + " episodes", f.entries.size()), f.entries.size() == 1 ? "" : "s",
                       b.Date(k, p + " first episode", bars.ts[f.entries.front()]),
                       b.Date(k, p + " last episode", bars.ts[f.entries.back()]));
      s += ".";
    }
    if (f.bars_known > 0) {
      s += fmt::format(" Its {} value in the period was {} on {}.", cond.above ? "highest" : "lowest",
                       b.Value(k, p + " extreme", f.extreme), b.Date(k, p + " extreme date", f.extreme_ts));
    }
    b.Say(std::move(s));
  }
  return Status::Ok();
}

Status ComposeTechnical(Ctx& c, DraftBuilder& b, const std::string& ticker) {
  OHLCV_ASSIGN_OR_RETURN(auto data, Load(c, ticker));
  const BarSeries& bars = data->bars();
  auto bar = BarOnOrBefore(bars, c.scope.end);
  if (!bar) return Status::Ok();
  const SeriesAnalysis& an = data->analysis(c.cache.analysis_options());
  const TechnicalState st = ReadTechnicalState(bars, an.indicators, *bar);
  auto j = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  const size_t k = b.Computation(
      "technical_state", {{"ticker", ticker}, {"date", FormatDate(st.ts)}, {"bar", st.bar}},
      {{"close", st.close}, {result_key::kRsi14.name, j(st.rsi14)}, {"macd", j(st.macd)}, {"macd_signal", j(st.macd_signal)},
       {"sma50", j(st.sma50)}, {"sma200", j(st.sma200)}, {result_key::kAdx14.name, j(st.adx14)}, {"plus_di14", j(st.plus_di14)},
       {"minus_di14", j(st.minus_di14)}, {"bb_pctb", j(st.bb_pctb)}, {"readings", st.readings}, {"bias", st.bias}});
  const std::string p = ticker + " " + FormatDate(st.ts);
  // Facts for every figure the readings print (same formats as the readings).
  b.Price(k, p + " close", st.close);
  if (std::isfinite(st.rsi14)) b.Value(k, p + " RSI(14)", st.rsi14);
  if (std::isfinite(st.macd)) b.Value(k, p + " MACD", st.macd);
  if (std::isfinite(st.macd_signal)) b.Value(k, p + " MACD signal", st.macd_signal);
  if (std::isfinite(st.sma50)) b.Price(k, p + " SMA50", st.sma50);
  if (std::isfinite(st.sma200)) b.Price(k, p + " SMA200", st.sma200);
  if (std::isfinite(st.adx14)) b.Value(k, p + " ADX(14)", st.adx14);
  if (std::isfinite(st.bb_pctb)) b.Value(k, p + " Bollinger %B", st.bb_pctb);
  const std::string date = b.Date(k, p + " date", st.ts);
  std::string s = fmt::format("Technical state of {} on {} (close {}): ", ticker, date, FormatPrice(st.close));
  if (st.readings.empty()) {
    s += "the indicators are still warming up (not enough earlier bars).";
  } else {
    for (size_t i = 0; i < st.readings.size(); ++i) s += (i ? "; " : "") + st.readings[i];
    const char* lean = st.bias >= 2 ? "lean bullish" : st.bias <= -2 ? "lean bearish" : "are mixed";
    s += fmt::format(". Taken together the rules {}.", lean);
  }
  if (c.scope.period_asked && c.scope.asked_end && *c.scope.asked_end > st.ts + 7 * 86400)
    b.Note("technical state read at the last stored bar " + date);
  b.Say(std::move(s));
  return Status::Ok();
}

}  // namespace ohlcv::compose_internal
