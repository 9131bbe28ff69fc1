// Runs the real ohlcv-rag binary (or a README command line) the way a user
// does, through sh, and captures its exit code and output. One place for the
// environment the CLI tests clear, so a developer's shell settings
// (DATA_SOURCE, API_KEY, ...) cannot change what a test sees.
#pragma once

#include <string>
#include <vector>

namespace ohlcv::testing {

// The ohlcv-rag binary of this build tree.
std::string CliBinary();
// A file's whole content ("" when it cannot be read).
std::string ReadFile(const std::string& path);
// `s` as one single-quoted sh word.
std::string ShellQuote(const std::string& s);

struct CliRun {
  int code = -1;  // exit code; -1 when killed by a signal
  std::string out, err;
};

struct ShellOptions {
  std::string env;    // sh text after `env -u ...`, already quoted: "-u NAME ... K=V ..."
  std::string cwd;    // "" = the test's working directory
  std::string input;  // stdin (a file, so never a terminal)
  int timeout_s = 120;
  bool hashing_embedder = true;  // OHLCV_EMBEDDER=hashing: no word-vector file needed
};

// `command` is sh text (already quoted), run under `timeout`. The inherited
// environment minus DATA_SOURCE, LLM_PROVIDER, API_KEY and VECTOR_STORE_TYPE.
CliRun RunShell(const std::string& command, const ShellOptions& options = {});
// The binary with `args` (each quoted) on OHLCV_DATA_DIR=data_dir.
CliRun RunCli(const std::string& data_dir, const std::vector<std::string>& args, ShellOptions options = {});

}  // namespace ohlcv::testing
