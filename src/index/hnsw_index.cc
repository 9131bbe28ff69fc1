#include "index/hnsw_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cerrno>
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
// Persisted in the sidecar; bump on format change. 2: StreamHash version 2.
// Load still reads version 1 sidecars (the graph file format is hnswlib's).
constexpr int kMetaVersion = 2;

// 64-bit hash of a byte stream: detects torn or swapped files, not
// adversaries. Fed in pieces of any size, it equals the hash of their
// concatenation. Version 1 (sidecars written before issue 16) is one
// multiply chain over 8-byte words, then the tail bytes one by one; version 2
// runs four independent chains over 32-byte blocks (the multiply latency no
// longer serialises the loop: about half the time in a cold query's
// profile), then folds them.
class StreamHash {
 public:
  explicit StreamHash(int version) : block_(version >= 2 ? 32 : 8) {
    for (int l = 0; l < 4; ++l) h_[l] = 0x243F6A8885A308D3ull + static_cast<uint64_t>(l) * 0x9E3779B97F4A7C15ull;
  }
  void Update(const char* p, size_t n) {
    bytes_ += n;
    while (carry_n_ > 0 && carry_n_ < block_ && n > 0) {
      carry_[carry_n_++] = *p++;
      --n;
    }
    if (carry_n_ == block_) {
      Block(carry_);
      carry_n_ = 0;
    }
    for (; n >= block_; p += block_, n -= block_) Block(p);
    for (; n > 0; --n) carry_[carry_n_++] = *p++;
  }
  uint64_t digest() const {
    uint64_t h[4] = {h_[0], h_[1], h_[2], h_[3]};
    size_t i = 0;
    for (int lane = 0; i + 8 <= carry_n_ && block_ > 8; i += 8, ++lane) Word(h[lane], carry_ + i);
    for (; i < carry_n_; ++i) h[0] = (h[0] ^ static_cast<unsigned char>(carry_[i])) * 0x100000001B3ull;
    if (block_ == 8) return h[0];
    uint64_t out = h[0];
    for (int l = 1; l < 4; ++l) Word(out, reinterpret_cast<const char*>(&h[l]));
    return out;
  }
  uint64_t bytes() const { return bytes_; }

 private:
  static void Word(uint64_t& h, const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  void Block(const char* p) {
    if (block_ == 8) {
      Word(h_[0], p);
      return;
    }
    Word(h_[0], p), Word(h_[1], p + 8), Word(h_[2], p + 16), Word(h_[3], p + 24);
  }
  const size_t block_;
  uint64_t h_[4];
  uint64_t bytes_ = 0;
  char carry_[32] = {};
  size_t carry_n_ = 0;
};

// Hash and size of a whole file (Save reads the just-written file back from
// the page cache).
Result<std::pair<uint64_t, uint64_t>> HashFile(const std::string& path, int version) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  StreamHash hash(version);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    hash.Update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return std::make_pair(hash.digest(), hash.bytes());
}

