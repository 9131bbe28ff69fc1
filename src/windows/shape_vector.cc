#include "windows/shape_vector.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ohlcv {
namespace {

// Below this stdev (in log-return units, i.e. 1e-12 = a billionth of a
// percent) the path is flat and z-normalising would only amplify rounding.
constexpr double kFlatStdev = 1e-12;

double OrZero(double v) { return std::isfinite(v) ? v : 0.0; }

}  // namespace

void ComputeShapeVector(std::span<const double> closes, const Window& meta,
                        std::vector<float>* out) {
  double v[kShapeDims];
  const size_t n = closes.size();
  const double base = closes[0];

  // Path block: resample ln(c/c0) at kShapePathPoints positions. Neighbouring
  // points share bars, so the last two logarithms are kept rather than redone.
  size_t cached_i = SIZE_MAX;
  double cached_a = 0, cached_b = 0;
  double sum = 0;
  for (size_t j = 0; j < kShapePathPoints; ++j) {
    double y = 0;
    if (n > 1) {
      const double pos = static_cast<double>(j) * static_cast<double>(n - 1) /
                         static_cast<double>(kShapePathPoints - 1);
      const size_t i0 = std::min(static_cast<size_t>(pos), n - 2);
      const double frac = pos - static_cast<double>(i0);
      if (i0 != cached_i) {
        cached_a = (i0 == cached_i + 1) ? cached_b : std::log(closes[i0] / base);
        cached_b = std::log(closes[i0 + 1] / base);
        cached_i = i0;
      }
      y = cached_a + frac * (cached_b - cached_a);
    }
    v[j] = y;
    sum += y;
  }
  const double mean = sum / kShapePathPoints;
  double ss = 0;
  for (size_t j = 0; j < kShapePathPoints; ++j) ss += (v[j] - mean) * (v[j] - mean);
  const double sd = std::sqrt(ss / kShapePathPoints);
  // z-scores have sum of squares kShapePathPoints; dividing by its root
  // gives the block norm 1.
  const double scale = sd > kFlatStdev ? 1.0 / (sd * std::sqrt(double(kShapePathPoints))) : 0.0;
  for (size_t j = 0; j < kShapePathPoints; ++j) v[j] = (v[j] - mean) * scale;

  // Feature block.
  const WindowIndicators& li = meta.last;
  double* f = v + kShapePathPoints;
  f[0] = OrZero(li.rsi14 / 100.0 - 0.5);
  f[1] = (li.atr14 > 0) ? OrZero(std::tanh(li.macd_hist / li.atr14)) : 0.0;
  f[2] = OrZero(std::clamp(li.bb_pctb - 0.5, -1.0, 1.0));
  f[3] = OrZero(li.adx14 / 100.0);
  f[4] = meta.relative_volume > 0 ? OrZero(std::tanh(std::log(meta.relative_volume))) : 0.0;
  f[5] = OrZero(std::tanh(meta.volatility / 50.0));
  f[6] = OrZero(std::tanh(meta.return_pct / 20.0));
  f[7] = OrZero(std::tanh(meta.max_drawdown_pct / 20.0));
  for (size_t k = 0; k < kShapeFeatures; ++k) f[k] *= kShapeFeatureWeight;

  double norm2 = 0;
  for (double x : v) norm2 += x * x;
  const double inv = norm2 > 0 ? 1.0 / std::sqrt(norm2) : 0.0;
  out->resize(kShapeDims);
  for (size_t k = 0; k < kShapeDims; ++k) (*out)[k] = static_cast<float>(v[k] * inv);
}

double ShapeSimilarity(std::span<const float> a, std::span<const float> b) {
  double dot = 0;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) dot += static_cast<double>(a[i]) * b[i];
  return dot;
}

}  // namespace ohlcv
