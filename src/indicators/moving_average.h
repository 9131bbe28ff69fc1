// The moving-average family: SMA 20/50/200, EMA 12/26, MACD(12, 26, 9) and
// Bollinger(20, 2) with %B and bandwidth, in one pass over each block (the
// latency-bound EMA chains ride along with the throughput-bound sums).
//
// EMA/MACD follow TA-Lib bit for bit (MACD and its histogram cancel to near
// zero, so the same operations in the same order matter): k = 2 / (n + 1),
// each step prev = (x - prev) * k + prev; an EMA(n) is seeded with the mean of
// its first n inputs and first emitted at row n - 1. MACD runs both EMAs from
// bar 25: the slow one is EMA26 itself, the fast one is seeded with the mean
// of bars 14..25; the signal EMA(9) of the MACD line is seeded with the mean
// of MACD rows 25..33, so the line, signal and histogram all start at row 33.
//
// TA-Lib's formulas: SMA is a running sum (add the new close, emit, subtract
// the one leaving); the Bollinger deviation is the population one computed as
// sqrt(mean(x^2) - sma^2) from a running sum of squares, and 0 when that
// difference is <= 1e-8 (TA_IS_ZERO_OR_NEG). %B is 0.5 and bandwidth 0 when
// the band has zero width (constant prices), so no NaN/inf after warm-up.
//
// Thread-safety: needs external synchronization (owned by one IndicatorSet).
#pragma once

#include <array>

#include "indicators/kernel.h"

namespace ohlcv::indicators_internal {

class MovingAverageKernel {
 public:
  void Reset() { *this = MovingAverageKernel(); }
  // Fills sma20/50/200, ema12/26, the three MACD columns and the five
  // Bollinger columns for [s.begin, s.end).
  // REQUIRES: blocks arrive in order, starting at 0 after Reset().
  void Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out);

 private:
  // EMA/MACD seeding rows 0..33; returns the first row left to step.
  size_t EmaWarmUp(const double* c, size_t b, size_t e, const BlockOutputs& out);

  double ema12_ = 0, ema26_ = 0, fast_ = 0, signal_ = 0;
  double sum20_ = 0, sum50_ = 0, sum200_ = 0, sumsq20_ = 0;
  std::array<double, kBlockBars> mean_sq_{};  // mean(x^2) per bar of the block
};

}  // namespace ohlcv::indicators_internal
