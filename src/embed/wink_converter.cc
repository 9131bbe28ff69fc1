#include "embed/wink_converter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "embed/common_corpus.h"
#include "embed/tokenizer.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

// Streams the package's JSON without building a DOM (the file is 300 MB).
class WinkSax final : public nlohmann::json_sax<json> {
 public:
  struct Record {
    std::string word;
    size_t begin = 0;  // into numbers
    size_t size = 0;
  };

  std::vector<std::string> words;
  std::vector<Record> records;
  std::vector<float> numbers;
  double dims = -1, size = -1, l2_norm_index = -1, word_index = -1;
  std::string error;

  bool null() override { return Scalar(0, false); }
  bool boolean(bool) override { return Scalar(0, false); }
  bool number_integer(number_integer_t v) override { return Scalar(static_cast<double>(v), true); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(static_cast<double>(v), true); }
  bool number_float(number_float_t v, const string_t&) override { return Scalar(v, true); }
  bool string(string_t& s) override {
    if (depth_ == 2 && top_key_ == "words") words.push_back(std::move(s));
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 3 && top_key_ == "vectors") {
      in_vector_ = true;
      records.push_back({std::move(vector_key_), numbers.size(), 0});
    }
    return true;
  }
  bool end_array() override {
    if (in_vector_ && depth_ == 3) {
      records.back().size = numbers.size() - records.back().begin;
      in_vector_ = false;
    }
    --depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) top_key_ = k;
    if (depth_ == 2 && top_key_ == "vectors") vector_key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error = "JSON error at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

 private:
  bool Scalar(double v, bool is_number) {
    if (in_vector_) {
      if (!is_number) {
        error = "non-number inside vector of '" + records.back().word + "'";
        return false;
      }
      numbers.push_back(static_cast<float>(v));
    } else if (depth_ == 1 && is_number) {
      if (top_key_ == "dimensions") dims = v;
      if (top_key_ == "size") size = v;
      if (top_key_ == "l2NormIndex") l2_norm_index = v;
      if (top_key_ == "wordIndex") word_index = v;
    }
    return true;
  }

  int depth_ = 0;
  bool in_vector_ = false;
  std::string top_key_;
  std::string vector_key_;
};

bool AllDigits(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// splitmix64: a portable, fixed sequence (std distributions are not).
uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// First `k` eigenvectors of the symmetric matrix c (n x n) by power
// iteration with deflation. Deterministic: fixed start, fixed iteration count.
std::vector<float> TopEigenvectors(std::vector<double> c, size_t n, int k) {
  std::vector<float> out;
  for (int comp = 0; comp < k; ++comp) {
    std::vector<double> v(n), w(n);
    for (size_t i = 0; i < n; ++i) v[i] = 1.0 / std::sqrt(double(n)) * (1.0 + 0.01 * double(i));
    double lambda = 0;
    for (int it = 0; it < 500; ++it) {
      for (size_t i = 0; i < n; ++i) {
        double s = 0;
        for (size_t j = 0; j < n; ++j) s += c[i * n + j] * v[j];
        w[i] = s;
      }
      double norm = std::sqrt(std::inner_product(w.begin(), w.end(), w.begin(), 0.0));
      if (!(norm > 0)) break;
      for (size_t i = 0; i < n; ++i) v[i] = w[i] / norm;
      lambda = norm;
    }
    // Sign convention: the largest coordinate is positive.
    size_t arg = 0;
    for (size_t i = 1; i < n; ++i)
      if (std::fabs(v[i]) > std::fabs(v[arg])) arg = i;
    if (v[arg] < 0)
      for (double& x : v) x = -x;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<float>(v[i]));
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) c[i * n + j] -= lambda * v[i] * v[j];
  }
  return out;
}

}  // namespace

