#include "testutil/test_paths.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace ohlcv::testing {
namespace fs = std::filesystem;

namespace {
std::mutex g_mu;
std::vector<std::string>* g_dirs = nullptr;  // guarded by g_mu; removed at exit

void RemoveAll() {
  std::lock_guard lock(g_mu);
  if (!g_dirs) return;
  std::error_code ec;
  for (const auto& d : *g_dirs) fs::remove_all(d, ec);
}
}  // namespace

std::string SourceDir() { return OHLCV_SOURCE_DIR; }

std::string SharedDir() {
  if (const char* env = std::getenv("OHLCV_SHARED_DIR")) return env;
  return (fs::path(OHLCV_SOURCE_DIR).parent_path() / "shared").string();
}

std::string SharedDataDir() {
  fs::path p = fs::path(SharedDir()) / "data" / "sp500_2015_2020";
  return fs::is_directory(p) ? p.string() : std::string();
}

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return {};
  std::string dir(buf.data());
  std::lock_guard lock(g_mu);
  if (!g_dirs) {
    g_dirs = new std::vector<std::string>();  // lives until exit by design
    std::atexit(RemoveAll);
  }
  g_dirs->push_back(dir);
  return dir;
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace ohlcv::testing
