// The shared PostgreSQL store from the outside (issue 14): replicas with
// separate data directories sharing one database see each other's bars and
// jobs, run one ingest at a time (409 with the running job's id), report a
// down database on /ready and recover by themselves; and `ohlcv-rag
// migrate-store` (the real binary) copies an embedded store into PostgreSQL.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "kb/knowledge_base.h"
#include "service/api/pg_job_store.h"
#include "service/api/server_main.h"
#include "sources/source.h"
#include "store/pg_bar_store.h"
#include "testutil/pg_server.h"
#include "testutil/cli_runner.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

AppConfig ReplicaConfig(const std::string& url) {
  AppConfig c;
  c.data_dir = testing::MakeTempDir("replica");  // its own, empty
  c.database_url = url;
  c.database_password = "unused-with-trust-auth";
  c.embedder = "hashing";
  c.http_port = 0;
  c.metrics_port = -1;
  c.log_level = "warn";
  c.drain_seconds = 0.1;
  c.shutdown_timeout_seconds = 5;
  c.worker_threads = 2;
  c.api_keys = {"k"};
  c.rate_limit_rps = 0;
  return c;
}

struct Replica {
  std::atomic<uint16_t> port{0};
  std::atomic<bool> stop{false};
  Status result;
  std::thread thread;

  void Start(const AppConfig& config) {
    thread = std::thread([this, config] {
      RunServerHooks hooks;
      hooks.handle_signals = false;
      hooks.stop = &stop;
      hooks.on_listening = [this](uint16_t http, uint16_t) { port = http; };
      result = RunServer(config, hooks);
    });
    for (int i = 0; i < 500 && port.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  }
  ~Replica() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port.load());
    c.set_default_headers({{"X-API-Key", "k"}});
    c.set_read_timeout(30, 0);
    return c;
  }
  int Get(const std::string& path, json* body = nullptr) {
    auto r = Client().Get(path);
    if (!r) return -1;
    if (body) *body = json::parse(r->body, nullptr, false);
    return r->status;
  }
  int Post(const std::string& path, const json& in, json* body = nullptr) {
    auto r = Client().Post(path, in.dump(), "application/json");
    if (!r) return -1;
    if (body) *body = json::parse(r->body, nullptr, false);
    return r->status;
  }
  // Polls `path` until it answers `want` (up to `timeout`).
  bool WaitFor(const std::string& path, int want, std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (Get(path) == want) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
};

json WaitForJob(Replica& r, const std::string& id) {
  json job;
  for (int i = 0; i < 1200; ++i) {
    if (r.Get("/api/v1/jobs/" + id, &job) == 200 && job["state"] != "queued" && job["state"] != "running") break;
    std::this_thread::sleep_for(100ms);
  }
  return job;
}

TEST(SharedStoreTest, ReplicasShareBarsJobsAndTheIngestSlot) {
  testing::PgServer* server = nullptr;
  OHLCV_REQUIRE_PG(server);
  std::string error;
  const std::string url = server->NewDatabase(&error);
  ASSERT_FALSE(url.empty()) << error;
  Replica a, b;
  a.Start(ReplicaConfig(url));
  b.Start(ReplicaConfig(url));
  ASSERT_TRUE(a.WaitFor("/ready", 200, 60s));
  ASSERT_TRUE(b.WaitFor("/ready", 200, 60s));

  // A long ingest on A (many synthetic tickers); B cannot start another.
  json tickers = json::array();
  for (int i = 0; i < 150; ++i) tickers.push_back("S" + std::to_string(i));
  json accepted;
  ASSERT_EQ(a.Post("/api/v1/ingest", {{"source", "synthetic"}, {"tickers", tickers}}, &accepted), 202)
      << accepted.dump();
  const std::string job_id = accepted["job_id"];
  json conflict;
  ASSERT_EQ(b.Post("/api/v1/ingest", {{"source", "synthetic"}, {"tickers", {"OTHER"}}}, &conflict), 409)
      << conflict.dump();
  EXPECT_EQ(conflict["job_id"], job_id);
  // The job started on A can be polled on B.
  json on_b;
  ASSERT_EQ(b.Get("/api/v1/jobs/" + job_id, &on_b), 200);
  EXPECT_EQ(on_b["job_id"], job_id);

  json done = WaitForJob(b, job_id);
  ASSERT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["progress"]["tickers_done"], 150);
  EXPECT_GT(done["progress"]["bars"].get<int64_t>(), 150 * 100);

  // B (its own empty data dir) serves the bars A ingested, from the database.
  json bars_b, bars_a;
  ASSERT_EQ(b.Get("/api/v1/tickers/S7/bars", &bars_b), 200) << bars_b.dump();
  ASSERT_EQ(a.Get("/api/v1/tickers/S7/bars", &bars_a), 200);
  EXPECT_EQ(bars_a, bars_b);
  json tickers_b;
  ASSERT_EQ(b.Get("/api/v1/tickers", &tickers_b), 200);
  EXPECT_NE(tickers_b.dump().find("\"S149\""), std::string::npos);

  // The slot is free again: B may ingest now.
  json second;
  ASSERT_EQ(b.Post("/api/v1/ingest", {{"source", "synthetic"}, {"tickers", {"OTHER"}}}, &second), 202)
      << second.dump();
  EXPECT_EQ(WaitForJob(a, second["job_id"])["state"], "succeeded");
}

