// Shared plumbing of the indicator kernels (private to src/indicators/).
//
// IndicatorSet::Compute walks a series in blocks of kBlockBars bars. For each
// block it fills a BlockScratch (typical price with a look-back halo) once,
// then runs every kernel over the block. A kernel owns the running state of
// its indicator family (sums, Wilder averages, seeds), so a block boundary is
// invisible in the output; keeping a block's inputs, scratch and outputs in
// L1/L2 is what lets ~30 columns cost little more than writing them once.
//
// Numerics follow TA-Lib (../shared/indicator-refs/README.md): same seeding,
// same running-sum order wherever an output can cancel to near zero (MACD,
// CCI's mean, MFI, stochastic smoothing), so results agree to ~1e-14
// relative. Where no cancellation can occur, a division by a period becomes a
// multiplication by its reciprocal and a Wilder step (s * 13 + x) / 14
// becomes s * (13/14) + x / 14 (a few ulps apart, not bit-identical).
//
// Speed comes from three habits: serial chains (EMAs, Wilder sums, running
// sums) run in loops of their own with their state in locals, divisions and
// square roots run afterwards in branch-free element-wise loops that
// vectorise (see vectorize.h), and outputs are staged per block and streamed
// to the columns with non-temporal stores (indicator_set.cc).
//
// Thread-safety: kernels are plain state; one per IndicatorSet.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "indicators/indicator_set.h"

namespace ohlcv::indicators_internal {

// Bars per block: inputs (5 x 10 KiB), the staged outputs (32 x 10 KiB) and
// kernel scratch stay in L2. A multiple of 20 so that CCI's 20-bar circular
// order restarts at every block.
inline constexpr size_t kBlockBars = 1280;
// Look-back kept before a block in BlockScratch (>= longest TP window + 1).
inline constexpr size_t kHalo = 32;

// TA-Lib's TA_IS_ZERO / TA_IS_ZERO_OR_NEG (ta_utility.h).
inline bool TaIsZero(double v) { return -0.00000001 < v && v < 0.00000001; }
inline bool TaIsZeroOrNeg(double v) { return v < 0.00000001; }

struct SeriesInput {
  const double* open = nullptr;
  const double* high = nullptr;
  const double* low = nullptr;
  const double* close = nullptr;
  const double* volume = nullptr;
  size_t size = 0;
  double bars_per_year = 252;  // annualises volatility20
};

// One output column as a kernel sees it: indexed by bar number t, stored in
// the block's staging area at t - begin (the driver then streams the block
// to the IndicatorSet's column with non-temporal stores).
class BlockColumn {
 public:
  BlockColumn(double* data, size_t begin) : data_(data), begin_(begin) {}
  // REQUIRES: begin <= t < begin + kBlockBars.
  double& operator[](size_t t) const { return data_[t - begin_]; }

 private:
  double* data_;
  size_t begin_;
};

// The staging columns of one block [begin, begin + kBlockBars).
struct BlockOutputs {
  std::array<double*, kIndicatorCount> cols{};
  size_t begin = 0;
};

inline BlockColumn Out(const BlockOutputs& out, Indicator id) {
  return {out.cols[static_cast<size_t>(id)], out.begin};
}

// Per-block values several kernels read. tp(t) is valid for
// max(0, begin - kHalo) <= t < end.
struct BlockScratch {
  size_t begin = 0;
  size_t end = 0;
  std::array<double, kHalo + kBlockBars> tp_buf;  // (H + L + C) / 3, TA-Lib's rounding

  double tp(size_t t) const { return tp_buf[t + kHalo - begin]; }
  const double* tp_ptr(size_t t) const { return &tp_buf[t + kHalo - begin]; }
};

// keep ? x : 0.0 without a branch: in the serial loops the condition (up or
// down move) is a coin flip, and compilers often emit a jump for `?:`.
inline double KeepIf(bool keep, double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits &= -static_cast<uint64_t>(keep);
  std::memcpy(&x, &bits, sizeof bits);
  return x;
}

// Writes NaN to out[b, e) (warm-up cells).
inline void FillNaN(BlockColumn out, size_t b, size_t e) {
  for (size_t t = b; t < e; ++t) out[t] = std::numeric_limits<double>::quiet_NaN();
}

// Bars [begin, end) that are at or past `first` (the first valid output row);
// NaN-fills the rest and returns the first row to compute.
inline size_t WarmUp(BlockColumn out, size_t begin, size_t end, size_t first) {
  size_t split = first < begin ? begin : (first > end ? end : first);
  FillNaN(out, begin, split);
  return split;
}

// x[i] = sqrt(x[i]) for i < n. REQUIRES: x[i] >= 0. Explicit SIMD because
// std::sqrt's errno contract keeps the compiler from vectorising it.
inline void SqrtInPlace(double* x, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
#endif
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

}  // namespace ohlcv::indicators_internal
