#include "embed/word_vector_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

WordVectorTable SmallTable() {
  WordVectorTable t;
  t.model = "tiny";
  t.source = "hand-made";
  t.dims = 3;
  t.vectors = {1, 0, 0, 0, 2, 0, 0, 0, -3};
  t.words = {"alpha", "beta", "gamma", "delta"};
  t.rows = {0, 1, 2, 1};  // "delta" aliases "beta"
  t.probs = {0.5f, 0.25f, 0.125f, 0.25f};
  t.alias = {0, 0, 0, 1};
  t.components = {0.6f, 0.8f, 0};
  t.component_sif_a = 1e-3f;
  return t;
}

std::string ReadAll(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
void WriteAll(const std::string& p, const std::string& s) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}

TEST(WordVectorFileTest, RoundTripsTableAndFindsWords) {
  const std::string path = testing::MakeTempDir("embed-wvf") + "/t.bin";
  ASSERT_TRUE(WriteWordVectorFile(SmallTable(), path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  auto f = WordVectorFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const WordVectorFile& w = **f;
  EXPECT_EQ(w.dims(), 3u);
  EXPECT_EQ(w.row_count(), 3u);
  EXPECT_EQ(w.entry_count(), 4u);
  EXPECT_EQ(w.model(), "tiny");
  EXPECT_EQ(w.source(), "hand-made");
  ASSERT_EQ(w.component_count(), 1u);
  EXPECT_FLOAT_EQ(w.component(0)[1], 0.8f);
  EXPECT_EQ(w.Find("alpha"), 0);
  EXPECT_EQ(w.Find("gamma"), 2);
  EXPECT_EQ(w.Find("delta"), 3);
  EXPECT_EQ(w.entry(3).row, 1u);
  EXPECT_EQ(w.entry(3).flags, kWordEntryAlias);
  EXPECT_FLOAT_EQ(w.entry(2).prob, 0.125f);
  EXPECT_EQ(w.word(1), "beta");
  EXPECT_EQ(w.Find("Alpha"), -1);  // words are stored lower-cased; lookups are exact
  EXPECT_EQ(w.Find("alph"), -1);
  EXPECT_EQ(w.Find(""), -1);
  std::vector<float> v(3);
  w.Dequantize(2, v);
  EXPECT_FLOAT_EQ(v[2], -3.0f);  // max |x| is exactly representable
  EXPECT_FLOAT_EQ(v[0], 0.0f);
}

TEST(WordVectorFileTest, QuantizationKeepsDirection) {
  std::vector<float> x = {0.31f, -1.7f, 0.002f, 0.9f, -0.45f};
  std::vector<int8_t> q(x.size());
  const float s = QuantizeRow(x, q);
  double dot = 0, nx = 0, ny = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double y = s * q[i];
    dot += x[i] * y;
    nx += x[i] * x[i];
    ny += y * y;
  }
  EXPECT_GT(dot / std::sqrt(nx * ny), 0.9999);
  EXPECT_EQ(q[1], -127);
}

TEST(WordVectorFileTest, RejectsInconsistentTables) {
  const std::string path = testing::MakeTempDir("embed-wvf") + "/t.bin";
  auto t = SmallTable();
  t.words[3] = "alpha";
  EXPECT_EQ(WriteWordVectorFile(t, path).code(), StatusCode::kInvalidArgument);
  t = SmallTable();
  t.rows[0] = 7;
  EXPECT_EQ(WriteWordVectorFile(t, path).code(), StatusCode::kInvalidArgument);
  t = SmallTable();
  t.probs.pop_back();
  EXPECT_EQ(WriteWordVectorFile(t, path).code(), StatusCode::kInvalidArgument);
  t = SmallTable();
  t.probs[0] = 0;
  EXPECT_EQ(WriteWordVectorFile(t, path).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(WordVectorFileTest, OpenReportsMissingTruncatedAndCorruptFiles) {
  const std::string dir = testing::MakeTempDir("embed-wvf");
  EXPECT_EQ(WordVectorFile::Open(dir + "/none.bin").status().code(), StatusCode::kNotFound);

  const std::string path = dir + "/t.bin";
  ASSERT_TRUE(WriteWordVectorFile(SmallTable(), path).ok());
  const std::string good = ReadAll(path);

  WriteAll(path, good.substr(0, good.size() - 1));
  EXPECT_EQ(WordVectorFile::Open(path).status().code(), StatusCode::kCorruption);

  WriteAll(path, good.substr(0, 100));
  EXPECT_EQ(WordVectorFile::Open(path).status().code(), StatusCode::kCorruption);

  std::string flipped = good;
  flipped[flipped.size() - 2] ^= 0x20;  // inside the strings section
  WriteAll(path, flipped);
  auto bad = WordVectorFile::Open(path);
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("checksum"), std::string::npos);
  EXPECT_TRUE(WordVectorFile::Open(path, /*verify_checksum=*/false).ok());

  std::string magic = good;
  magic[0] = 'X';
  WriteAll(path, magic);
  EXPECT_EQ(WordVectorFile::Open(path).status().code(), StatusCode::kCorruption);

  std::string version = good;
  version[8] = 99;
  WriteAll(path, version);
  EXPECT_NE(WordVectorFile::Open(path).status().message().find("version"), std::string::npos);
}

}  // namespace
}  // namespace ohlcv
