// Removing one ticker (issue 16): `ohlcv-rag delete TICKER` through the real
// binary, DELETE /api/v1/tickers/{T} through a real server on loopback, and
// the repair of a delete a crash interrupted. Also the synthetic flag in
// `status --json` and in the tickers API.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kb/knowledge_base.h"
#include "service/api/service.h"
#include "service/http/http_server.h"
#include "sources/source.h"
#include "testutil/cli_runner.h"
#include "testutil/test_paths.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

using testing::CliRun;

// `args` is sh text after the binary (already quoted).
CliRun RunCli(const std::string& data_dir, const std::string& args) {
  testing::ShellOptions options;
  options.env = "OHLCV_DATA_DIR=" + testing::ShellQuote(data_dir);
  return testing::RunShell(testing::ShellQuote(testing::CliBinary()) + " " + args, options);
}

json StatusJson(const std::string& data_dir) {
  CliRun r = RunCli(data_dir, "status --json");
  EXPECT_EQ(r.code, 0) << r.err;
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

std::map<std::string, json> TickerRows(const json& status) {
  std::map<std::string, json> rows;
  for (const auto& t : status["tickers"]) rows[t["ticker"].get<std::string>()] = t;
  return rows;
}

// 60 daily bars of a made-up ticker, one CSV file.
void WriteCsv(const std::string& path) {
  std::ofstream out(path);
  out << "Date,Open,High,Low,Close,Volume\n";
  int64_t day = 18262;  // 2020-01-01
  for (int i = 0; i < 60; ++i, ++day) {
    CivilDate c = CivilFromDays(day);
    char buf[128];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u,%d,%d,%d,%d,%d\n", static_cast<int>(c.year), c.month, c.day,
                  100 + i, 102 + i, 99 + i, 101 + i, 1000 + i);
    out << buf;
  }
}

TEST(TickerDeleteCliTest, DeleteRemovesBarsAndWindowsAndAReingestBringsItBack) {
  ASSERT_TRUE(std::filesystem::exists(testing::CliBinary())) << testing::CliBinary();
  const std::string data = testing::MakeTempDir("delete-data");
  CliRun ing = RunCli(data, "ingest --source synthetic --tickers AAA,BBB");
  ASSERT_EQ(ing.code, 0) << ing.out << ing.err;
  const std::string csv = testing::MakeTempDir("delete-csv");
  WriteCsv(csv + "/ZZZ.csv");
  ing = RunCli(data, "ingest --source csv --path '" + csv + "'");
  ASSERT_EQ(ing.code, 0) << ing.out << ing.err;

  json before = StatusJson(data);
  auto rows = TickerRows(before);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows["AAA"]["synthetic"].get<bool>());
  EXPECT_TRUE(rows["BBB"]["synthetic"].get<bool>());
  EXPECT_FALSE(rows["ZZZ"]["synthetic"].get<bool>());
  CliRun text = RunCli(data, "status");
  EXPECT_NE(text.out.find("synthetic data"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("AAA"), std::string::npos) << text.out;
  const uint64_t aaa_bars = rows["AAA"]["bars"].get<uint64_t>();

  CliRun del = RunCli(data, "delete aaa");
  ASSERT_EQ(del.code, 0) << del.out << del.err;
  EXPECT_NE(del.out.find("deleted AAA: " + std::to_string(aaa_bars) + " bars"), std::string::npos) << del.out;
  json after = StatusJson(data);
  rows = TickerRows(after);
  EXPECT_EQ(rows.count("AAA"), 0u);
  EXPECT_EQ(after["bars"].get<uint64_t>(), before["bars"].get<uint64_t>() - aaa_bars);
  EXPECT_LT(after["windows"].get<uint64_t>(), before["windows"].get<uint64_t>());
  EXPECT_GT(after["windows"].get<uint64_t>(), 0u);
  EXPECT_EQ(RunCli(data, "bars AAA").code, 3);
  // Deleting what is not there: exit 3 and a message naming it.
  CliRun again = RunCli(data, "delete AAA");
  EXPECT_EQ(again.code, 3);
  EXPECT_NE(again.err.find("AAA"), std::string::npos) << again.err;

  // A deleted CSV ticker comes back with the next ingest of the same,
  // unchanged file (the delete forgets the fingerprints).
  ASSERT_EQ(RunCli(data, "delete ZZZ").code, 0);
  EXPECT_EQ(TickerRows(StatusJson(data)).count("ZZZ"), 0u);
  ing = RunCli(data, "ingest --source csv --path '" + csv + "'");
  ASSERT_EQ(ing.code, 0) << ing.out << ing.err;
  rows = TickerRows(StatusJson(data));
  ASSERT_EQ(rows.count("ZZZ"), 1u);
  EXPECT_EQ(rows["ZZZ"]["bars"].get<uint64_t>(), 60u);
}

