#include "testutil/chroma_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <httplib.h>

#include "testutil/test_paths.h"

namespace ohlcv::testing {
namespace fs = std::filesystem;
namespace {

std::string CliPath() { return ChromaServer::PackageDir() + "/node_modules/chromadb/dist/cli.mjs"; }

// Binds 127.0.0.1:0 to learn a free port. Another process could take it
// before the server binds; the heartbeat wait then fails with a clear error.

std::string Tail(const std::string& path, size_t max_bytes = 1500) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

}  // namespace

ChromaServer::~ChromaServer() { Stop(); }

std::string ChromaServer::PackageDir() {
  if (const char* env = std::getenv("OHLCV_CHROMA_DIR"); env && *env) return env;
  if (const char* env = std::getenv("OHLCV_CACHE_DIR"); env && *env)
    return std::string(env) + "/chroma";
  return SourceDir() + "/.cache/chroma";
}

bool ChromaServer::Installed() {
  std::error_code ec;
  return fs::exists(CliPath(), ec) &&
         fs::exists(PackageDir() + "/node_modules/chromadb-js-bindings-linux-x64-gnu", ec);
}

std::string ChromaServer::NotInstalledMessage() {
  return "ChromaDB npm package not found in " + PackageDir() +
         "; run scripts/chroma-setup.sh (CI does) to enable the ChromaDB tests";
}

std::string ChromaServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string ChromaServer::Start(std::chrono::milliseconds timeout) {
  if (running()) return "chroma server already running";
  if (!Installed()) return NotInstalledMessage();
  port_ = FreeLoopbackPort();
  if (port_ == 0) return "no free loopback port";
  data_dir_ = MakeTempDir("ohlcv-chroma");
  if (data_dir_.empty()) return "cannot create a data directory";
  log_path_ = data_dir_ + "/server.log";
  const std::string cli = CliPath(), port = std::to_string(port_), data = data_dir_ + "/db";
  const std::string pkg = PackageDir(), log = log_path_;
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    if (::chdir(pkg.c_str()) != 0) ::_exit(127);
    ::execlp("node", "node", cli.c_str(), "run", "--path", data.c_str(), "--host", "127.0.0.1",
             "--port", port.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  ::setpgid(pid, pid);  // also from the parent, so Stop() can signal the group at once

  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(std::chrono::milliseconds(500));
  client.set_read_timeout(std::chrono::seconds(2));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return "chroma server exited during start-up; log tail:\n" + Tail(log_path_);
    }
    auto res = client.Get("/api/v2/heartbeat");
    if (res && res->status == 200) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string tail = Tail(log_path_);
  Stop();
  return "chroma server did not answer its heartbeat within " + std::to_string(timeout.count()) +
         " ms; log tail:\n" + tail;
}

void ChromaServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

ChromaServer* ChromaServer::Shared(std::string* error) {
  static std::mutex mu;
  static std::unique_ptr<ChromaServer> server;  // destroyed (stopped) at exit
  static std::string start_error;
  std::lock_guard lock(mu);
  if (!server && start_error.empty()) {
    auto s = std::make_unique<ChromaServer>();
    start_error = s->Start();
    if (start_error.empty()) server = std::move(s);
  }
  if (!server && error) *error = start_error;
  return server.get();
}

}  // namespace ohlcv::testing
