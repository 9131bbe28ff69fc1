// PgServer: a real PostgreSQL 15 server for tests, from Debian's
// postgresql-15 binaries (/usr/lib/postgresql/15/bin; override with
// OHLCV_PG_BIN).
//
// Start() makes a data directory under the temp folder, runs
// `initdb -D DIR -A trust -U ohlcv`, then the server on a free loopback port
// (`postgres -D DIR -p PORT -k DIR -c listen_addresses=127.0.0.1`) and waits
// until it accepts connections. PostgreSQL refuses to run as root: when the
// test runs as root, initdb runs through `runuser -u postgres --` and the
// server process drops to the postgres user before exec (the folder is
// chowned to it). The server is a child of the test process in the
// foreground (not daemonized by pg_ctl) with a parent-death signal, so a
// crashed test never leaves a server behind. Stop() (and the destructor)
// ends it with a fast shutdown and removes the folder.
//
// Restart()/Crash() serve the crash tests: the same folder and port again.
//
// Shared() is one lazily started server per test process; NewDatabase()
// gives each test a fresh, empty database on it.
//
// Thread-safety: an instance needs external synchronization; Shared() is
// safe from any thread. Start servers from the test's main thread (the
// parent-death signal is tied to the starting thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

namespace ohlcv::testing {

class PgServer {
 public:
  PgServer() = default;
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // The folder of initdb/postgres.
  static std::string BinDir();
  // True when BinDir() holds initdb and postgres.
  static bool Installed();
  // The message tests skip with when !Installed().
  static std::string NotInstalledMessage();

  // "" once the server accepts connections, else what went wrong (log tail).
  std::string Start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Fast shutdown (SIGINT), waits; keeps the data folder. Idempotent.
  void Shutdown();
  // Immediate shutdown (SIGQUIT): every session is cut, no checkpoint; the
  // next start replays the WAL as after a crash. Keeps the folder.
  void Crash();
  // Starts the server again on the same folder and port ("" when up).
  std::string Restart(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Shutdown() and removes the folder.
  void Stop();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // postgresql://ohlcv@127.0.0.1:PORT/<db>
  std::string Url(const std::string& db = "postgres") const;
  // CREATE DATABASE <unique name>; returns its URL, or "" (and *error).
  std::string NewDatabase(std::string* error);

  static PgServer* Shared(std::string* error);
  // A new, empty database on Shared(): its URL, or "" (and *error).
  static std::string NewSharedDatabase(std::string* error);

 private:
  std::string Launch(std::chrono::milliseconds timeout);
  void Signal(int sig);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string log_path_;
  int next_db_ = 0;
};

}  // namespace ohlcv::testing

// Skips the current test, with a clear message, when PostgreSQL is absent;
// fails it when the server cannot start. Sets `server` (a PgServer*).
#define OHLCV_REQUIRE_PG(server)                                             \
  do {                                                                       \
    if (!::ohlcv::testing::PgServer::Installed())                            \
      GTEST_SKIP() << ::ohlcv::testing::PgServer::NotInstalledMessage();     \
    std::string pg_error_;                                                   \
    server = ::ohlcv::testing::PgServer::Shared(&pg_error_);                 \
    ASSERT_NE(server, nullptr) << "PostgreSQL test server: " << pg_error_;   \
  } while (0)