const std::vector<std::pair<std::string_view, std::string_view>>& MarketAliases() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kAliases = {
      {"ytd", "year"},          {"qoq", "quarterly"},     {"vwap", "average"},
      {"ichimoku", "indicator"}, {"uptrends", "uptrend"},  {"downtrends", "downtrend"},
      {"marubozu", "candlestick"}, {"dojis", "doji"},     {"trendless", "sideways"},
      {"drawup", "rally"},      {"pctb", "bollinger"},    {"largecap", "bluechip"},
      {"megacap", "bluechip"},  {"fintech", "financial"}, {"selloffs", "selloff"},
  };
  return kAliases;
}

Result<WordVectorTable> BuildWinkTable(const std::string& json_path,
                                       const WinkConvertOptions& options,
                                       WinkConvertStats* stats_out) {
  if (options.components < 0 || options.components > 8)
    return Status::InvalidArgument("wink converter: components must be in 0..8");
  if (!(options.sif_a > 0)) return Status::InvalidArgument("wink converter: sif_a must be > 0");

  WinkSax sax;
  {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(json_path.c_str(), "rb"),
                                                       &std::fclose);
    if (!f) return Status::NotFound("cannot open " + json_path);
    bool ok = false;
    try {
      ok = json::sax_parse(f.get(), &sax);
    } catch (const std::exception& e) {  // nlohmann reports some errors by exception
      return Status::Corruption(json_path + ": " + e.what());
    }
    if (!ok) return Status::Corruption(json_path + ": " + (sax.error.empty() ? "bad JSON" : sax.error));
  }
  auto bad = [&](const std::string& why) {
    return Status::Corruption(json_path + ": not a wink embeddings file: " + why);
  };
  if (!(sax.dims >= 1 && sax.dims <= kMaxWordVectorDims)) return bad("missing or bad \"dimensions\"");
  const size_t dims = static_cast<size_t>(sax.dims);
  if (sax.word_index < dims) return bad("missing or bad \"wordIndex\"");
  const size_t word_index = static_cast<size_t>(sax.word_index);
  if (sax.records.empty()) return bad("no \"vectors\"");
  const size_t n_words = sax.size > 0 ? static_cast<size_t>(sax.size) : sax.words.size();
  if (!sax.words.empty() && sax.words.size() != n_words) return bad("\"size\" differs from \"words\"");

  double harmonic = 0;
  for (size_t k = 1; k <= n_words; ++k) harmonic += 1.0 / double(k);

  struct Kept {
    uint32_t rank;
    size_t record;
  };
  std::vector<Kept> kept;
  WinkConvertStats stats;
  stats.words_in_file = sax.records.size();
  stats.dims = static_cast<uint32_t>(dims);
  for (size_t i = 0; i < sax.records.size(); ++i) {
    const auto& r = sax.records[i];
    if (r.size <= word_index) return bad("vector of '" + r.word + "' is too short");
    const double rank = sax.numbers[r.begin + word_index];
    if (!(rank >= 0 && rank < n_words) || rank != std::floor(rank))
      return bad("bad word index for '" + r.word + "'");
    if (!sax.words.empty() && sax.words[static_cast<size_t>(rank)] != r.word)
      return bad("word index of '" + r.word + "' disagrees with \"words\"");
    if (!IsTokenizerWord(r.word) || AllDigits(r.word)) {
      ++stats.words_dropped;
      continue;
    }
    kept.push_back({static_cast<uint32_t>(rank), i});
  }
  if (kept.empty()) return bad("no usable words");
  std::sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) { return a.rank < b.rank; });

  WordVectorTable t;
  t.model = options.model;
  t.source = options.source;
  t.dims = static_cast<uint32_t>(dims);
  t.component_sif_a = options.sif_a;
  t.vectors.resize(kept.size() * dims);
  std::vector<int8_t> q(dims);
  // entry_of views the strings in t.words: reserve so they never move.
  t.words.reserve(kept.size() + MarketAliases().size());
  std::unordered_map<std::string_view, uint32_t> entry_of;
  for (size_t e = 0; e < kept.size(); ++e) {
    const auto& r = sax.records[kept[e].record];
    std::span<float> row(t.vectors.data() + e * dims, dims);
    std::copy_n(sax.numbers.begin() + static_cast<ptrdiff_t>(r.begin), dims, row.begin());
    // Round-trip through int8 now, so the components below are computed on
    // exactly the values the embedder will read.
    const float scale = QuantizeRow(row, q);
    for (size_t d = 0; d < dims; ++d) row[d] = scale * static_cast<float>(q[d]);
    t.words.push_back(r.word);
    t.rows.push_back(static_cast<uint32_t>(e));
    t.probs.push_back(static_cast<float>(1.0 / ((kept[e].rank + 1.0) * harmonic)));
    t.alias.push_back(0);
  }
  for (size_t e = 0; e < t.words.size(); ++e) entry_of.emplace(t.words[e], static_cast<uint32_t>(e));
  stats.words_kept = kept.size();

  if (options.market_aliases) {
    for (const auto& [alias, target] : MarketAliases()) {
      auto it = entry_of.find(target);
      if (entry_of.count(alias) || it == entry_of.end()) continue;
      const uint32_t target_entry = it->second;
      t.words.emplace_back(alias);
      entry_of.emplace(t.words.back(), static_cast<uint32_t>(t.words.size() - 1));
      t.rows.push_back(t.rows[target_entry]);
      t.probs.push_back(t.probs[target_entry]);
      t.alias.push_back(1);
      ++stats.aliases_added;
    }
  }

  if (options.components > 0) {
    // Uncentred second moment of unit sentence embeddings (each sentence
    // counts once), then its top eigenvectors.
    std::vector<double> c(dims * dims, 0.0);
    std::vector<double> x(dims);
    size_t sentences = 0;
    auto add_word = [&](size_t e) {
      const double weight = options.sif_a / (options.sif_a + t.probs[e]);
      const float* v = t.vectors.data() + size_t{t.rows[e]} * dims;
      for (size_t d = 0; d < dims; ++d) x[d] += weight * v[d];
    };
    auto add_sentence = [&] {
      const double norm = std::sqrt(std::inner_product(x.begin(), x.end(), x.begin(), 0.0));
      if (!(norm > 0)) return;
      for (size_t i = 0; i < dims; ++i)
        for (size_t j = 0; j < dims; ++j) c[i * dims + j] += x[i] * x[j] / (norm * norm);
      ++sentences;
    };
    if (options.corpus == WinkConvertOptions::Corpus::kMarket) {
      for (std::string_view sentence : CommonComponentCorpus()) {
        std::fill(x.begin(), x.end(), 0.0);
        ForEachToken(sentence, [&](std::string_view token, uint64_t) {
          if (auto it = entry_of.find(token); it != entry_of.end()) add_word(it->second);
        });
        add_sentence();
      }
    } else {
      // Zipf sampling by inverse CDF over the real (non-alias) words.
      std::vector<double> cdf(kept.size());
      double acc = 0;
      for (size_t e = 0; e < kept.size(); ++e) cdf[e] = (acc += t.probs[e]);
      uint64_t state = options.seed;
      for (size_t s = 0; s < options.pseudo_sentences; ++s) {
        std::fill(x.begin(), x.end(), 0.0);
        for (size_t w = 0; w < options.sentence_words; ++w) {
          const double u = double(NextRandom(&state) >> 11) * 0x1.0p-53 * acc;
          add_word(std::min<size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin(),
                                    kept.size() - 1));
        }
        add_sentence();
      }
    }
    if (sentences < static_cast<size_t>(options.components))
      return Status::InvalidArgument("wink converter: too few corpus sentences with known words (" +
                                     std::to_string(sentences) + ") for the common components");
    t.components = TopEigenvectors(std::move(c), dims, options.components);
  }
  if (stats_out) *stats_out = stats;
  return t;
}

Result<WinkConvertStats> ConvertWinkJson(const std::string& json_path, const std::string& out_path,
                                         const WinkConvertOptions& options) {
  WinkConvertStats stats;
  OHLCV_ASSIGN_OR_RETURN(WordVectorTable table, BuildWinkTable(json_path, options, &stats));
  OHLCV_RETURN_IF_ERROR(WriteWordVectorFile(table, out_path));
  return stats;
}

}  // namespace ohlcv
