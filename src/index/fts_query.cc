#include "index/fts_query.h"

#include <algorithm>

namespace ohlcv::index_internal {

std::vector<std::string> FtsTokens(std::string_view text) {
  auto is_word = [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  };
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size() && out.size() < kMaxFtsTokens) {
    while (i < text.size() && !is_word(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && is_word(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    std::string token(text.substr(start, i - start));
    for (char& c : token) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (std::find(out.begin(), out.end(), token) == out.end()) out.push_back(std::move(token));
  }
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
