#include "index/hnsw_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "index/vector_math.h"

namespace ohlcv::index_internal {
namespace {

constexpr char kMetaMagic[] = "ohlcv-hnsw";
constexpr int kMetaVersion = 1;  // persisted in the sidecar; bump on format change

// Word-at-a-time 64-bit hash of a file: detects torn or swapped files, not
// adversaries. Reads the just-written file back from the page cache.
Result<std::pair<uint64_t, uint64_t>> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  uint64_t h = 0x243F6A8885A308D3ull, bytes = 0;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    size_t n = static_cast<size_t>(in.gcount());
    bytes += n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, buf.data() + i, 8);
      h = (h ^ w) * 0x9E3779B97F4A7C15ull;
      h ^= h >> 29;
    }
    for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(buf[i])) * 0x100000001B3ull;
  }
  return std::make_pair(h, bytes);
}

Status FsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::IOError("cannot open " + path + " for fsync");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync failed on " + path);
  return Status::Ok();
}

}  // namespace

struct HnswIndex::Impl {
  std::unique_ptr<hnswlib::InnerProductSpace> space;  // must outlive index
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  // padded[id] != 0 once element id's upper-level link lists have their
  // tail slot (see PadUpperLinks). Sized to index->max_elements_.
  std::vector<uint8_t> padded;
  ~Impl() {
    index.reset();  // before space
  }

  // True when `label` is live and stores exactly `vec`. Safe beside
  // parallel addPoint calls of other labels: the map is read under
  // hnswlib's own lock, and only an add of this label (never concurrent
  // with this one: labels of a batch are distinct) writes this element.
  bool HoldsUnchanged(hnswlib::labeltype label, const std::vector<float>& vec) const {
    hnswlib::tableint id;
    {
      std::lock_guard lock(index->cur_element_count_guard_);
      auto it = index->label_lookup_.find(label);
      if (it == index->label_lookup_.end()) return false;
      id = it->second;
    }
    return !index->isMarkedDeleted(id) &&
           std::memcmp(index->getDataByInternalId(id), vec.data(), vec.size() * sizeof(float)) == 0;
  }

  // hnswlib's searchBaseLayer prefetches the neighbour AFTER the last one
  // (`*(datal + j + 1)`), so scanning a full upper-level list reads one id
  // past it. On layer 0 that lands in the element's own vector; on upper
  // layers it runs 3 bytes past the `size_links_per_element_ * level + 1`
  // bytes addPoint mallocs (the value only feeds a prefetch hint, but the
  // read is out of bounds and ASan rightly reports it). Growing each upper
  // list by one slot makes that read land in owned memory. Takes the
  // element's link lock, which every hnswlib reader of an upper list holds
  // while inserting; searchKnn readers are excluded by our contract.
  void PadUpperLinks(hnswlib::tableint id) {
    auto& ix = *index;
    if (padded[id] || ix.element_levels_[id] <= 0) {
      padded[id] = 1;
      return;
    }
    std::unique_lock<std::mutex> lock(ix.link_list_locks_[id]);
    const size_t used = ix.size_links_per_element_ * static_cast<size_t>(ix.element_levels_[id]);
    const size_t want = used + sizeof(hnswlib::tableint);
    char* grown = static_cast<char*>(std::realloc(ix.linkLists_[id], want));
    if (grown == nullptr) return;  // keep the old list; only the hint read is affected
    std::memset(grown + used, 0, want - used);
    ix.linkLists_[id] = grown;
    padded[id] = 1;
  }
};

