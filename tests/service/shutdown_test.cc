// Shutdown budget (issue 18, regression): on a data directory that already
// holds a large set, an API re-ingest that rewrites every window, then
// SIGTERM: `ohlcv-rag serve` must exit within drain + shutdown timeout
// (5 s + 10 s, the defaults). The code before the fix drained the whole
// staged HNSW delta when the store closed (68-72 s for the whole dataset in
// the issue; over the budget already for the subset here); now a close
// saves what the graphs hold and the next open stages the rest again. The
// CLI likewise exits promptly after its summary. Nothing is lost: the next
// open catches the index up from windows.db.
//
// Workload: the first kTickers files of the shared S&P 500 folder. The data
// directory is first filled from an "older revision" of those files (every
// price scaled by a slowly drifting factor, as a dividend adjustment of the
// whole history does), so the re-ingest of the real files changes every bar
// and re-indexes every window under its existing id. Skipped when
// ../shared/data is absent.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kb/knowledge_base.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

uint16_t FreePort() { return static_cast<uint16_t>(testing::FreeLoopbackPort()); }

std::string Binary() { return std::string(OHLCV_BINARY_DIR) + "/ohlcv-rag"; }


constexpr size_t kTickers = 120;

// Writes `in` (the shared CSV layout: Date,High,Low,Open,Close,...) to `out`
// with High/Low/Open/Close scaled by a factor drifting from 0.96 to 1 over
// the rows: an older revision of the same bars in which every bar differs.
void WriteOlderRevision(const fs::path& in, const fs::path& out) {
  std::ifstream src(in);
  std::ofstream dst(out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(src, line);) lines.push_back(line);
  ASSERT_GT(lines.size(), 1u) << in;
  dst << lines[0] << '\n';
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f;
    std::stringstream ss(lines[i]);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    ASSERT_GE(f.size(), 5u) << in << ":" << i + 1;
    const double factor = 0.96 + 0.04 * static_cast<double>(i) / static_cast<double>(lines.size());
    for (size_t c = 1; c <= 4; ++c) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.6f", std::strtod(f[c].c_str(), nullptr) * factor);
      f[c] = buf;
    }
    for (size_t c = 0; c < f.size(); ++c) dst << (c ? "," : "") << f[c];
    dst << '\n';
  }
}

std::string Env(const std::string& data_dir) {
  return "env -u DATA_SOURCE -u LLM_PROVIDER -u API_KEY -u VECTOR_STORE_TYPE -u OHLCV_DATABASE_URL "
         "OHLCV_EMBEDDER=hashing OHLCV_DATA_DIR='" + data_dir + "' ";
}

