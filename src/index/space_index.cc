#include "index/space_index.h"

#include <algorithm>
#include <limits>

#include "index/vector_math.h"

namespace ohlcv::index_internal {

SpaceIndex::SpaceIndex(std::unique_ptr<HnswIndex> hnsw)
    : hnsw_(std::move(hnsw)), dim_(hnsw_->dim()) {}

void SpaceIndex::Stage(std::span<const float> vectors, std::span<const uint64_t> labels,
                       std::span<const int64_t> seqs) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const uint64_t label = labels[i];
    hnsw_->MarkDeleted(label);  // the graph copy is now stale (no-op if absent)
    auto [it, inserted] = pos_.try_emplace(label, labels_.size());
    if (inserted) {
      labels_.push_back(label);
      seqs_.push_back(seqs[i]);
      vectors_.resize(vectors_.size() + dim_);
    } else {
      seqs_[it->second] = seqs[i];
    }
    std::span<float> row(vectors_.data() + it->second * dim_, dim_);
    std::copy_n(vectors.data() + i * dim_, dim_, row.data());
    NormalizeInPlace(row);
  }
}

size_t SpaceIndex::StageMissing(std::span<const float> vectors, std::span<const uint64_t> labels,
                                std::span<const int64_t> seqs) {
  std::vector<float> row(dim_);
  size_t staged = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::copy_n(vectors.data() + i * dim_, dim_, row.data());
    NormalizeInPlace(row);
    if (!pos_.count(labels[i]) && hnsw_->HoldsUnchanged(labels[i], row)) continue;
    Stage(std::span(vectors.data() + i * dim_, dim_), labels.subspan(i, 1), seqs.subspan(i, 1));
    ++staged;
  }
  return staged;
}

void SpaceIndex::Erase(size_t pos) {
  const size_t last = labels_.size() - 1;
  pos_.erase(labels_[pos]);
  if (pos != last) {
    labels_[pos] = labels_[last];
    seqs_[pos] = seqs_[last];
    std::copy_n(vectors_.data() + last * dim_, dim_, vectors_.data() + pos * dim_);
    pos_[labels_[pos]] = pos;
  }
  labels_.pop_back();
  seqs_.pop_back();
  vectors_.resize(last * dim_);
}

void SpaceIndex::Remove(uint64_t label) {
  hnsw_->MarkDeleted(label);
  auto it = pos_.find(label);
  if (it != pos_.end()) Erase(it->second);
}

Status SpaceIndex::Drain(size_t max_rows, int threads) {
  const size_t n = std::min(max_rows, staged());
  if (n == 0) return Status::Ok();
  OHLCV_RETURN_IF_ERROR(hnsw_->Add(std::span(vectors_).subspan(head_ * dim_, n * dim_),
                                   std::span(labels_).subspan(head_, n), threads));
  for (size_t i = head_; i < head_ + n; ++i) pos_.erase(labels_[i]);
  head_ += n;
  if (head_ == labels_.size() || head_ > labels_.size() / 2) Compact();
  return Status::Ok();
}

// Drops the drained rows before head_ (amortised: at most once per doubling).
void SpaceIndex::Compact() {
  labels_.erase(labels_.begin(), labels_.begin() + static_cast<ptrdiff_t>(head_));
  seqs_.erase(seqs_.begin(), seqs_.begin() + static_cast<ptrdiff_t>(head_));
  vectors_.erase(vectors_.begin(), vectors_.begin() + static_cast<ptrdiff_t>(head_ * dim_));
  head_ = 0;
  for (size_t i = 0; i < labels_.size(); ++i) pos_[labels_[i]] = i;
}

std::vector<HnswNeighbor> SpaceIndex::Search(std::span<const float> query, size_t k) const {
  std::vector<HnswNeighbor> out = hnsw_->Search(query, k);
  if (staged() == 0 || k == 0) return out;
  std::vector<float> q(query.begin(), query.end());
  NormalizeInPlace(q);
  out.reserve(out.size() + staged());
  for (size_t i = head_; i < labels_.size(); ++i) {
    out.push_back({labels_[i], Dot(q.data(), vectors_.data() + i * dim_, dim_)});
  }
  auto better = [](const HnswNeighbor& a, const HnswNeighbor& b) {
    return a.score != b.score ? a.score > b.score : a.label < b.label;
  };
  const size_t top = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<ptrdiff_t>(top), out.end(), better);
  out.resize(top);
  return out;
}

int64_t SpaceIndex::CoveredSeq(int64_t last_seq) const {
  if (staged() == 0) return last_seq;
  return *std::min_element(seqs_.begin() + static_cast<ptrdiff_t>(head_), seqs_.end()) - 1;
}

size_t SpaceIndex::MemoryBytes() const {
  return hnsw_->MemoryBytes() + vectors_.capacity() * sizeof(float) +
         labels_.capacity() * (sizeof(uint64_t) + sizeof(int64_t)) + pos_.size() * 32;
}

}  // namespace ohlcv::index_internal