TEST(TickerDeleteCliTest, AnInterruptedDeleteIsFinishedByTheNextOpen) {
  const std::string data = testing::MakeTempDir("delete-crash");
  ASSERT_EQ(RunCli(data, "ingest --source synthetic --tickers AAA,BBB,CCC").code, 0);
  // The state a crash after step 1 leaves: the mark written, bars and
  // windows still there.
  {
    BarStoreOptions o;
    o.path = data + "/bars.db";
    auto store = BarStore::Open(o);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutState({{"deleting/BBB", std::string("1")}}).ok());
  }
  EXPECT_EQ(TickerRows(StatusJson(data)).count("BBB"), 1u);  // status only reads
  // Any writable open finishes it: here the delete of another ticker.
  CliRun del = RunCli(data, "delete CCC");
  ASSERT_EQ(del.code, 0) << del.err;
  auto rows = TickerRows(StatusJson(data));
  EXPECT_EQ(rows.count("BBB"), 0u);
  EXPECT_EQ(rows.count("CCC"), 0u);
  ASSERT_EQ(rows.count("AAA"), 1u);
  // Its windows went too: a question about it has nothing to cite.
  KbOptions ko;
  ko.data_dir = data;
  ko.embedder = "hashing";
  auto kb = KnowledgeBase::Open(ko);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  RetrievalRequest rr;
  rr.question = "How did BBB perform?";
  rr.extra.tickers = {"BBB"};
  auto hits = (*kb)->Retrieve(rr);
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  EXPECT_TRUE(hits->hits.empty());
}

TEST(TickerDeleteApiTest, DeleteRouteRemovesTheTickerAndTheListMarksSyntheticRows) {
  KbOptions ko;
  ko.data_dir = testing::MakeTempDir("delete-api");
  ko.embedder = "hashing";
  auto kb = KnowledgeBase::Open(ko);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  SyntheticSourceOptions so;
  so.bars = 300;
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = {"AAPL", "MSFT"};
  ASSERT_TRUE((*kb)->Ingest(*source, req, IngestOptions{}).ok());

  ServiceOptions o;
  o.api_keys = {"k1"};
  o.rate_limit_rps = 1000;
  o.rate_limit_burst = 1000;
  o.worker_threads = 2;
  std::ostringstream log;
  o.log.sink = &log;
  Service service(o);
  auto server = StartApiServer(service, HttpServerOptions{});
  ASSERT_TRUE(server.ok());
  service.SetKnowledgeBase(kb->get());
  httplib::Client c("127.0.0.1", (*server)->port());
  c.set_read_timeout(30, 0);
  c.set_default_headers({{"Authorization", "Bearer k1"}});

  auto list = c.Get("/api/v1/tickers");
  ASSERT_TRUE(list);
  json j = json::parse(list->body);
  ASSERT_EQ(j["count"], 2);
  for (const auto& row : j["tickers"]) EXPECT_TRUE(row["synthetic"].get<bool>()) << row;

  // Answers about generated data say so.
  auto answer = c.Post("/api/v1/query", R"({"question": "How did MSFT perform in 2015?"})", "application/json");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  json a = json::parse(answer->body);
  bool noted = false;
  for (const auto& n : a["notes"]) noted = noted || n.get<std::string>().find("synthetic data") != std::string::npos;
  EXPECT_TRUE(noted) << a["notes"];

  auto del = c.Delete("/api/v1/tickers/msft");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  json d = json::parse(del->body);
  EXPECT_EQ(d["ticker"], "MSFT");
  EXPECT_EQ(d["bars_deleted"], 300);

  list = c.Get("/api/v1/tickers");
  ASSERT_TRUE(list);
  j = json::parse(list->body);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["tickers"][0]["ticker"], "AAPL");
  auto bars = c.Get("/api/v1/tickers/MSFT/bars");
  ASSERT_TRUE(bars);
  EXPECT_EQ(bars->status, 404);
  auto again = c.Delete("/api/v1/tickers/MSFT");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404) << again->body;
  // Without a key: refused like every other /api/ route.
  httplib::Client anon("127.0.0.1", (*server)->port());
  auto refused = anon.Delete("/api/v1/tickers/AAPL");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);

  (*server)->StopAccepting();
  (*server)->WaitIdle(5s);
  service.Shutdown(5s);
  (*server)->Stop();
}

}  // namespace
}  // namespace ohlcv
