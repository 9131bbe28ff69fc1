// The SIF embedder on a tiny converted vocabulary (always) and on the real
// converted wink file (when present; CI creates it with fetch_wink.sh).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "embed/embedder.h"
#include "embed/wink_converter.h"
#include "testutil/test_paths.h"
#include "tiny_wink.h"

namespace ohlcv {
namespace {

float Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return static_cast<float>(dot / std::sqrt(na * nb));
}

float Norm(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += x * x;
  return static_cast<float>(std::sqrt(s));
}

std::vector<float> One(Embedder& e, const std::string& text) {
  auto v = e.EmbedOne(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : std::vector<float>();
}

// ---------------------------------------------------------------------------
// Tiny vocabulary.

class TinyWordVectorEmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = testing::MakeTempDir("embed-sif") + "/tiny.bin";
    const std::string json = testing::MakeTempDir("embed-sif") + "/tiny.json";
    testing::WriteTinyWinkJson(json);
    ASSERT_TRUE(ConvertWinkJson(json, path_).ok());
  }
  std::unique_ptr<Embedder> Open(WordVectorEmbedderOptions o = {}) {
    o.path = path_;
    auto e = NewWordVectorEmbedder(o);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }
  static inline std::string path_;
};

TEST_F(TinyWordVectorEmbedderTest, NameDimensionAndUnitRows) {
  auto e = Open();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name(), "sif-wink-sg-100d");
  EXPECT_EQ(e->dimension(), 8u);
  const std::vector<std::string> texts = {"stock rallied", "", "utilities fell", "zzz 123"};
  std::vector<float> out;
  ASSERT_TRUE(e->Embed(texts, &out).ok());
  ASSERT_EQ(out.size(), 4u * 8);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(Norm(std::span<const float>(out).subspan(i * 8, 8)), 1.0f, 1e-5) << i;
  WordVectorEmbedderOptions named;
  named.name = "custom";
  EXPECT_EQ(Open(named)->name(), "custom");
}

TEST_F(TinyWordVectorEmbedderTest, PlantedMeaningShowsInCosines) {
  auto e = Open();
  ASSERT_TRUE(e);
  const auto up1 = One(*e, "Apple stock rallied strongly in March");
  const auto up2 = One(*e, "AAPL shares surged during March");
  const auto down = One(*e, "utilities fell on rate fears");
  EXPECT_GT(Cosine(up1, up2), Cosine(up1, down) + 0.3f);
  EXPECT_GT(Cosine(up1, up2), Cosine(up2, down) + 0.3f);
}

TEST_F(TinyWordVectorEmbedderTest, LettersFollowedByDigitsFallBackToTheLetters) {
  auto e = Open();
  ASSERT_TRUE(e);
  EXPECT_EQ(One(*e, "RSI14 uptrend"), One(*e, "rsi uptrend"));
  EXPECT_EQ(One(*e, "uptrends"), One(*e, "uptrend"));  // market alias
  EXPECT_NE(One(*e, "rsi14 uptrend"), One(*e, "uptrend"));
}

TEST_F(TinyWordVectorEmbedderTest, TextsWithoutKnownWordsGetTheDocumentedFallback) {
  auto e = Open();
  ASSERT_TRUE(e);
  const auto empty1 = One(*e, "");
  const auto empty2 = One(*e, "  ,;  ");  // no tokens at all: same seed as ""
  const auto unk1 = One(*e, "XYZQ 2019");
  const auto unk2 = One(*e, "xyzq 2019");
  const auto unk3 = One(*e, "QQQZ 2020");
  EXPECT_EQ(empty1, empty2);
  EXPECT_EQ(unk1, unk2);  // the fallback is seeded by lower-cased tokens
  EXPECT_NEAR(Norm(unk1), 1.0f, 1e-5);
  EXPECT_LT(std::fabs(Cosine(unk1, unk3)), 0.9f);
  EXPECT_NE(unk1, empty1);
}

TEST_F(TinyWordVectorEmbedderTest, RemovingTheCommonComponentChangesTheVector) {
  WordVectorEmbedderOptions raw;
  raw.remove_components = 0;
  auto with = Open();
  auto without = Open(raw);
  ASSERT_TRUE(with && without);
  EXPECT_NE(One(*with, "the stock of march"), One(*without, "the stock of march"));
  WordVectorEmbedderOptions more;
  more.remove_components = 5;  // clamped to the one stored
  EXPECT_EQ(One(*Open(more), "the stock of march"), One(*with, "the stock of march"));
}

