#include "embed/embedder.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "embed/vector_util.h"

namespace ohlcv {

Result<std::vector<float>> Embedder::EmbedOne(std::string text) {
  std::vector<float> out;
  OHLCV_RETURN_IF_ERROR(Embed(std::span<const std::string>(&text, 1), &out));
  return out;
}

std::string DefaultWordVectorPath(std::string_view fallback_root) {
  namespace fs = std::filesystem;
  constexpr const char* kFile = "wink-sg-100d.bin";
  const fs::path root = fallback_root.empty() ? fs::path(".") : fs::path(fallback_root);
  return (root / ".cache" / kFile).string();
}

float L2Normalize(std::span<float> v) {
  double sum = 0;
  for (float x : v) sum += double{x} * x;
  const double norm = std::sqrt(sum);
  if (!(norm > 0) || !std::isfinite(norm)) return 0;
  const float inv = static_cast<float>(1.0 / norm);
  for (float& x : v) x *= inv;
  return static_cast<float>(norm);
}

void FallbackUnitVector(uint64_t seed, std::span<float> v) {
  // splitmix64: fixed, portable sequence (std distributions are not).
  uint64_t state = seed;
  for (float& x : v) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    x = static_cast<float>(static_cast<double>(z >> 11) * 0x1.0p-53 * 2.0 - 1.0);
  }
  if (L2Normalize(v) == 0 && !v.empty()) v[0] = 1;  // practically unreachable
}

}  // namespace ohlcv
