// Must come first: see vectorize.h.
#include "indicators/vectorize.h"  // NOLINT(build/include_order)

#include "indicators/volume.h"


namespace ohlcv::indicators_internal {
namespace {

constexpr size_t kMfiPeriod = 14;
constexpr size_t kVwapPeriod = 20;

}  // namespace

OHLCV_KERNEL_CLONES void VolumeKernel::Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out) {
  const double* c = in.close;
  const double* v = in.volume;
  const size_t b = s.begin, e = s.end;
  const BlockColumn obv = Out(out, Indicator::kObv);
  const BlockColumn mfi = Out(out, Indicator::kMfi14);
  const BlockColumn vwap20 = Out(out, Indicator::kVwap20);
  const BlockColumn vwap_cum = Out(out, Indicator::kVwapCum);

  // Three serial chains: OBV, the MFI flow sums, the VWAP sums. Locals, not
  // members: the output stores could alias members and force a reload into
  // every chain.
  double acc = obv_;
  double pos = pos_sum_, neg = neg_sum_;
  double pv20 = pv20_, v20 = v20_, tp20 = tp20_;
  double pv_cum = pv_cum_, v_cum = v_cum_, tp_cum = tp_cum_;
  auto obv_step = [&](size_t t) {
    // Branch-free: +v, -v or 0 by the sign of the close change.
    acc = acc + KeepIf(c[t] > c[t - 1], v[t]) - KeepIf(c[t] < c[t - 1], v[t]);
    obv[t] = acc;
  };
  // TA-Lib's MFI loop: the flow of bar t-14 leaves the window (from bar 15
  // on), bar t's flow joins it by the sign of the TP change.
  auto mfi_step = [&](size_t t, bool full) {
    if (full) {
      pos -= pos_flow_[(t - kMfiPeriod) % kRing];
      neg -= neg_flow_[(t - kMfiPeriod) % kRing];
    }
    const double tp = s.tp(t);
    const double change = tp - s.tp(t - 1);
    const double flow = tp * v[t];
    const double p = KeepIf(change > 0, flow);
    const double n = KeepIf(change < 0, flow);
    pos += p;
    neg += n;
    pos_flow_[t % kRing] = p;
    neg_flow_[t % kRing] = n;
  };
  size_t t = b;
  if (t == 0 && e > 0) {
    acc = v[0];
    obv[0] = acc;
    ++t;
  }
  const size_t first_obv = t;
  // VWAP: numerators parked in the outputs, denominators in scratch (zero
  // volume falls back to equal weights); divided below.
  for (t = b; t < e; ++t) {
    const double tp = s.tp(t);
    const double pv = tp * v[t];
    pv20 += pv;
    v20 += v[t];
    tp20 += tp;
    pv_cum += pv;
    v_cum += v[t];
    tp_cum += tp;
    const bool cum_has_volume = v_cum > 0;
    vwap_cum[t] = cum_has_volume ? pv_cum : tp_cum;
    den_cum_[t - b] = cum_has_volume ? v_cum : static_cast<double>(t + 1);
    if (t + 1 >= kVwapPeriod) {
      const bool has_volume = v20 > 0;
      vwap20[t] = has_volume ? pv20 : tp20;
      den_[t - b] = has_volume ? v20 : static_cast<double>(kVwapPeriod);
      const size_t old = t + 1 - kVwapPeriod;
      const double old_tp = s.tp(old);
      pv20 -= old_tp * v[old];
      v20 -= v[old];
      tp20 -= old_tp;
    } else {
      vwap20[t] = kNaN;
      den_[t - b] = 1.0;
    }
  }
  // MFI warm-up rows 0..14, then the steady state.
  for (t = b; t < e && t <= kMfiPeriod; ++t) {
    mfi[t] = kNaN;
    if (t == 0) continue;
    mfi_step(t, false);
    if (t == kMfiPeriod) {
      const double total = pos + neg;
      mfi[t] = total < 1.0 ? 0.0 : 100.0 * (pos / total);
    }
  }
  const size_t first_mfi = t;
  for (size_t i = first_obv; i < first_mfi; ++i) obv_step(i);
  for (; t < e; ++t) {
    obv_step(t);  // fused: the two chains' latencies overlap
    mfi_step(t, true);
    mfi[t] = pos;  // divided below
    mfi_neg_[t - b] = neg;
  }
  obv_ = acc;
  pos_sum_ = pos;
  neg_sum_ = neg;
  pv20_ = pv20;
  v20_ = v20;
  tp20_ = tp20;
  pv_cum_ = pv_cum;
  v_cum_ = v_cum;
  tp_cum_ = tp_cum;

  // Divisions, vectorised.
  for (t = first_mfi; t < e; ++t) {
    const double p = mfi[t];
    const double total = p + mfi_neg_[t - b];
    const double value = 100.0 * (p / total);
    mfi[t] = total < 1.0 ? 0.0 : value;
  }
  for (t = b; t < e; ++t) vwap20[t] = vwap20[t] / den_[t - b];
  for (t = b; t < e; ++t) vwap_cum[t] = vwap_cum[t] / den_cum_[t - b];
}

}  // namespace ohlcv::indicators_internal
