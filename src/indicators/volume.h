// OBV, MFI 14, VWAP 20 and cumulative VWAP: the volume-weighted family.
//
// TA-Lib's conventions: OBV starts at the first bar's volume, then adds or
// subtracts each volume as the close rises or falls. MFI keeps the positive
// and negative money flows (TP * volume, by the sign of the TP change) of the
// last 14 bars as running sums in TA-Lib's order; MFI = 100 * pos / (pos +
// neg), 0 when pos + neg < 1 (so zero volume gives 0), from row 14.
// VWAP20 = sum(TP * V) / sum(V) over 20 bars from row 19; VWAP cum is the same
// from row 0. When the volume in the window is 0 both fall back to the plain
// mean of TP (equal weights), so zero-volume data never yields NaN/inf.
//
// Thread-safety: needs external synchronization (owned by one IndicatorSet).
#pragma once

#include <array>

#include "indicators/kernel.h"

namespace ohlcv::indicators_internal {

class VolumeKernel {
 public:
  void Reset() { *this = VolumeKernel(); }
  // Fills obv, mfi14, vwap20, vwap_cum for [s.begin, s.end).
  // REQUIRES: blocks arrive in order, starting at 0 after Reset().
  void Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out);

 private:
  static constexpr size_t kRing = 16;  // >= 14, power of two

  double obv_ = 0;
  double pos_sum_ = 0, neg_sum_ = 0;
  std::array<double, kRing> pos_flow_{}, neg_flow_{};  // by bar % kRing
  double pv20_ = 0, v20_ = 0, tp20_ = 0;
  double pv_cum_ = 0, v_cum_ = 0, tp_cum_ = 0;
  std::array<double, kBlockBars> den_{}, den_cum_{};  // per-block denominators
  std::array<double, kBlockBars> mfi_neg_{};          // MFI negative sums
};

}  // namespace ohlcv::indicators_internal
