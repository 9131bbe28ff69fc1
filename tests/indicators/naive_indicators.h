// Straightforward O(n * window) twins of every indicator, written from the
// definitions in src/indicators/*.h and ../shared/indicator-refs/README.md,
// as the oracle for IndicatorSet on series that cross block boundaries.
// Slow on purpose; tests only.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/bar_series.h"
#include "core/interval.h"
#include "indicators/indicator_set.h"

namespace ohlcv::testing {

using Column = std::vector<double>;

struct NaiveIndicators {
  std::vector<Column> cols = std::vector<Column>(kIndicatorCount);
  Column& operator[](Indicator id) { return cols[static_cast<size_t>(id)]; }
};

inline double Mean(const Column& x, size_t from, size_t to) {  // [from, to]
  double s = 0;
  for (size_t i = from; i <= to; ++i) s += x[i];
  return s / static_cast<double>(to - from + 1);
}

// TA-Lib EMA: seeded with the mean of x[start .. start+n-1], first value at
// start + n - 1.
inline Column NaiveEma(const Column& x, size_t n, size_t start = 0) {
  Column out(x.size(), kNaN);
  if (x.size() < start + n) return out;
  const double k = 2.0 / (n + 1);
  double e = Mean(x, start, start + n - 1);
  out[start + n - 1] = e;
  for (size_t t = start + n; t < x.size(); ++t) {
    e = (x[t] - e) * k + e;
    out[t] = e;
  }
  return out;
}

inline NaiveIndicators ComputeNaive(const BarSeries& b) {
  const size_t n = b.size();
  const Column &h = b.high, &l = b.low, &c = b.close, &v = b.volume;
  NaiveIndicators r;
  for (auto& col : r.cols) col.assign(n, kNaN);
  Column tp(n);
  for (size_t t = 0; t < n; ++t) tp[t] = (h[t] + l[t] + c[t]) / 3;

  for (auto [id, p] : {std::pair{Indicator::kSma20, 20}, {Indicator::kSma50, 50}, {Indicator::kSma200, 200}}) {
    for (size_t t = p - 1; t < n; ++t) r[id][t] = Mean(c, t + 1 - p, t);
  }
  r[Indicator::kEma12] = NaiveEma(c, 12);
  r[Indicator::kEma26] = NaiveEma(c, 26);
  // MACD: fast EMA seeded from bars 14..25, slow = EMA26, signal seeded from
  // MACD rows 25..33.
  if (n > 33) {
    const Column fast = NaiveEma(c, 12, 14);
    Column line(n, kNaN);
    for (size_t t = 25; t < n; ++t) line[t] = fast[t] - r[Indicator::kEma26][t];
    const Column signal = NaiveEma(line, 9, 25);
    for (size_t t = 33; t < n; ++t) {
      r[Indicator::kMacd][t] = line[t];
      r[Indicator::kMacdSignal][t] = signal[t];
      r[Indicator::kMacdHist][t] = line[t] - signal[t];
    }
  }
  // Bollinger (20, 2), population deviation (two-pass).
  for (size_t t = 19; t < n; ++t) {
    const double m = Mean(c, t - 19, t);
    double ss = 0;
    for (size_t i = t - 19; i <= t; ++i) ss += (c[i] - m) * (c[i] - m);
    const double sd = std::sqrt(ss / 20);
    const double up = m + 2 * sd, lo = m - 2 * sd;
    r[Indicator::kBbMiddle][t] = m;
    r[Indicator::kBbUpper][t] = up;
    r[Indicator::kBbLower][t] = lo;
    r[Indicator::kBbPercentB][t] = up > lo ? (c[t] - lo) / (up - lo) : 0.5;
    r[Indicator::kBbBandwidth][t] = (up - lo) / m;
  }
  // RSI 14 (Wilder, seeded with the mean of the first 14 changes).
  if (n > 14) {
    double g = 0, d = 0;
    for (size_t t = 1; t <= 14; ++t) {
      const double ch = c[t] - c[t - 1];
      (ch > 0 ? g : d) += std::fabs(ch);
    }
    g /= 14;
    d /= 14;
    r[Indicator::kRsi14][14] = g + d == 0 ? 0 : 100 * g / (g + d);
    for (size_t t = 15; t < n; ++t) {
      const double ch = c[t] - c[t - 1];
      g = (g * 13 + std::max(ch, 0.0)) / 14;
      d = (d * 13 + std::max(-ch, 0.0)) / 14;
      r[Indicator::kRsi14][t] = g + d == 0 ? 0 : 100 * g / (g + d);
    }
  }
  // ATR, +DI/-DI, ADX (Wilder).
  Column tr(n, 0), pdm(n, 0), mdm(n, 0);
  for (size_t t = 1; t < n; ++t) {
    tr[t] = std::max({h[t] - l[t], std::fabs(h[t] - c[t - 1]), std::fabs(l[t] - c[t - 1])});
    const double up = h[t] - h[t - 1], down = l[t - 1] - l[t];
    pdm[t] = (up > 0 && up > down) ? up : 0;
    mdm[t] = (down > 0 && down > up) ? down : 0;
  }
  if (n > 14) {
    double atr = Mean(tr, 1, 14);
    r[Indicator::kAtr14][14] = atr;
    for (size_t t = 15; t < n; ++t) r[Indicator::kAtr14][t] = atr = (atr * 13 + tr[t]) / 14;
    double sp = 0, sm = 0, st = 0, adx = 0;
    for (size_t t = 1; t <= 13; ++t) sp += pdm[t], sm += mdm[t], st += tr[t];
    for (size_t t = 14; t < n; ++t) {
      sp = sp - sp / 14 + pdm[t];
      sm = sm - sm / 14 + mdm[t];
      st = st - st / 14 + tr[t];
      const double pdi = 100 * sp / st, mdi = 100 * sm / st;
      r[Indicator::kPlusDi14][t] = pdi;
      r[Indicator::kMinusDi14][t] = mdi;
      const double dx = 100 * std::fabs(pdi - mdi) / (pdi + mdi);
      if (t < 27) {
        adx += dx;
      } else if (t == 27) {
        adx = (adx + dx) / 14;
      } else {
        adx = (adx * 13 + dx) / 14;
      }
      if (t >= 27) r[Indicator::kAdx14][t] = adx;
    }
  }
  // Stochastic (14, 3, 3) and Williams %R 14.
  Column fast_k(n, kNaN), slow_k(n, kNaN);
  for (size_t t = 13; t < n; ++t) {
    const double hh = *std::max_element(h.begin() + (t - 13), h.begin() + t + 1);
    const double ll = *std::min_element(l.begin() + (t - 13), l.begin() + t + 1);
    fast_k[t] = hh > ll ? 100 * (c[t] - ll) / (hh - ll) : 0;
    r[Indicator::kWillR14][t] = hh > ll ? -100 * (hh - c[t]) / (hh - ll) : 0;
  }
  for (size_t t = 15; t < n; ++t) slow_k[t] = Mean(fast_k, t - 2, t);
  for (size_t t = 17; t < n; ++t) {
    r[Indicator::kStochK][t] = slow_k[t];
    r[Indicator::kStochD][t] = Mean(slow_k, t - 2, t);
  }
  // CCI 20.
  for (size_t t = 19; t < n; ++t) {
    const double m = Mean(tp, t - 19, t);
    double md = 0;
    for (size_t i = t - 19; i <= t; ++i) md += std::fabs(tp[i] - m);
    md /= 20;
    r[Indicator::kCci20][t] = md > 0 ? (tp[t] - m) / (0.015 * md) : 0;
  }
  // OBV, MFI 14.
  if (n > 0) r[Indicator::kObv][0] = v[0];
  for (size_t t = 1; t < n; ++t) {
    const double prev = r[Indicator::kObv][t - 1];
    r[Indicator::kObv][t] = c[t] > c[t - 1] ? prev + v[t] : c[t] < c[t - 1] ? prev - v[t] : prev;
  }
  for (size_t t = 14; t < n; ++t) {
    double pos = 0, neg = 0;
    for (size_t i = t - 13; i <= t; ++i) {
      if (tp[i] > tp[i - 1]) pos += tp[i] * v[i];
      if (tp[i] < tp[i - 1]) neg += tp[i] * v[i];
    }
    r[Indicator::kMfi14][t] = pos + neg < 1 ? 0 : 100 * pos / (pos + neg);
  }
  // ROC, returns, VWAP, volatility, drawdown.
  for (size_t t = 10; t < n; ++t) r[Indicator::kRoc10][t] = (c[t] / c[t - 10] - 1) * 100;
  for (auto [id, k] : {std::pair{Indicator::kReturn1, 1}, {Indicator::kReturn5, 5}, {Indicator::kReturn20, 20}}) {
    for (size_t t = k; t < n; ++t) r[id][t] = c[t] / c[t - k] - 1;
  }
  double pv_cum = 0, v_cum = 0, tp_cum = 0, peak = 0;
  for (size_t t = 0; t < n; ++t) {
    pv_cum += tp[t] * v[t];
    v_cum += v[t];
    tp_cum += tp[t];
    r[Indicator::kVwapCum][t] = v_cum > 0 ? pv_cum / v_cum : tp_cum / (t + 1);
    if (t >= 19) {
      double pv = 0, vv = 0;
      for (size_t i = t - 19; i <= t; ++i) pv += tp[i] * v[i], vv += v[i];
      r[Indicator::kVwap20][t] = vv > 0 ? pv / vv : Mean(tp, t - 19, t);
    }
    peak = t == 0 ? c[0] : std::max(peak, c[t]);
    r[Indicator::kDrawdown][t] = c[t] / peak - 1;
  }
  const double annual = std::sqrt(BarsPerYear(b.interval));
  for (size_t t = 20; t < n; ++t) {
    Column lr;
    for (size_t i = t - 19; i <= t; ++i) lr.push_back(std::log(c[i] / c[i - 1]));
    const double m = Mean(lr, 0, 19);
    double ss = 0;
    for (double x : lr) ss += (x - m) * (x - m);
    r[Indicator::kVolatility20][t] = std::sqrt(ss / 19) * annual;
  }
  return r;
}

}  // namespace ohlcv::testing
