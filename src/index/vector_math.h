// Small dense-vector helpers shared by the HNSW adapter and the exact scans of
// the local vector store. Header-only, pure functions, thread-safe.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>

namespace ohlcv::index_internal {

inline float Dot(const float* a, const float* b, size_t n) {
  // Four accumulators let the compiler vectorise without -ffast-math.
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

// Scales v to unit L2 norm so inner product is cosine. A zero (or non-finite)
// vector is left all zero: it has cosine 0 with everything.
inline void NormalizeInPlace(std::span<float> v) {
  double ss = 0;
  for (float x : v) ss += static_cast<double>(x) * x;
  if (!(ss > 0) || !std::isfinite(ss)) {
    for (float& x : v) x = 0;
    return;
  }
  float inv = static_cast<float>(1.0 / std::sqrt(ss));
  for (float& x : v) x *= inv;
}

}  // namespace ohlcv::index_internal
