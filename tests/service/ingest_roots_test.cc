// POST /api/v1/ingest with a CSV path, through the real server on loopback:
// paths confined to OHLCV_INGEST_ROOTS (symlinks and ".." resolved), the
// same refusal whether or not a path exists, no file content in errors, a
// per-file size limit, and a job that fails when nothing was ingested.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kb/knowledge_base.h"
#include "service/api/service.h"
#include "service/http/http_server.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// Daily bars of one ticker without a ticker column (the file name gives it).
std::string DailyCsv(int days) {
  std::string out = "Date,Open,High,Low,Close,Volume\n";
  for (int i = 0; i < days; ++i) {
    char date[16];
    std::snprintf(date, sizeof(date), "2020-%02d-%02d", 1 + i / 28, 1 + i % 28);
    double c = 100 + i * 0.5;
    out += std::string(date) + "," + std::to_string(c - 0.2) + "," + std::to_string(c + 1) + "," +
           std::to_string(c - 1) + "," + std::to_string(c) + ",1000\n";
  }
  return out;
}

struct Fixture {
  explicit Fixture(ServiceOptions o) : service(o) {
    KbOptions ko;
    ko.data_dir = testing::MakeTempDir("ingest-roots-kb");
    ko.embedder = "hashing";
    auto kb_or = KnowledgeBase::Open(ko);
    EXPECT_TRUE(kb_or.ok()) << kb_or.status().ToString();
    kb = std::move(*kb_or);
    auto s = StartApiServer(service, HttpServerOptions{});
    EXPECT_TRUE(s.ok());
    server = std::move(*s);
    service.SetKnowledgeBase(kb.get());
  }
  ~Fixture() {
    server->StopAccepting();
    server->WaitIdle(5s);
    service.Shutdown(10s);
    server->Stop();
  }
  httplib::Result Ingest(const std::string& path) {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    return c.Post("/api/v1/ingest", json{{"source", "csv"}, {"path", path}}.dump(), "application/json");
  }
  json WaitJob(const std::string& id) {
    httplib::Client c("127.0.0.1", server->port());
    json job;
    for (int i = 0; i < 300; ++i) {
      auto r = c.Get("/api/v1/jobs/" + id);
      if (r) job = json::parse(r->body, nullptr, false);
      if (job.is_object() && (job["state"] == "succeeded" || job["state"] == "failed")) break;
      std::this_thread::sleep_for(100ms);
    }
    return job;
  }
  // Submits and waits; the finished job.
  json RunIngest(const std::string& path) {
    auto r = Ingest(path);
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, 202) << r->body;
    if (r->status != 202) return json();
    return WaitJob(json::parse(r->body)["job_id"]);
  }

  Service service;
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<HttpServer> server;
};

// A root folder with one good file, and a folder outside it with a secret.
struct Tree {
  Tree() {
    base = testing::MakeTempDir("ingest-roots");
    root = base / "root";
    outside = base / "outside";
    fs::create_directories(root);
    fs::create_directories(outside);
    WriteFile(root / "zzt.csv", DailyCsv(60));
    WriteFile(outside / "secret.csv", "root:x:0:0:SECRET-TOKEN-42\n");
  }
  fs::path base, root, outside;
};

ServiceOptions WithRoots(std::vector<std::string> roots) {
  ServiceOptions o;
  o.worker_threads = 2;
  o.ingest_roots = std::move(roots);
  return o;
}

TEST(IngestRootsTest, NoRootsMeansCsvPathsAreRefused) {
  Tree t;
  Fixture f(WithRoots({}));
  auto r = f.Ingest((t.root / "zzt.csv").string());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_NE(r->body.find("OHLCV_INGEST_ROOTS"), std::string::npos) << r->body;
}

TEST(IngestRootsTest, PathsOutsideTheRootsAreRefusedAlikeWhetherOrNotTheyExist) {
  Tree t;
  fs::create_directory_symlink(t.outside, t.root / "escape");
  Fixture f(WithRoots({t.root.string()}));
  std::vector<std::string> refused = {
      "/etc/passwd",
      "/etc/no-such-file-ohlcv",
      (t.outside / "secret.csv").string(),
      (t.root / ".." / "outside" / "secret.csv").string(),
      (t.root / "escape" / "secret.csv").string(),  // a symlink out of the root
      (t.root / "escape" / "missing.csv").string(),
      t.base.string(),
  };
  std::string first_body;
  for (const auto& p : refused) {
    auto r = f.Ingest(p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << p << ": " << r->body;
    json j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r->body;
    std::string message = j["error"]["message"];
    if (first_body.empty()) first_body = message;
    EXPECT_EQ(message, first_body) << "the refusal must not depend on the path: " << p;
    EXPECT_EQ(message.find("SECRET"), std::string::npos);
  }
}

TEST(IngestRootsTest, FolderInsideARootIngestsAndSkipsSymlinksOut) {
  Tree t;
  fs::create_symlink(t.outside / "secret.csv", t.root / "leak.csv");
  Fixture f(WithRoots({t.root.string()}));
  json job = f.RunIngest(t.root.string());
  EXPECT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_EQ(job["progress"]["tickers_total"], 1) << "the symlink out of the root must not be planned";
  EXPECT_EQ(job.dump().find("SECRET"), std::string::npos) << job.dump();
  auto tickers = f.kb->Tickers();
  ASSERT_TRUE(tickers.ok());
  ASSERT_EQ(tickers->size(), 1u);
  EXPECT_EQ((*tickers)[0].ticker, "ZZT");
  EXPECT_EQ((*tickers)[0].bars, 60u);
}

TEST(IngestRootsTest, AFileThatIsNotCsvFailsTheJobWithoutQuotingIt) {
  Tree t;
  WriteFile(t.root / "creds.csv", "admin:hunter2-SECRET-TOKEN-42\n");
  Fixture f(WithRoots({t.root.string()}));
  json job = f.RunIngest((t.root / "creds.csv").string());
  EXPECT_EQ(job["state"], "failed") << "nothing was ingested: " << job.dump();
  EXPECT_FALSE(job["errors"].empty());
  EXPECT_EQ(job.dump().find("SECRET"), std::string::npos) << job.dump();
  EXPECT_EQ(job.dump().find("hunter2"), std::string::npos) << job.dump();
}

TEST(IngestRootsTest, FilesAboveTheSizeLimitAreRefused) {
  Tree t;
  ServiceOptions o = WithRoots({t.root.string()});
  o.ingest_max_file_bytes = 1000;  // zzt.csv is about 3 kB
  Fixture f(o);
  json job = f.RunIngest((t.root / "zzt.csv").string());
  EXPECT_EQ(job["state"], "failed") << job.dump();
  EXPECT_NE(job.dump().find("limit"), std::string::npos) << job.dump();
  auto tickers = f.kb->Tickers();
  ASSERT_TRUE(tickers.ok());
  EXPECT_TRUE(tickers->empty());
}

TEST(IngestRootsTest, TheConfiguredCsvPathIsAnAllowedRoot) {
  Tree t;
  ServiceOptions o = WithRoots({});
  o.sources.csv.path = t.root.string();
  Fixture f(o);
  // No path in the body: the operator's csv_path.
  httplib::Client c("127.0.0.1", f.server->port());
  auto r = c.Post("/api/v1/ingest", R"({"source":"csv"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  json job = f.WaitJob(json::parse(r->body)["job_id"]);
  EXPECT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_EQ(f.Ingest("/etc/passwd")->status, 403);
}

}  // namespace
}  // namespace ohlcv
