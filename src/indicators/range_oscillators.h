// Stochastic(14, 3, 3), Williams %R 14 and CCI 20: the family that compares
// the close with the recent range.
//
// TA-Lib's conventions: fast %K = (close - lowest low) / ((highest high -
// lowest low) / 100), 0 for a zero range, from row 13; slow %K is its SMA(3)
// and %D the SMA(3) of slow %K, both running sums as TA_MA computes them and
// both emitted from row 17. %R = (highest - close) / ((highest - lowest) /
// -100), 0 for a zero range, from row 13. CCI = (TP - mean) / (0.015 * mean
// absolute deviation) over 20 typical prices, summed in TA-Lib's
// circular-buffer order (TP - mean cancels, so the order matters), 0 when
// either term is ~0; from row 19.
//
// The 14-bar highest high / lowest low come from the van Herk/Gil-Werman
// algorithm: three comparisons per bar whatever the window, no branches.
//
// Thread-safety: needs external synchronization (owned by one IndicatorSet).
#pragma once

#include <array>

#include "indicators/kernel.h"

namespace ohlcv::indicators_internal {

class RangeOscillatorKernel {
 public:
  void Reset() { *this = RangeOscillatorKernel(); }
  // Fills stoch_k, stoch_d, willr14, cci20 for [s.begin, s.end).
  // REQUIRES: blocks arrive in order, starting at 0 after Reset().
  void Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out);

 private:
  void Stochastic(const SeriesInput& in, size_t b, size_t e, const BlockOutputs& out);
  void Cci(const BlockScratch& s, BlockColumn cci);

  static constexpr size_t kWindow = 14;
  static constexpr size_t kSegment = kBlockBars + kWindow;

  double k_total_ = 0, d_total_ = 0;  // SMA(3) running sums
  double fast_k1_ = 0, fast_k2_ = 0;  // fast %K at t-1, t-2
  double slow_k1_ = 0, slow_k2_ = 0;  // slow %K at t-1, t-2
  // Scratch for the rolling extremes of one block (plus the 13-bar halo).
  std::array<double, kSegment> prefix_{}, suffix_{};
  std::array<double, kBlockBars> highest_{}, lowest_{}, fast_k_{};
  // CCI: running sum within the current 20-bar chunk, per-block sums,
  // means and deviations.
  double chunk_sum_ = 0;
  std::array<double, kBlockBars> sum_{}, avg_{}, dev_{};
};

}  // namespace ohlcv::indicators_internal
