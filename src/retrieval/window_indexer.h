// WindowIndexer: embeds window summaries and upserts the windows, with their
// text vectors, into a VectorStore. It is the retrieval side of an ingest:
// RunIngest's WindowSinkFn wraps Index() (pipeline/ingest.cc IngestAndIndex does
//   [&indexer](const BarSeries&, std::span<const Window> w) { return indexer.Index(w); }).
//
// Each Index() call is split into batches of options.batch_size windows; a
// batch is embedded and then upserted in one VectorStore::Upsert, so every
// batch is atomic for readers and a re-index of the same windows is
// idempotent (upsert by id). The first batch is embedded in up to
// options.embed_threads slices (Embedder::Embed is thread-safe); after that
// the work is pipelined: one helper thread embeds batch b + 1 while the
// caller upserts batch b, and batches go in by VectorStore::UpsertDeferred,
// so a store that uploads in the background (the shared store) sends batch
// b's vectors while batch b + 1 is embedded and committed. Index() returns
// after the last batch is in the store (VectorStore::Sync).
//
// Ownership: the store and embedder are borrowed and must outlive the indexer.
// Thread-safety: safe for concurrent use; Index() calls are serialized by an
// internal mutex (the ingest pipeline serializes them already), stats() may
// be read from any thread at any time.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/window.h"
#include "embed/embedder.h"
#include "index/vector_store.h"

namespace ohlcv {

struct WindowIndexerOptions {
  // Windows per Embed + Upsert. Larger batches amortise the store's
  // transaction cost; smaller ones bound memory (100-d vectors: 400 bytes per
  // window plus its summary). Default 2048. REQUIRES: > 0.
  size_t batch_size = 2048;
  // Threads embedding one batch (the caller's included). 0 = the hardware
  // concurrency, at most 8. Batches below kMinSliceTexts per thread use fewer.
  // Default 0.
  size_t embed_threads = 0;
};

// Plain counters; the service turns them into metrics.
struct WindowIndexerStats {
  uint64_t calls = 0;           // Index() calls
  uint64_t windows = 0;         // windows upserted
  uint64_t batches = 0;         // Upsert calls made
  uint64_t failed_batches = 0;  // batches whose embedding or upsert failed
  double embed_seconds = 0;     // wall time inside Embedder::Embed
  double upsert_seconds = 0;    // wall time inside VectorStore::Upsert
};

class WindowIndexer {
 public:
  // Fewer texts than this per slice are embedded on fewer threads: a thread
  // start costs more than embedding a few hundred summaries.
  static constexpr size_t kMinSliceTexts = 256;

  // REQUIRES: store and embedder outlive the indexer; embedder is the one the
  // store was opened with (same name and dimension).
  WindowIndexer(VectorStore& store, Embedder& embedder, WindowIndexerOptions options = {});

  WindowIndexer(const WindowIndexer&) = delete;
  WindowIndexer& operator=(const WindowIndexer&) = delete;

  // Embeds and upserts `windows`. Stops at the first failing batch and
  // returns its Status (earlier batches stay committed); an embedder whose
  // dimension differs from the store's is InvalidArgument.
  Status Index(std::span<const Window> windows);

  WindowIndexerStats stats() const;

 private:
  // Embeds `batch`'s summaries into *vectors (across threads when `parallel`).
  Status EmbedBatch(std::span<const Window> batch, bool parallel, std::vector<std::string>* texts,
                    std::vector<float>* vectors);
  Status UpsertBatch(std::span<const Window> batch, std::span<const float> vectors);
  Status EmbedParallel(std::span<const std::string> texts, std::vector<float>* out);

  VectorStore& store_;
  Embedder& embedder_;
  const WindowIndexerOptions options_;
  std::mutex index_mu_;  // serializes Index(); guards texts_ and vectors_ (the batch being upserted)
  std::vector<std::string> texts_;
  std::vector<float> vectors_;
  mutable std::mutex stats_mu_;  // guards stats_
  WindowIndexerStats stats_;
};

}  // namespace ohlcv
