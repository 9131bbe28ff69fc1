// Hand-built series for the detector kernel tests.
//
// A Series owns every column a kernel may read: bars default to a flat 100
// (open = close = 100, high 100.5, low 99.5, volume 1000) one day apart, and
// every indicator column defaults to NaN (unknown), so a test sets only what
// its kernel reads. Mirror() reflects prices around 100 (p -> 200 - p), which
// turns every bullish pattern into its bearish twin; tests use it to check
// both sides with one construction.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bar_series.h"
#include "core/pattern.h"
#include "patterns/detector_kernels.h"

namespace ohlcv::testing {

struct Series {
  explicit Series(size_t n)
      : ts(n), open(n, 100), high(n, 100.5), low(n, 99.5), close(n, 100), volume(n, 1000),
        sma20(n, kNaN), sma50(n, kNaN), sma200(n, kNaN), rsi14(n, kNaN), macd(n, kNaN),
        macd_signal(n, kNaN), bb_upper(n, kNaN), bb_lower(n, kNaN), bb_bandwidth(n, kNaN),
        adx14(n, kNaN) {
    for (size_t i = 0; i < n; ++i) ts[i] = 1'420'070'400 + static_cast<int64_t>(i) * 86'400;
  }

  size_t size() const { return ts.size(); }

  // Sets one candle.
  void Candle(size_t t, double o, double h, double l, double c) {
    open[t] = o;
    high[t] = h;
    low[t] = l;
    close[t] = c;
  }
  // A bar at price p with a +-half_range range and open == close.
  void Flat(size_t t, double p, double half_range = 0.5) { Candle(t, p, p + half_range, p - half_range, p); }

  PatternInputs inputs() const {
    PatternInputs in;
    in.ts = ts;
    in.open = open;
    in.high = high;
    in.low = low;
    in.close = close;
    in.volume = volume;
    in.sma20 = sma20;
    in.sma50 = sma50;
    in.sma200 = sma200;
    in.rsi14 = rsi14;
    in.macd = macd;
    in.macd_signal = macd_signal;
    in.bb_upper = bb_upper;
    in.bb_lower = bb_lower;
    in.bb_bandwidth = bb_bandwidth;
    in.adx14 = adx14;
    return in;
  }

  // Prices reflected around 100; high and low swap roles. Indicators that
  // are prices (SMAs, bands, MACD) reflect too; RSI maps to 100 - RSI.
  Series Mirror() const {
    Series m = *this;
    for (size_t i = 0; i < size(); ++i) {
      m.open[i] = 200 - open[i];
      m.close[i] = 200 - close[i];
      m.high[i] = 200 - low[i];
      m.low[i] = 200 - high[i];
      m.sma20[i] = 200 - sma20[i];
      m.sma50[i] = 200 - sma50[i];
      m.sma200[i] = 200 - sma200[i];
      m.rsi14[i] = 100 - rsi14[i];
      m.macd[i] = -macd[i];
      m.macd_signal[i] = -macd_signal[i];
      m.bb_upper[i] = 200 - bb_lower[i];
      m.bb_lower[i] = 200 - bb_upper[i];
    }
    return m;
  }

  std::vector<int64_t> ts;
  std::vector<double> open, high, low, close, volume;
  std::vector<double> sma20, sma50, sma200, rsi14, macd, macd_signal;
  std::vector<double> bb_upper, bb_lower, bb_bandwidth, adx14;
};

// Runs one kernel over the series.
inline std::vector<PatternEvent> RunKernel(DetectorFn fn, const Series& s, const PatternOptions& opt = {}) {
  std::vector<PatternEvent> out;
  const PatternInputs in = s.inputs();
  EventSink sink(in.ts, &out);
  fn(in, opt, &sink);
  return out;
}

// Bars of the events of one kind, in emission order.
inline std::vector<uint32_t> BarsOf(const std::vector<PatternEvent>& events, PatternKind kind) {
  std::vector<uint32_t> bars;
  for (const PatternEvent& e : events) {
    if (e.kind == kind) bars.push_back(e.bar);
  }
  return bars;
}

// The first event of a kind; REQUIRES: one exists (tests check BarsOf first).
inline PatternEvent FirstOf(const std::vector<PatternEvent>& events, PatternKind kind) {
  for (const PatternEvent& e : events) {
    if (e.kind == kind) return e;
  }
  return PatternEvent{};
}

}  // namespace ohlcv::testing
