#include "embed/word_vector_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_set>

namespace ohlcv {
namespace {

static_assert(std::endian::native == std::endian::little, "the file format is little-endian");

constexpr uint64_t kAlign = 64;

uint64_t AlignUp(uint64_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

std::string ErrnoText() { return std::strerror(errno); }

void CopyName(const std::string& s, char (&dst)[64]) {
  std::memset(dst, 0, sizeof(dst));
  std::memcpy(dst, s.data(), std::min(s.size(), sizeof(dst) - 1));
}

}  // namespace

uint64_t PayloadChecksum(std::span<const uint8_t> bytes) {
  // Four independent lanes keep the multiplier pipeline busy; the tail is
  // folded byte by byte. Not cryptographic: it catches truncation and flipped
  // bits, not tampering.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t lane[4] = {1, 2, 3, 4};
  size_t i = 0;
  const size_t n = bytes.size();
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 4; ++k) {
      uint64_t w;
      std::memcpy(&w, bytes.data() + i + 8 * k, 8);
      lane[k] = (lane[k] ^ w) * kMul;
      lane[k] ^= lane[k] >> 29;
    }
  }
  uint64_t h = n;
  for (int k = 0; k < 4; ++k) h = (h ^ lane[k]) * kMul;
  for (; i < n; ++i) h = (h ^ bytes[i]) * kFnvPrime;
  return h ^ (h >> 31);
}