// Issue 16: the scheduled refresh across replicas sharing one database. Both
// refresh every 3 s from a CSV folder, B started 1.5 s after A. The last
// refresh time is shared, so by 8 s after A's start they have run 2
// refreshes between them (A at ~3 s and one of them at ~6 s), where on their
// own they would have run 4 (A at 3 and 6 s, B at 4.5 and 7.5 s). Every
// replica lists every replica's jobs, and a refresh asked of B while A holds
// the ingest slot is 409 with A's job.
TEST(SharedStoreTest, ReplicasRefreshOncePerIntervalBetweenThem) {
  testing::PgServer* server = nullptr;
  OHLCV_REQUIRE_PG(server);
  std::string error;
  const std::string url = server->NewDatabase(&error);
  ASSERT_FALSE(url.empty()) << error;
  const std::string csv = testing::MakeTempDir("shared-refresh-csv");
  {
    std::ofstream f(csv + "/ZZS.csv");
    f << "Date,Open,High,Low,Close,Volume\n";
    for (int d = 4; d <= 8; ++d) f << "2021-01-0" << d << ",10,11,9,10.5,1000\n";
  }
  AppConfig ca = ReplicaConfig(url), cb = ReplicaConfig(url);
  for (AppConfig* c : {&ca, &cb}) {
    c->data_source = "csv";
    c->csv_path = csv;
    c->refresh_interval_seconds = 3;
  }
  Replica a, b;
  a.Start(ca);
  const auto a_started = std::chrono::steady_clock::now();
  ASSERT_TRUE(a.WaitFor("/ready", 200, 60s));
  std::this_thread::sleep_until(a_started + 1500ms);
  b.Start(cb);
  ASSERT_TRUE(b.WaitFor("/ready", 200, 60s));
  std::this_thread::sleep_until(a_started + 8s);

  json list_a, list_b;
  ASSERT_EQ(a.Get("/api/v1/jobs?limit=100", &list_a), 200);
  ASSERT_EQ(b.Get("/api/v1/jobs?limit=100", &list_b), 200);
  int refreshes = 0;
  for (const auto& j : list_b["jobs"]) {
    if (j["kind"] != "refresh") continue;
    ++refreshes;
    EXPECT_NE(j["state"], "failed") << j.dump();
  }
  EXPECT_GE(refreshes, 1) << list_b.dump();
  EXPECT_LE(refreshes, 2) << "the replicas refreshed on their own schedules: " << list_b.dump();
  json status_a, status_b;
  ASSERT_EQ(a.Get("/api/v1/status", &status_a), 200);
  ASSERT_EQ(b.Get("/api/v1/status", &status_b), 200);
  EXPECT_TRUE(status_a["refresh"]["last_refresh_at"].is_number()) << status_a.dump();
  EXPECT_EQ(status_a["refresh"]["last_refresh_at"], status_b["refresh"]["last_refresh_at"]);
  json bars;
  EXPECT_EQ(b.Get("/api/v1/tickers/ZZS/bars", &bars), 200) << bars.dump();
  EXPECT_EQ(bars["count"], 5) << bars.dump();

  // A holds the slot with an ingest: B's refresh is refused with A's job,
  // and B lists A's job.
  json tickers = json::array();
  for (int i = 0; i < 60; ++i) tickers.push_back("R" + std::to_string(i));
  json accepted;
  ASSERT_EQ(a.Post("/api/v1/ingest", {{"source", "synthetic"}, {"tickers", tickers}}, &accepted), 202)
      << accepted.dump();
  json conflict;
  EXPECT_EQ(b.Post("/api/v1/ingest", {{"refresh", true}}, &conflict), 409) << conflict.dump();
  EXPECT_EQ(conflict["job_id"], accepted["job_id"]) << conflict.dump();
  ASSERT_EQ(b.Get("/api/v1/jobs?limit=5", &list_b), 200);
  EXPECT_EQ(list_b["jobs"][0]["job_id"], accepted["job_id"]) << list_b.dump();
  EXPECT_EQ(WaitForJob(b, accepted["job_id"])["state"], "succeeded");
}

