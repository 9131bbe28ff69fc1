#include "windows/shape_vector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_series.h"
#include "windows/window_builder.h"

namespace ohlcv {
namespace {

// Metadata with nothing known: every feature contributes 0.
Window NoFeatures() {
  Window w;
  WindowIndicators& li = w.last;
  li.rsi14 = li.macd_hist = li.atr14 = li.bb_pctb = li.adx14 = kNaN;
  w.relative_volume = w.volatility = w.return_pct = w.max_drawdown_pct = kNaN;
  return w;
}

std::vector<double> Path(size_t n, double scale, double (*f)(double)) {
  std::vector<double> c(n);
  for (size_t i = 0; i < n; ++i) c[i] = scale * f(static_cast<double>(i) / (n - 1));
  return c;
}

double Bumpy(double x) { return 50.0 + 8.0 * std::sin(6.0 * x) + 5.0 * x; }
double Rising(double x) { return 50.0 + 30.0 * x + 2.0 * std::sin(9.0 * x); }
double Falling(double x) { return 80.0 - 30.0 * x + 2.0 * std::sin(9.0 * x); }

double Norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return std::sqrt(s);
}

TEST(ShapeVectorTest, FixedLengthUnitNorm) {
  for (size_t n : {2u, 5u, 24u, 30u, 250u}) {
    std::vector<float> v;
    ComputeShapeVector(Path(n, 1.0, Bumpy), NoFeatures(), &v);
    ASSERT_EQ(v.size(), kShapeDims);
    EXPECT_NEAR(Norm(v), 1.0, 1e-6) << n;
    for (size_t k = kShapePathPoints; k < kShapeDims; ++k) EXPECT_EQ(v[k], 0.0f);
  }
  EXPECT_EQ(kShapeDims, 32u);
}

TEST(ShapeVectorTest, ScaledCopyHasCosineOne) {
  const std::vector<double> a = Path(30, 1.0, Bumpy);
  const std::vector<double> b = Path(30, 7.3, Bumpy);
  Window meta = NoFeatures();
  meta.last.rsi14 = 64;
  meta.return_pct = 5;
  std::vector<float> va, vb;
  ComputeShapeVector(a, meta, &va);
  ComputeShapeVector(b, meta, &vb);
  EXPECT_NEAR(ShapeSimilarity(va, vb), 1.0, 1e-6);
}

TEST(ShapeVectorTest, DifferentLengthsOfTheSameShapeAreClose) {
  std::vector<float> v30, v90, up_line, down;
  ComputeShapeVector(Path(30, 1.0, Bumpy), NoFeatures(), &v30);
  ComputeShapeVector(Path(90, 1.0, Bumpy), NoFeatures(), &v90);
  ComputeShapeVector(Path(40, 1.0, Rising), NoFeatures(), &up_line);
  ComputeShapeVector(Path(30, 1.0, Falling), NoFeatures(), &down);
  EXPECT_GT(ShapeSimilarity(v30, v90), 0.98);
  EXPECT_LT(ShapeSimilarity(up_line, down), -0.9);
  EXPECT_LT(ShapeSimilarity(v30, up_line), ShapeSimilarity(v30, v90));
  // Mirror image (reversed log path) points the other way.
  std::vector<double> up = Path(30, 1.0, Bumpy), mirror(30);
  for (size_t i = 0; i < 30; ++i) mirror[i] = up[0] * up[0] / up[i];
  std::vector<float> vu, vm;
  ComputeShapeVector(up, NoFeatures(), &vu);
  ComputeShapeVector(mirror, NoFeatures(), &vm);
  EXPECT_NEAR(ShapeSimilarity(vu, vm), -1.0, 1e-6);
}

TEST(ShapeVectorTest, FeaturesFollowTheDocumentedScaling) {
  Window meta = NoFeatures();
  meta.last.rsi14 = 80;       // 0.3
  meta.last.macd_hist = 1.0;  // tanh(1/2)
  meta.last.atr14 = 2.0;
  meta.last.bb_pctb = 1.2;    // 0.7
  meta.last.adx14 = 40;       // 0.4
  meta.relative_volume = 2;   // tanh(ln 2)
  meta.volatility = 25;       // tanh(0.5)
  meta.return_pct = 10;       // tanh(0.5)
  meta.max_drawdown_pct = -5; // tanh(-0.25)
  const std::vector<double> flat(30, 42.0);  // flat path: block of zeros
  std::vector<float> v;
  ComputeShapeVector(flat, meta, &v);
  const double want[8] = {0.3, std::tanh(0.5), 0.7, 0.4, std::tanh(std::log(2.0)),
                          std::tanh(0.5), std::tanh(0.5), std::tanh(-0.25)};
  double norm = 0;
  for (double x : want) norm += x * x;
  norm = std::sqrt(norm);  // the 0.5 feature weight cancels in normalisation
  for (size_t j = 0; j < kShapePathPoints; ++j) EXPECT_EQ(v[j], 0.0f);
  for (size_t k = 0; k < 8; ++k) EXPECT_NEAR(v[kShapePathPoints + k], want[k] / norm, 1e-6) << k;
}

TEST(ShapeVectorTest, FlatAndUnknownGivesZerosNotNaN) {
  std::vector<float> v;
  ComputeShapeVector(std::vector<double>(30, 10.0), NoFeatures(), &v);
  ASSERT_EQ(v.size(), kShapeDims);
  for (float x : v) EXPECT_EQ(x, 0.0f);
  ComputeShapeVector(std::vector<double>{10.0}, NoFeatures(), &v);
  for (float x : v) EXPECT_FALSE(std::isnan(x));
}

TEST(ShapeVectorTest, BuilderStoresTheShapeOfEachWindowsCloses) {
  const BarSeries bars = testing::WavySeries(60);
  std::vector<Window> ws;
  BuildWindows(bars, IndicatorColumns{}, {}, {}, "", WindowOptions{}, &ws);
  ASSERT_FALSE(ws.empty());
  for (const Window& w : ws) {
    std::vector<float> expect;
    ComputeShapeVector(std::span<const double>(bars.close).subspan(w.start_bar, w.n_bars), w,
                       &expect);
    EXPECT_EQ(w.shape, expect);
  }
  // A 10x-priced copy of the series gives the same shapes.
  BarSeries big = bars;
  for (auto* col : {&big.open, &big.high, &big.low, &big.close})
    for (double& x : *col) x *= 10;
  std::vector<Window> wb;
  BuildWindows(big, IndicatorColumns{}, {}, {}, "", WindowOptions{}, &wb);
  ASSERT_EQ(wb.size(), ws.size());
  for (size_t i = 0; i < ws.size(); ++i)
    EXPECT_NEAR(ShapeSimilarity(ws[i].shape, wb[i].shape), 1.0, 1e-6);
}

}  // namespace
}  // namespace ohlcv
