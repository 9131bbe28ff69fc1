// Test-only embedder (embedder.h): signed feature hashing of words and of
// character 3-grams of "<word>", so texts sharing words or spellings point
// the same way. Deterministic across platforms (FNV-1a, no std::hash).
#include <cmath>
#include <string>

#include "embed/embedder.h"
#include "embed/tokenizer.h"
#include "embed/vector_util.h"

namespace ohlcv {
namespace {

class HashingEmbedder final : public Embedder {
 public:
  explicit HashingEmbedder(size_t dim) : dim_(dim), name_("hashing-" + std::to_string(dim)) {}

  std::string_view name() const override { return name_; }
  size_t dimension() const override { return dim_; }

  Status Embed(std::span<const std::string> texts, std::vector<float>* out) override {
    out->assign(texts.size() * dim_, 0.0f);
    for (size_t i = 0; i < texts.size(); ++i)
      EmbedText(texts[i], std::span<float>(out->data() + i * dim_, dim_));
    return Status::Ok();
  }

 private:
  void Add(uint64_t h, float weight, std::span<float> row) const {
    // Low bits pick the bucket, a high bit the sign, so collisions cancel
    // out on average instead of piling up.
    const float sign = (h >> 63) ? -1.0f : 1.0f;
    row[h % dim_] += sign * weight;
  }

  void EmbedText(std::string_view text, std::span<float> row) const {
    uint64_t text_hash = kFnvOffset;
    size_t tokens = 0;
    ForEachToken(text, [&](std::string_view token, uint64_t hash) {
      text_hash = MixTokenHash(text_hash, hash);
      ++tokens;
      Add(hash, 1.0f, row);
      const std::string padded = "<" + std::string(token) + ">";
      for (size_t i = 0; i + 3 <= padded.size(); ++i)
        Add(WordHash(std::string_view(padded).substr(i, 3)) * 0x9E3779B97F4A7C15ull, 0.5f, row);
    });
    if (tokens == 0 || L2Normalize(row) == 0) FallbackUnitVector(text_hash, row);
  }

  const size_t dim_;
  const std::string name_;
};

}  // namespace

std::unique_ptr<Embedder> NewHashingEmbedder(size_t dim) {
  return std::make_unique<HashingEmbedder>(dim == 0 ? 1 : dim);
}

}  // namespace ohlcv
