#include "retrieval/question_tokens.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <unordered_set>

#include "util/time.h"

namespace ohlcv::question_internal {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '&' || c == '.' || c == '-' || c == '\''; }

const std::unordered_set<std::string_view>& Stopwords() {
  static const std::unordered_set<std::string_view> kSet = {
      "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by",
      "with", "without", "about", "as", "into", "during", "within", "is", "are", "was", "were",
      "be", "been", "being", "do", "does", "did", "done", "have", "has", "had", "having", "what",
      "which", "who", "whom", "whose", "when", "where", "why", "how", "that", "this", "these",
      "those", "there", "their", "them", "they", "it", "its", "i", "me", "my", "we", "our", "us",
      "you", "your", "he", "she", "his", "her", "show", "find", "list", "give", "tell", "get",
      "any", "all", "some", "each", "every", "no", "not", "only", "than", "then", "so", "such",
      "can", "could", "would", "should", "may", "might", "must", "shall", "please", "stock",
      "stocks", "share", "shares", "company", "companies", "ticker", "tickers", "name", "names",
      "period", "periods", "window", "windows", "time", "times", "just", "very", "more", "most",
      "much", "many", "also", "if", "while", "here", "like", "look", "looking", "happen",
      "happened", "happens", "happening", "was", "any", "ever", "one", "ones", "other", "same",
      "did", "whether", "there", "see", "saw", "seen", "let", "lets", "know", "want", "need",
      "over", "after", "before", "since", "until", "till", "between", "s", "vs", "versus", "st", "nd", "rd", "th", "market", "markets", "price", "prices",
  };
  return kSet;
}

const std::unordered_set<std::string_view>& CommonWords() {
  static const std::unordered_set<std::string_view> kSet = {
      "a", "c", "d", "f", "j", "k", "l", "m", "o", "t", "v", "ma", "ms", "ed", "el", "es", "re",
      "so", "de", "ir", "ip", "ci", "ce", "gl", "fe", "br", "ea", "ua", "pm", "tt", "wm", "cb",
      "mo", "dd", "on", "it", "all", "are", "key", "keys", "low", "now", "see", "has", "well",
      "peak", "cost", "fast", "info", "ice", "met", "tap", "dish", "cat", "ben", "leg", "len",
      "nov", "mar", "dow", "fox", "gps", "var", "amp", "lin", "tel", "hum", "ups",
  };
  return kSet;
}

const std::unordered_set<std::string_view>& Acronyms() {
  static const std::unordered_set<std::string_view> kSet = {
      "RSI", "MACD", "ADX", "ATR", "CCI", "MFI", "ROC", "SMA", "EMA", "OBV", "VWAP", "BB", "DI",
      "ETF", "ETFS", "USA", "US", "USD", "EUR", "GBP", "JPY", "CEO", "CFO", "CTO", "EPS", "PE",
      "IPO", "GDP", "YTD", "AI", "API", "FED", "FOMC", "SEC", "NYSE", "NASDAQ", "DJIA", "SPX",
      "OK", "TA", "EOD", "ATH", "ATL", "UTC", "ET", "EST", "EDT", "PM", "AM", "OHLC", "OHLCV",
      "RAG", "LLM", "VS", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "STOCH", "CMF", "ROI", "YOY", "QOQ",
      "MOM", "EV", "BUY", "SELL", "HOLD", "LONG", "SHORT", "ADR", "REIT", "REITS", "FX", "ESG",
      "CPI", "NFT", "EOY", "SP", "S&P", "DMA", "MA", "PPO", "TRIX", "KST", "RVOL", "IT",
  };
  return kSet;
}

double ParseNumber(std::string_view s) {
  std::string clean;
  for (char c : s) {
    if (c != ',') clean.push_back(c);
  }
  return std::strtod(clean.c_str(), nullptr);
}

