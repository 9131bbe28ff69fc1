#include "index/fts_query.h"

#include <algorithm>

#include <array>

namespace ohlcv::index_internal {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Calls fn(token) for each maximal run of word bytes, as the text has it
// (not lower-cased); stops when fn returns false.
template <typename Fn>
void ForEachWord(std::string_view text, Fn fn) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || !fn(text.substr(start, i - start))) return;
  }
}

bool EqualsFolded(std::string_view token, std::string_view lower) {
  if (token.size() != lower.size()) return false;
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Connectives of windows/summary.cc's template, found in nearly every summary.
constexpr std::array<std::string_view, 12> kTemplateConnectives = {
    "on", "to", "times", "its", "the", "a", "an", "of", "and", "in", "at", "from"};

}  // namespace

std::vector<std::string> FtsTokens(std::string_view text) {
  std::vector<std::string> out;
  ForEachWord(text, [&](std::string_view word) {
    std::string token(word);
    for (char& c : token) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (std::find(out.begin(), out.end(), token) == out.end()) out.push_back(std::move(token));
    return out.size() < kMaxFtsTokens;
  });
  return out;
}

std::string FtsDocument(std::string_view summary) {
  std::string out;
  out.reserve(summary.size() / 2);
  ForEachWord(summary, [&](std::string_view word) {
    const bool digits_only = std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
    const bool connective = std::any_of(kTemplateConnectives.begin(), kTemplateConnectives.end(),
                                        [&](std::string_view s) { return EqualsFolded(word, s); });
    if (!digits_only && !connective) {
      if (!out.empty()) out += ' ';
      out += word;
    }
    return true;
  });
  return out;
}

std::string FtsMatchExpression(const std::vector<std::string>& tokens, std::string_view op) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) {
      out += ' ';
      out += op;
      out += ' ';
    }
    // A token holds no '"' (not a word byte), so the quoting cannot be escaped.
    out += '"';
    out += t;
    out += '"';
  }
  return out;
}

std::string SanitizeFtsQuery(std::string_view text) { return FtsMatchExpression(FtsTokens(text)); }

}  // namespace ohlcv::index_internal
