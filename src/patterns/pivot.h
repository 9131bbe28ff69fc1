// Pivot tests shared by the support/resistance and reversal kernels.
//
// A pivot high at bar p with k bars each side: high[p] is strictly above the k
// highs before it and not below the k highs after it (so a flat top yields
// one pivot, at its first bar). A pivot low mirrors it on lows. Both read
// bars [p - k, p + k], so a pivot is known only at bar p + k: callers test
// p = t - k at bar t and date the event at t. Internal to patterns/.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <span>

namespace ohlcv {

// REQUIRES: k <= p and p + k < high.size().
inline bool IsPivotHigh(std::span<const double> high, size_t p, size_t k) {
  const double h = high[p];
  for (size_t i = 1; i <= k; ++i) {
    if (!(high[p - i] < h) || !(high[p + i] <= h)) return false;
  }
  return true;
}

// REQUIRES: k <= p and p + k < low.size().
inline bool IsPivotLow(std::span<const double> low, size_t p, size_t k) {
  const double l = low[p];
  for (size_t i = 1; i <= k; ++i) {
    if (!(low[p - i] > l) || !(low[p + i] >= l)) return false;
  }
  return true;
}

}  // namespace ohlcv
