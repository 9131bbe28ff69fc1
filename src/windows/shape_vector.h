// Shape vector: a fixed-length numeric fingerprint of a window for "similar
// periods" search (VectorSpace::kShape). Length kShapeDims = 32 for every
// window, whatever its bar count or interval.
//
// Layout (float, then L2-normalised as a whole so cosine similarity = dot):
//   [0, 24)  the path: cumulative log return ln(c[i]/c[0]) over the window,
//            linearly resampled to 24 equally spaced points (first and last
//            bar included), z-normalised (population stdev), then scaled by
//            1/sqrt(24) so the block has norm 1 (all 0 for a flat path).
//            Price level and scale drop out: a window and a 10x-priced copy
//            of it have the same path block.
//   [24, 32) indicator state at the last bar, each in about [-1, 1] and
//            multiplied by kShapeFeatureWeight (0.5) so the path dominates:
//            24 rsi14 / 100 - 0.5
//            25 tanh(macd_hist / atr14)          (momentum in ATR units)
//            26 clamp(bb_pctb - 0.5, -1, 1)      (position in the bands)
//            27 adx14 / 100                      (trend strength)
//            28 tanh(ln(relative_volume))
//            29 tanh(volatility / 50)            (annualised %, 50% -> 0.76)
//            30 tanh(return_pct / 20)
//            31 tanh(max_drawdown_pct / 20)      (<= 0)
//            A NaN input (warm-up, no prior volume) contributes 0.
// An all-zero vector (flat path, every feature 0) stays all zero.
//
// Persisted by vector stores: changing the layout requires re-indexing, so
// bump kShapeVersion when you do.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/window.h"

namespace ohlcv {

inline constexpr size_t kShapePathPoints = 24;
inline constexpr size_t kShapeFeatures = 8;
inline constexpr size_t kShapeDims = kShapePathPoints + kShapeFeatures;
inline constexpr int kShapeVersion = 1;
inline constexpr double kShapeFeatureWeight = 0.5;

// Writes the shape vector of a window whose closes are `closes` and whose
// metadata (last indicators, relative_volume, volatility, return_pct,
// max_drawdown_pct) is in `meta`. Reuses out's capacity.
// REQUIRES: closes non-empty and > 0.
void ComputeShapeVector(std::span<const double> closes, const Window& meta,
                        std::vector<float>* out);

// Dot product of two vectors; equals cosine similarity for shape vectors.
// REQUIRES: a.size() == b.size().
double ShapeSimilarity(std::span<const float> a, std::span<const float> b);

}  // namespace ohlcv