HnswIndex::HnswIndex(const HnswParams& params) : params_(params), impl_(std::make_unique<Impl>()) {}
HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::Create(const HnswParams& params) {
  if (params.dim == 0) return Status::InvalidArgument("hnsw: dimension must be > 0");
  auto out = std::make_unique<HnswIndex>(params);
  try {
    out->impl_->space = std::make_unique<hnswlib::InnerProductSpace>(params.dim);
    out->impl_->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        out->impl_->space.get(), std::max<size_t>(params.initial_capacity, 16), params.m,
        params.ef_construction);
    out->impl_->index->setEf(params.ef_search);
    out->impl_->padded.assign(out->impl_->index->max_elements_, 0);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("hnsw create: ") + e.what());
  }
  return out;
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::Load(const std::string& path,
                                                   const HnswParams& params,
                                                   uint64_t* covered_seq) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec) || !fs::exists(path + ".meta", ec)) {
    return Status::NotFound("no index file " + path);
  }
  std::ifstream meta_in(path + ".meta");
  std::string magic;
  int version = 0;
  size_t dim = 0;
  uint64_t seq = 0, bytes = 0, hash = 0;
  std::string k1, k2, k3, k4;
  meta_in >> magic >> version >> k1 >> dim >> k2 >> seq >> k3 >> bytes >> k4 >> hash;
  if (!meta_in || magic != kMetaMagic || version != kMetaVersion || k1 != "dim" || k2 != "seq" ||
      k3 != "bytes" || k4 != "hash") {
    return Status::Corruption("unreadable sidecar " + path + ".meta");
  }
  if (dim != params.dim) {
    return Status::Corruption("index " + path + " has dimension " + std::to_string(dim) +
                              ", expected " + std::to_string(params.dim));
  }
  OHLCV_ASSIGN_OR_RETURN(auto hashed, HashFile(path));
  if (hashed.first != hash || hashed.second != bytes) {
    return Status::Corruption("index " + path + " does not match its sidecar (torn or replaced)");
  }
  auto out = std::make_unique<HnswIndex>(params);
  out->impl_->space = std::make_unique<hnswlib::InnerProductSpace>(params.dim);
  // The loading constructor of hnswlib 0.6.2 leaves counters uninitialised;
  // start from the empty constructor, zero them, then load.
  auto index = std::make_unique<hnswlib::HierarchicalNSW<float>>(out->impl_->space.get());
  index->num_deleted_ = 0;
  index->cur_element_count = 0;
  index->data_level0_memory_ = nullptr;
  index->linkLists_ = nullptr;
  index->visited_list_pool_ = nullptr;
  index->metric_distance_computations = 0;
  index->metric_hops = 0;
  try {
    index->loadIndex(path, out->impl_->space.get());
  } catch (const std::exception& e) {
    // A half-loaded hnswlib object cannot be destroyed safely (its destructor
    // walks arrays that may not exist); leak it. Reached only when a file
    // that passed the hash check still fails, e.g. out of memory.
    (void)index.release();
    return Status::Corruption("index " + path + ": " + e.what());
  }
  // The file's vector size must match the space's, or searches read garbage.
  if (index->label_offset_ - index->offsetData_ != params.dim * sizeof(float)) {
    (void)index.release();  // loaded fully but with foreign geometry; see above
    return Status::Corruption("index " + path + " was built for another dimension");
  }
  index->setEf(params.ef_search);
  out->impl_->index = std::move(index);
  out->impl_->padded.assign(out->impl_->index->max_elements_, 0);
  for (size_t id = 0; id < out->impl_->index->cur_element_count; ++id) {
    out->impl_->PadUpperLinks(static_cast<hnswlib::tableint>(id));
  }
  *covered_seq = seq;
  return out;
}

