// HnswIndex: the one adapter around hnswlib (the only file that includes it).
// A cosine-similarity ANN index over float vectors with caller-chosen 64-bit
// labels, persisted as `<path>` (hnswlib's own format) plus a sidecar
// `<path>.meta` that records the dimension, the last SQLite seq the index
// covers, and the byte size and hash of `<path>` so a torn or foreign file is
// detected and rebuilt rather than trusted.
//
// Vectors are L2-normalised on the way in (Add) and for queries (Search), so
// hnswlib::InnerProductSpace distance (1 - dot) is 1 - cosine. Scores returned
// are cosine similarities in [-1, 1].
//
// hnswlib's own thread rules (0.6.2), restated because they shape ours:
//   - searchKnn may run concurrently with other searchKnn calls;
//   - addPoint may run concurrently with other addPoint calls for DISTINCT
//     labels (it locks per element), which is how Add uses two threads;
//   - addPoint, markDelete, resizeIndex and setEf must NOT run concurrently
//     with searchKnn (no reader locks on deleted marks, reallocation, ef_);
//   - saveIndex only reads, so it may run alongside searches.
// Hence this class's contract: const methods (Search, Save, Contains, sizes)
// are safe to call concurrently with each other; non-const methods (Add,
// MarkDeleted) need exclusive access. The owner guards the index with a
// std::shared_mutex (readers shared, writer exclusive).
//
// hnswlib reports errors by throwing; every throw stops here and becomes a
// Status. hnswlib 0.6.2 leaves num_deleted_ uninitialised when loading a file;
// Load works around it. Its searchBaseLayer also reads one id past a full
// upper-level link list (a prefetch hint); Add and Load pad those lists by one
// slot so the read stays in owned memory (found by ASan).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace ohlcv::index_internal {

// Trade-offs, measured with `index_bench --sweep 1` (30,000 clustered
// 100-d vectors, 2 insert threads, AVX kernels, recall@10 vs brute force):
//   M=16 ef_construction=100: 2.97 s build CPU, recall 0.9995
//   M=16 ef_construction=64:  ~1.9 s (-35%),     recall 0.9995
//   M=16 ef_construction=40:  1.15 s (-60%),     recall 0.993
//   M=12 ef_construction=40:  1.07 s,            recall 0.9965
//   M=8  ef_construction=64:  1.55 s,            recall 0.9835
// Build CPU is roughly linear in ef_construction; recall degrades slowly
// down to ~40 and M below 12 costs more recall than it saves. At 130,000
// vectors the full store measures recall@10 0.98 with 16/100 (index_bench).
struct HnswParams {
  size_t dim = 0;                  // REQUIRES: > 0
  size_t m = 16;                   // graph degree; memory ~ 2*m*4 bytes per element on layer 0
  size_t ef_construction = 100;    // build-time beam; higher = better graph, slower adds (see above)
  size_t ef_search = 64;           // query-time beam; raised to k when k is larger; 32 halves
                                   // query time for ~1.5 points of recall
  size_t initial_capacity = 1024;  // grows by doubling as elements are added
};

struct HnswNeighbor {
  uint64_t label = 0;
  float score = 0;  // cosine similarity
};

class HnswIndex {
 public:
  // An empty index.
  static Result<std::unique_ptr<HnswIndex>> Create(const HnswParams& params);

  // Loads `path` and `path.meta`. On success *covered_seq is the SQLite seq
  // the saved index covers. NotFound when either file is missing; Corruption
  // when the sidecar does not match the file (size, hash) or the dimension
  // differs from params.dim.
  static Result<std::unique_ptr<HnswIndex>> Load(const std::string& path, const HnswParams& params,
                                                 uint64_t* covered_seq);

  // An index with no hnswlib object yet; use Create or Load.
  explicit HnswIndex(const HnswParams& params);
  ~HnswIndex();
  HnswIndex(const HnswIndex&) = delete;
  HnswIndex& operator=(const HnswIndex&) = delete;

  // Writes `path.tmp`, fsyncs, writes `path.meta.tmp`, fsyncs, then renames
  // both over the old files and fsyncs the directory. A crash at any point
  // leaves either the old pair, or a new file with an old sidecar (detected by
  // the hash and rebuilt); never a trusted torn file.
  Status Save(const std::string& path, uint64_t covered_seq) const;

  // Adds (or replaces, for a label already present) rows of `vectors`
  // (labels.size() rows of dim floats). A deleted label is revived. Uses up to
  // `threads` threads. REQUIRES: exclusive access; labels distinct.
  Status Add(std::span<const float> vectors, std::span<const uint64_t> labels, int threads);

  // Hides a label from searches. Unknown or already-deleted labels are
  // ignored (catch-up replays deletions idempotently). REQUIRES: exclusive.
  void MarkDeleted(uint64_t label);

  // Up to k live nearest labels, best first. REQUIRES: query.size() == dim.
  std::vector<HnswNeighbor> Search(std::span<const float> query, size_t k) const;

  // True when `label` is present and not deleted.
  bool Contains(uint64_t label) const;
  // True when `label` is live and holds exactly `normalised` (dim floats,
  // already L2-normalised, as Add stores them).
  bool HoldsUnchanged(uint64_t label, std::span<const float> normalised) const;
  size_t dim() const { return params_.dim; }
  size_t size() const;          // elements ever added, including deleted
  size_t deleted_count() const;
  size_t live_count() const { return size() - deleted_count(); }
  // Approximate resident bytes (vectors, graph, locks, label map).
  size_t MemoryBytes() const;
  // The inner-product kernel hnswlib chose for this build and CPU: "avx512",
  // "avx", "sse" or "scalar". hnsw_index.cc is compiled with -mavx2 -mfma so
  // that "avx" is available (hnswlib selects SIMD by compile-time macros and
  // a runtime CPU check).
  static const char* SimdPath();

 private:
  struct Impl;
  HnswParams params_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ohlcv::index_internal
