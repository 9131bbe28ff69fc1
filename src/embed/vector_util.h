// Small vector helpers shared by the embedders (private to embed/).
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <span>

namespace ohlcv {

// Scales v to unit L2 norm and returns its previous norm; leaves v unchanged
// and returns 0 when the norm is 0 or not finite.
float L2Normalize(std::span<float> v);

// Fills v with a deterministic pseudo-random unit vector derived from seed:
// the documented fallback for texts with nothing to embed (embedder.h).
void FallbackUnitVector(uint64_t seed, std::span<float> v);

// Mixes a token hash into a running text hash (order-sensitive).
inline uint64_t MixTokenHash(uint64_t acc, uint64_t token_hash) {
  acc ^= token_hash + 0x9E3779B97F4A7C15ull + (acc << 6) + (acc >> 2);
  return acc;
}

}  // namespace ohlcv
