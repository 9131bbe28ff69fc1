// RSI 14, ROC 10, returns over 1/5/20 bars, volatility 20 and drawdown: the
// close-to-close family.
//
// RSI is TA-Lib's Wilder RSI: average gain and loss seeded with the mean of
// the first 14 changes (first value at row 14), then avg = (avg * 13 + x) / 14;
// RSI = 100 * gain / (gain + loss), 0 when gain + loss is ~0 (TA_IS_ZERO).
// ROC is TA-Lib's (close / close[t-10] - 1) * 100 (0 if the old close is 0).
// Beyond TA-Lib: return_k = close / close[t-k] - 1 (computed as close *
// (1 / close[t-k]) - 1, one reciprocal shared by the three lags; exactly 0
// for an unchanged close); volatility20 = sample standard deviation of the
// last 20 log returns * sqrt(bars per year), first at row 20, 0 for a flat
// window, window sums re-derived at every block so drift cannot build up;
// drawdown = close / running max - 1. Log returns use a vectorised atanh
// series (~1 ulp) for moves within ~10% and std::log beyond.
//
// The RSI averages, the volatility window sums and the running max are
// three serial chains stepped in one loop so their latencies overlap.
//
// Thread-safety: needs external synchronization (owned by one IndicatorSet).
#pragma once

#include <array>

#include "indicators/kernel.h"

namespace ohlcv::indicators_internal {

class MomentumKernel {
 public:
  void Reset() { *this = MomentumKernel(); }
  // REQUIRES: blocks arrive in order, starting at 0 after Reset().
  void Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out);

 private:
  // Warm-up rows of the block (seeding as TA-Lib does); return the first
  // row left for the fused steady-state loop.
  size_t RsiWarmUp(const SeriesInput& in, size_t b, size_t e, BlockColumn rsi);
  size_t VolatilityWarmUp(size_t b, size_t e, BlockColumn vol);

  double gain_ = 0, loss_ = 0;          // RSI averages
  double run_max_ = 0;                  // drawdown
  double sum_r_ = 0, sum_r2_ = 0;       // log-return window sums
  std::array<double, kBlockBars + 32> log_ret_{};  // log returns, 20-bar halo
  std::array<double, kBlockBars> avg_loss_{};      // RSI average loss per bar
  std::array<double, kBlockBars + 32> inv_close_{};  // 1 / close, 20-bar halo
};

}  // namespace ohlcv::indicators_internal
