// The VectorStore conformance suite: the same checks, run against every
// VectorStore implementation (local, chromadb).
//
// Use: in a store's test file, give the suite a way to open that store and
// instantiate it:
//
//   INSTANTIATE_TEST_SUITE_P(Local, VectorStoreConformance,
//                            ::testing::Values(VectorStoreUnderTest{"local", OpenMine}),
//                            VectorStoreUnderTestName);
//
// The test bodies live in vector_store_conformance_test.cc, which the
// tests/<folder>/*_test.cc glob compiles into index_tests exactly once.
//
// Data: small synthetic windows (finite numbers only, since not every store
// can hold NaN metadata) with seeded random vectors; every expectation is
// computed in the test from the same data (brute-force cosine for vectors).
//
// Thread-safety: test code, single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

#include "index/vector_store.h"

namespace ohlcv::testing {

struct VectorStoreUnderTest {
  std::string name;  // used in test names: letters and digits only
  // Opens (creating if needed) the store named `ns` with `embedder`. Opening
  // the same ns again after the previous instance is destroyed must show the
  // same data; different ns values must not share data.
  std::function<Result<std::unique_ptr<VectorStore>>(const std::string& ns,
                                                     const EmbedderIdentity& embedder)>
      open;
  bool supports_lexical = true;  // false: LexicalSearch must return InvalidArgument
};

// Test names and failure messages show the store's name, not its bytes.
inline void PrintTo(const VectorStoreUnderTest& store, std::ostream* os) { *os << store.name; }

inline std::string VectorStoreUnderTestName(
    const ::testing::TestParamInfo<VectorStoreUnderTest>& info) {
  return info.param.name;
}

// Dimensions the suite uses (small, so stores and brute force are quick).
inline constexpr size_t kConformanceDim = 8;
inline constexpr size_t kConformanceShapeDim = 4;

// A deterministic window: ticker/sector/interval as given, dates derived from
// `i`, numeric fields derived from `i`, summary built from `words`, shape and
// text vectors from a seeded generator.
Window ConformanceWindow(int i, const std::string& ticker, const std::string& sector,
                         Interval interval = Interval::k1d);
std::vector<float> ConformanceVector(int i, size_t dim);

class VectorStoreConformance : public ::testing::TestWithParam<VectorStoreUnderTest> {
 protected:
  void SetUp() override;
  void TearDown() override { store_.reset(); }

  EmbedderIdentity Embedder() const { return {"conformance-embedder", kConformanceDim, kConformanceShapeDim}; }
  // Reopens the same namespace (drops the current instance first).
  void Reopen();
  // Upserts windows with ConformanceVector(id index) as text embedding.
  void Put(const std::vector<Window>& windows, const std::vector<int>& vector_ids);
  // The standard data set: 60 windows over 4 tickers, 2 sectors, 2 intervals.
  void PutStandardSet();

  std::string ns_;
  std::unique_ptr<VectorStore> store_;
  std::vector<Window> data_;           // what PutStandardSet stored
  std::vector<std::vector<float>> text_;  // their text vectors
};

}  // namespace ohlcv::testing
