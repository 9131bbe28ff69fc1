// Must come first: see vectorize.h.
#include "indicators/vectorize.h"  // NOLINT(build/include_order)

#include "indicators/momentum.h"

#include <algorithm>
#include <cmath>


namespace ohlcv::indicators_internal {
namespace {

constexpr size_t kRsiPeriod = 14;
constexpr size_t kVolPeriod = 20;
constexpr size_t kRetHalo = 32;

// out[t] = close[t] / close[t - lag] - 1 (times `scale`), or 0 when the old
// close is 0; NaN for t < lag.
OHLCV_KERNEL_CLONES void Change(const double* c, size_t lag, double scale, size_t b, size_t e, BlockColumn out) {
  const size_t first = WarmUp(out, b, e, lag);
  for (size_t t = first; t < e; ++t) {
    const double old = c[t - lag];
    const double change = (c[t] / old - 1.0) * scale;  // divide, then select
    out[t] = old != 0.0 ? change : 0.0;
  }
}

// out[t] = c[t] * inv[t - lag - lo] - 1 (inv[i] = 1 / c[lo + i]), 0 when the
// close is unchanged or the old close is 0; NaN for t < lag.
OHLCV_KERNEL_CLONES void Return(const double* c, const double* inv, size_t lo, size_t lag, size_t b,
                                size_t e, BlockColumn out) {
  const size_t first = WarmUp(out, b, e, lag);
  for (size_t t = first; t < e; ++t) {
    const double old = c[t - lag];
    const double r = c[t] * inv[t - lag - lo] - 1.0;
    out[t] = (c[t] != old && old != 0.0) ? r : 0.0;
  }
}

// out[i] = ln(c[lo + i] / c[lo + i - 1]) for lo + i < e. REQUIRES: lo >= 1.
// ln(a / b) = 2 atanh(s) with s = (a - b) / (a + b); for |s| <= 0.05 (moves
// within about +-10%) seven terms of the atanh series are exact to ~1 ulp and
// vectorise; the rare larger move takes std::log.
OHLCV_KERNEL_CLONES void LogRatios(const double* c, size_t lo, size_t e, double* out) {
  constexpr double kMaxS = 0.05;
  for (size_t t = lo; t < e; ++t) {
    const double s = (c[t] - c[t - 1]) / (c[t] + c[t - 1]);
    const double s2 = s * s;
    const double p = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 +
                     s2 * (1.0 / 11 + s2 * (1.0 / 13))))));
    out[t - lo] = 2.0 * s * p;
  }
  for (size_t t = lo; t < e; ++t) {
    // |ln ratio| > 2 * kMaxS implies |s| > kMaxS (and NaN falls through too).
    if (!(std::fabs(out[t - lo]) <= 2 * kMaxS)) out[t - lo] = std::log(c[t] / c[t - 1]);
  }
}

}  // namespace