float QuantizeRow(std::span<const float> x, std::span<int8_t> q) {
  float max_abs = 0;
  for (float v : x) max_abs = std::max(max_abs, std::fabs(v));
  const float scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
  for (size_t d = 0; d < x.size(); ++d) {
    const float r = std::nearbyint(x[d] / scale);
    q[d] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
  return scale;
}

Status WriteWordVectorFile(const WordVectorTable& t, const std::string& path) {
  const size_t entries = t.words.size();
  if (t.dims == 0 || t.dims > kMaxWordVectorDims)
    return Status::InvalidArgument("word vectors: dims must be in 1.." +
                                   std::to_string(kMaxWordVectorDims));
  if (t.vectors.size() % t.dims != 0)
    return Status::InvalidArgument("word vectors: vectors size is not a multiple of dims");
  const size_t rows = t.vectors.size() / t.dims;
  if (t.rows.size() != entries || t.probs.size() != entries ||
      (!t.alias.empty() && t.alias.size() != entries))
    return Status::InvalidArgument("word vectors: per-entry arrays differ in length");
  if (t.components.size() % t.dims != 0)
    return Status::InvalidArgument("word vectors: components size is not a multiple of dims");
  if (entries == 0 || entries >= (1u << 30) || rows >= (1u << 31))
    return Status::InvalidArgument("word vectors: entry count out of range");
  if (t.model.size() > 63 || t.source.size() > 63)
    return Status::InvalidArgument("word vectors: model/source names are limited to 63 bytes");

  // Hash table at load factor <= 0.5 keeps probes short.
  uint64_t slot_count = 16;
  while (slot_count < 2 * entries) slot_count *= 2;
  std::vector<HashSlot> slots(slot_count, HashSlot{0, 0});
  std::vector<WordEntry> out_entries(entries);
  std::string strings;
  for (size_t i = 0; i < entries; ++i) {
    const std::string& w = t.words[i];
    if (w.empty() || w.size() > 0xFFFF)
      return Status::InvalidArgument("word vectors: empty or oversized word at entry " +
                                     std::to_string(i));
    if (t.rows[i] >= rows)
      return Status::InvalidArgument("word vectors: row out of range for '" + w + "'");
    if (!(t.probs[i] > 0 && t.probs[i] <= 1))
      return Status::InvalidArgument("word vectors: probability not in (0, 1] for '" + w + "'");
    const uint64_t h = WordHash(w);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    uint64_t s = h & (slot_count - 1);
    for (; slots[s].entry != 0; s = (s + 1) & (slot_count - 1)) {
      const WordEntry& other = out_entries[slots[s].entry - 1];
      if (slots[s].tag == tag &&
          std::string_view(strings.data() + other.string_offset, other.length) == w)
        return Status::InvalidArgument("word vectors: duplicate word '" + w + "'");
    }
    slots[s] = HashSlot{tag, static_cast<uint32_t>(i + 1)};
    out_entries[i] = WordEntry{static_cast<uint32_t>(strings.size()), t.rows[i], t.probs[i],
                               static_cast<uint16_t>(w.size()),
                               static_cast<uint16_t>(!t.alias.empty() && t.alias[i]
                                                         ? kWordEntryAlias
                                                         : 0)};
    strings += w;
  }

  std::vector<float> scales(rows);
  std::vector<int8_t> q(rows * t.dims);
  for (size_t r = 0; r < rows; ++r) {
    scales[r] = QuantizeRow(std::span(t.vectors).subspan(r * t.dims, t.dims),
                            std::span(q).subspan(r * t.dims, t.dims));
  }

  WordVectorFileHeader h;
  std::memset(&h, 0, sizeof(h));
  std::memcpy(h.magic, kWordVectorFileMagic, sizeof(h.magic));
  h.version = kWordVectorFileVersion;
  h.dims = t.dims;
  h.row_count = static_cast<uint32_t>(rows);
  h.entry_count = static_cast<uint32_t>(entries);
  h.slot_count = static_cast<uint32_t>(slot_count);
  h.component_count = static_cast<uint32_t>(t.components.size() / t.dims);
  h.component_sif_a = t.component_sif_a;
  h.entries_offset = AlignUp(kWordVectorFileHeaderSize);
  h.slots_offset = AlignUp(h.entries_offset + entries * sizeof(WordEntry));
  h.scales_offset = AlignUp(h.slots_offset + slot_count * sizeof(HashSlot));
  h.vectors_offset = AlignUp(h.scales_offset + rows * sizeof(float));
  h.components_offset = AlignUp(h.vectors_offset + q.size());
  h.strings_offset = AlignUp(h.components_offset + t.components.size() * sizeof(float));
  h.strings_size = strings.size();
  h.file_size = h.strings_offset + strings.size();
  CopyName(t.model, h.model);
  CopyName(t.source, h.source);

  std::vector<uint8_t> buf(h.file_size, 0);
  auto put = [&](uint64_t off, const void* p, size_t n) {
    if (n) std::memcpy(buf.data() + off, p, n);
  };
  put(h.entries_offset, out_entries.data(), entries * sizeof(WordEntry));
  put(h.slots_offset, slots.data(), slot_count * sizeof(HashSlot));
  put(h.scales_offset, scales.data(), rows * sizeof(float));
  put(h.vectors_offset, q.data(), q.size());
  put(h.components_offset, t.components.data(), t.components.size() * sizeof(float));
  put(h.strings_offset, strings.data(), strings.size());
  h.payload_checksum = PayloadChecksum(std::span(buf).subspan(kWordVectorFileHeaderSize));
  put(0, &h, sizeof(h));

  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::IOError("cannot create " + tmp + ": " + ErrnoText());
    f.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
    f.flush();
    if (!f) return Status::IOError("cannot write " + tmp + ": " + ErrnoText());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

Result<std::unique_ptr<WordVectorFile>> WordVectorFile::Open(const std::string& path,
                                                             bool verify_checksum) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("word-vector file " + path + " does not exist");
    return Status::IOError("cannot open " + path + ": " + ErrnoText());
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Status::IOError("cannot stat " + path + ": " + ErrnoText());
    ::close(fd);
    return s;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size < kWordVectorFileHeaderSize) {
    ::close(fd);
    return Status::Corruption(path + ": too small for a word-vector file");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);  // the mapping keeps the file alive
  if (map == MAP_FAILED) return Status::IOError("cannot mmap " + path + ": " + ErrnoText());

  auto f = std::make_unique<WordVectorFile>(PrivateTag{});
  f->map_ = map;
  f->map_size_ = size;
  const auto* base = static_cast<const uint8_t*>(map);
  const auto* h = reinterpret_cast<const WordVectorFileHeader*>(base);
  f->header_ = h;
  auto corrupt = [&](const std::string& why) {
    return Status::Corruption(path + ": " + why + " (re-run tools/embeddings/fetch_wink.sh)");
  };
  if (std::memcmp(h->magic, kWordVectorFileMagic, sizeof(h->magic)) != 0)
    return corrupt("not a word-vector file (bad magic)");
  if (h->version != kWordVectorFileVersion)
    return corrupt("format version " + std::to_string(h->version) + ", expected " +
                   std::to_string(kWordVectorFileVersion));
  if (h->file_size != size) return corrupt("truncated or padded (size differs from header)");
  if (h->dims == 0 || h->dims > kMaxWordVectorDims) return corrupt("bad dims");
  if (h->slot_count == 0 || !std::has_single_bit(h->slot_count) ||
      h->slot_count <= h->entry_count)
    return corrupt("bad hash table size");
  auto in_bounds = [&](uint64_t off, uint64_t bytes) {
    return off % kAlign == 0 && off >= kWordVectorFileHeaderSize && off <= size &&
           bytes <= size - off;
  };
  if (!in_bounds(h->entries_offset, uint64_t{h->entry_count} * sizeof(WordEntry)) ||
      !in_bounds(h->slots_offset, uint64_t{h->slot_count} * sizeof(HashSlot)) ||
      !in_bounds(h->scales_offset, uint64_t{h->row_count} * sizeof(float)) ||
      !in_bounds(h->vectors_offset, uint64_t{h->row_count} * h->dims) ||
      !in_bounds(h->components_offset, uint64_t{h->component_count} * h->dims * sizeof(float)) ||
      !in_bounds(h->strings_offset, h->strings_size))
    return corrupt("section out of bounds");
  if (verify_checksum &&
      PayloadChecksum({base + kWordVectorFileHeaderSize, size - kWordVectorFileHeaderSize}) !=
          h->payload_checksum)
    return corrupt("checksum mismatch");

  f->entries_ = reinterpret_cast<const WordEntry*>(base + h->entries_offset);
  f->slots_ = reinterpret_cast<const HashSlot*>(base + h->slots_offset);
  f->slot_mask_ = h->slot_count - 1;
  f->scales_ = reinterpret_cast<const float*>(base + h->scales_offset);
  f->vectors_ = reinterpret_cast<const int8_t*>(base + h->vectors_offset);
  f->components_ = reinterpret_cast<const float*>(base + h->components_offset);
  f->strings_ = reinterpret_cast<const char*>(base + h->strings_offset);

  // Structural checks Find() relies on, so even an unverified file cannot
  // make it read out of bounds or loop forever.
  for (uint32_t i = 0; i < h->entry_count; ++i) {
    const WordEntry& e = f->entries_[i];
    if (e.row >= h->row_count || uint64_t{e.string_offset} + e.length > h->strings_size)
      return corrupt("entry " + std::to_string(i) + " out of bounds");
  }
  bool has_empty = false;
  for (uint32_t i = 0; i < h->slot_count; ++i) {
    if (f->slots_[i].entry > h->entry_count) return corrupt("hash slot out of bounds");
    has_empty |= f->slots_[i].entry == 0;
  }
  if (!has_empty) return corrupt("hash table has no empty slot");
  return f;
}

WordVectorFile::~WordVectorFile() {
  if (map_) ::munmap(map_, map_size_);
}

std::string_view WordVectorFile::model() const {
  return {header_->model, strnlen(header_->model, sizeof(header_->model))};
}

std::string_view WordVectorFile::source() const {
  return {header_->source, strnlen(header_->source, sizeof(header_->source))};
}

void WordVectorFile::Dequantize(uint32_t row, std::span<float> out) const {
  const int8_t* q = vector(row);
  const float s = scales_[row];
  for (uint32_t d = 0; d < header_->dims; ++d) out[d] = s * static_cast<float>(q[d]);
}

}  // namespace ohlcv
