// SpaceIndex: everything searchable in one vector space of the local store:
// an HNSW graph plus a "delta" of rows staged but not yet inserted into it.
//
// Why: inserting into HNSW costs far more than the SQLite write (about 10x
// at 100 dimensions), so Upsert stages vectors here (a copy and a map
// update) and a background thread drains them into the graph in chunks.
// Searches look at both: approximate search on the graph, exact dot products
// on the delta, merged; so a staged row is searchable as soon as Upsert
// returns, and the answer does not depend on how far the drain has got.
//
// A label lives in exactly one place for searches: staging a label that the
// graph already holds marks the graph copy deleted; draining it re-adds it
// (hnswlib revives and updates the same label).
//
// Thread-safety: const methods may run concurrently with each other;
// non-const methods need exclusive access (the owner's shared_mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "index/hnsw_index.h"

namespace ohlcv::index_internal {

class SpaceIndex {
 public:
  // REQUIRES: hnsw non-null. Takes ownership.
  explicit SpaceIndex(std::unique_ptr<HnswIndex> hnsw);

  // Stages rows (copied and L2-normalised). seqs are the SQLite seqs of the
  // writes. REQUIRES: exclusive; labels distinct.
  void Stage(std::span<const float> vectors, std::span<const uint64_t> labels,
             std::span<const int64_t> seqs);
  // Catch-up at open: stages only the rows the graph does not already hold
  // live with exactly this vector (a file saved while rows were still staged
  // records an older seq than what its graph holds). Returns how many were
  // staged. REQUIRES: exclusive; labels distinct.
  size_t StageMissing(std::span<const float> vectors, std::span<const uint64_t> labels,
                      std::span<const int64_t> seqs);
  // Removes a label from the graph (marked deleted) and the delta. REQUIRES: exclusive.
  void Remove(uint64_t label);
  // Inserts up to max_rows staged rows into the graph, oldest staged first,
  // so a graph saved mid-drain covers a growing prefix of the writes
  // (CoveredSeq). REQUIRES: exclusive.
  Status Drain(size_t max_rows, int threads);

  // Up to k best labels over graph and delta, best first.
  std::vector<HnswNeighbor> Search(std::span<const float> query, size_t k) const;

  size_t staged() const { return labels_.size() - head_; }
  size_t live_count() const { return hnsw_->live_count() + staged(); }
  // The SQLite seq a save of the graph covers: everything up to the oldest
  // staged write (exclusive), or last_seq when nothing is staged.
  int64_t CoveredSeq(int64_t last_seq) const;
  const HnswIndex& hnsw() const { return *hnsw_; }
  size_t MemoryBytes() const;

 private:
  void Erase(size_t pos);
  void Compact();

  std::unique_ptr<HnswIndex> hnsw_;
  const size_t dim_;
  // Staged rows are [head_, labels_.size()) of these arrays, in staging
  // order; rows before head_ were drained and are dropped by Compact once
  // they are the larger part.
  std::vector<uint64_t> labels_;  // staged rows: label, seq, normalised vector
  std::vector<int64_t> seqs_;
  std::vector<float> vectors_;
  size_t head_ = 0;
  std::unordered_map<uint64_t, size_t> pos_;  // label -> row in the staged arrays
};

}  // namespace ohlcv::index_internal
