// Tests of the HNSW wrapper (index/hnsw_index.cc) and the staged delta in
// front of it (index/space_index.cc): re-adds, save/load, torn files, the
// SIMD kernel, and staged rows replacing graph copies.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "index/hnsw_index.h"
#include "index/space_index.h"
#include "index/vector_store_conformance.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using testing::ConformanceVector;

constexpr size_t kDim = 16;

TEST(SpaceIndexTest, StagedRowsAreSearchableAndReplaceGraphCopies) {
  index_internal::HnswParams p;
  p.dim = kDim;
  auto hnsw = index_internal::HnswIndex::Create(p);
  ASSERT_TRUE(hnsw.ok());
  index_internal::SpaceIndex index(std::move(hnsw).value());
  std::vector<float> vecs;
  std::vector<uint64_t> labels;
  std::vector<int64_t> seqs;
  for (int i = 0; i < 100; ++i) {
    auto v = ConformanceVector(i, kDim);
    vecs.insert(vecs.end(), v.begin(), v.end());
    labels.push_back(static_cast<uint64_t>(i));
    seqs.push_back(i + 1);
  }
  index.Stage(vecs, labels, seqs);
  EXPECT_EQ(index.staged(), 100u);
  EXPECT_EQ(index.CoveredSeq(500), 0);
  auto hits = index.Search(ConformanceVector(42, kDim), 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].label, 42u);
  ASSERT_TRUE(index.Drain(60, 2).ok());
  EXPECT_EQ(index.staged(), 40u);
  EXPECT_EQ(index.live_count(), 100u);
  ASSERT_TRUE(index.Drain(1000, 2).ok());
  EXPECT_EQ(index.CoveredSeq(500), 500);
  // Re-staging label 42 with another vector hides the graph copy.
  auto moved = ConformanceVector(4242, kDim);
  std::vector<uint64_t> one = {42};
  std::vector<int64_t> seq = {501};
  index.Stage(moved, one, seq);
  EXPECT_EQ(index.live_count(), 100u);
  hits = index.Search(ConformanceVector(42, kDim), 3);
  for (const auto& h : hits) EXPECT_NE(h.label, 42u);
  hits = index.Search(moved, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].label, 42u);
  ASSERT_TRUE(index.Drain(10, 1).ok());
  hits = index.Search(moved, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].label, 42u);
  EXPECT_NEAR(hits[0].score, 1.0f, 1e-4);
  index.Remove(42);
  EXPECT_EQ(index.live_count(), 99u);
  hits = index.Search(moved, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].label, 42u);
}

// Vectors ConformanceVector(i) for i < n, labelled i * label_step.
void ConformanceRows(int n, uint64_t label_step, std::vector<float>* vecs, std::vector<uint64_t>* labels) {
  for (int i = 0; i < n; ++i) {
    auto v = ConformanceVector(i, kDim);
    vecs->insert(vecs->end(), v.begin(), v.end());
    labels->push_back(static_cast<uint64_t>(i) * label_step);
  }
}

// Re-adding labels (what a re-ingest does): unchanged vectors are skipped,
// changed ones move, deleted ones come back.
TEST(HnswIndexTest, ReAddKeepsUnchangedMovesChangedRevivesDeleted) {
  index_internal::HnswParams p;
  p.dim = kDim;
  auto idx = index_internal::HnswIndex::Create(p);
  ASSERT_TRUE(idx.ok());
  std::vector<float> vecs;
  std::vector<uint64_t> labels;
  ConformanceRows(1500, 1, &vecs, &labels);
  ASSERT_TRUE((*idx)->Add(vecs, labels, 2).ok());
  (*idx)->MarkDeleted(10);
  // Label 20 now holds vector 5000's direction; all others are re-added as they are.
  auto moved = ConformanceVector(5000, kDim);
  std::copy(moved.begin(), moved.end(), vecs.begin() + 20 * kDim);
  ASSERT_TRUE((*idx)->Add(vecs, labels, 2).ok());
  EXPECT_EQ((*idx)->live_count(), 1500u);
  for (int i : {0, 10, 777, 1499}) {
    auto hits = (*idx)->Search(ConformanceVector(i, kDim), 1);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].label, static_cast<uint64_t>(i));
    EXPECT_NEAR(hits[0].score, 1.0f, 1e-4);
  }
  auto hits = (*idx)->Search(moved, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].label, 20u);
  EXPECT_NEAR(hits[0].score, 1.0f, 1e-4);

  // Every vector of a small graph changes: the element alone on the top
  // level has an empty link list there, which hnswlib's update copies (the
  // zero-length memcpy scripts/ubsan.supp names; the sanitizer pass runs this).
  constexpr int kSmall = 600;
  auto small = index_internal::HnswIndex::Create(p);
  ASSERT_TRUE(small.ok());
  std::vector<float> before, after;
  std::vector<uint64_t> few;
  ConformanceRows(kSmall, 1, &before, &few);
  for (int i = 0; i < kSmall; ++i) {
    auto v = ConformanceVector(10000 + i, kDim);
    after.insert(after.end(), v.begin(), v.end());
  }
  ASSERT_TRUE((*small)->Add(before, few, 1).ok());
  ASSERT_TRUE((*small)->Add(after, few, 1).ok());
  hits = (*small)->Search(ConformanceVector(10005, kDim), 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].label, 5u);
  EXPECT_NEAR(hits[0].score, 1.0f, 1e-4);
}

