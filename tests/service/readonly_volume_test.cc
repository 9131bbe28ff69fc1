// A full or read-only volume (issue 18): the knowledge base opens read-only,
// reads keep answering (in process, over HTTP and from the CLI), readiness
// reports writes degraded, and writes fail with exit code 1, not 5
// ("authentication" in the README's table). Uses a small tmpfs mount; skips
// when the test may not mount (no CAP_SYS_ADMIN).
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"
#include "service/api/service.h"
#include "service/http/http_server.h"
#include "sources/source.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

std::string Binary() { return std::string(OHLCV_BINARY_DIR) + "/ohlcv-rag"; }

// A tmpfs at a temp folder, unmounted at the end.
class Volume {
 public:
  explicit Volume(const std::string& size) : dir_(testing::MakeTempDir("ro-volume")) {
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Volume() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool MakeReadOnly() { return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0; }
  // Fills the volume to the last byte.
  void Fill() {
    std::ofstream f(dir_ + "/filler", std::ios::binary);
    std::string mb(1 << 20, 'x');
    while (f.write(mb.data(), static_cast<std::streamsize>(mb.size()))) {}
    f.close();
    std::ofstream g(dir_ + "/filler2", std::ios::binary);
    while (g.put('x')) {}
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

KbOptions Options(const std::string& data_dir) {
  KbOptions o;
  o.data_dir = data_dir;
  o.embedder = "hashing";
  return o;
}

void Populate(const std::string& data_dir) {
  auto kb = KnowledgeBase::Open(Options(data_dir));
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  SyntheticSourceOptions so;
  so.bars = 300;
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = {"AAPL", "MSFT"};
  ASSERT_TRUE((*kb)->Ingest(*source, req, IngestOptions{}).ok());
}

int RunCli(const std::string& data_dir, const std::string& args, std::string* out) {
  std::string file = testing::MakeTempDir("ro-cli") + "/out";
  std::string cmd = "env -u DATA_SOURCE -u LLM_PROVIDER -u API_KEY -u VECTOR_STORE_TYPE OHLCV_EMBEDDER=hashing "
                    "OHLCV_DATA_DIR='" + data_dir + "' timeout 120 '" + Binary() + "' " + args + " > " + file +
                    " 2>&1";
  int status = std::system(cmd.c_str());
  std::ifstream in(file);
  out->assign(std::istreambuf_iterator<char>(in), {});
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ExpectReadsWorkAndWritesAreDegraded(const std::string& data_dir) {
  auto kb = KnowledgeBase::Open(Options(data_dir));
  ASSERT_TRUE(kb.ok()) << "reads must survive the volume: " << kb.status().ToString();
  EXPECT_TRUE((*kb)->read_only());
  EXPECT_FALSE((*kb)->write_error().empty());
  auto status = (*kb)->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->tickers.size(), 2u);
  EXPECT_EQ(status->bars, 600u);
  AskRequest ask;
  ask.question = "How did AAPL do?";
  auto answer = (*kb)->Ask(ask);
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  SyntheticSourceOptions so;
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = {"IBM"};
  auto ingest = (*kb)->Ingest(*source, req, IngestOptions{});
  ASSERT_FALSE(ingest.ok());
  EXPECT_EQ(ingest.status().code(), StatusCode::kIOError);

  // Over HTTP: ready (reads), writes reported degraded, ingest refused with a reason.
  ServiceOptions so2;
  so2.worker_threads = 2;
  so2.log.level = "error";
  Service service(so2);
  auto server = StartApiServer(service, HttpServerOptions{});
  ASSERT_TRUE(server.ok());
  service.SetKnowledgeBase(kb->get());
  httplib::Client c("127.0.0.1", (*server)->port());
  auto ready = c.Get("/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_NE(ready->body.find("writes"), std::string::npos) << ready->body;
  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body)["status"], "degraded") << health->body;
  EXPECT_EQ(c.Get("/api/v1/status")->status, 200);
  auto ing = c.Post("/api/v1/ingest", R"({"source":"synthetic","tickers":["IBM"]})", "application/json");
  ASSERT_TRUE(ing);
  EXPECT_EQ(ing->status, 503) << ing->body;
  (*server)->StopAccepting();
  service.Shutdown(5s);
  (*server)->Stop();

  // The CLI: reads exit 0, a write exits 1 (failure), never 5 (authentication).
  std::string out;
  EXPECT_EQ(RunCli(data_dir, "status", &out), 0) << out;
  EXPECT_EQ(RunCli(data_dir, "ingest --source synthetic --tickers IBM", &out), 1) << out;
}

TEST(ReadOnlyVolumeTest, ReadsKeepAnsweringOnAReadOnlyVolume) {
  ASSERT_TRUE(fs::exists(Binary())) << Binary() << " is missing: build the ohlcv-rag target";
  Volume v("64m");
  if (!v.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs CAP_SYS_ADMIN)";
  std::string data_dir = v.dir() + "/data";
  Populate(data_dir);
  ASSERT_TRUE(v.MakeReadOnly());
  ExpectReadsWorkAndWritesAreDegraded(data_dir);
}

TEST(ReadOnlyVolumeTest, ReadsKeepAnsweringOnAFullVolume) {
  ASSERT_TRUE(fs::exists(Binary())) << Binary() << " is missing: build the ohlcv-rag target";
  Volume v("64m");
  if (!v.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs CAP_SYS_ADMIN)";
  std::string data_dir = v.dir() + "/data";
  Populate(data_dir);
  v.Fill();
  ExpectReadsWorkAndWritesAreDegraded(data_dir);
}

}  // namespace
}  // namespace ohlcv
