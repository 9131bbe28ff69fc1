// The settings table through the real binary: every setting is a flag of
// serve, config, healthcheck and backup (`serve --port 8000` was rejected by
// the top-level parser), choices in any case, and the word vectors found from
// any working directory.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testutil/cli_runner.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using CliResult = testing::CliRun;

// `env` and `args` are sh text (already quoted) around the binary; runs in
// `cwd`, without OHLCV_CACHE_DIR, on the embedder the settings choose.
CliResult Sh(const std::string& cwd, const std::string& env, const std::string& args) {
  testing::ShellOptions options;
  options.env = "-u OHLCV_CACHE_DIR " + env;
  options.cwd = cwd;
  options.timeout_s = 60;
  options.hashing_embedder = false;
  return testing::RunShell(testing::ShellQuote(testing::CliBinary()) + " " + args, options);
}

TEST(CliSettingsTest, SettingsAreFlagsOfTheServiceCommands) {
  std::string data = testing::MakeTempDir("cli-settings-data");
  CliResult r = Sh(data, "", "config --port 8123 --metrics-port 9191 --log-level INFO --data-dir '" + data + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')), nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["http_port"], 8123);
  EXPECT_EQ(j["metrics_port"], 9191);
  EXPECT_EQ(j["log_level"], "info");
  EXPECT_EQ(j["data_dir"], data);

  // The global --data-dir before the command counts too.
  r = Sh(data, "", "--data-dir /tmp/elsewhere config --port 8124");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"data_dir\": \"/tmp/elsewhere\""), std::string::npos) << r.out;

  // healthcheck takes the flags too: nothing listens on this port.
  r = Sh(data, "", "healthcheck --port 1 --bind 127.0.0.1");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("unhealthy"), std::string::npos) << r.err;

  // An unknown flag is still an error naming it.
  r = Sh(data, "", "serve --no-such-flag 1");
  EXPECT_NE(r.code, 0);
  EXPECT_NE((r.out + r.err).find("--no-such-flag"), std::string::npos) << r.out << r.err;
  // A bad value names the setting.
  r = Sh(data, "", "serve --port 70000");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--port"), std::string::npos) << r.err;
}

TEST(CliSettingsTest, WordVectorsFoundFromAnyWorkingDirectory) {
  // The build tree sits in the checkout, so <binary dir>/../.cache is where
  // tools/embeddings/fetch_wink.sh put the file; XDG/HOME point nowhere.
  const std::string vectors = testing::SourceDir() + "/.cache/wink-sg-100d.bin";
  if (!std::filesystem::exists(vectors) ||
      std::filesystem::weakly_canonical(std::string(OHLCV_BINARY_DIR) + "/..") !=
          std::filesystem::weakly_canonical(testing::SourceDir())) {
    GTEST_SKIP() << "needs " << vectors << " and a build tree directly inside the checkout";
  }
  std::string data = testing::MakeTempDir("cli-vectors-data");
  std::string cwd = testing::MakeTempDir("cli-vectors-cwd");
  CliResult r = Sh(cwd, "HOME=/nonexistent XDG_CACHE_HOME=/nonexistent OHLCV_EMBEDDER=sif",
             "--data-dir '" + data + "' ingest --source synthetic --tickers AAA");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Sh(cwd, "HOME=/nonexistent XDG_CACHE_HOME=/nonexistent OHLCV_EMBEDDER=sif",
         "--data-dir '" + data + "' query 'How did AAA do in 2016?'");
  EXPECT_EQ(r.code, 0) << r.out << r.err;

  // With the only place configured empty, the error lists where it looked.
  r = Sh(cwd, "OHLCV_CACHE_DIR='" + cwd + "' OHLCV_EMBEDDER=sif", "--data-dir '" + data + "' query 'AAA 2016'");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find(cwd + "/wink-sg-100d.bin"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fetch_wink.sh"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ohlcv
