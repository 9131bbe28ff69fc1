// Client for OpenAI-compatible /v1/embeddings endpoints (embedder.h).
//
// Request:  POST {base_url}/embeddings {"model": M, "input": ["...", ...]}
// Reply:    {"data": [{"index": i, "embedding": [floats]}, ...], ...}
// Errors:   non-2xx with {"error": {"message": "..."}} (OpenAI, vLLM) or
//           {"error": "..."} (Ollama, TEI); both are read.
// Rows are L2-normalised here because not every server normalises (Ollama).
// nlohmann exceptions stop in this file.
#include <atomic>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "embed/embedder.h"
#include "embed/vector_util.h"
#include "net/http_client.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

Status StatusForHttp(long http_status, const std::string& message) {
  const std::string m = "embeddings server replied HTTP " + std::to_string(http_status) +
                        (message.empty() ? "" : ": " + message);
  switch (http_status) {
    case 400:
    case 404:
    case 413:
    case 422:
      return Status::InvalidArgument(m);
    case 401:
      return Status::Unauthenticated(m);
    case 403:
      return Status::PermissionDenied(m);
    case 408:
    case 504:
      return Status::DeadlineExceeded(m);
    case 429:
      return Status::ResourceExhausted(m);
    default:
      return http_status >= 500 ? Status::Unavailable(m) : Status::Internal(m);
  }
}

// The server's error message, from either error shape; "" if none.
std::string ErrorMessage(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("error")) return body.size() <= 200 ? body : body.substr(0, 200);
  const json& e = j["error"];
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object() && e.contains("message") && e["message"].is_string())
    return e["message"].get<std::string>();
  return e.dump();
}

class OpenAiEmbedder final : public Embedder {
 public:
  explicit OpenAiEmbedder(const OpenAiEmbedderOptions& o)
      : options_(o),
        name_("openai:" + o.model),
        dimension_(o.dimension),
        http_(HttpClientOptions{.request_timeout = o.timeout, .max_retries = o.retries}) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
    url_ = options_.base_url + "/embeddings";
  }

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
  Status EmbedBatch(std::span<const std::string> texts, std::vector<float>* out) {
    json input = json::array();
    for (const std::string& t : texts) input.push_back(t.empty() ? std::string(" ") : t);
    HttpRequest req;
    req.method = "POST";
    req.url = url_;
    req.headers.emplace_back("Content-Type", "application/json");
    if (!options_.api_key.empty())
      req.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    // Invalid UTF-8 in a text is replaced rather than thrown on.
    req.body = json{{"model", options_.model}, {"input", std::move(input)}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
    OHLCV_ASSIGN_OR_RETURN(HttpResponse resp, http_.Send(req));
    if (resp.status < 200 || resp.status >= 300)
      return StatusForHttp(resp.status, ErrorMessage(resp.body));
    return ParseReply(resp.body, texts.size(), out);
  }

  Status ParseReply(const std::string& body, size_t expected, std::vector<float>* out) {
    auto bad = [](const std::string& why) {
      return Status::Corruption("embeddings server reply: " + why);
    };
    json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return bad("not JSON");
    if (!j.is_object() || !j.contains("data") || !j["data"].is_array())
      return bad("no \"data\" array");
    const json& data = j["data"];
    if (data.size() != expected)
      return bad(std::to_string(data.size()) + " embeddings for " + std::to_string(expected) +
                 " inputs");
    size_t dim = dimension_.load(std::memory_order_acquire);
    const size_t base = out->size();
    std::vector<bool> seen(expected, false);
    for (size_t pos = 0; pos < data.size(); ++pos) {
      const json& item = data[pos];
      if (!item.is_object() || !item.contains("embedding") || !item["embedding"].is_array())
        return bad("item without an \"embedding\" array");
      const json& emb = item["embedding"];
      // Some servers omit "index" and answer in order.
      size_t index = pos;
      if (item.contains("index")) {
        if (!item["index"].is_number_unsigned()) return bad("\"index\" is not a non-negative integer");
        index = item["index"].get<size_t>();
      }
      if (index >= expected || seen[index]) return bad("index out of range or repeated");
      seen[index] = true;
      if (dim == 0) {
        if (emb.empty()) return bad("empty embedding");
        // First reply fixes the dimension; concurrent callers agree or fail below.
        size_t zero = 0;
        dimension_.compare_exchange_strong(zero, emb.size(), std::memory_order_acq_rel);
        dim = dimension_.load(std::memory_order_acquire);
      }
      if (emb.size() != dim)
        return bad("embedding of size " + std::to_string(emb.size()) + ", expected " +
                   std::to_string(dim));
      if (out->size() < base + expected * dim) out->resize(base + expected * dim);
      float* row = out->data() + base + index * dim;
      for (size_t d = 0; d < dim; ++d) {
        if (!emb[d].is_number()) return bad("non-number in embedding");
        row[d] = emb[d].get<float>();
        if (!std::isfinite(row[d])) return bad("non-finite value in embedding");
      }
      if (L2Normalize(std::span<float>(row, dim)) == 0) return bad("zero embedding");
    }
    return Status::Ok();
  }

  OpenAiEmbedderOptions options_;
  const std::string name_;
  std::string url_;
  std::atomic<size_t> dimension_;  // 0 until learnt
  HttpClient http_;
};

}  // namespace

std::unique_ptr<Embedder> NewOpenAiEmbedder(const OpenAiEmbedderOptions& options) {
  return std::make_unique<OpenAiEmbedder>(options);
}

}  // namespace ohlcv