TEST(SharedStoreTest, ReadyFollowsTheDatabaseAndRecovers) {
  if (!testing::PgServer::Installed()) GTEST_SKIP() << testing::PgServer::NotInstalledMessage();
  testing::PgServer server;  // its own: this test stops it
  ASSERT_EQ(server.Start(), "");
  Replica r;
  r.Start(ReplicaConfig(server.Url("postgres")));
  ASSERT_TRUE(r.WaitFor("/ready", 200, 60s));
  server.Shutdown();
  EXPECT_TRUE(r.WaitFor("/ready", 503, 10s)) << "/ready stayed 200 with the database down";
  json health;
  r.Get("/health", &health);
  EXPECT_NE(health.dump().find("bar_store"), std::string::npos) << health.dump();
  ASSERT_EQ(server.Restart(), "");
  EXPECT_TRUE(r.WaitFor("/ready", 200, 30s)) << "did not recover after the database returned";
  json status;
  EXPECT_EQ(r.Get("/api/v1/status", &status), 200) << status.dump();
}

TEST(SharedStoreTest, StartsBeforeTheDatabaseAndBecomesReadyWhenItComes) {
  if (!testing::PgServer::Installed()) GTEST_SKIP() << testing::PgServer::NotInstalledMessage();
  testing::PgServer server;
  ASSERT_EQ(server.Start(), "");
  const std::string url = server.Url("postgres");
  server.Shutdown();
  Replica r;
  r.Start(ReplicaConfig(url));
  ASSERT_NE(r.port.load(), 0);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(r.Get("/ready"), 503);
  EXPECT_EQ(r.Get("/startup"), 503);
  // Alive while it waits for the database: a liveness probe must not restart it.
  EXPECT_EQ(r.Get("/health"), 200);
  ASSERT_EQ(server.Restart(), "");
  EXPECT_TRUE(r.WaitFor("/ready", 200, 30s));
}

// A replica given a sectors file publishes sectors and company names; another
// replica with its own empty data directory gets them from the database.
TEST(SharedStoreTest, SectorsAndCompanyNamesAreShared) {
  testing::PgServer* server = nullptr;
  OHLCV_REQUIRE_PG(server);
  std::string error;
  const std::string url = server->NewDatabase(&error);
  ASSERT_FALSE(url.empty()) << error;
  const std::string dir = testing::MakeTempDir("sectors");
  {
    std::ofstream f(dir + "/sectors.csv");
    f << "ticker,sector,name\nAAPL,Information Technology,Apple Inc.\nXOM,Energy,Exxon Mobil\n";
  }
  KbOptions first;
  first.data_dir = testing::MakeTempDir("replica");
  first.embedder = "hashing";
  first.database_url = url;
  first.sectors_file = dir + "/sectors.csv";
  {
    auto kb = KnowledgeBase::Open(first);
    ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  }
  KbOptions second = first;
  second.data_dir = testing::MakeTempDir("replica");
  second.sectors_file.clear();
  auto kb = KnowledgeBase::Open(second);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  EXPECT_EQ((*kb)->sectors().Lookup("AAPL").value_or(""), "Information Technology");
  EXPECT_EQ((*kb)->sectors().Lookup("XOM").value_or(""), "Energy");
  ASSERT_TRUE((*kb)->company_names().count("XOM"));
  EXPECT_EQ((*kb)->company_names().at("XOM"), "Exxon Mobil");
}

