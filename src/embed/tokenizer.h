// Word tokenizer shared by the embedders and the word-vector converter.
//
// A token is a maximal run of ASCII letters and digits and of bytes >= 0x80
// (so UTF-8 words stay whole); everything else separates tokens. ASCII
// letters are lower-cased; other bytes are kept as they are. Tokens longer
// than kMaxTokenBytes are skipped: no vocabulary word is that long, and a
// fixed buffer keeps the hot loop free of allocation. The converter keeps
// exactly the vocabulary words this tokenizer can produce.
//
// Thread-safety: stateless; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "embed/word_vector_file.h"

namespace ohlcv {

inline constexpr size_t kMaxTokenBytes = 64;

inline bool IsTokenByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// True when the tokenizer can produce `word` as a token unchanged (non-empty,
// lower-case, only token bytes, at most kMaxTokenBytes).
inline bool IsTokenizerWord(std::string_view word) {
  if (word.empty() || word.size() > kMaxTokenBytes) return false;
  for (unsigned char c : word)
    if (!IsTokenByte(c) || (c >= 'A' && c <= 'Z')) return false;
  return true;
}

// Calls fn(std::string_view token, uint64_t hash) for each token of `text`,
// in order; hash == WordHash(token). The view is valid during the call only.
template <typename Fn>
void ForEachToken(std::string_view text, Fn&& fn) {
  char buf[kMaxTokenBytes];
  size_t len = 0;
  bool too_long = false;
  uint64_t h = kFnvOffset;
  for (size_t i = 0; i <= text.size(); ++i) {
    const unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : ' ';
    if (IsTokenByte(c)) {
      const unsigned char lc = (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
      if (len < kMaxTokenBytes) {
        buf[len] = static_cast<char>(lc);
        h = (h ^ lc) * kFnvPrime;
      }
      too_long |= len == kMaxTokenBytes;
      ++len;
      continue;
    }
    if (len > 0 && !too_long) fn(std::string_view(buf, len), h);
    len = 0;
    too_long = false;
    h = kFnvOffset;
  }
}

}  // namespace ohlcv
