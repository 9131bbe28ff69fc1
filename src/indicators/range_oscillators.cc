// Must come first: see vectorize.h.
#include "indicators/vectorize.h"  // NOLINT(build/include_order)

#include "indicators/range_oscillators.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>


namespace ohlcv::indicators_internal {
namespace {

constexpr size_t kFirstFastK = 13;
constexpr size_t kFirstSlowK = 15;
constexpr size_t kFirstStoch = 17;
constexpr size_t kCciPeriod = 20;

// out[i - (w - 1)] = op-extreme of x[i - w + 1 .. i] for w - 1 <= i < m
// (van Herk/Gil-Werman; prefix/suffix are scratch of length m).
template <typename Op>
void RollingExtreme(const double* x, size_t m, size_t w, Op op, double* prefix, double* suffix,
                    double* out) {
  for (size_t start = 0; start < m; start += w) {
    const size_t end = std::min(start + w, m);
    prefix[start] = x[start];
    for (size_t i = start + 1; i < end; ++i) prefix[i] = op(prefix[i - 1], x[i]);
    suffix[end - 1] = x[end - 1];
    for (size_t i = end - 1; i > start; --i) suffix[i - 1] = op(suffix[i], x[i - 1]);
  }
  for (size_t i = w - 1; i < m; ++i) out[i - (w - 1)] = op(suffix[i - (w - 1)], prefix[i]);
}

#if defined(__GNUC__)
// The helpers below pass 32-byte vectors by value; they are internal and
// always inlined, so the "ABI changes without AVX" note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

// Four doubles as one value (GCC/Clang vector extension: one AVX2 register
// in the AVX2 clone, two SSE2 registers otherwise, NEON on arm64).
using V4 = double __attribute__((vector_size(32)));
using V4Bits = uint64_t __attribute__((vector_size(32)));

inline V4 Load4(const double* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void Store4(double* p, V4 v) { std::memcpy(p, &v, sizeof v); }
inline V4 Abs4(V4 v) {
  V4Bits bits;
  std::memcpy(&bits, &v, sizeof v);
  bits &= ~(uint64_t{1} << 63);  // clear the sign bits
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

struct Max {
  double operator()(double a, double b) const { return a > b ? a : b; }
};
struct Min {
  double operator()(double a, double b) const { return a < b ? a : b; }
};

}  // namespace

OHLCV_KERNEL_CLONES void RangeOscillatorKernel::Run(const SeriesInput& in, const BlockScratch& s, const BlockOutputs& out) {
  Stochastic(in, s.begin, s.end, out);
  Cci(s, Out(out, Indicator::kCci20));
}

OHLCV_KERNEL_CLONES void RangeOscillatorKernel::Stochastic(const SeriesInput& in, size_t b, size_t e,
                                       const BlockOutputs& out) {
  const BlockColumn slow_k = Out(out, Indicator::kStochK);
  const BlockColumn slow_d = Out(out, Indicator::kStochD);
  const BlockColumn willr = Out(out, Indicator::kWillR14);
  const double* c = in.close;

  const size_t first = WarmUp(willr, b, e, kFirstFastK);
  const size_t first_stoch = std::max(b, std::min(e, kFirstStoch));
  FillNaN(slow_k, b, first_stoch);
  FillNaN(slow_d, b, first_stoch);
  if (first >= e) return;

  // Extremes for rows [first, e): the segment starts 13 bars earlier.
  const size_t seg = first - (kWindow - 1);
  const size_t m = e - seg;
  RollingExtreme(in.high + seg, m, kWindow, Max{}, prefix_.data(), suffix_.data(), highest_.data());
  RollingExtreme(in.low + seg, m, kWindow, Min{}, prefix_.data(), suffix_.data(), lowest_.data());

  // %R and fast %K, element-wise: divide unconditionally, then mask, so the
  // loop is branch-free and vectorises.
  double* fast_k = fast_k_.data();
  const double* highest = highest_.data();
  const double* lowest = lowest_.data();
  const double* close = c + first;
  double* w_out = &willr[first];
  const size_t count = e - first;
  // (One output per loop: GCC 12 will not if-convert two selects at once.)
  for (size_t i = 0; i < count; ++i) {
    const double w_diff = (highest[i] - lowest[i]) / -100.0;
    const double w = (highest[i] - close[i]) / w_diff;
    w_out[i] = w_diff != 0.0 ? w : 0.0;
  }
  for (size_t i = 0; i < count; ++i) {
    const double k_diff = (highest[i] - lowest[i]) / 100.0;
    const double k = (close[i] - lowest[i]) / k_diff;
    fast_k[i] = k_diff != 0.0 ? k : 0.0;
  }

  // Slow %K = SMA3(fast %K) from row 15, %D = SMA3(slow %K) from row 17, as
  // TA_MA's running sums: add, emit total / 3, subtract the oldest. The
  // chains run alone; the exact divisions by 3 follow, vectorised.
  double* k_sum = highest_.data();  // free again: indexed t - first
  double* sk_buf = lowest_.data();
  double kt = k_total_, fk1 = fast_k1_, fk2 = fast_k2_;
  for (size_t t = first; t < e; ++t) {
    const double fk = fast_k[t - first];
    kt += fk;
    if (t >= kFirstSlowK) {
      k_sum[t - first] = kt;
      kt -= fk2;
    }
    fk2 = fk1;
    fk1 = fk;
  }
  k_total_ = kt;
  fast_k1_ = fk1;
  fast_k2_ = fk2;
  const size_t first_k = std::max(first, std::min(e, kFirstSlowK));
  for (size_t t = first_k; t < e; ++t) sk_buf[t - first] = k_sum[t - first] / 3;

  double dt = d_total_, sk1 = slow_k1_, sk2 = slow_k2_;
  for (size_t t = first_k; t < e; ++t) {
    const double sk = sk_buf[t - first];
    dt += sk;
    if (t >= kFirstStoch) {
      slow_k[t] = sk;
      slow_d[t] = dt;  // divided below
      dt -= sk2;
    }
    sk2 = sk1;
    sk1 = sk;
  }
  d_total_ = dt;
  slow_k1_ = sk1;
  slow_k2_ = sk2;
  for (size_t t = first_stoch; t < e; ++t) slow_d[t] = slow_d[t] / 3;
}

OHLCV_KERNEL_CLONES void RangeOscillatorKernel::Cci(const BlockScratch& s, BlockColumn cci) {
  static_assert(kBlockBars % kCciPeriod == 0, "blocks must start on a 20-bar boundary");
  const size_t b = s.begin, e = s.end;
  const size_t first = WarmUp(cci, b, e, kCciPeriod - 1);
  if (first >= e) return;
  // TA-Lib keeps bar i at circular position i % 20 and sums positions 0..19,
  // i.e. for r = t % 20 and chunk start c = t - r: bars c..t, then the
  // previous chunk's c-19+r..c-1. The first part is a running sum restarted
  // at every chunk (chunk_sum_); the second is added on, lane r of a chunk
  // starting at index c - 19 + r, so all 20 lanes advance together.
  double* sum = sum_.data();  // sum[t - b]
  double run = chunk_sum_;
  for (size_t t = b; t < e; ++t) {
    run = (t % kCciPeriod == 0 ? 0.0 : run) + s.tp(t);
    sum[t - b] = run;
  }
  chunk_sum_ = run;
  for (size_t c = b; c < e; c += kCciPeriod) {
    if (c == 0) continue;  // rows 0..18 are warm-up; row 19 needs no tail
    const double* prev = s.tp_ptr(c - (kCciPeriod - 1));  // prev[k] = TP[c - 19 + k]
    double* lane = sum + (c - b);
    const size_t lanes = std::min(kCciPeriod - 1, e - c);  // r = 19 has no tail
    for (size_t j = 0; j + 1 < kCciPeriod; ++j) {
      const size_t n = std::min(lanes, kCciPeriod - 1 - j);
      for (size_t r = 0; r < n; ++r) lane[r] += prev[j + r];
    }
  }
  // Mean and mean absolute deviation (in any order: it cannot cancel), 16
  // bars at a time with the accumulators in registers.
  double* avg = avg_.data();
  double* dev = dev_.data();
  for (size_t t = first; t < e; ++t) avg[t - b] = sum[t - b] / kCciPeriod;
  size_t t = first;
  for (; t + 16 <= e; t += 16) {
    const double* w = s.tp_ptr(t - (kCciPeriod - 1));  // w[k + i] = TP[t + i - 19 + k]
    const double* a = avg + (t - b);
    const V4 a0 = Load4(a), a1 = Load4(a + 4), a2 = Load4(a + 8), a3 = Load4(a + 12);
    V4 d0 = {0, 0, 0, 0}, d1 = d0, d2 = d0, d3 = d0;
    for (size_t k = 0; k < kCciPeriod; ++k) {
      d0 += Abs4(Load4(w + k) - a0);
      d1 += Abs4(Load4(w + k + 4) - a1);
      d2 += Abs4(Load4(w + k + 8) - a2);
      d3 += Abs4(Load4(w + k + 12) - a3);
    }
    double* d = dev + (t - b);
    Store4(d, d0);
    Store4(d + 4, d1);
    Store4(d + 8, d2);
    Store4(d + 12, d3);
  }
  for (; t < e; ++t) {
    const double* w = s.tp_ptr(t - (kCciPeriod - 1));
    double d = 0;
    for (size_t k = 0; k < kCciPeriod; ++k) d += std::fabs(w[k] - avg[t - b]);
    dev[t - b] = d;
  }
  for (size_t t = first; t < e; ++t) {
    const double diff = s.tp(t) - avg[t - b];
    const double d = dev[t - b];
    const double value = diff / (0.015 * (d * (1.0 / kCciPeriod)));
    cci[t] = (!TaIsZero(diff) && !TaIsZero(d)) ? value : 0.0;
  }
}

}  // namespace ohlcv::indicators_internal
