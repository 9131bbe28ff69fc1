// Where tests find the repository, the build tree and ../shared/, and a
// free loopback port for the servers they start.
#pragma once

#include <string>

namespace ohlcv::testing {

// Absolute path of the repository root.
std::string SourceDir();
// Absolute path of ../shared beside the repository (may not exist).
std::string SharedDir();
// SharedDir() + "/data/sp500_2015_2020"; empty when absent.
std::string SharedDataDir();
// A fresh, empty temporary directory removed when the process exits.
std::string MakeTempDir(const std::string& prefix = "ohlcv-test");
// A TCP port on 127.0.0.1 that was free a moment ago (0 when none was found).
int FreeLoopbackPort();

}  // namespace ohlcv::testing

// Skips the current test, with a clear message, when ../shared/ data is absent.
#define OHLCV_REQUIRE_SHARED_DATA()                                              \
  do {                                                                           \
    if (::ohlcv::testing::SharedDataDir().empty())                               \
      GTEST_SKIP() << "../shared/data/sp500_2015_2020 not found beside the repo"; \
  } while (0)
