// IndicatorSet against reference values of other libraries, data-driven:
// every column of ../shared/indicator-refs/talib.csv (AAPL) within 1e-9.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "indicators/reference_check.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

std::string RefPath(const std::string& file) { return testing::SharedDir() + "/indicator-refs/" + file; }
std::string BarsPath(const std::string& ticker) {
  return testing::SharedDataDir() + "/" + ticker + ".csv";
}

TEST(IndicatorReferenceTest, MatchesTaLibOnAapl) {
  OHLCV_REQUIRE_SHARED_DATA();
  const auto report = testing::CheckAgainstReference(BarsPath("AAPL"), RefPath("talib.csv"), 1e-9);
  EXPECT_EQ(report.columns, 24u);  // every column of talib.csv
  EXPECT_GT(report.cells, 24u * 1000);
  EXPECT_EQ(report.mismatches, 0u);
}

// Other libraries agree with TA-Lib once their own warm-up conventions have
// decayed (row 300 on), within their printed precision, except where the
// README says they differ by design: Tulip's MACD (fixed alphas) and the OBV
// starting offset; technicalindicators rounds RSI/MFI to 0.01.
struct OtherLibrary {
  const char* file;
  double rel_tol;  // from the digits the file was written with
  std::vector<std::string> skip;
};

void PrintTo(const OtherLibrary& lib, std::ostream* os) { *os << lib.file; }

class OtherLibraryTest : public ::testing::TestWithParam<OtherLibrary> {};

TEST_P(OtherLibraryTest, AgreesAfterWarmUp) {
  OHLCV_REQUIRE_SHARED_DATA();
  const OtherLibrary& lib = GetParam();
  const auto report = testing::CheckAgainstReference(BarsPath("AAPL"), RefPath(lib.file), lib.rel_tol,
                                                     /*first_row=*/300, lib.skip);
  EXPECT_EQ(report.columns + lib.skip.size(), 24u);
  EXPECT_GT(report.cells, 900u * report.columns);
  EXPECT_EQ(report.mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Refs, OtherLibraryTest,
    ::testing::Values(OtherLibrary{"ttr.csv", 2e-9, {}},
                      OtherLibrary{"tulip.csv", 2e-9, {"macd", "macd_signal", "macd_hist", "obv"}},
                      OtherLibrary{"pandas.csv", 2e-8, {"obv"}},
                      OtherLibrary{"technicalindicators.csv", 2e-8, {"rsi14", "mfi14", "obv", "vwap20"}}),
    [](const ::testing::TestParamInfo<OtherLibrary>& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

// More tickers, same format: OHLCV_INDICATOR_REFS="bars.csv=ref.csv;...".
TEST(IndicatorReferenceTest, MatchesExtraReferencesFromEnvironment) {
  const char* env = std::getenv("OHLCV_INDICATOR_REFS");
  if (!env || !*env) GTEST_SKIP() << "set OHLCV_INDICATOR_REFS=bars.csv=ref.csv;... to check more";
  std::stringstream ss(env);
  std::string pair;
  while (std::getline(ss, pair, ';')) {
    const auto eq = pair.find('=');
    ASSERT_NE(eq, std::string::npos) << "expected bars.csv=ref.csv, got " << pair;
    SCOPED_TRACE(pair);
    const auto report = testing::CheckAgainstReference(pair.substr(0, eq), pair.substr(eq + 1));
    EXPECT_GT(report.columns, 0u);
    EXPECT_EQ(report.mismatches, 0u);
  }
}

}  // namespace
}  // namespace ohlcv
