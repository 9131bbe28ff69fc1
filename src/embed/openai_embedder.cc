// Client for OpenAI-compatible /v1/embeddings endpoints (embedder.h).
//
// Request:  POST {base_url}/embeddings {"model": M, "input": ["...", ...]}
// Reply:    {"data": [{"index": i, "embedding": [floats]}, ...], ...}
// Errors:   non-2xx with {"error": {"message": "..."}} (OpenAI, vLLM) or
//           {"error": "..."} (Ollama, TEI); both are read.
// Rows are L2-normalised here because not every server normalises (Ollama).
// The HTTP call and the reply's shape are net/openai_client.h's.
#include <atomic>
#include <string>

#include "embed/embedder.h"
#include "embed/vector_util.h"
#include "net/openai_client.h"

namespace ohlcv {
namespace {

OpenAiClientOptions ClientOptions(const OpenAiEmbedderOptions& o) {
  OpenAiClientOptions c;
  c.base_url = o.base_url;
  c.api_key = o.api_key;
  c.timeout = o.timeout;
  c.retries = o.retries;
  c.initial_backoff = std::chrono::milliseconds(200);
  c.max_response_bytes = size_t{256} << 20;
  c.what = "embeddings server";
  return c;
}

class OpenAiEmbedder final : public Embedder {
 public:
  explicit OpenAiEmbedder(const OpenAiEmbedderOptions& o)
      : options_(o), name_("openai:" + o.model), dimension_(o.dimension), client_(ClientOptions(o)) {}

  std::string_view name() const override { return name_; }
  size_t dimension() const override { return dimension_.load(std::memory_order_acquire); }

  Status Embed(std::span<const std::string> texts, std::vector<float>* out) override {
    if (options_.base_url.empty()) return Status::InvalidArgument("openai embedder: empty base_url");
    if (options_.model.empty()) return Status::InvalidArgument("openai embedder: empty model");
    if (options_.batch_size == 0) return Status::InvalidArgument("openai embedder: batch_size is 0");
    out->clear();
    for (size_t begin = 0; begin < texts.size(); begin += options_.batch_size) {
      const size_t n = std::min(options_.batch_size, texts.size() - begin);
      OHLCV_RETURN_IF_ERROR(EmbedBatch(texts.subspan(begin, n), out));
    }
    return Status::Ok();
  }

 private:
  // The client checks the reply's shape (counts, indices, finite numbers,
  // one size); here the size must match the embedder's dimension and rows
  // are L2-normalised.
  Status EmbedBatch(std::span<const std::string> texts, std::vector<float>* out) {
    auto bad = [](const std::string& why) { return Status::Corruption("embeddings server reply: " + why); };
    OHLCV_ASSIGN_OR_RETURN(std::vector<std::vector<float>> rows, client_.Embeddings(options_.model, texts));
    if (rows.empty()) return Status::Ok();
    size_t dim = dimension_.load(std::memory_order_acquire);
    if (dim == 0) {
      // First reply fixes the dimension; concurrent callers agree or fail below.
      size_t zero = 0;
      dimension_.compare_exchange_strong(zero, rows[0].size(), std::memory_order_acq_rel);
      dim = dimension_.load(std::memory_order_acquire);
    }
    if (rows[0].size() != dim)
      return bad("embedding of size " + std::to_string(rows[0].size()) + ", expected " + std::to_string(dim));
    const size_t base = out->size();
    out->resize(base + rows.size() * dim);
    for (size_t i = 0; i < rows.size(); ++i) {
      float* row = out->data() + base + i * dim;
      std::copy(rows[i].begin(), rows[i].end(), row);
      if (L2Normalize(std::span<float>(row, dim)) == 0) return bad("zero embedding");
    }
    return Status::Ok();
  }

  OpenAiEmbedderOptions options_;
  const std::string name_;
  std::atomic<size_t> dimension_;  // 0 until learnt
  OpenAiClient client_;
};

}  // namespace

std::unique_ptr<Embedder> NewOpenAiEmbedder(const OpenAiEmbedderOptions& options) {
  return std::make_unique<OpenAiEmbedder>(options);
}

}  // namespace ohlcv