void PushWord(std::vector<QToken>& out, std::string word, bool dollar,
              const std::function<bool(const std::string&)>& keep_joined) {
  QToken t;
  t.dollar = dollar;
  // Sentence punctuation and possessives: "AAPL's", "AAPL’s", "stocks."
  while (!word.empty() && (word.back() == '.' || word.back() == '-')) word.pop_back();
  if (word.size() > 2 && word.back() == 's' && word[word.size() - 2] == '\'') {
    word.resize(word.size() - 2);
    t.possessive = true;
  }
  while (!word.empty() && word.back() == '\'') word.pop_back();
  if (word.empty()) return;
  bool hyphen = word.find('-') != std::string::npos;
  if (hyphen && !keep_joined(ToUpper(word))) {
    size_t start = 0;
    while (start <= word.size()) {
      size_t dash = word.find('-', start);
      if (dash == std::string::npos) dash = word.size();
      if (dash > start) {
        std::string part = word.substr(start, dash - start);
        QToken p;
        p.kind = IsDigit(part[0]) ? QToken::Kind::kNumber : QToken::Kind::kWord;
        if (p.kind == QToken::Kind::kNumber) p.number = ParseNumber(part);
        p.text = part;
        p.lower = ToLower(part);
        out.push_back(std::move(p));
      }
      start = dash + 1;
    }
    if (!out.empty()) out.back().possessive = t.possessive;
    return;
  }
  t.text = std::move(word);
  t.lower = ToLower(t.text);
  out.push_back(std::move(t));
}

}  // namespace

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsStopword(std::string_view lower) { return Stopwords().count(lower) > 0; }
bool IsCommonWord(std::string_view lower) { return CommonWords().count(lower) > 0; }
bool IsKnownAcronym(std::string_view upper) { return Acronyms().count(upper) > 0; }

