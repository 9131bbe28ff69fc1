// ChromaServer: a real ChromaDB server for tests, started from the npm
// package that scripts/chroma-setup.sh installs into <repo>/.cache/chroma
// (override with OHLCV_CHROMA_DIR, or OHLCV_CACHE_DIR as <dir>/chroma, the
// same lookup as the script).
//
// Start() picks a free loopback port, runs the package's CLI with node
// (`node node_modules/chromadb/dist/cli.mjs run --path <tmp> --host 127.0.0.1
// --port <p>`, which is what `npx chroma run` executes, minus npx's extra
// process), waits for GET /api/v2/heartbeat with a bounded timeout, and
// returns an error message instead when the server does not come up. The
// server runs in its own process group and gets SIGKILL if the test process
// dies (PR_SET_PDEATHSIG), so a crashed test never leaves a server behind.
// Stop() (and the destructor) sends SIGTERM, then SIGKILL after 5 s.
//
// Shared() is one lazily started server per test process, for suites that
// only need "a server" (it is stopped at exit).
//
// Thread-safety: an instance needs external synchronization; Shared() is
// safe to call from any thread. The death signal is tied to the thread that
// called Start(), so start servers from the test's main thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

namespace ohlcv::testing {

class ChromaServer {
 public:
  ChromaServer() = default;
  ~ChromaServer();
  ChromaServer(const ChromaServer&) = delete;
  ChromaServer& operator=(const ChromaServer&) = delete;

  // Where the npm package lives: $OHLCV_CHROMA_DIR, $OHLCV_CACHE_DIR/chroma,
  // or <repo>/.cache/chroma.
  static std::string PackageDir();
  // True when PackageDir() holds the chromadb CLI and its native bindings.
  static bool Installed();
  // The message tests skip with when !Installed().
  static std::string NotInstalledMessage();

  // Starts the server on a free 127.0.0.1 port with a fresh data directory.
  // Returns "" once the heartbeat answers, else what went wrong (the server's
  // log tail included). REQUIRES: not running.
  std::string Start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Stops the server and waits for it. Idempotent.
  void Stop();

  bool running() const { return pid_ > 0; }
  std::string host() const { return "127.0.0.1"; }
  int port() const { return port_; }
  std::string base_url() const;

  // The process-wide server, started on first call. Null (and *error set)
  // when it cannot be started.
  static ChromaServer* Shared(std::string* error);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string data_dir_;
  std::string log_path_;
};

}  // namespace ohlcv::testing
