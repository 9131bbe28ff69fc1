// Must come first: see vectorize.h.
#include "indicators/vectorize.h"  // NOLINT(build/include_order)

#include "indicators/directional.h"

#include <cmath>


namespace ohlcv::indicators_internal {
namespace {

constexpr size_t kPeriod = 14;
constexpr size_t kFirstDi = kPeriod;           // row 14
constexpr size_t kFirstAdx = 2 * kPeriod - 1;  // row 27
constexpr double kInv = 1.0 / kPeriod;
// Wilder's step s' = (s * 13 + x) / 14 as s * (13/14) + x / 14: a mul and an
// add on the serial chain instead of mul, add and divide (a few ulps from
// TA-Lib's rounding, ~1e-15 relative).
constexpr double kDecay = static_cast<double>(kPeriod - 1) / kPeriod;

inline double TrueRange(double h, double l, double prev_close) {
  double range = h - l;
  const double up = std::fabs(h - prev_close);
  const double down = std::fabs(l - prev_close);
  range = up > range ? up : range;
  return down > range ? down : range;
}

}  // namespace

OHLCV_KERNEL_CLONES void DirectionalKernel::Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out) {
  const double* h = in.high;
  const double* l = in.low;
  const double* c = in.close;
  const BlockColumn atr = Out(out, Indicator::kAtr14);
  const BlockColumn pdi = Out(out, Indicator::kPlusDi14);
  const BlockColumn mdi = Out(out, Indicator::kMinusDi14);
  const BlockColumn adx = Out(out, Indicator::kAdx14);
  const size_t b = s.begin, e = s.end;

  size_t t = b;
  // Warm-up rows 0..27: seeds in TA-Lib's order.
  for (; t < e && t <= kFirstAdx; ++t) {
    atr[t] = pdi[t] = mdi[t] = adx[t] = kNaN;
    if (t == 0) continue;
    const double tr = TrueRange(h[t], l[t], c[t - 1]);
    const double diff_p = h[t] - h[t - 1];
    const double diff_m = l[t - 1] - l[t];
    const double dm_p = (diff_p > 0 && diff_p > diff_m) ? diff_p : 0.0;
    const double dm_m = (diff_m > 0 && diff_p < diff_m) ? diff_m : 0.0;
    // ATR: mean of TR[1..14], then Wilder.
    if (t < kPeriod) {
      atr_ += tr;
    } else if (t == kPeriod) {
      atr_ = (atr_ + tr) / kPeriod;
      atr[t] = atr_;
    } else {
      atr_ = (atr_ * (kPeriod - 1) + tr) * kInv;
      atr[t] = atr_;
    }
    // DM/TR sums: plain over 1..13, Wilder from 14.
    if (t < kFirstDi) {
      plus_dm_ += dm_p;
      minus_dm_ += dm_m;
      tr_ += tr;
      continue;
    }
    plus_dm_ = plus_dm_ - plus_dm_ * kInv + dm_p;
    minus_dm_ = minus_dm_ - minus_dm_ * kInv + dm_m;
    tr_ = tr_ - tr_ * kInv + tr;
    if (!TaIsZero(tr_)) {
      const double p = 100.0 * (plus_dm_ / tr_);
      const double m = 100.0 * (minus_dm_ / tr_);
      pdi[t] = p;
      mdi[t] = m;
      const double sum = m + p;
      if (!TaIsZero(sum)) adx_ += 100.0 * (std::fabs(m - p) / sum);
    } else {
      pdi[t] = mdi[t] = 0.0;
    }
    if (t == kFirstAdx) {
      adx_ = adx_ / kPeriod;
      adx[t] = adx_;
    }
  }
  // Steady state in three sweeps so that no division sits in a serial chain:
  // (1) the four Wilder sums (ATR, +DM, -DM, TR), parked in the outputs;
  // (2) DI and DX, element-wise; (3) the ADX chain over DX.
  const size_t first = t;
  double a = atr_, sp = plus_dm_, sm = minus_dm_, st = tr_;
  for (; t < e; ++t) {
    const double tr = TrueRange(h[t], l[t], c[t - 1]);
    const double diff_p = h[t] - h[t - 1];
    const double diff_m = l[t - 1] - l[t];
    const bool is_p = (diff_p > 0) & (diff_p > diff_m);
    const bool is_m = (diff_m > 0) & (diff_p < diff_m);
    a = a * kDecay + tr * kInv;
    sp = sp * kDecay + KeepIf(is_p, diff_p);
    sm = sm * kDecay + KeepIf(is_m, diff_m);
    st = st * kDecay + tr;
    atr[t] = a;
    pdi[t] = sp;
    mdi[t] = sm;
    adx[t] = st;
  }
  atr_ = a;
  plus_dm_ = sp;
  minus_dm_ = sm;
  tr_ = st;
  for (t = first; t < e; ++t) {
    const double sum_tr = adx[t];
    const double scale = 100.0 / sum_tr;
    const double p = pdi[t] * scale;
    const double m = mdi[t] * scale;
    const double di_sum = m + p;
    const double dx = 100.0 * (std::fabs(m - p) / di_sum);
    const bool tr_zero = TaIsZero(sum_tr);
    pdi[t] = tr_zero ? 0.0 : p;
    mdi[t] = tr_zero ? 0.0 : m;
    // A DX that TA-Lib skips (TR or DI sum ~0) leaves ADX as it was: the
    // step becomes x * 1 + 0, so the chain below has no select.
    const bool skip = tr_zero || TaIsZero(di_sum);
    adx[t] = skip ? 0.0 : dx * kInv;
    decay_[t - b] = skip ? 1.0 : kDecay;
  }
  double x = adx_;
  for (t = first; t < e; ++t) {
    x = x * decay_[t - b] + adx[t];
    adx[t] = x;
  }
  adx_ = x;
}

}  // namespace ohlcv::indicators_internal