Status HnswIndex::Save(const std::string& path, uint64_t covered_seq) const {
  const std::string tmp = path + ".tmp";
  const std::string meta_tmp = path + ".meta.tmp";
  try {
    impl_->index->saveIndex(tmp);
  } catch (const std::exception& e) {
    return Status::IOError("hnsw save " + tmp + ": " + e.what());
  }
  OHLCV_RETURN_IF_ERROR(FsyncPath(tmp, false));
  OHLCV_ASSIGN_OR_RETURN(auto hashed, HashFile(tmp));
  {
    std::ofstream meta(meta_tmp, std::ios::trunc);
    meta << kMetaMagic << ' ' << kMetaVersion << "\ndim " << params_.dim << "\nseq " << covered_seq
         << "\nbytes " << hashed.second << "\nhash " << hashed.first << "\n";
    meta.close();
    if (!meta) return Status::IOError("cannot write " + meta_tmp);
  }
  OHLCV_RETURN_IF_ERROR(FsyncPath(meta_tmp, false));
  // Index first, sidecar second: a crash in between leaves a new file with
  // the old sidecar, which fails the hash check and is rebuilt.
  if (std::rename(tmp.c_str(), path.c_str()) != 0 ||
      std::rename(meta_tmp.c_str(), (path + ".meta").c_str()) != 0) {
    return Status::IOError("cannot rename index into place at " + path);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return FsyncPath(dir.empty() ? "." : dir, true);
}

Status HnswIndex::Add(std::span<const float> vectors, std::span<const uint64_t> labels,
                      int threads) {
  const size_t dim = params_.dim;
  const size_t n = labels.size();
  if (vectors.size() != n * dim) return Status::InvalidArgument("hnsw add: vector size mismatch");
  if (n == 0) return Status::Ok();
  auto& index = *impl_->index;
  try {
    size_t needed = index.cur_element_count + n;  // upper bound: some may be replacements
    if (needed > index.max_elements_) {
      index.resizeIndex(std::max(needed, index.max_elements_ * 2));
    }
    impl_->padded.resize(index.max_elements_, 0);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("hnsw resize: ") + e.what());
  }
  // Parallel adds of distinct labels are safe in hnswlib; small batches are
  // not worth a thread start. Under AddressSanitizer inserts run on one
  // thread: between addPoint's return and PadUpperLinks another inserter may
  // scan the new element's unpadded list (harmless hint read, but a report).
#if defined(__SANITIZE_ADDRESS__)
  (void)threads;
  const size_t nthreads = 1;
#else
  const size_t nthreads = n < 512 ? 1 : static_cast<size_t>(std::max(1, threads));
#endif
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::string error;  // written once, by the first thread that fails
  std::atomic_flag error_set = ATOMIC_FLAG_INIT;
  auto work = [&] {
    std::vector<float> buf(dim);
    constexpr size_t kChunk = 64;
    while (!failed.load(std::memory_order_relaxed)) {
      size_t begin = next.fetch_add(kChunk);
      if (begin >= n) break;
      size_t end = std::min(n, begin + kChunk);
      for (size_t i = begin; i < end; ++i) {
        std::copy_n(vectors.data() + i * dim, dim, buf.data());
        NormalizeInPlace(buf);
        // A re-ingest re-adds labels with the vectors they already hold:
        // hnswlib would rebuild their links (updatePoint) for nothing.
        if (impl_->HoldsUnchanged(static_cast<hnswlib::labeltype>(labels[i]), buf)) continue;
        try {
          impl_->PadUpperLinks(
              index.addPoint(buf.data(), static_cast<hnswlib::labeltype>(labels[i]), -1));
        } catch (const std::exception& e) {
          if (!error_set.test_and_set()) error = e.what();
          failed = true;
          return;
        }
      }
    }
  };
  if (index.cur_element_count == 0 && nthreads > 1) {
    // hnswlib's parallel inserts are safe except for the very first element
    // (it sets the entry point without a lock): insert it alone.
    std::vector<float> first(vectors.begin(), vectors.begin() + static_cast<ptrdiff_t>(dim));
    NormalizeInPlace(first);
    try {
      impl_->PadUpperLinks(
          index.addPoint(first.data(), static_cast<hnswlib::labeltype>(labels[0]), -1));
    } catch (const std::exception& e) {
      return Status::Internal(std::string("hnsw add: ") + e.what());
    }
    next = 1;  // re-adding row 0 below would be an update; skip it
  }
  std::vector<std::thread> pool;
  for (size_t t = 1; t < nthreads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (failed) return Status::Internal("hnsw add: " + error);
  return Status::Ok();
}

void HnswIndex::MarkDeleted(uint64_t label) {
  auto& index = *impl_->index;
  auto it = index.label_lookup_.find(static_cast<hnswlib::labeltype>(label));
  if (it == index.label_lookup_.end() || index.isMarkedDeleted(it->second)) return;
  index.markDeletedInternal(it->second);
}

std::vector<HnswNeighbor> HnswIndex::Search(std::span<const float> query, size_t k) const {
  std::vector<HnswNeighbor> out;
  if (k == 0 || query.size() != params_.dim || impl_->index->cur_element_count == 0) return out;
  std::vector<float> q(query.begin(), query.end());
  NormalizeInPlace(q);
  // searchKnn searches with max(ef_, k), so ef is "raised to k" without
  // touching shared state.
  auto heap = impl_->index->searchKnn(q.data(), k);
  out.resize(heap.size());
  for (size_t i = heap.size(); i-- > 0;) {  // heap pops farthest first
    out[i] = {static_cast<uint64_t>(heap.top().second), 1.0f - heap.top().first};
    heap.pop();
  }
  return out;
}

bool HnswIndex::Contains(uint64_t label) const {
  const auto& index = *impl_->index;
  auto it = index.label_lookup_.find(static_cast<hnswlib::labeltype>(label));
  return it != index.label_lookup_.end() && !index.isMarkedDeleted(it->second);
}

size_t HnswIndex::size() const { return impl_->index->cur_element_count; }
size_t HnswIndex::deleted_count() const { return impl_->index->num_deleted_; }

size_t HnswIndex::MemoryBytes() const {
  const auto& index = *impl_->index;
  size_t bytes = index.max_elements_ *
                 (index.size_data_per_element_ + sizeof(std::mutex) + sizeof(int) + sizeof(void*));
  for (size_t i = 0; i < index.cur_element_count; ++i) {
    bytes += static_cast<size_t>(index.element_levels_[i]) * index.size_links_per_element_;
  }
  // unordered_map node (key, value, next pointer, hash) plus its bucket.
  bytes += index.label_lookup_.size() * (sizeof(void*) * 2 + 16) +
           index.label_lookup_.bucket_count() * sizeof(void*);
  return bytes;
}

const char* HnswIndex::SimdPath() {
#if defined(USE_AVX512)
  if (AVX512Capable()) return "avx512";
#endif
#if defined(USE_AVX)
  if (AVXCapable()) return "avx";
#endif
#if defined(USE_SSE)
  return "sse";
#else
  return "scalar";
#endif
}

}  // namespace ohlcv::index_internal