// The jobs table does not grow without bound: like the memory store it keeps
// every unfinished job and the newest max_kept finished ones, and lists them
// newest first.
TEST(SharedStoreTest, JobTableKeepsUnfinishedAndTheNewestFinishedJobs) {
  testing::PgServer* server = nullptr;
  OHLCV_REQUIRE_PG(server);
  std::string error;
  const std::string url = server->NewDatabase(&error);
  ASSERT_FALSE(url.empty()) << error;
  PgBarStoreOptions so;
  so.db.url = url;
  so.listen = false;
  ASSERT_TRUE(PgBarStore::Open(so).ok());  // migrates the schema
  auto jobs = OpenPgJobStore(so.db, /*max_kept=*/5);
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  auto job = [](int i, const char* state) {
    JobSnapshot j;
    j.id = "job-" + std::to_string(100 + i);
    j.kind = "ingest";
    j.state = state;
    j.created_at = 1000 + i;
    return j;
  };
  ASSERT_TRUE((*jobs)->Put(job(0, "running")).ok());  // oldest, never finished
  for (int i = 1; i <= 12; ++i) ASSERT_TRUE((*jobs)->Put(job(i, i % 3 ? "succeeded" : "failed")).ok());
  ASSERT_TRUE((*jobs)->Put(job(13, "queued")).ok());
  auto listed = (*jobs)->List(100);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> ids;
  for (const auto& j : *listed) ids.push_back(j.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"job-113", "job-112", "job-111", "job-110", "job-109", "job-108",
                                           "job-100"}));
  EXPECT_FALSE((*(*jobs)->Get("job-107")).has_value());
  EXPECT_TRUE((*(*jobs)->Get("job-100")).has_value());
}

// `backup` of a replica on the shared store: DEST/bars.db is a SQLite copy of
// one database snapshot that the embedded store opens as it is.
TEST(SharedStoreTest, BackupWritesAnEmbeddedCopyOfTheSharedStore) {
  testing::PgServer* server = nullptr;
  OHLCV_REQUIRE_PG(server);
  std::string error;
  const std::string url = server->NewDatabase(&error);
  ASSERT_FALSE(url.empty()) << error;
  KbOptions o;
  o.data_dir = testing::MakeTempDir("replica");
  o.embedder = "hashing";
  o.database_url = url;
  auto kb = KnowledgeBase::Open(o);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  SyntheticSourceOptions so;
  so.bars = 400;
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = {"AAPL", "MSFT", "XOM"};
  ASSERT_TRUE((*kb)->Ingest(*source, req, IngestOptions{}).ok());
  EXPECT_FALSE(std::filesystem::exists(o.data_dir + "/bars.db")) << "bars went to the data dir, not PostgreSQL";
  const std::string dest = testing::MakeTempDir("backup") + "/snap";
  ASSERT_TRUE((*kb)->Backup(dest).ok());
  BarStoreOptions bo;
  bo.path = dest + "/bars.db";
  bo.read_only = true;
  auto copy = BarStore::Open(bo);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto a = (*kb)->Tickers();
  auto b = (*copy)->ListTickers();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 3u);
  ASSERT_EQ(b->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*a)[i].ticker, (*b)[i].ticker);
    EXPECT_EQ((*a)[i].bars, (*b)[i].bars);
    EXPECT_EQ((*a)[i].last_ts, (*b)[i].last_ts);
  }
  auto status = (*kb)->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*(*copy)->DataVersion(), status->data_version);
  EXPECT_TRUE(std::filesystem::exists(dest + "/manifest.json"));
}

// ---- ohlcv-rag migrate-store, the real binary ------------------------------

using testing::CliRun;

// `env` is "K=V ..." sh text (already quoted); OHLCV_DATABASE_URL only from it.
CliRun RunCli(const std::string& env, const std::vector<std::string>& args) {
  std::string command = testing::ShellQuote(testing::CliBinary());
  for (const auto& a : args) command += " " + testing::ShellQuote(a);
  testing::ShellOptions options;
  options.env = "-u OHLCV_DATABASE_URL " + env;
  options.timeout_s = 300;
  options.hashing_embedder = false;
  return testing::RunShell(command, options);
}

BarSeries Series(const std::string& ticker, int n, double level, Interval interval = Interval::k1d) {
  BarSeries s;
  s.ticker = ticker;
  s.interval = interval;
  for (int i = 0; i < n; ++i) {
    double c = level + std::sin(i * 0.1) * 5 + i * 0.01;
    s.push_back(Bar{1420070400 + int64_t{i} * (interval == Interval::k1d ? 86400 : 3600), c, c + 1, c - 1,
                    c + 0.123456789, 1e6 + i, i % 7 == 0 ? kNaN : c * 0.97});
  }
  return s;
}