TEST(HnswIndexTest, SaveLoadRoundTripAndTornFileDetected) {
  using index_internal::HnswIndex;
  std::string dir = testing::MakeTempDir();
  index_internal::HnswParams p;
  p.dim = kDim;
  auto idx = HnswIndex::Create(p);
  ASSERT_TRUE(idx.ok());
  std::vector<float> vecs;
  std::vector<uint64_t> labels;
  ConformanceRows(2000, 3, &vecs, &labels);  // beyond initial capacity: exercises resize
  ASSERT_TRUE((*idx)->Add(vecs, labels, 2).ok());
  (*idx)->MarkDeleted(3);
  (*idx)->MarkDeleted(3);       // idempotent
  (*idx)->MarkDeleted(999999);  // unknown: ignored
  EXPECT_EQ((*idx)->live_count(), 1999u);
  EXPECT_GT((*idx)->MemoryBytes(), 2000u * kDim * sizeof(float));
  ASSERT_TRUE((*idx)->Save(dir + "/t.hnsw", 42).ok());
  uint64_t seq = 0;
  auto loaded = HnswIndex::Load(dir + "/t.hnsw", p, &seq);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(seq, 42u);
  EXPECT_EQ((*loaded)->live_count(), 1999u);
  EXPECT_FALSE((*loaded)->Contains(3));
  EXPECT_TRUE((*loaded)->Contains(6));
  auto hits = (*loaded)->Search(ConformanceVector(7, kDim), 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].label, 21u);
  EXPECT_NEAR(hits[0].score, 1.0f, 1e-4);
  EXPECT_GE(hits[0].score, hits[1].score);
  auto other = p;
  other.dim = kDim + 1;
  EXPECT_EQ(HnswIndex::Load(dir + "/t.hnsw", other, &seq).status().code(), StatusCode::kCorruption);
  fs::resize_file(dir + "/t.hnsw", fs::file_size(dir + "/t.hnsw") - 1);
  EXPECT_EQ(HnswIndex::Load(dir + "/t.hnsw", p, &seq).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(HnswIndex::Load(dir + "/none.hnsw", p, &seq).status().code(), StatusCode::kNotFound);
}

// Load reads the file in one pass into hnswlib's structures itself (not
// through hnswlib's loadIndex): a loaded graph saved again must give the
// same bytes (every header field, vector, label, deleted mark and link list
// restored), and search exactly as the graph it was saved from.
TEST(HnswIndexTest, OnePassLoadRestoresTheGraphExactly) {
  using index_internal::HnswIndex;
  std::string dir = testing::MakeTempDir();
  index_internal::HnswParams p;
  p.dim = kDim;
  auto idx = HnswIndex::Create(p);
  ASSERT_TRUE(idx.ok());
  std::vector<float> vecs;
  std::vector<uint64_t> labels;
  ConformanceRows(3000, 5, &vecs, &labels);
  ASSERT_TRUE((*idx)->Add(vecs, labels, 2).ok());
  for (uint64_t l : {5u, 50u, 500u}) (*idx)->MarkDeleted(l);
  ASSERT_TRUE((*idx)->Save(dir + "/a.hnsw", 7).ok());
  uint64_t seq = 0;
  auto loaded = HnswIndex::Load(dir + "/a.hnsw", p, &seq);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), (*idx)->size());
  EXPECT_EQ((*loaded)->deleted_count(), 3u);
  ASSERT_TRUE((*loaded)->Save(dir + "/b.hnsw", 7).ok());
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string a = read(dir + "/a.hnsw");
  EXPECT_GT(a.size(), 3000u * kDim * sizeof(float));
  EXPECT_TRUE(a == read(dir + "/b.hnsw"));
  EXPECT_EQ(read(dir + "/a.hnsw.meta"), read(dir + "/b.hnsw.meta"));
  for (int q = 0; q < 200; ++q) {
    auto want = (*idx)->Search(ConformanceVector(10000 + q, kDim), 10);
    auto got = (*loaded)->Search(ConformanceVector(10000 + q, kDim), 10);
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(want[i].label, got[i].label);
      EXPECT_EQ(want[i].score, got[i].score);
    }
  }
  // The loaded graph takes inserts (capacity, locks and the visited pool
  // were set up) and a flipped byte anywhere is refused.
  std::vector<float> more(vecs.begin(), vecs.begin() + 100 * kDim);
  std::vector<uint64_t> more_labels(100);
  for (size_t i = 0; i < 100; ++i) more_labels[i] = 100000 + i;
  ASSERT_TRUE((*loaded)->Add(more, more_labels, 1).ok());
  EXPECT_TRUE((*loaded)->Contains(100050));
  {
    std::fstream f(dir + "/a.hnsw", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(a.size() - 3));
    f.put(static_cast<char>(a[a.size() - 3] ^ 1));
  }
  EXPECT_EQ(HnswIndex::Load(dir + "/a.hnsw", p, &seq).status().code(), StatusCode::kCorruption);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ohlcv

// hnsw_index.cc is built with -mavx2 -mfma; on a CPU with AVX hnswlib must
// then pick its AVX kernel (an SSE fallback would silently cost build speed).
TEST(HnswIndexTest, UsesAvxKernelWhenTheCpuHasIt) {
  const std::string path = ohlcv::index_internal::HnswIndex::SimdPath();
  if (__builtin_cpu_supports("avx512f")) {
    EXPECT_TRUE(path == "avx" || path == "avx512") << path;
  } else if (__builtin_cpu_supports("avx")) {
    EXPECT_EQ(path, "avx");
  } else {
    EXPECT_NE(path, "avx");
  }
}