TEST_F(TinyWordVectorEmbedderTest, ReportsMissingAndCorruptFilesAndBadOptions) {
  WordVectorEmbedderOptions o;
  EXPECT_EQ(NewWordVectorEmbedder(o).status().code(), StatusCode::kInvalidArgument);
  o.path = testing::MakeTempDir("embed-sif") + "/absent.bin";
  auto missing = NewWordVectorEmbedder(o);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("fetch_wink.sh"), std::string::npos);
  std::ofstream(o.path) << "not a word vector file, but long enough to have a header......"
                           "................................................................"
                           "................................................................"
                           "................................................................";
  EXPECT_EQ(NewWordVectorEmbedder(o).status().code(), StatusCode::kCorruption);
  o.path = path_;
  o.sif_a = -1;
  EXPECT_EQ(NewWordVectorEmbedder(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(DefaultWordVectorPathTest, IsTheCheckoutCache) {
  EXPECT_EQ(DefaultWordVectorPath("/repo"), "/repo/.cache/wink-sg-100d.bin");
  EXPECT_EQ(DefaultWordVectorPath(), "./.cache/wink-sg-100d.bin");
}

// ---------------------------------------------------------------------------
// The real converted file.

class WinkEmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = DefaultWordVectorPath(testing::SourceDir());
    if (!std::filesystem::exists(path)) return;
    WordVectorEmbedderOptions o;
    o.path = path;
    auto e = NewWordVectorEmbedder(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    embedder_ = std::move(e).value();
  }
  static void TearDownTestSuite() { embedder_.reset(); }
  void SetUp() override {
    if (!embedder_)
      GTEST_SKIP() << "no " << DefaultWordVectorPath(testing::SourceDir())
                   << "; run tools/embeddings/fetch_wink.sh <dir> and set OHLCV_CACHE_DIR=<dir>";
  }
  static inline std::unique_ptr<Embedder> embedder_;
};

TEST_F(WinkEmbedderTest, NameAndDimension) {
  EXPECT_EQ(embedder_->name(), "sif-wink-sg-100d");
  EXPECT_EQ(embedder_->dimension(), 100u);
}

TEST_F(WinkEmbedderTest, ParaphrasesScoreClearlyHigherThanUnrelatedSentences) {
  const auto a = One(*embedder_, "Apple stock rallied strongly in March");
  const auto b = One(*embedder_, "AAPL shares surged during March");
  const auto c = One(*embedder_, "utilities fell on rate fears");
  const float para = Cosine(a, b);
  EXPECT_GT(para, 0.3f);
  EXPECT_GT(para, Cosine(a, c) + 0.25f);
  EXPECT_GT(para, Cosine(b, c) + 0.25f);

  const auto d = One(*embedder_, "the shares plunged after weak quarterly earnings");
  const auto f = One(*embedder_, "stock price dropped sharply on disappointing profits");
  const auto g = One(*embedder_, "the weather was sunny at the beach this weekend");
  EXPECT_GT(Cosine(d, f), Cosine(d, g) + 0.25f);
  EXPECT_GT(Cosine(d, f), Cosine(f, g) + 0.25f);
}

// Distributional vectors put antonyms used in the same contexts close
// together (uptrend/downtrend, overbought/oversold), so direction is left to
// filters and the lexical side; topic is what this embedder separates.
TEST_F(WinkEmbedderTest, MarketSummariesAreCloserToMarketTextThanToOffTopicText) {
  const auto up1 = One(*embedder_,
                       "AAPL 2019-03-01 to 2019-04-12: +8.4% (174.97 to 198.87), uptrend; "
                       "RSI 71.2 overbought on 2019-04-09; bullish breakout above resistance");
  // Texts unlike the fixed corpus of embed/common_corpus.cc on purpose.
  const auto up2 = One(*embedder_,
                       "HD 2017-05-01 to 2017-06-12: +5.2% (153.20 to 161.17), uptrend; "
                       "strong rally with rising volume; bullish breakout to new highs");
  const auto off1 = One(*embedder_, "the recipe needs two cups of flour and fresh eggs");
  const auto off2 = One(*embedder_, "the team won the championship game in overtime");
  for (const auto* off : {&off1, &off2}) {
    EXPECT_GT(Cosine(up1, up2), Cosine(up1, *off) + 0.3f);
    EXPECT_GT(Cosine(up1, up2), Cosine(up2, *off) + 0.3f);
  }
}

TEST_F(WinkEmbedderTest, DeterministicNormalisedAndBatchIndependent) {
  const std::vector<std::string> texts = {"Apple stock rallied strongly in March", "", "1234 5678",
                                          "bearish engulfing candle after a gap up"};
  std::vector<float> batch;
  ASSERT_TRUE(embedder_->Embed(texts, &batch).ok());
  ASSERT_EQ(batch.size(), texts.size() * 100);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_NEAR(Norm(std::span<const float>(batch).subspan(i * 100, 100)), 1.0f, 1e-5);
    const auto single = One(*embedder_, texts[i]);
    EXPECT_TRUE(std::equal(single.begin(), single.end(), batch.begin() + i * 100)) << i;
  }
  std::vector<float> again;
  ASSERT_TRUE(embedder_->Embed(texts, &again).ok());
  EXPECT_EQ(batch, again);
  for (float x : batch) EXPECT_TRUE(std::isfinite(x));
}

TEST_F(WinkEmbedderTest, TwoThreadsGetIdenticalResults) {
  std::vector<std::string> texts;
  for (int i = 0; i < 400; ++i)
    texts.push_back("window " + std::to_string(i) + (i % 2 ? " uptrend rally" : " downtrend selloff") +
                    " volume " + std::to_string(i * 7) + " RSI" + std::to_string(i % 30));
  std::vector<float> expected;
  ASSERT_TRUE(embedder_->Embed(texts, &expected).ok());
  std::vector<float> r1, r2;
  Status s1, s2;
  std::thread t1([&] { for (int k = 0; k < 5 && s1.ok(); ++k) s1 = embedder_->Embed(texts, &r1); });
  std::thread t2([&] { for (int k = 0; k < 5 && s2.ok(); ++k) s2 = embedder_->Embed(texts, &r2); });
  t1.join();
  t2.join();
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(r1, expected);
  EXPECT_EQ(r2, expected);
}

}  // namespace
}  // namespace ohlcv
