#include "testutil/cli_runner.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "testutil/test_paths.h"

namespace ohlcv::testing {

std::string CliBinary() { return std::string(OHLCV_BINARY_DIR) + "/ohlcv-rag"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CliRun RunShell(const std::string& command, const ShellOptions& options) {
  const std::string dir = MakeTempDir("cli-run");
  std::ofstream(dir + "/in") << options.input;
  std::string cmd;
  if (!options.cwd.empty()) cmd += "cd " + ShellQuote(options.cwd) + " && ";
  cmd += "env -u DATA_SOURCE -u LLM_PROVIDER -u API_KEY -u VECTOR_STORE_TYPE " + options.env;
  if (options.hashing_embedder) cmd += " OHLCV_EMBEDDER=hashing";
  cmd += " timeout " + std::to_string(options.timeout_s) + " " + command + " < " + dir + "/in > " +
         dir + "/out 2> " + dir + "/err";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(dir + "/out");
  r.err = ReadFile(dir + "/err");
  return r;
}

CliRun RunCli(const std::string& data_dir, const std::vector<std::string>& args, ShellOptions options) {
  options.env = "OHLCV_DATA_DIR=" + ShellQuote(data_dir) + " " + options.env;
  std::string command = ShellQuote(CliBinary());
  for (const auto& a : args) command += " " + ShellQuote(a);
  return RunShell(command, options);
}

}  // namespace ohlcv::testing
