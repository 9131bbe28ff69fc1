#include "config/word_vectors.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace ohlcv {
namespace {

namespace fs = std::filesystem;

// The running binary's folder, or "" when /proc is not there.
std::string BinaryDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace

std::vector<std::string> WordVectorSearchDirs(
    const AppConfig& c, const std::function<std::optional<std::string>(const std::string&)>& getenv_fn) {
  if (!c.cache_dir.empty()) return {c.cache_dir};
  auto env = [&](const char* name) -> std::string {
    if (getenv_fn) return getenv_fn(name).value_or("");
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  std::vector<std::string> dirs;
  if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) {
    dirs.push_back(xdg + "/ohlcv-rag");
  } else if (std::string home = env("HOME"); !home.empty()) {
    dirs.push_back(home + "/.cache/ohlcv-rag");
  }
  if (std::string bin = BinaryDir(); !bin.empty()) {
    dirs.push_back(bin);
    dirs.push_back((fs::path(bin).parent_path() / "share" / "ohlcv-rag").string());
    dirs.push_back((fs::path(bin).parent_path() / ".cache").string());
  }
  dirs.push_back((fs::path(c.data_dir).parent_path() / ".cache").string());
  dirs.push_back("./.cache");
  return dirs;
}

}  // namespace ohlcv