// The first kTickers of the shared folder, their older revision, and a data
// directory holding that revision (built once, copied per test).
class ShutdownTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    csv_dir_ = testing::SharedDataDir();
    if (csv_dir_.empty()) return;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(csv_dir_)) {
      if (e.path().extension() == ".csv") names.push_back(e.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    names.resize(std::min(names.size(), kTickers));
    tickers_ = names;
    const std::string older = testing::MakeTempDir("shutdown-older");
    for (const auto& t : tickers_) WriteOlderRevision(fs::path(csv_dir_) / (t + ".csv"), fs::path(older) / (t + ".csv"));
    seed_dir_ = testing::MakeTempDir("shutdown-seed");
    seed_log_ = testing::MakeTempDir("shutdown-seed-log") + "/ingest.log";
    const std::string cmd = Env(seed_dir_) + "'" + Binary() + "' ingest --threads 2 --source csv --path '" + older +
                            "' > '" + seed_log_ + "' 2>&1";
    seed_rc_ = std::system(cmd.c_str());
  }

  void SetUp() override {
    ASSERT_TRUE(fs::exists(Binary())) << Binary() << " is missing: build the ohlcv-rag target";
    OHLCV_REQUIRE_SHARED_DATA();
    ASSERT_EQ(seed_rc_, 0) << "ingest of the older revision failed; see " << seed_log_;
  }

  // A copy of the seeded data directory.
  static std::string SeededDataDir(const std::string& prefix) {
    const std::string dir = testing::MakeTempDir(prefix);
    fs::copy(seed_dir_, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return dir;
  }

  static std::string TickerList() {
    std::string out;
    for (const auto& t : tickers_) out += (out.empty() ? "" : ",") + t;
    return out;
  }

  static inline std::string csv_dir_, seed_dir_, seed_log_;
  static inline std::vector<std::string> tickers_;
  static inline int seed_rc_ = -1;
};

struct ServeProcess {
  ServeProcess(const std::string& data_dir, const std::string& roots) : port(FreePort()) {
    pid = fork();
    if (pid == 0) {
      setenv("OHLCV_DATA_DIR", data_dir.c_str(), 1);
      setenv("OHLCV_EMBEDDER", "hashing", 1);
      setenv("OHLCV_HTTP_PORT", std::to_string(port).c_str(), 1);
      setenv("OHLCV_METRICS_PORT", "-1", 1);
      setenv("OHLCV_DRAIN_SECONDS", "5", 1);
      setenv("OHLCV_SHUTDOWN_TIMEOUT_SECONDS", "10", 1);
      setenv("OHLCV_INGEST_ROOTS", roots.c_str(), 1);
      setenv("LOG_LEVEL", "warn", 1);
      unsetenv("API_KEY");
      unsetenv("LLM_PROVIDER");
      unsetenv("VECTOR_STORE_TYPE");
      unsetenv("OHLCV_DATABASE_URL");
      execl(Binary().c_str(), "ohlcv-rag", "serve", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServeProcess() {
    if (pid > 0 && !exited) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    c.set_connection_timeout(1, 0);
    return c;
  }
  bool WaitStarted(std::chrono::seconds limit) const {
    auto end = Clock::now() + limit;
    while (Clock::now() < end) {
      auto r = Client().Get("/startup");
      if (r && r->status == 200) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  // Sends SIGTERM and waits for the exit; the time it took.
  std::chrono::milliseconds Terminate(std::chrono::seconds limit, int* exit_code) {
    auto t0 = Clock::now();
    kill(pid, SIGTERM);
    int status = 0;
    while (Clock::now() - t0 < limit) {
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        exited = true;
        *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  }

  uint16_t port;
  pid_t pid = -1;
  bool exited = false;
};

TEST_F(ShutdownTest, ServeExitsWithinTheBudgetRightAfterAReingest) {
  const std::string data_dir = SeededDataDir("shutdown-serve");
  json job;
  {
    ServeProcess serve(data_dir, csv_dir_);
    ASSERT_TRUE(serve.WaitStarted(60s));
    auto c = serve.Client();
    const json body = {{"source", "csv"}, {"path", csv_dir_}, {"tickers", tickers_}};
    auto r = c.Post("/api/v1/ingest", body.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
    std::string id = json::parse(r->body)["job_id"];
    for (int i = 0; i < 6000; ++i) {  // <= 10 min on a busy machine
      auto j = c.Get("/api/v1/jobs/" + id);
      if (j && j->status == 200) job = json::parse(j->body);
      if (job.is_object() && job["state"] != "queued" && job["state"] != "running") break;
      std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(job["state"], "succeeded") << job.dump();
    // The workload: every window of every ticker was rewritten (~240 each).
    ASSERT_GE(job["progress"]["windows"].get<uint64_t>(), 200 * tickers_.size()) << job.dump();
    int code = -1;
    // Budget: drain 5 s + shutdown 10 s (the defaults).
    auto took = serve.Terminate(120s, &code);
    std::fprintf(stderr, "[ shutdown ] SIGTERM to exit: %lld ms\n", static_cast<long long>(took.count()));
    EXPECT_EQ(code, 0);
    EXPECT_LT(took, 15s) << "SIGTERM after a re-ingest of " << tickers_.size() << " tickers took " << took.count()
                         << " ms (budget: drain 5 s + shutdown 10 s)";
  }
  // Nothing lost: every window the job indexed is there and searchable.
  KbOptions o;
  o.data_dir = data_dir;
  o.embedder = "hashing";
  auto kb = KnowledgeBase::Open(o);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  auto status = (*kb)->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->tickers.size(), tickers_.size());
  EXPECT_EQ(status->windows, job["progress"]["windows"].get<uint64_t>());
  SimilarRequest sr;
  sr.ticker = tickers_[7];
  sr.k = 5;
  auto similar = (*kb)->Similar(sr);
  ASSERT_TRUE(similar.ok()) << similar.status().ToString();
  EXPECT_EQ(similar->hits.size(), 5u);
}

TEST_F(ShutdownTest, CliExitsPromptlyAfterItsReingestSummary) {
  const std::string data_dir = SeededDataDir("shutdown-cli");
  // stdbuf preloads a library; an ASan build must be told that is fine.
  std::string asan;
  if (const char* sanitized = std::getenv("OHLCV_SANITIZED"); sanitized && *sanitized) {
    const char* opts = std::getenv("ASAN_OPTIONS");
    asan = "ASAN_OPTIONS='" + std::string(opts ? opts : "") + ":verify_asan_link_order=0' ";
  }
  const std::string cmd = Env(data_dir) + asan + "timeout 600 stdbuf -oL '" + Binary() + "' ingest --tickers " +
                          TickerList() + " --source csv --path '" + csv_dir_ + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  // Line-buffered (stdbuf): the summary's "windows:" line arrives when it is
  // printed, then the process closes its stores and exits.
  std::string out;
  char line[4096];
  auto summary_at = Clock::now();
  bool seen = false;
  while (fgets(line, sizeof(line), p)) {
    out += line;
    if (!seen && std::string(line).find("windows") != std::string::npos) {  // "windows (new or changed): N"
      seen = true;
      summary_at = Clock::now();
    }
  }
  EXPECT_TRUE(seen) << out;
  int status = pclose(p);
  auto exit_after = Clock::now() - summary_at;
  std::fprintf(stderr, "[ shutdown ] CLI summary to exit: %lld ms\n",
               static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(exit_after).count()));
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_LT(exit_after, 5s) << "the CLI took "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(exit_after).count()
                            << " ms to exit after its summary";
}

}  // namespace
}  // namespace ohlcv