OHLCV_KERNEL_CLONES void MomentumKernel::Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out) {
  const size_t b = s.begin, e = s.end;
  const double* c = in.close;
  const BlockColumn rsi = Out(out, Indicator::kRsi14);
  const BlockColumn vol = Out(out, Indicator::kVolatility20);
  const BlockColumn dd = Out(out, Indicator::kDrawdown);

  // Element-wise first: ROC, returns (one reciprocal per bar shared by the
  // three lags: close[t] * (1 / close[t-k]) - 1, within 2 ulp of the quotient
  // and exactly 0 for an unchanged close), log returns with a 20-bar halo.
  Change(c, 10, 100.0, b, e, Out(out, Indicator::kRoc10));
  const size_t lo = b > kRetHalo ? b - kRetHalo : 0;
  for (size_t t = lo; t < e; ++t) inv_close_[t - lo] = 1.0 / c[t];
  Return(c, inv_close_.data(), lo, 1, b, e, Out(out, Indicator::kReturn1));
  Return(c, inv_close_.data(), lo, 5, b, e, Out(out, Indicator::kReturn5));
  Return(c, inv_close_.data(), lo, 20, b, e, Out(out, Indicator::kReturn20));
  const size_t log_lo = b > kRetHalo ? b - kRetHalo : 1;
  if (log_lo < e) LogRatios(c, log_lo, e, &log_ret_[kRetHalo + log_lo - b]);

  // Then the three serial chains (RSI averages, log-return window sums,
  // running max), fused into one loop so their latencies overlap; each
  // parks its state in the outputs / scratch for the division passes.
  const size_t rsi_first = RsiWarmUp(in, b, e, rsi);
  const size_t vol_first = VolatilityWarmUp(b, e, vol);
  if (b == 0 && e > 0) run_max_ = c[0];
  constexpr double kInv = 1.0 / kRsiPeriod;
  // (g * 13 + up) / 14 as g * (13/14) + up / 14: shorter serial chain, a few
  // ulps from TA-Lib's rounding.
  constexpr double kDecay = static_cast<double>(kRsiPeriod - 1) / kRsiPeriod;
  constexpr double kInvN = 1.0 / kVolPeriod;
  constexpr double kInvN1 = 1.0 / (kVolPeriod - 1);
  double g = gain_, l = loss_, s1 = sum_r_, s2 = sum_r2_, m = run_max_;
  auto rsi_step = [&](size_t t) {
    const double d = c[t] - c[t - 1];
    g = g * kDecay + KeepIf(d > 0, d) * kInv;
    l = l * kDecay + KeepIf(d < 0, -d) * kInv;
    rsi[t] = g;
    avg_loss_[t - b] = l;
  };
  auto vol_step = [&](size_t t) {
    const double x = log_ret_[kRetHalo + t - b];
    const double old = log_ret_[kRetHalo + t + 1 - kVolPeriod - b];
    s1 += x;
    s2 += x * x;
    vol[t] = (s2 - s1 * s1 * kInvN) * kInvN1;  // variance for now
    s1 -= old;
    s2 -= old * old;
  };
  auto max_step = [&](size_t t) {
    m = c[t] > m ? c[t] : m;
    dd[t] = m;
  };
  const size_t fused = std::max(rsi_first, vol_first);
  for (size_t t = rsi_first; t < fused; ++t) rsi_step(t);
  for (size_t t = vol_first; t < fused; ++t) vol_step(t);
  for (size_t t = b; t < fused; ++t) max_step(t);
  for (size_t t = fused; t < e; ++t) {
    rsi_step(t);
    vol_step(t);
    max_step(t);
  }
  gain_ = g;
  loss_ = l;
  sum_r_ = s1;
  sum_r2_ = s2;
  run_max_ = m;

  // Division / sqrt passes, vectorised.
  for (size_t t = rsi_first; t < e; ++t) {
    const double gain = rsi[t];
    const double sum = gain + avg_loss_[t - b];
    const double value = 100.0 * (gain / sum);
    rsi[t] = TaIsZero(sum) ? 0.0 : value;
  }
  for (size_t t = b; t < e; ++t) dd[t] = c[t] / dd[t] - 1.0;
  // Drift can leave a flat window's variance a hair below 0.
  for (size_t t = vol_first; t < e; ++t) vol[t] = vol[t] > 0 ? vol[t] : 0.0;
  if (vol_first < e) SqrtInPlace(&vol[vol_first], e - vol_first);
  const double scale = std::sqrt(in.bars_per_year);
  for (size_t t = vol_first; t < e; ++t) vol[t] *= scale;
}

size_t MomentumKernel::RsiWarmUp(const SeriesInput& in, size_t b, size_t e, BlockColumn rsi) {
  const double* c = in.close;
  size_t t = b;
  for (; t < e && t <= kRsiPeriod; ++t) {
    rsi[t] = kNaN;
    if (t == 0) continue;
    const double d = c[t] - c[t - 1];
    if (d < 0) loss_ -= d; else gain_ += d;
    if (t == kRsiPeriod) {
      loss_ /= kRsiPeriod;
      gain_ /= kRsiPeriod;
      const double sum = gain_ + loss_;
      rsi[t] = TaIsZero(sum) ? 0.0 : 100.0 * (gain_ / sum);
    }
  }
  return t;
}

size_t MomentumKernel::VolatilityWarmUp(size_t b, size_t e, BlockColumn vol) {
  auto r = [&](size_t t) { return log_ret_[kRetHalo + t - b]; };
  size_t t = b;
  for (; t < e && t < kVolPeriod; ++t) {
    vol[t] = kNaN;
    if (t >= 1) {
      sum_r_ += r(t);
      sum_r2_ += r(t) * r(t);
    }
  }
  if (t < e && t == b && b >= kVolPeriod) {
    // New block: re-derive the window sums exactly so running-sum drift
    // cannot build up over long series (and a flat window reads exactly 0).
    sum_r_ = 0;
    sum_r2_ = 0;
    for (size_t j = t - kVolPeriod + 1; j < t; ++j) {
      sum_r_ += r(j);
      sum_r2_ += r(j) * r(j);
    }
  }
  return t;
}

}  // namespace ohlcv::indicators_internal