TEST(MigrateStoreCliTest, CopiesTheEmbeddedStoreIntoPostgresAndVerifies) {
  ASSERT_TRUE(std::filesystem::exists(testing::CliBinary())) << testing::CliBinary() << " is missing: build the ohlcv-rag target";
  testing::PgServer* server = nullptr;
  OHLCV_REQUIRE_PG(server);
  std::string error;
  const std::string url = server->NewDatabase(&error);
  ASSERT_FALSE(url.empty()) << error;

  const std::string data_dir = testing::MakeTempDir("migrate-src");
  std::vector<BarSeries> all = {Series("AAPL", 1500, 100), Series("MSFT", 900, 50),
                                Series("AAPL", 300, 100, Interval::k1h), Series("BRK-B", 10, 300)};
  {
    BarStoreOptions so;
    so.path = data_dir + "/bars.db";
    auto src = BarStore::Open(so);
    ASSERT_TRUE(src.ok());
    for (const auto& s : all) ASSERT_TRUE((*src)->Upsert(s).ok());
  }
  const std::string env = "OHLCV_DATA_DIR=" + data_dir + " OHLCV_DATABASE_PASSWORD=x";

  CliRun first = RunCli(env, {"migrate-store", "--to", url, "--json"});
  ASSERT_EQ(first.code, 0) << first.err << first.out;
  json summary = json::parse(first.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << first.out;
  EXPECT_EQ(summary["series"], 4);
  EXPECT_EQ(summary["bars"], 1500 + 900 + 300 + 10);
  EXPECT_EQ(summary["inserted"], 1500 + 900 + 300 + 10);
  EXPECT_EQ(summary["verified"], true);

  PgBarStoreOptions po;
  po.db.url = url;
  auto dest = PgBarStore::Open(po);
  ASSERT_TRUE(dest.ok()) << dest.status().ToString();
  for (const auto& s : all) {
    auto got = (*dest)->Load(s.ticker, s.interval);
    ASSERT_TRUE(got.ok()) << s.ticker;
    ASSERT_EQ(got->size(), s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      ASSERT_EQ(got->ts[i], s.ts[i]);
      ASSERT_EQ(got->close[i], s.close[i]) << s.ticker << " " << i;  // bit-exact
      ASSERT_EQ(std::isnan(got->adj_close[i]), std::isnan(s.adj_close[i]));
    }
  }

  // Idempotent: a rerun changes nothing.
  CliRun again = RunCli(env, {"migrate-store", "--to", url, "--json"});
  ASSERT_EQ(again.code, 0) << again.err;
  json second = json::parse(again.out, nullptr, false);
  EXPECT_EQ(second["inserted"], 0);
  EXPECT_EQ(second["unchanged"], 1500 + 900 + 300 + 10);

  // With OHLCV_DATABASE_URL set, the read commands use the shared store: an
  // empty data directory still shows the migrated bars.
  CliRun bars = RunCli("OHLCV_DATA_DIR=" + testing::MakeTempDir("empty") + " OHLCV_DATABASE_URL=" + url,
                       {"bars", "MSFT"});
  EXPECT_EQ(bars.code, 0) << bars.err;
  // The latest of MSFT's 900 daily bars from 2015-01-01.
  EXPECT_NE(bars.out.find("2017-06-18"), std::string::npos) << bars.out;
}

TEST(MigrateStoreCliTest, ClearErrorsForMissingTargetAndUnreachableDatabase) {
  ASSERT_TRUE(std::filesystem::exists(testing::CliBinary()));
  const std::string data_dir = testing::MakeTempDir("migrate-src");
  {
    BarStoreOptions so;
    so.path = data_dir + "/bars.db";
    ASSERT_TRUE(BarStore::Open(so).ok());
  }
  CliRun none = RunCli("OHLCV_DATA_DIR=" + data_dir, {"migrate-store"});
  EXPECT_EQ(none.code, 2) << none.err;
  EXPECT_NE(none.err.find("--to"), std::string::npos) << none.err;
  CliRun down = RunCli("OHLCV_DATA_DIR=" + data_dir,
                       {"migrate-store", "--to", "postgresql://ohlcv:secretpw@127.0.0.1:1/x"});
  EXPECT_EQ(down.code, 4) << down.err;  // unavailable
  EXPECT_EQ(down.err.find("secretpw"), std::string::npos) << down.err;
  CliRun missing = RunCli("OHLCV_DATA_DIR=" + testing::MakeTempDir("nothing"),
                          {"migrate-store", "--to", "postgresql://ohlcv@127.0.0.1:1/x"});
  EXPECT_EQ(missing.code, 3) << missing.err;  // no bars.db to copy
}

}  // namespace
}  // namespace ohlcv