std::vector<QToken> Tokenize(std::string_view text,
                             const std::function<bool(const std::string&)>& keep_joined) {
  std::vector<QToken> out;
  const size_t n = text.size();
  size_t i = 0;
  auto at = [&](size_t k) { return k < n ? text[k] : '\0'; };
  while (i < n) {
    char c = text[i];
    // Comparison symbols, including UTF-8 "≥" (E2 89 A5) and "≤" (E2 89 A4).
    if (c == '<' || c == '>' || c == '=') {
      QToken t;
      t.kind = QToken::Kind::kSymbol;
      t.lower = std::string(1, c);
      ++i;
      if (c != '=' && at(i) == '=') {
        t.lower.push_back('=');
        ++i;
      }
      t.text = t.lower;
      out.push_back(std::move(t));
      continue;
    }
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < n &&
        static_cast<unsigned char>(text[i + 1]) == 0x89 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA5 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA4)) {
      QToken t;
      t.kind = QToken::Kind::kSymbol;
      t.lower = static_cast<unsigned char>(text[i + 2]) == 0xA5 ? ">=" : "<=";
      t.text = t.lower;
      out.push_back(std::move(t));
      i += 3;
      continue;
    }
    bool signed_number = (c == '-' || c == '+') && IsDigit(at(i + 1)) &&
                         (i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1])));
    if (IsDigit(c) || signed_number) {
      size_t j = i + (signed_number ? 1 : 0);
      while (j < n && (IsDigit(text[j]) || (text[j] == '.' && IsDigit(at(j + 1))) ||
                       (text[j] == ',' && IsDigit(at(j + 1)) && IsDigit(at(j + 2)) &&
                        IsDigit(at(j + 3)) && !IsDigit(at(j + 4))))) {
        ++j;
      }
      // ISO-like dates: 2019-03-01, 2019/03/01, 2019-03-01T10:00:00Z.
      if (!signed_number && (at(j) == '-' || at(j) == '/') && IsDigit(at(j + 1))) {
        size_t k = j;
        while (k < n && (IsDigit(text[k]) || text[k] == '-' || text[k] == '/' || text[k] == ':' ||
                         text[k] == 'T' || text[k] == 'Z')) {
          ++k;
        }
        std::string_view run = text.substr(i, k - i);
        // "2018-2019": a range of years, not a date. Split it into year, "-",
        // year so the date pass reads it like "2018 to 2019".
        if (run.size() == 9 && run[4] == '-' &&
            std::all_of(run.begin(), run.begin() + 4, IsDigit) &&
            std::all_of(run.begin() + 5, run.end(), IsDigit)) {
          for (int part = 0; part < 3; ++part) {
            QToken p;
            p.kind = part == 1 ? QToken::Kind::kSymbol : QToken::Kind::kNumber;
            p.text = p.lower = std::string(part == 0 ? run.substr(0, 4) : part == 1 ? run.substr(4, 1) : run.substr(5));
            if (part != 1) p.number = ParseNumber(p.text);
            out.push_back(std::move(p));
          }
          i = k;
          continue;
        }
        QToken t;
        t.text = std::string(run);
        t.lower = t.text;
        if (auto ts = ParseTimestamp(run)) {
          t.kind = QToken::Kind::kDate;
          t.number = static_cast<double>(*ts);
        } else {
          // "2019-13-45": not a date; kept whole so no part reads as a year,
          // and flagged when written year first so the answer can say so.
          t.kind = QToken::Kind::kWord;
          t.not_a_date = run.size() >= 6 && std::all_of(run.begin(), run.begin() + 4, IsDigit) &&
                         (run[4] == '-' || run[4] == '/') && IsDigit(run[5]);
        }
        out.push_back(std::move(t));
        i = k;
        continue;
      }
      QToken t;
      t.kind = QToken::Kind::kNumber;
      t.text = std::string(text.substr(i, j - i));
      t.lower = t.text;
      t.number = ParseNumber(t.text);
      if (at(j) == '%') {
        t.percent = true;
        ++j;
      } else if (at(j) == ' ' && at(j + 1) == '%') {
        t.percent = true;
        j += 2;
      } else if (IsAlpha(at(j)) && IsAlpha(at(j + 1)) && !IsAlpha(at(j + 2))) {
        // Ordinals: 1st, 2nd, 3rd, 4th.
        std::string suffix = ToLower(text.substr(j, 2));
        if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") j += 2;
      }
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    if (c == '$' && IsAlpha(at(i + 1))) {
      size_t j = i + 1;
      while (j < n && IsWordChar(text[j])) ++j;
      PushWord(out, std::string(text.substr(i + 1, j - i - 1)), true, keep_joined);
      i = j;
      continue;
    }
    if (IsAlpha(c)) {
      size_t j = i;
      std::string word;
      while (j < n) {
        if (IsWordChar(text[j])) {
          word.push_back(text[j]);
          ++j;
        } else if (static_cast<unsigned char>(text[j]) == 0xE2 && j + 2 < n &&
                   static_cast<unsigned char>(text[j + 1]) == 0x80 &&
                   static_cast<unsigned char>(text[j + 2]) == 0x99) {
          word.push_back('\'');  // typographic apostrophe
          j += 3;
        } else {
          break;
        }
      }
      PushWord(out, std::move(word), false, keep_joined);
      i = j;
      continue;
    }
    if (c == '-' && (i == 0 || text[i - 1] == ' ') && at(i + 1) == ' ') {
      QToken t;
      t.kind = QToken::Kind::kSymbol;
      t.text = t.lower = "-";
      out.push_back(std::move(t));
    }
    ++i;  // separators and bytes we do not interpret
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b, size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  // Optimal string alignment: Levenshtein plus adjacent transpositions, the
  // commonest typo in symbols ("MSTF" for MSFT is one edit, not two).
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], cap + 1);
}

size_t MatchPhrase(const std::vector<QToken>& tokens, size_t i, std::string_view phrase) {
  size_t k = i;
  size_t start = 0;
  while (start < phrase.size()) {
    size_t space = phrase.find(' ', start);
    bool last = space == std::string_view::npos;
    std::string_view word = phrase.substr(start, last ? std::string_view::npos : space - start);
    if (k >= tokens.size() || tokens[k].consumed) return 0;
    std::string_view tok = tokens[k].lower;
    bool ok = tok == word;
    if (!ok && last && tokens[k].kind == QToken::Kind::kWord) {
      ok = (tok.size() == word.size() + 1 && tok.back() == 's' && tok.substr(0, word.size()) == word) ||
           (tok.size() == word.size() + 2 && tok.substr(word.size()) == "es" &&
            tok.substr(0, word.size()) == word);
    }
    if (!ok) return 0;
    ++k;
    if (last) break;
    start = space + 1;
  }
  return k - i;
}

void Consume(std::vector<QToken>& tokens, size_t i, size_t n) {
  for (size_t k = i; k < i + n && k < tokens.size(); ++k) tokens[k].consumed = true;
}

}  // namespace ohlcv::question_internal
