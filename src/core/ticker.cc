#include "core/ticker.h"

#include <algorithm>

namespace ohlcv {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool IsTickerChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '^' || c == '=' ||
         c == '_' || c == '/';
}

}  // namespace

Result<std::string> ParseTicker(std::string_view raw) {
  std::string_view t = raw;
  while (!t.empty() && IsSpace(t.front())) t.remove_prefix(1);
  while (!t.empty() && IsSpace(t.back())) t.remove_suffix(1);
  std::string out(t);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (out.empty() || out.size() > kMaxTickerLength || !std::all_of(out.begin(), out.end(), IsTickerChar)) {
    std::string shown(raw.substr(0, 40));
    return Status::InvalidArgument("invalid ticker '" + shown +
                                   "': a ticker has 1 to 16 letters, digits or . - ^ = _ /");
  }
  return out;
}

Result<std::vector<std::string>> ParseTickerList(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    std::string cur;
    for (char c : item + ",") {
      if (c != ',' && !IsSpace(c)) {
        cur += c;
        continue;
      }
      if (cur.empty()) continue;
      OHLCV_ASSIGN_OR_RETURN(std::string t, ParseTicker(cur));
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
      cur.clear();
    }
  }
  return out;
}

}  // namespace ohlcv
