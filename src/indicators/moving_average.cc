// Must come first: see vectorize.h.
#include "indicators/vectorize.h"  // NOLINT(build/include_order)

#include "indicators/moving_average.h"

#include <algorithm>
#include <cmath>


namespace ohlcv::indicators_internal {
namespace {

constexpr double PeriodToK(int n) { return 2.0 / static_cast<double>(n + 1); }
constexpr double kK12 = PeriodToK(12), kK26 = PeriodToK(26), kK9 = PeriodToK(9);
constexpr size_t kFirstMacdRow = 33;

// The steady-state EMA/MACD chains, TA-Lib's exact step (MACD and its
// histogram cancel, so the operations and their order matter).
struct EmaChains {
  double e12, e26, fast, signal;

  [[gnu::always_inline]] inline void Step(double x, size_t t, const BlockColumn& ema12,
                                          const BlockColumn& ema26, const BlockColumn& macd,
                                          const BlockColumn& sig, const BlockColumn& hist) {
    e12 = (x - e12) * kK12 + e12;
    e26 = (x - e26) * kK26 + e26;
    fast = (x - fast) * kK12 + fast;
    const double line = fast - e26;
    signal = (line - signal) * kK9 + signal;
    ema12[t] = e12;
    ema26[t] = e26;
    macd[t] = line;
    sig[t] = signal;
    hist[t] = line - signal;
  }
};

}  // namespace

size_t MovingAverageKernel::EmaWarmUp(const double* c, size_t b, size_t e, const BlockOutputs& out) {
  const BlockColumn ema12 = Out(out, Indicator::kEma12);
  const BlockColumn ema26 = Out(out, Indicator::kEma26);
  const BlockColumn macd = Out(out, Indicator::kMacd);
  const BlockColumn signal = Out(out, Indicator::kMacdSignal);
  const BlockColumn hist = Out(out, Indicator::kMacdHist);
  size_t t = b;
  // Rows 0..33: seeds summed in TA-Lib's order, then the first EMA steps.
  for (; t < e && t <= kFirstMacdRow; ++t) {
    const double x = c[t];
    // EMA12: sum of rows 0..11, then steps.
    if (t < 11) {
      ema12_ += x;
      ema12[t] = kNaN;
    } else if (t == 11) {
      ema12_ = (ema12_ + x) / 12;
      ema12[t] = ema12_;
    } else {
      ema12_ = (x - ema12_) * kK12 + ema12_;
      ema12[t] = ema12_;
    }
    // EMA26 (also MACD's slow EMA): sum of rows 0..25.
    if (t < 25) {
      ema26_ += x;
      ema26[t] = kNaN;
    } else if (t == 25) {
      ema26_ = (ema26_ + x) / 26;
      ema26[t] = ema26_;
    } else {
      ema26_ = (x - ema26_) * kK26 + ema26_;
      ema26[t] = ema26_;
    }
    // MACD's fast EMA: sum of rows 14..25, then steps.
    if (t >= 14 && t < 25) {
      fast_ += x;
    } else if (t == 25) {
      fast_ = (fast_ + x) / 12;
    } else if (t > 25) {
      fast_ = (x - fast_) * kK12 + fast_;
    }
    // Signal: sum of MACD rows 25..33.
    if (t >= 25 && t < kFirstMacdRow) signal_ += fast_ - ema26_;
    if (t == kFirstMacdRow) {
      const double line = fast_ - ema26_;
      signal_ = (signal_ + line) / 9;
      macd[t] = line;
      signal[t] = signal_;
      hist[t] = line - signal_;
    } else {
      macd[t] = kNaN;
      signal[t] = kNaN;
      hist[t] = kNaN;
    }
  }
  return t;
}

OHLCV_KERNEL_CLONES void MovingAverageKernel::Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out) {
  const double* c = in.close;
  const BlockColumn sma20 = Out(out, Indicator::kSma20);
  const BlockColumn sma50 = Out(out, Indicator::kSma50);
  const BlockColumn sma200 = Out(out, Indicator::kSma200);
  const size_t b = s.begin, e = s.end;
  constexpr double k20 = 1.0 / 20, k50 = 1.0 / 50, k200 = 1.0 / 200;
  const BlockColumn ema12 = Out(out, Indicator::kEma12);
  const BlockColumn ema26 = Out(out, Indicator::kEma26);
  const BlockColumn macd = Out(out, Indicator::kMacd);
  const BlockColumn signal = Out(out, Indicator::kMacdSignal);
  const BlockColumn hist = Out(out, Indicator::kMacdHist);
  const size_t ema_first = EmaWarmUp(c, b, e, out);

  // SMA warm-up bars: accumulate, emit what each window allows.
  size_t t = b;
  for (; t < e && t < 199; ++t) {
    const double x = c[t];
    sum20_ += x;
    sum50_ += x;
    sum200_ += x;
    sumsq20_ += x * x;
    if (t >= 19) {
      sma20[t] = sum20_ * k20;
      mean_sq_[t - b] = sumsq20_ * k20;
      sum20_ -= c[t - 19];
      sumsq20_ -= c[t - 19] * c[t - 19];
    } else {
      sma20[t] = kNaN;
    }
    if (t >= 49) {
      sma50[t] = sum50_ * k50;
      sum50_ -= c[t - 49];
    } else {
      sma50[t] = kNaN;
    }
    sma200[t] = kNaN;
  }
  // Steady state: every window is full, and the EMA chains (latency-bound)
  // ride along with the sums (throughput-bound). Locals, not members: the
  // output stores could alias members and force a reload into every chain.
  EmaChains ema{ema12_, ema26_, fast_, signal_};
  for (size_t i = ema_first; i < t; ++i) ema.Step(c[i], i, ema12, ema26, macd, signal, hist);
  double s20 = sum20_, s50 = sum50_, s200 = sum200_, sq20 = sumsq20_;
  for (t = std::max(t, ema_first); t < e; ++t) {
    const double x = c[t];
    ema.Step(x, t, ema12, ema26, macd, signal, hist);
    const double o20 = c[t - 19];
    s20 += x;
    s50 += x;
    s200 += x;
    sq20 += x * x;
    sma20[t] = s20 * k20;
    sma50[t] = s50 * k50;
    sma200[t] = s200 * k200;
    mean_sq_[t - b] = sq20 * k20;
    s20 -= o20;
    s50 -= c[t - 49];
    s200 -= c[t - 199];
    sq20 -= o20 * o20;
  }
  ema12_ = ema.e12;
  ema26_ = ema.e26;
  fast_ = ema.fast;
  signal_ = ema.signal;
  sum20_ = s20;
  sum50_ = s50;
  sum200_ = s200;
  sumsq20_ = sq20;

  // Bollinger from the block's sma20 and mean(x^2): element-wise, vectorisable.
  const BlockColumn upper = Out(out, Indicator::kBbUpper);
  const BlockColumn middle = Out(out, Indicator::kBbMiddle);
  const BlockColumn lower = Out(out, Indicator::kBbLower);
  const BlockColumn pctb = Out(out, Indicator::kBbPercentB);
  const BlockColumn bandwidth = Out(out, Indicator::kBbBandwidth);
  const size_t first = WarmUp(upper, b, e, 19);
  FillNaN(middle, b, first);
  FillNaN(lower, b, first);
  FillNaN(pctb, b, first);
  FillNaN(bandwidth, b, first);
  // Deviation first (parked in upper[]), one vectorised sqrt sweep, bands.
  for (t = first; t < e; ++t) {
    const double mid = sma20[t];
    const double var = mean_sq_[t - b] - mid * mid;
    upper[t] = TaIsZeroOrNeg(var) ? 0.0 : var;
  }
  SqrtInPlace(&upper[first], e - first);
  for (t = first; t < e; ++t) {
    const double mid = sma20[t];
    const double band = upper[t] * 2.0;
    middle[t] = mid;
    upper[t] = mid + band;
    lower[t] = mid - band;
  }
  // Divide unconditionally, then select (one select per loop, so that GCC
  // if-converts and vectorises).
  for (t = first; t < e; ++t) {
    const double width = upper[t] - lower[t];
    const double pb = (c[t] - lower[t]) / width;
    pctb[t] = width > 0 ? pb : 0.5;
  }
  for (t = first; t < e; ++t) {
    const double width = upper[t] - lower[t];
    const double bw = width / middle[t];
    bandwidth[t] = middle[t] != 0 ? bw : 0.0;
  }
}

}  // namespace ohlcv::indicators_internal