// pread until n bytes or end of file; false on error or a short file.
bool ReadFully(int fd, char* dst, size_t n, uint64_t offset) {
  while (n > 0) {
    ssize_t got = ::pread(fd, dst, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    dst += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

Status FsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::IOError("cannot open " + path + " for fsync");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync failed on " + path);
  return Status::Ok();
}

// A graph read from a file: the hnswlib object, its space, and the padded
// marks (every upper-level list is allocated with its tail slot).
struct LoadedGraph {
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  std::vector<uint8_t> padded;
};

// Reads a file written by hnswlib's saveIndex (format of 0.6.2) in one pass:
// the header, the level-0 block straight into hnswlib's own buffer, then the
// upper-level link lists, hashing as it reads. hnswlib's loadIndex walks the
// file twice through an ifstream with lseek calls per element (tellg), which
// cost ~0.1 s CPU per 130k elements, and Load then re-read the file to hash it.
// Everything is checked (hash, sizes, geometry, link-list sizes) before the
// hnswlib object is filled, so a bad file never leaves a half-built object.
Result<LoadedGraph> ReadGraph(const std::string& path, const HnswParams& params, uint64_t bytes,
                              uint64_t expected_hash, int hash_version) {
  using hnswlib::labeltype;
  using hnswlib::linklistsizeint;
  using hnswlib::tableint;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("cannot read " + path);
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  const auto corrupt = [&](const char* what) {
    return Status::Corruption("index " + path + ": " + what);
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) != bytes) {
    return Status::Corruption("index " + path + " does not match its sidecar (torn or replaced)");
  }
  // The header, field by field in saveIndex's order.
  struct {
    size_t offset_level0, max_elements, count, size_data, label_offset, offset_data;
    int max_level;
    tableint enter_point;
    size_t max_m, max_m0, m;
    double mult;
    size_t ef_construction;
  } h{};
  constexpr size_t kHeaderBytes = 6 * sizeof(size_t) + sizeof(int) + sizeof(tableint) +
                                  3 * sizeof(size_t) + sizeof(double) + sizeof(size_t);
  char header[kHeaderBytes];
  if (bytes < kHeaderBytes || !ReadFully(fd, header, kHeaderBytes, 0)) return corrupt("short header");
  {
    size_t at = 0;
    auto take = [&](auto& field) {
      std::memcpy(&field, header + at, sizeof(field));
      at += sizeof(field);
    };
    take(h.offset_level0), take(h.max_elements), take(h.count), take(h.size_data);
    take(h.label_offset), take(h.offset_data), take(h.max_level), take(h.enter_point);
    take(h.max_m), take(h.max_m0), take(h.m), take(h.mult), take(h.ef_construction);
  }
  const size_t link0 = h.max_m0 * sizeof(tableint) + sizeof(linklistsizeint);
  const size_t link_upper = h.max_m * sizeof(tableint) + sizeof(linklistsizeint);
  const size_t vec_bytes = params.dim * sizeof(float);
  if (h.offset_level0 != 0 || h.offset_data != link0 || h.label_offset - h.offset_data != vec_bytes ||
      h.size_data != h.label_offset + sizeof(labeltype)) {
    return corrupt("was built for another dimension or format");
  }
  if (h.count > h.max_elements || h.max_m == 0 || h.max_m > 4096 || h.max_m0 > 8192 ||
      h.max_elements > (uint64_t{1} << 32) || (h.count > 0 && h.enter_point >= h.count) ||
      h.count * h.size_data > bytes - kHeaderBytes) {
    return corrupt("bad header");
  }
  StreamHash hasher(hash_version);
  hasher.Update(header, kHeaderBytes);
  const size_t level0_bytes = h.count * h.size_data;
  std::unique_ptr<char, void (*)(void*)> level0(
      static_cast<char*>(std::malloc(std::max<size_t>(h.max_elements * h.size_data, 1))), std::free);
  if (!level0) return Status::Internal("hnsw load: out of memory");
  if (!ReadFully(fd, level0.get(), level0_bytes, kHeaderBytes)) return corrupt("short level-0 block");
  hasher.Update(level0.get(), level0_bytes);
  std::vector<char> rest(bytes - kHeaderBytes - level0_bytes);
  if (!ReadFully(fd, rest.data(), rest.size(), kHeaderBytes + level0_bytes)) return corrupt("short file");
  hasher.Update(rest.data(), rest.size());
  if (hasher.digest() != expected_hash) {
    return Status::Corruption("index " + path + " does not match its sidecar (torn or replaced)");
  }
  // The upper-level link lists: a size, then that many bytes, per element,
  // ending exactly at the end of the file.
  {
    size_t at = 0;
    for (size_t i = 0; i < h.count; ++i) {
      linklistsizeint n;
      if (rest.size() - at < sizeof(n)) return corrupt("truncated link lists");
      std::memcpy(&n, rest.data() + at, sizeof(n));
      at += sizeof(n);
      if (n % link_upper != 0 || rest.size() - at < n) return corrupt("bad link list");
      at += n;
    }
    if (at != rest.size()) return corrupt("trailing bytes");
  }

  LoadedGraph out;
  out.space = std::make_unique<hnswlib::InnerProductSpace>(params.dim);
  // The empty constructor, then every field loadIndex would set. The
  // element count stays 0 until the end, so the destructor is safe at any
  // point (hnswlib 0.6.2 also leaves these counters uninitialised).
  out.index = std::make_unique<hnswlib::HierarchicalNSW<float>>(out.space.get());
  auto& ix = *out.index;
  ix.num_deleted_ = 0;
  ix.cur_element_count = 0;
  ix.data_level0_memory_ = nullptr;
  ix.linkLists_ = nullptr;
  ix.visited_list_pool_ = nullptr;
  ix.metric_distance_computations = 0;
  ix.metric_hops = 0;
  ix.offsetLevel0_ = h.offset_level0;
  ix.max_elements_ = h.max_elements;
  ix.size_data_per_element_ = h.size_data;
  ix.label_offset_ = h.label_offset;
  ix.offsetData_ = h.offset_data;
  ix.maxlevel_ = h.max_level;
  ix.enterpoint_node_ = h.enter_point;
  ix.maxM_ = h.max_m;
  ix.maxM0_ = h.max_m0;
  ix.M_ = h.m;
  ix.mult_ = h.mult;
  ix.revSize_ = 1.0 / h.mult;
  ix.ef_construction_ = h.ef_construction;
  ix.ef_ = 10;
  ix.data_size_ = out.space->get_data_size();
  ix.fstdistfunc_ = out.space->get_dist_func();
  ix.dist_func_param_ = out.space->get_dist_func_param();
  ix.size_links_per_element_ = link_upper;
  ix.size_links_level0_ = link0;
  try {
    std::vector<std::mutex>(h.max_elements).swap(ix.link_list_locks_);
    std::vector<std::mutex>(ix.max_update_element_locks).swap(ix.link_list_update_locks_);
    ix.visited_list_pool_ = new hnswlib::VisitedListPool(1, static_cast<int>(h.max_elements));
    ix.element_levels_.assign(h.max_elements, 0);
    ix.linkLists_ = static_cast<char**>(std::calloc(std::max<size_t>(h.max_elements, 1), sizeof(char*)));
    if (ix.linkLists_ == nullptr) return Status::Internal("hnsw load: out of memory");
    ix.data_level0_memory_ = level0.release();
    ix.label_lookup_.reserve(h.count);
    // Only the loaded elements have padded lists; slots past them are filled
    // by later inserts, which PadUpperLinks must still pad.
    out.padded.assign(h.max_elements, 0);
    std::fill_n(out.padded.begin(), h.count, uint8_t{1});
    size_t at = 0;
    size_t deleted = 0;
    for (size_t i = 0; i < h.count; ++i) {
      const auto id = static_cast<tableint>(i);
      ix.label_lookup_[ix.getExternalLabel(id)] = id;
      if (ix.isMarkedDeleted(id)) ++deleted;
      linklistsizeint n;
      std::memcpy(&n, rest.data() + at, sizeof(n));
      at += sizeof(n);
      if (n == 0) continue;
      // One spare slot past the list (see Impl::PadUpperLinks).
      char* list = static_cast<char*>(std::calloc(n + sizeof(tableint), 1));
      if (list == nullptr) return Status::Internal("hnsw load: out of memory");
      std::memcpy(list, rest.data() + at, n);
      at += n;
      ix.linkLists_[i] = list;
      ix.element_levels_[i] = static_cast<int>(n / link_upper);
      ix.cur_element_count = i + 1;  // from here the destructor frees list i
    }
    ix.cur_element_count = h.count;
    ix.num_deleted_ = deleted;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("hnsw load: ") + e.what());
  }
  return out;
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
  bool HoldsUnchanged(hnswlib::labeltype label, std::span<const float> vec) const {
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
  if (!meta_in || magic != kMetaMagic || version < 1 || version > kMetaVersion || k1 != "dim" || k2 != "seq" ||
      k3 != "bytes" || k4 != "hash") {
    return Status::Corruption("unreadable sidecar " + path + ".meta");
  }
  if (dim != params.dim) {
    return Status::Corruption("index " + path + " has dimension " + std::to_string(dim) +
                              ", expected " + std::to_string(params.dim));
  }
  OHLCV_ASSIGN_OR_RETURN(auto index, ReadGraph(path, params, bytes, hash, version));
  auto out = std::make_unique<HnswIndex>(params);
  out->impl_->space = std::move(index.space);
  out->impl_->index = std::move(index.index);
  out->impl_->padded = std::move(index.padded);
  out->impl_->index->setEf(params.ef_search);
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
  OHLCV_ASSIGN_OR_RETURN(auto hashed, HashFile(tmp, kMetaVersion));
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

bool HnswIndex::HoldsUnchanged(uint64_t label, std::span<const float> normalised) const {
  return normalised.size() == params_.dim &&
         impl_->HoldsUnchanged(static_cast<hnswlib::labeltype>(label), normalised);
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
