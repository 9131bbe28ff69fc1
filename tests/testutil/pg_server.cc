#include "testutil/pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "testutil/test_paths.h"

namespace ohlcv::testing {
namespace {

namespace fs = std::filesystem;


std::string Tail(const std::string& path, size_t bytes = 2000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// The postgres account when running as root; null otherwise (run as self).
const passwd* PostgresUser() {
  if (::geteuid() != 0) return nullptr;
  return ::getpwnam("postgres");
}

// Runs argv (as the postgres user when root) with output appended to `log`;
// returns the exit status.
int RunTool(std::vector<std::string> argv, const std::string& log) {
  if (PostgresUser()) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  // Everything the child needs is built before fork: the child of a
  // multi-threaded process may only make async-signal-safe calls.
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

std::string PgServer::BinDir() {
  const char* env = std::getenv("OHLCV_PG_BIN");
  return env && *env ? env : "/usr/lib/postgresql/15/bin";
}

bool PgServer::Installed() {
  std::error_code ec;
  return fs::exists(BinDir() + "/initdb", ec) && fs::exists(BinDir() + "/postgres", ec) &&
         (::geteuid() != 0 || PostgresUser() != nullptr);
}

std::string PgServer::NotInstalledMessage() {
  return "PostgreSQL 15 binaries not found in " + BinDir() +
         " (apt-get install postgresql-15, or set OHLCV_PG_BIN); running as root also needs the "
         "postgres user the package creates";
}

PgServer::~PgServer() { Stop(); }

std::string PgServer::Url(const std::string& db) const {
  return "postgresql://ohlcv@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PgServer::Start(std::chrono::milliseconds timeout) {
  if (!Installed()) return NotInstalledMessage();
  std::string tmpl = (fs::temp_directory_path() / "ohlcv-pg-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) return "mkdtemp failed";
  dir_ = buf.data();
  if (const passwd* pw = PostgresUser()) {
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return "chown " + dir_ + " failed";
  }
  log_path_ = dir_ + ".log";
  int rc = RunTool({BinDir() + "/initdb", "-D", dir_ + "/data", "-A", "trust", "-U", "ohlcv",
                    "-E", "UTF8", "--no-sync", "--no-instructions"},
                   log_path_);
  if (rc != 0) return "initdb failed (" + std::to_string(rc) + "): " + Tail(log_path_);
  port_ = FreeLoopbackPort();
  return Launch(timeout);
}

std::string PgServer::Launch(std::chrono::milliseconds timeout) {
  const passwd* pw = PostgresUser();
  const uid_t uid = pw ? pw->pw_uid : 0;
  const gid_t gid = pw ? pw->pw_gid : 0;
  const std::string data = dir_ + "/data";
  const std::string port = std::to_string(port_);
  // Built before fork (see RunTool).
  std::string bin = BinDir() + "/postgres";
  std::vector<std::string> argv = {bin, "-D", data, "-p", port, "-k", dir_,
                                   "-c", "listen_addresses=127.0.0.1",
                                   "-c", "max_connections=200",
                                   "-c", "shared_buffers=64MB"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const char* log = log_path_.c_str();
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log, O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (fd >= 0) {
      if (pw) (void)::fchown(fd, uid, gid);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    // The test's sockets and pipes stay out of the server.
    ::close_range(3, ~0U, 0);
    ::setpgid(0, 0);
    if (pw && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) _exit(126);
    // After the user change: a credential change clears the death signal.
    // SIGQUIT is an immediate shutdown: nothing outlives a crashed test.
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    ::execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  const std::string conninfo = "host=127.0.0.1 port=" + port + " user=ohlcv dbname=postgres connect_timeout=2";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (PQping(conninfo.c_str()) == PQPING_OK) return "";
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "postgres exited (" + std::to_string(status) + "): " + Tail(log_path_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Signal(SIGKILL);
  return "postgres did not accept connections in time: " + Tail(log_path_);
}

void PgServer::Signal(int sig) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

// SIGINT: fast shutdown (rolls back sessions, checkpoints).
void PgServer::Shutdown() { Signal(SIGINT); }

void PgServer::Crash() { Signal(SIGQUIT); }

std::string PgServer::Restart(std::chrono::milliseconds timeout) {
  if (dir_.empty()) return "never started";
  Shutdown();
  return Launch(timeout);
}

void PgServer::Stop() {
  Crash();  // the folder is removed anyway: skip the checkpoint
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::remove(log_path_, ec);
    dir_.clear();
  }
}

std::string PgServer::NewDatabase(std::string* error) {
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(next_db_++);
  PGconn* c = PQconnectdb(("host=127.0.0.1 port=" + std::to_string(port_) +
                           " user=ohlcv dbname=postgres").c_str());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  if (!err.empty()) {
    if (error) *error = err;
    return "";
  }
  return Url(name);
}

std::string PgServer::NewSharedDatabase(std::string* error) {
  PgServer* server = Shared(error);
  return server ? server->NewDatabase(error) : std::string();
}

PgServer* PgServer::Shared(std::string* error) {
  static std::mutex mu;
  static PgServer* server = nullptr;
  static std::string start_error;
  std::lock_guard lock(mu);
  if (!server && start_error.empty()) {
    auto* s = new PgServer();
    start_error = s->Start();
    if (start_error.empty()) {
      server = s;
      std::atexit([] { server->Stop(); });
    } else {
      delete s;
    }
  }
  if (!server && error) *error = start_error;
  return server;
}

}  // namespace ohlcv::testing
