#include <cmath>

#include <fmt/format.h>

#include "answer/figures.h"

namespace ohlcv {

ThresholdFigure ComputeThreshold(const BarSeries& bars, const IndicatorSet& ind, Indicator indicator,
                                 bool above, double threshold, BarRange r) {
  ThresholdFigure f;
  f.indicator = indicator;
  f.above = above;
  f.threshold = threshold;
  const std::span<const double> col = ind.column(indicator);
  bool prev = false;
  for (size_t i = r.first; i <= r.last && i < col.size(); ++i) {
    const double v = col[i];
    if (std::isnan(v)) {
      prev = false;
      continue;
    }
    ++f.bars_known;
    if (std::isnan(f.extreme) || (above ? v > f.extreme : v < f.extreme)) {
      f.extreme = v;
      f.extreme_ts = bars.ts[i];
    }
    const bool holds = above ? v > threshold : v < threshold;
    if (holds) {
      ++f.bars_holding;
      // A run already under way at the first bar of r counts as an episode
      // of the range; so does one that begins inside it.
      if (!prev) f.entries.push_back(i);
    }
    prev = holds;
  }
  return f;
}

TechnicalState ReadTechnicalState(const BarSeries& bars, const IndicatorSet& ind, size_t bar) {
  TechnicalState s;
  s.bar = bar;
  s.ts = bars.ts[bar];
  s.close = bars.close[bar];
  s.rsi14 = ind.at(Indicator::kRsi14, bar);
  s.macd = ind.at(Indicator::kMacd, bar);
  s.macd_signal = ind.at(Indicator::kMacdSignal, bar);
  s.macd_hist = ind.at(Indicator::kMacdHist, bar);
  s.sma50 = ind.at(Indicator::kSma50, bar);
  s.sma200 = ind.at(Indicator::kSma200, bar);
  s.adx14 = ind.at(Indicator::kAdx14, bar);
  s.plus_di14 = ind.at(Indicator::kPlusDi14, bar);
  s.minus_di14 = ind.at(Indicator::kMinusDi14, bar);
  s.bb_pctb = ind.at(Indicator::kBbPercentB, bar);

  auto add = [&](std::string text, int bias) {
    s.readings.push_back(std::move(text));
    s.bias += bias;
  };
  if (!std::isnan(s.rsi14)) {
    if (s.rsi14 > 70) add(fmt::format("RSI(14) {:.2f}: overbought (above 70)", s.rsi14), -1);
    else if (s.rsi14 < 30) add(fmt::format("RSI(14) {:.2f}: oversold (below 30)", s.rsi14), +1);
    else add(fmt::format("RSI(14) {:.2f}: neutral (between 30 and 70)", s.rsi14), 0);
  }
  if (!std::isnan(s.macd) && !std::isnan(s.macd_signal)) {
    const bool up = s.macd > s.macd_signal;
    add(fmt::format("MACD {:.2f} {} its signal {:.2f}: {} momentum", s.macd, up ? "above" : "below",
                    s.macd_signal, up ? "bullish" : "bearish"),
        up ? 1 : -1);
  }
  if (!std::isnan(s.sma50)) {
    const bool up = s.close > s.sma50;
    add(fmt::format("close ${:.2f} {} SMA50 ${:.2f}", s.close, up ? "above" : "below", s.sma50),
        up ? 1 : -1);
  }
  if (!std::isnan(s.sma200)) {
    const bool up = s.close > s.sma200;
    add(fmt::format("close ${:.2f} {} SMA200 ${:.2f}: {} long-term trend", s.close,
                    up ? "above" : "below", s.sma200, up ? "bullish" : "bearish"),
        up ? 1 : -1);
  }
  if (!std::isnan(s.sma50) && !std::isnan(s.sma200)) {
    add(fmt::format("SMA50 {} SMA200", s.sma50 > s.sma200 ? "above" : "below"), 0);
  }
  if (!std::isnan(s.adx14)) {
    const char* strength = s.adx14 >= 40 ? "very strong trend" : s.adx14 >= 25 ? "strong trend"
                           : s.adx14 >= 20 ? "weak trend" : "no clear trend";
    std::string dir;
    if (s.adx14 >= 20 && !std::isnan(s.plus_di14) && !std::isnan(s.minus_di14))
      dir = s.plus_di14 > s.minus_di14 ? ", buyers (+DI) leading" : ", sellers (-DI) leading";
    add(fmt::format("ADX(14) {:.2f}: {}{}", s.adx14, strength, dir), 0);
  }
  if (!std::isnan(s.bb_pctb)) {
    const char* where = s.bb_pctb > 1 ? "above the upper Bollinger band"
                        : s.bb_pctb < 0 ? "below the lower Bollinger band"
                        : s.bb_pctb > 0.8 ? "near the upper Bollinger band"
                        : s.bb_pctb < 0.2 ? "near the lower Bollinger band"
                                          : "inside the Bollinger bands";
    add(fmt::format("Bollinger %B {:.2f}: {}", s.bb_pctb, where), 0);
  }
  return s;
}

}  // namespace ohlcv
