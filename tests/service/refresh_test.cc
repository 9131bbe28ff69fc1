// Refresh of the stored tickers (issue 16): the {"refresh": true} ingest
// request, the scheduler of `serve` (OHLCV_REFRESH_INTERVAL_SECONDS) and
// `ohlcv-rag ingest --refresh`.
//
//  - The real binary against a loopback server replaying Yahoo's chart API:
//    the first refresh request is answered 429 with Retry-After: 1, then the
//    bars come with one new day; the refresh job is listed by GET
//    /api/v1/jobs, succeeds, stores the new bar, and the next turn writes
//    nothing. Then `ingest --refresh` on the same data directory.
//  - A scheduled turn while another ingest holds the slot is skipped (not
//    queued behind it) and logged; the next free turn refreshes a CSV folder.
//  - The request parser and the route: refresh with other fields, unknown
//    and synthetic sources are 400s.
//  - Startup refuses a schedule that could never succeed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kb/knowledge_base.h"
#include "service/api/request_parse.h"
#include "service/api/service.h"
#include "service/http/http_server.h"
#include "testutil/cli_runner.h"
#include "testutil/replay_server.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using testing::CannedResponse;
using testing::RecordedRequest;
using testing::ReplayServer;

uint16_t FreePort() { return static_cast<uint16_t>(testing::FreeLoopbackPort()); }

constexpr char kChartPath[] = "/v8/finance/chart/AAPL";

// Three trading days of AAPL in the chart API's documented layout, then the
// same with a fourth (2020-01-08).
constexpr char kThreeDays[] = R"({"chart":{"result":[{
  "meta":{"currency":"USD","symbol":"AAPL","exchangeName":"NMS","instrumentType":"EQUITY",
          "gmtoffset":-18000,"timezone":"EST","exchangeTimezoneName":"America/New_York",
          "dataGranularity":"1d"},
  "timestamp":[1577975400,1578061800,1578321000],
  "indicators":{
    "quote":[{"open":[74.06,74.2875,73.4475],"high":[75.15,75.145,74.99],"low":[73.7975,74.125,73.1875],
              "close":[75.0875,74.3575,74.95],"volume":[135480400,146322800,118387200]}],
    "adjclose":[{"adjclose":[73.449394,72.735321,73.314880]}]}}],
  "error":null}})";
constexpr char kFourDays[] = R"({"chart":{"result":[{
  "meta":{"currency":"USD","symbol":"AAPL","exchangeName":"NMS","instrumentType":"EQUITY",
          "gmtoffset":-18000,"timezone":"EST","exchangeTimezoneName":"America/New_York",
          "dataGranularity":"1d"},
  "timestamp":[1577975400,1578061800,1578321000,1578407400],
  "indicators":{
    "quote":[{"open":[74.06,74.2875,73.4475,74.96],"high":[75.15,75.145,74.99,75.225],
              "low":[73.7975,74.125,73.1875,74.37],"close":[75.0875,74.3575,74.95,74.5975],
              "volume":[135480400,146322800,118387200,108872000]}],
    "adjclose":[{"adjclose":[73.449394,72.735321,73.314880,72.969421]}]}}],
  "error":null}})";


