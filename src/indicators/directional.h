// ATR 14, +DI/-DI 14 and ADX 14: Wilder's directional family, one pass.
//
// TA-Lib's conventions: true range from bar 1 (max of high-low and the gaps
// to the previous close). ATR is seeded with the mean of TR[1..14] (row 14),
// then atr = (atr * 13 + tr) / 14. The DI sums of +DM, -DM and TR start as the
// plain sums over bars 1..13 and take one Wilder step (s - s/14 + x) at bar 14,
// where +DI/-DI = 100 * DM / TR begin (0 when TR is ~0). ADX is the mean of
// DX over bars 14..27 (row 27), then adx = (adx * 13 + dx) / 14; a DX whose
// TR or DI sum is ~0 is skipped, as TA-Lib does.
//
// Thread-safety: needs external synchronization (owned by one IndicatorSet).
#pragma once

#include <array>

#include "indicators/kernel.h"

namespace ohlcv::indicators_internal {

class DirectionalKernel {
 public:
  void Reset() { *this = DirectionalKernel(); }
  // Fills atr14, plus_di14, minus_di14, adx14 for [s.begin, s.end).
  // REQUIRES: blocks arrive in order, starting at 0 after Reset().
  void Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out);

 private:
  double atr_ = 0;
  double plus_dm_ = 0, minus_dm_ = 0, tr_ = 0;  // Wilder sums
  double adx_ = 0;                              // sum of DX during warm-up
  std::array<double, kBlockBars> decay_{};      // per-bar ADX decay (1 = skip)
};

}  // namespace ohlcv::indicators_internal
