// Every example command of README.md's "4. Ask" block (between the
// readme-examples markers), run as printed by the real binary against the
// state the README leaves after step 3's `build/ohlcv-rag setup`. Read from
// the README itself, so an edited example is tested as edited. The only
// substitutions: `build/ohlcv-rag` is this build's binary, the data directory
// is a temporary one (OHLCV_DATA_DIR), the embedder is the hashing one (no
// word-vector download), and the backup target is a temporary folder.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testutil/cli_runner.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {


// The commands between the markers, without their trailing "# comment".
std::vector<std::string> ReadmeExamples() {
  std::string readme = testing::ReadFile(testing::SourceDir() + "/README.md");
  size_t start = readme.find("<!-- readme-examples:start -->");
  size_t end = readme.find("<!-- readme-examples:end -->");
  std::vector<std::string> out;
  if (start == std::string::npos || end == std::string::npos) return out;
  std::istringstream lines(readme.substr(start, end - start));
  std::string line;
  std::getline(lines, line);  // the marker
  while (std::getline(lines, line)) {
    if (size_t hash = line.find("  #"); hash != std::string::npos) line.erase(hash);
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    line = line.substr(b, line.find_last_not_of(' ') - b + 1);
    out.push_back(line);
  }
  return out;
}

using ShellRun = testing::CliRun;

// A README command line as written, from the repository root.
ShellRun Shell(const std::string& command, const std::string& data_dir, const std::string& input) {
  testing::ShellOptions options;
  options.env = "OHLCV_DATA_DIR=" + testing::ShellQuote(data_dir);
  options.cwd = testing::SourceDir();
  options.input = input;
  return testing::RunShell(command, options);
}

TEST(ReadmeExamplesTest, EveryExampleRunsAfterSetup) {
  const std::string binary = std::string(OHLCV_BINARY_DIR) + "/ohlcv-rag";
  ASSERT_TRUE(std::filesystem::exists(binary)) << binary;
  std::vector<std::string> examples = ReadmeExamples();
  ASSERT_GE(examples.size(), 10u) << "README.md lost its readme-examples block";
  const std::string data_dir = testing::MakeTempDir("readme-data");
  const std::string prefix = "build/ohlcv-rag";
  auto as_built = [&](std::string command) {
    EXPECT_EQ(command.rfind(prefix + " ", 0), 0u) << command;
    return binary + command.substr(prefix.size());
  };
  ShellRun setup = Shell(as_built("build/ohlcv-rag setup"), data_dir, "");
  ASSERT_EQ(setup.code, 0) << setup.err << setup.out;
  for (std::string command : examples) {
    SCOPED_TRACE(command);
    std::string input;
    if (command.find(" interactive") != std::string::npos) input = "How did MSFT perform in 2017?\nexit\n";
    if (size_t at = command.find("/tmp/ohlcv-backup"); at != std::string::npos) {
      command.replace(at, std::string("/tmp/ohlcv-backup").size(), testing::MakeTempDir("readme-backup") + "/b");
    }
    ShellRun r = Shell(as_built(command), data_dir, input);
    EXPECT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_FALSE(r.out.empty()) << r.err;
    EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace ohlcv