// `ohlcv-rag serve` with extra environment, killed when the test ends.
struct ServeProcess {
  ServeProcess(const std::string& data_dir, const std::vector<std::pair<std::string, std::string>>& env)
      : port(FreePort()), metrics_port(FreePort()) {
    log_path = data_dir + "/../serve.log";
    pid = fork();
    if (pid == 0) {
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      for (const char* name : {"API_KEY", "LLM_PROVIDER", "VECTOR_STORE_TYPE", "OHLCV_DATABASE_URL", "DATA_SOURCE"}) {
        unsetenv(name);
      }
      setenv("OHLCV_DATA_DIR", data_dir.c_str(), 1);
      setenv("OHLCV_EMBEDDER", "hashing", 1);
      setenv("OHLCV_HTTP_PORT", std::to_string(port).c_str(), 1);
      setenv("OHLCV_METRICS_PORT", std::to_string(metrics_port).c_str(), 1);
      setenv("OHLCV_DRAIN_SECONDS", "0", 1);
      setenv("LOG_LEVEL", "info", 1);
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      execl(testing::CliBinary().c_str(), "ohlcv-rag", "serve", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServeProcess() {
    if (pid > 0 && !exited) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  httplib::Client Client(uint16_t p = 0) const {
    httplib::Client c("127.0.0.1", p ? p : port);
    c.set_read_timeout(10, 0);
    c.set_connection_timeout(1, 0);
    return c;
  }
  json Get(const std::string& path) const {
    auto r = Client().Get(path);
    if (!r || r->status != 200) return json();
    return json::parse(r->body, nullptr, false);
  }
  bool WaitStarted(std::chrono::seconds limit) const {
    for (auto end = Clock::now() + limit; Clock::now() < end; std::this_thread::sleep_for(50ms)) {
      auto r = Client().Get("/startup");
      if (r && r->status == 200) return true;
    }
    return false;
  }
  // SIGTERM, then the exit code (-1 when it did not exit within `limit`).
  int Terminate(std::chrono::seconds limit) {
    kill(pid, SIGTERM);
    for (auto end = Clock::now() + limit; Clock::now() < end; std::this_thread::sleep_for(20ms)) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }

  uint16_t port, metrics_port;
  std::string log_path;
  pid_t pid = -1;
  bool exited = false;
};

// The first refresh job (newest-first list, so searched from the end) after
// `after_created` matching `pred`, waiting up to `limit`.
json WaitRefreshJob(const ServeProcess& serve, double after_created, std::chrono::seconds limit,
                    const std::function<bool(const json&)>& pred) {
  for (auto end = Clock::now() + limit; Clock::now() < end; std::this_thread::sleep_for(100ms)) {
    json list = serve.Get("/api/v1/jobs?limit=100");
    if (!list.is_object()) continue;
    const json& jobs = list["jobs"];
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      if ((*it)["kind"] == "refresh" && (*it)["created_at"].get<double>() > after_created && pred(*it)) return *it;
    }
  }
  return json();
}

bool Finished(const json& job) { return job["state"] == "succeeded" || job["state"] == "failed"; }

TEST(RefreshServeTest, ServeRefreshesThroughARateLimitAndTheNextTurnWritesNothing) {
  ASSERT_TRUE(fs::exists(testing::CliBinary())) << testing::CliBinary();
  ReplayServer provider;
  ASSERT_TRUE(provider.Start());
  std::atomic<int> phase{0};
  std::atomic<int> rate_limited{0};
  provider.Handle("GET", kChartPath, [&](const RecordedRequest&) {
    if (phase.load() == 0) return CannedResponse(200, kThreeDays);
    if (rate_limited.fetch_add(1) == 0) {
      return CannedResponse(429, "Too Many Requests\n", "text/plain").WithHeader("Retry-After", "1");
    }
    return CannedResponse(200, kFourDays);
  });
  const std::string root = testing::MakeTempDir("refresh-serve");
  const std::string data_dir = root + "/data";
  // Seed: three days of AAPL through the same provider.
  auto seed = testing::RunCli(data_dir, {"ingest", "--source", "yahoo", "--tickers", "AAPL", "--base-url",
                                         provider.base_url(), "--threads", "1"});
  ASSERT_EQ(seed.code, 0) << seed.out << seed.err;
  const size_t seed_requests = provider.request_count(kChartPath);
  ASSERT_GE(seed_requests, 1u);
  phase = 1;

  const double t0 = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  ServeProcess serve(data_dir, {{"DATA_SOURCE", "yahoo"},
                                {"OHLCV_SOURCE_BASE_URL", provider.base_url()},
                                {"OHLCV_REFRESH_INTERVAL_SECONDS", "1"}});
  ASSERT_TRUE(serve.WaitStarted(20s)) << testing::ReadFile(serve.log_path);

  // The scheduled refresh: 429 first, retried after Retry-After, one new bar.
  json first = WaitRefreshJob(serve, t0, 15s, [](const json& j) { return Finished(j); });
  ASSERT_TRUE(first.is_object()) << testing::ReadFile(serve.log_path);
  EXPECT_EQ(first["state"], "succeeded") << first.dump();
  EXPECT_EQ(first["progress"]["bars"], 1) << first.dump();
  EXPECT_EQ(first["progress"]["tickers_total"], 1) << first.dump();
  EXPECT_TRUE(first["errors"].empty()) << first.dump();
  // One 429 and at least one retry of it after the seed.
  EXPECT_GE(rate_limited.load(), 2);
  EXPECT_GE(provider.request_count(kChartPath), seed_requests + 2);
  // The job is also at its own URL, and the new bar is in the store.
  json by_id = serve.Get("/api/v1/jobs/" + first["job_id"].get<std::string>());
  EXPECT_EQ(by_id["kind"], "refresh") << by_id.dump();
  json bars = serve.Get("/api/v1/tickers/AAPL/bars");
  ASSERT_TRUE(bars.is_object());
  ASSERT_EQ(bars["count"], 4) << bars.dump();
  EXPECT_EQ(bars["bars"][3]["date"].get<std::string>().substr(0, 10), "2020-01-07");
  EXPECT_DOUBLE_EQ(bars["bars"][3]["close"].get<double>(), 74.5975);

  // The next turn finds nothing new: a succeeded refresh writing 0 bars.
  json next = WaitRefreshJob(serve, first["created_at"].get<double>(), 10s,
                             [](const json& j) { return Finished(j); });
  ASSERT_TRUE(next.is_object()) << testing::ReadFile(serve.log_path);
  EXPECT_EQ(next["state"], "succeeded") << next.dump();
  EXPECT_EQ(next["progress"]["bars"], 0) << next.dump();
  EXPECT_EQ(serve.Get("/api/v1/tickers/AAPL/bars")["count"], 4);

  // The schedule in /api/v1/status, and the runs counted by outcome.
  json status = serve.Get("/api/v1/status");
  const json& refresh = status["refresh"];
  EXPECT_EQ(refresh["enabled"], true) << status.dump();
  EXPECT_EQ(refresh["interval_seconds"], 1.0) << status.dump();
  EXPECT_EQ(refresh["source"], "yahoo") << status.dump();
  EXPECT_GT(refresh["next_run_at"].get<double>(), t0) << status.dump();
  EXPECT_GT(refresh["last_refresh_at"].get<double>(), t0) << status.dump();
  EXPECT_TRUE(refresh["last_job_id"].get<std::string>().rfind("job-", 0) == 0) << status.dump();
  auto metrics = serve.Client(serve.metrics_port).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ohlcv_refresh_runs_total{outcome=\"succeeded\"}"), std::string::npos);

  // SIGTERM stops the scheduler and the process promptly.
  auto t_stop = Clock::now();
  EXPECT_EQ(serve.Terminate(15s), 0) << testing::ReadFile(serve.log_path);
  EXPECT_LT(Clock::now() - t_stop, 10s);
  const std::string log = testing::ReadFile(serve.log_path);
  EXPECT_NE(log.find("refresh scheduled"), std::string::npos) << log;
  EXPECT_NE(log.find("refresh started"), std::string::npos) << log;

  // `ingest --refresh` on the same directory: nothing new, nothing written.
  auto cli = testing::RunCli(data_dir, {"ingest", "--refresh", "--source", "yahoo", "--base-url",
                                        provider.base_url(), "--json"});
  ASSERT_EQ(cli.code, 0) << cli.out << cli.err;
  json summary = json::parse(cli.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << cli.out;
  EXPECT_EQ(summary["units"], 1) << cli.out;
  EXPECT_EQ(summary["bars_inserted"], 0) << cli.out;
  EXPECT_EQ(summary["bars_updated"], 0) << cli.out;
  EXPECT_EQ(summary["rows_read"], 4) << cli.out;  // the reply was read; no row after the newest stored one
  // With tickers it is another command; from the synthetic source it is refused.
  auto mixed = testing::RunCli(data_dir, {"ingest", "--refresh", "--tickers", "MSFT", "--source", "yahoo"});
  EXPECT_NE(mixed.code, 0);
  EXPECT_NE((mixed.out + mixed.err).find("--refresh"), std::string::npos) << mixed.out << mixed.err;
  auto synthetic = testing::RunCli(data_dir, {"ingest", "--refresh", "--source", "synthetic"});
  EXPECT_NE(synthetic.code, 0);
  EXPECT_NE((synthetic.out + synthetic.err).find("never refreshed"), std::string::npos)
      << synthetic.out << synthetic.err;
}

TEST(RefreshServeTest, StartupRefusesAScheduleThatCannotSucceed) {
  ASSERT_TRUE(fs::exists(testing::CliBinary())) << testing::CliBinary();
  const std::string dir = testing::MakeTempDir("refresh-settings");
  struct Case {
    std::string env, expect;
  };
  const std::vector<Case> cases = {
      {"DATA_SOURCE=synthetic", "synthetic source is never refreshed"},
      {"DATA_SOURCE=csv", "OHLCV_CSV_PATH"},
      {"DATA_SOURCE=polygon", "POLYGON_API_KEY"},
      {"DATA_SOURCE=yahoo OHLCV_REFRESH_SOURCE=alphavantage", "ALPHA_VANTAGE_API_KEY"},
      {"OHLCV_REFRESH_SOURCE=nasdaq-ftp", "nasdaq-ftp"},
  };
  for (const auto& c : cases) {
    testing::ShellOptions o;
    o.timeout_s = 20;
    o.env = "POLYGON_API_KEY= ALPHA_VANTAGE_API_KEY= OHLCV_CSV_PATH= OHLCV_REFRESH_INTERVAL_SECONDS=3600 "
            "OHLCV_HTTP_PORT=0 OHLCV_METRICS_PORT=-1 " + c.env;
    auto run = testing::RunCli(dir, {"serve"}, o);
    EXPECT_NE(run.code, 0) << c.env;
    EXPECT_NE(run.code, 124) << c.env << ": serve started instead of refusing";
    EXPECT_NE((run.out + run.err).find(c.expect), std::string::npos) << c.env << ":\n" << run.out << run.err;
    EXPECT_NE((run.out + run.err).find("OHLCV_REFRESH_INTERVAL_SECONDS"), std::string::npos) << run.out << run.err;
  }
}

TEST(RefreshParseTest, RefreshTakesOnlyASource) {
  auto plain = ParseIngestBody(R"({"refresh": true})");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(plain->refresh);
  EXPECT_TRUE(plain->source.empty());
  auto sourced = ParseIngestBody(R"({"refresh": true, "source": "polygon"})");
  ASSERT_TRUE(sourced.ok()) << sourced.status().ToString();
  EXPECT_EQ(sourced->source, "polygon");
  auto off = ParseIngestBody(R"({"refresh": false, "tickers": ["AAPL"]})");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->refresh);
  EXPECT_EQ(off->fetch.tickers, std::vector<std::string>{"AAPL"});
  const std::vector<std::pair<std::string, json>> others = {
      {"tickers", "AAPL"}, {"start", "2020-01-01"}, {"end", "2020-12-31"}, {"period", "1y"},
      {"interval", "1d"},  {"path", "/data/csv"},   {"seed", 7}};
  for (const auto& [field, value] : others) {
    json body = {{"refresh", true}, {field, value}};
    auto r = ParseIngestBody(body.dump());
    ASSERT_FALSE(r.ok()) << body.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("field '" + field + "'"), std::string::npos) << r.status().message();
  }
  auto bad = ParseIngestBody(R"({"refresh": "yes"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("field 'refresh'"), std::string::npos) << bad.status().message();
}

// The daily CSV layout the csv source reads (no ticker column: the file name).
std::string DailyCsv(int days) {
  std::string out = "Date,Open,High,Low,Close,Volume\n";
  for (int i = 0; i < days; ++i) {
    char line[128];
    double c = 100 + i * 0.5;
    std::snprintf(line, sizeof(line), "2021-%02d-%02d,%.2f,%.2f,%.2f,%.2f,1000\n", 1 + i / 28, 1 + i % 28, c - 0.2,
                  c + 1, c - 1, c);
    out += line;
  }
  return out;
}

// An in-process Service on loopback over its own knowledge base.
struct Fixture {
  explicit Fixture(ServiceOptions o) : service(WithLog(std::move(o), &log)) {
    KbOptions ko;
    ko.data_dir = testing::MakeTempDir("refresh-kb");
    ko.embedder = "hashing";
    auto kb_or = KnowledgeBase::Open(ko);
    EXPECT_TRUE(kb_or.ok()) << kb_or.status().ToString();
    kb = std::move(*kb_or);
    auto s = StartApiServer(service, HttpServerOptions{});
    EXPECT_TRUE(s.ok());
    server = std::move(*s);
    service.SetKnowledgeBase(kb.get());
  }
  ~Fixture() { Stop(); }
  void Stop() {
    if (stopped) return;
    stopped = true;
    server->StopAccepting();
    server->WaitIdle(5s);
    service.Shutdown(10s);
    server->Stop();
  }
  static ServiceOptions WithLog(ServiceOptions o, std::ostringstream* sink) {
    o.log.sink = sink;
    o.log.json = true;
    return o;
  }
  httplib::Result Post(const std::string& body) {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    return c.Post("/api/v1/ingest", body, "application/json");
  }
  std::vector<JobSnapshot> Jobs() {
    auto jobs = service.jobs().List(100);
    EXPECT_TRUE(jobs.ok());
    return jobs.ok() ? *jobs : std::vector<JobSnapshot>{};
  }

  std::ostringstream log;  // read only after Stop()
  Service service;
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<HttpServer> server;
  bool stopped = false;
};

TEST(RefreshServiceTest, RefreshRequestsWithBadSourcesOrFieldsAre400) {
  ServiceOptions o;
  o.worker_threads = 2;
  Fixture f(o);  // DATA_SOURCE defaults to synthetic
  struct Case {
    std::string body, expect;
  };
  for (const Case& c : std::vector<Case>{{R"({"refresh": true})", "synthetic source is never refreshed"},
                                         {R"({"refresh": true, "source": "nasdaq-ftp"})", "nasdaq-ftp"},
                                         {R"({"refresh": true, "source": "csv"})", "OHLCV_CSV_PATH"},
                                         {R"({"refresh": true, "tickers": ["AAPL"]})", "field 'tickers'"}}) {
    auto r = f.Post(c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, 400) << c.body << ": " << r->body;
    EXPECT_NE(r->body.find(c.expect), std::string::npos) << c.body << ": " << r->body;
  }
  EXPECT_TRUE(f.Jobs().empty());
  // The jobs list: bounded limit, newest first.
  httplib::Client c("127.0.0.1", f.server->port());
  for (const char* bad : {"0", "101", "ten", "-1"}) {
    auto r = c.Get(std::string("/api/v1/jobs?limit=") + bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << ": " << r->body;
  }
  for (const char* t : {"ZZ1", "ZZ2", "ZZ3"}) {
    auto r = f.Post(json{{"source", "synthetic"}, {"tickers", {t}}}.dump());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
  }
  auto r = c.Get("/api/v1/jobs?limit=2");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json list = json::parse(r->body);
  ASSERT_EQ(list["count"], 2) << r->body;
  EXPECT_GE(list["jobs"][0]["created_at"].get<double>(), list["jobs"][1]["created_at"].get<double>()) << r->body;
  EXPECT_EQ(list["jobs"][0]["kind"], "ingest") << r->body;
}

TEST(RefreshServiceTest, ATurnWhileAnotherIngestHoldsTheSlotIsSkippedNotQueued) {
  const std::string csv_dir = testing::MakeTempDir("refresh-csv");
  std::ofstream(csv_dir + "/ZZR.csv") << DailyCsv(40);
  ServiceOptions o;
  o.worker_threads = 2;
  o.refresh_interval = 1s;
  o.refresh_source = "csv";
  o.sources.csv.path = csv_dir;
  Fixture f(o);
  // Another writer holds the exclusive slot for ~2.5 s (several turns).
  std::atomic<bool> release{false};
  std::string running;
  auto holder = f.service.jobs().Submit(
      "ingest",
      [&release](JobProgress& p) {
        while (!release.load() && !p.cancel().load()) std::this_thread::sleep_for(10ms);
        return Status::Ok();
      },
      /*exclusive=*/true, &running);
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  const auto until = Clock::now() + 2500ms;
  while (Clock::now() < until) {
    for (const auto& j : f.Jobs()) EXPECT_NE(j.kind, "refresh") << "a refresh was queued behind " << *holder;
    std::this_thread::sleep_for(100ms);
  }
  RefreshScheduleState st = f.service.refresh_schedule();
  EXPECT_TRUE(st.enabled);
  EXPECT_EQ(st.last_outcome, "skipped");
  EXPECT_TRUE(st.last_job_id.empty());
  // A refresh asked for over the API meanwhile: 409 naming the running job.
  auto r = f.Post(R"({"refresh": true})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_NE(r->body.find(*holder), std::string::npos) << r->body;

  // Slot free: the next turn refreshes the CSV folder.
  release = true;
  std::optional<JobSnapshot> refresh;
  for (auto end = Clock::now() + 10s; Clock::now() < end && !refresh; std::this_thread::sleep_for(50ms)) {
    for (const auto& j : f.Jobs()) {
      if (j.kind == "refresh" && j.state == "succeeded") refresh = j;
    }
  }
  ASSERT_TRUE(refresh) << "no refresh succeeded after the slot was released";
  EXPECT_EQ(refresh->bars, 40u);
  auto bars = f.kb->Bars("ZZR", Interval::k1d, std::nullopt, std::nullopt);
  ASSERT_TRUE(bars.ok()) << bars.status().ToString();
  EXPECT_EQ(bars->size(), 40u);
  auto last = f.kb->LastRefresh();
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->has_value());
  f.Stop();
  const std::string log = f.log.str();
  EXPECT_NE(log.find("refresh skipped"), std::string::npos) << log;
  EXPECT_NE(log.find("another ingest is running"), std::string::npos) << log;
  EXPECT_NE(log.find(*holder), std::string::npos) << log;
}


// Refresh jobs of the fixture's registry, oldest first.
std::vector<JobSnapshot> RefreshJobs(Fixture& f) {
  std::vector<JobSnapshot> out;
  for (const auto& j : f.Jobs()) {
    if (j.kind == "refresh") out.insert(out.begin(), j);
  }
  return out;
}

TEST(RefreshServiceTest, AFailedRefreshIsRetriedAfterADoublingBackoff) {
  const std::string csv_dir = testing::MakeTempDir("refresh-backoff");
  std::ofstream(csv_dir + "/ZZB.csv") << "hello world\nnot a price file\n";
  ServiceOptions o;
  o.worker_threads = 2;
  o.refresh_interval = 4s;  // backoff: 1 s (interval/32, at least 1 s), then 2 s, 4 s
  o.refresh_source = "csv";
  o.sources.csv.path = csv_dir;
  Fixture f(o);
  std::vector<JobSnapshot> jobs;
  for (auto end = Clock::now() + 15s; Clock::now() < end; std::this_thread::sleep_for(50ms)) {
    jobs = RefreshJobs(f);
    if (jobs.size() >= 3 && jobs[2].state == "failed") break;
  }
  ASSERT_GE(jobs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(jobs[i].state, "failed") << jobs[i].id;
  EXPECT_FALSE(jobs[0].errors.empty());
  // Retried after ~1 s, then ~2 s: not after the 4 s interval, and growing.
  const double gap1 = jobs[1].created_at - jobs[0].finished_at;
  const double gap2 = jobs[2].created_at - jobs[1].finished_at;
  EXPECT_GT(gap1, 0.9);
  EXPECT_LT(gap1, 2.0);
  EXPECT_GT(gap2, 1.8);
  EXPECT_LT(gap2, 3.0);
  RefreshScheduleState st = f.service.refresh_schedule();
  EXPECT_GE(st.consecutive_failures, 3);
  EXPECT_EQ(st.last_outcome, "failed");
  EXPECT_FALSE(f.kb->LastRefresh()->has_value()) << "a failed refresh was recorded as the last refresh";

  // Fixed: the next attempt succeeds and the failures are forgotten.
  std::ofstream(csv_dir + "/ZZB.csv", std::ios::trunc) << DailyCsv(10);
  std::optional<JobSnapshot> ok;
  for (auto end = Clock::now() + 10s; Clock::now() < end && !ok; std::this_thread::sleep_for(50ms)) {
    for (const auto& j : RefreshJobs(f)) {
      if (j.state == "succeeded") ok = j;
    }
  }
  ASSERT_TRUE(ok) << "no refresh succeeded after the file was fixed";
  EXPECT_EQ(ok->bars, 10u);
  EXPECT_EQ(f.service.refresh_schedule().consecutive_failures, 0);
  EXPECT_TRUE(f.kb->LastRefresh()->has_value());
}

TEST(RefreshServiceTest, ShutdownCancelsARunningRefreshAfterTheTickersInFlight) {
  ReplayServer provider;
  ASSERT_TRUE(provider.Start());
  const std::vector<std::string> tickers = {"ZA", "ZB", "ZC", "ZD", "ZE", "ZF", "ZG", "ZH"};
  for (const auto& t : tickers) {
    provider.Set("GET", "/v8/finance/chart/" + t, CannedResponse(200, kFourDays).WithDelay(800ms));
  }
  // Market-data tickers in the store (from CSV files), to refresh from "Yahoo".
  const std::string csv_dir = testing::MakeTempDir("refresh-cancel");
  for (const auto& t : tickers) std::ofstream(csv_dir + "/" + t + ".csv") << DailyCsv(5);
  ServiceOptions o;
  o.worker_threads = 2;
  o.sources.remote.base_url = provider.base_url();
  Fixture f(o);
  {
    CsvSourceOptions co;
    co.path = csv_dir;
    auto csv = NewCsvSource(co);
    auto seeded = f.kb->Ingest(*csv, FetchRequest{}, IngestOptions{});
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    ASSERT_EQ(seeded->tickers, tickers.size());
  }
  auto r = f.Post(R"({"refresh": true, "source": "yahoo"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string id = json::parse(r->body)["job_id"];
  for (auto end = Clock::now() + 5s; Clock::now() < end && provider.request_count() == 0;) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_GT(provider.request_count(), 0u);
  auto t0 = Clock::now();
  f.Stop();  // cancels: the tickers in flight finish, no other is fetched
  EXPECT_LT(Clock::now() - t0, 3s);
  EXPECT_LT(provider.request_count(), tickers.size());
  auto job = f.service.jobs().Get(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->state, "cancelled");
  EXPECT_FALSE(f.kb->LastRefresh()->has_value()) << "a cancelled refresh was recorded as the last refresh";
}

}  // namespace
}  // namespace ohlcv
