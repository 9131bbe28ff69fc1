// Crash safety of BarStore: a child process ingests ticker after ticker (one
// transaction each) and is SIGKILLed at a pseudo-random moment; the parent
// then reopens the store and checks that it is intact, that every ticker is
// either fully present or absent, that counts agree with data_version, and
// that the store still accepts writes.
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/bar_store.h"
#include "store/pg_bar_store.h"
#include "testutil/pg_server.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

constexpr int64_t kT0 = 1420070400;  // 2015-01-01
constexpr int kSmallBars = 2000;
constexpr int kBigBars = 60000;  // long transactions make a mid-commit kill likely
constexpr int kMaxTickersPerChild = 400;

int BarsFor(int i) { return i % 4 == 3 ? kBigBars : kSmallBars; }

BarSeries MakeSeries(const std::string& ticker, int n, double level) {
  BarSeries s;
  s.ticker = ticker;
  s.reserve(n);
  for (int i = 0; i < n; ++i) {
    double c = level + (i % 97) * 0.25;
    s.push_back(Bar{kT0 + int64_t{i} * 3600, c, c + 1, c - 1, c, 1000.0 + i, c});
  }
  return s;
}

std::string TickerName(int round, int i) {
  return "R" + std::to_string(round) + "T" + std::to_string(i);
}

// `where` is a SQLite path or a postgresql:// URL.
Result<std::unique_ptr<BarStore>> OpenStore(const std::string& where) {
  if (where.rfind("postgresql://", 0) == 0) {
    PgBarStoreOptions opt;
    opt.db.url = where;
    opt.db.max_attempts = 30;  // rides out a server restart
    opt.db.max_backoff = std::chrono::milliseconds(500);
    OHLCV_ASSIGN_OR_RETURN(auto store, PgBarStore::Open(opt));
    return std::unique_ptr<BarStore>(std::move(store));
  }
  BarStoreOptions opt;
  opt.path = where;
  return BarStore::Open(opt);
}

void WaitForOtherSessionsToEnd(const std::string& where) {
  if (where.rfind("postgresql://", 0) != 0) return;
  PGconn* c = PQconnectdb(where.c_str());
  for (int i = 0; i < 500; ++i) {
    PGresult* r = PQexec(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()");
    bool idle = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "0";
    PQclear(r);
    if (idle) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  PQfinish(c);
}

// Runs in the forked child: never returns, never touches gtest.
[[noreturn]] void ChildIngest(const std::string& path, int round, int fd) {
  auto store = OpenStore(path);
  if (!store.ok()) _exit(2);
  for (int i = 0; i < kMaxTickersPerChild; ++i) {
    auto st = (*store)->Upsert(MakeSeries(TickerName(round, i), BarsFor(i), 10.0 + i));
    if (!st.ok()) _exit(3);
    int32_t done = i + 1;
    if (write(fd, &done, sizeof done) != sizeof done) _exit(4);
  }
  _exit(0);  // _exit: no atexit handlers (they would delete the temp dir)
}

class BarStoreCrashTest : public ::testing::TestWithParam<std::string> {};

// A writer process SIGKILLed mid-ingest: every committed ticker is whole, no
// uncommitted one is visible, the version agrees, the store stays writable.
// Runs against the embedded store and PostgreSQL.
TEST_P(BarStoreCrashTest, SigkillMidIngestLeavesConsistentWritableStore) {
  std::string path = testing::MakeTempDir("bar-store-crash") + "/bars.db";
  if (GetParam() == "postgres") {
    testing::PgServer* server = nullptr;
    OHLCV_REQUIRE_PG(server);
    std::string error;
    path = server->NewDatabase(&error);
    ASSERT_FALSE(path.empty()) << error;
  }
  std::mt19937 rng(20240611);
  uint64_t expected_version = 0;
  int total_tickers = 0;
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      ChildIngest(path, round, fds[1]);
    }
    close(fds[1]);
    // Wait for a pseudo-random number of committed tickers, then a random
    // extra delay so the kill lands anywhere (inside a commit, a checkpoint...).
    const int kill_after = std::uniform_int_distribution<int>(2, 14)(rng);
    const int delay_us = std::uniform_int_distribution<int>(0, 40000)(rng);
    int reported = 0;
    while (reported < kill_after) {
      pollfd p{fds[0], POLLIN, 0};
      int r = poll(&p, 1, 20000);
      ASSERT_GT(r, 0) << "child made no progress within 20 s";
      int32_t v = 0;
      ssize_t n = read(fds[0], &v, sizeof v);
      ASSERT_EQ(n, static_cast<ssize_t>(sizeof v)) << "child exited early";
      reported = v;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "child ended on its own (status " << wstatus << ")";

    // A killed client's server session may still be finishing a COMMIT it
    // had fully received: wait for it to end before looking (SQLite: no-op).
    WaitForOtherSessionsToEnd(path);
    // Reopen as a fresh process would.
    auto store = OpenStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->CheckIntegrity().ok());
    auto list = (*store)->ListTickers();
    ASSERT_TRUE(list.ok());
    // This round's tickers: a prefix 0..n-1 with n >= reported, each whole.
    int present = 0;
    for (const TickerInfo& info : *list) {
      if (info.ticker.rfind("R" + std::to_string(round) + "T", 0) != 0) continue;
      ++present;
    }
    EXPECT_GE(present, reported);
    for (int i = 0; i < present; ++i) {
      auto s = (*store)->Load(TickerName(round, i), Interval::k1d);
      ASSERT_TRUE(s.ok()) << "ticker " << i << " missing among " << present;
      ASSERT_EQ(s->size(), static_cast<size_t>(BarsFor(i))) << "half-written ticker " << i;
      EXPECT_EQ(s->close[1], 10.0 + i + 0.25);
      EXPECT_EQ(s->ts.back(), kT0 + int64_t{BarsFor(i) - 1} * 3600);
    }
    total_tickers += present;
    expected_version += static_cast<uint64_t>(present);
    EXPECT_EQ(static_cast<int>(list->size()), total_tickers);
    auto version = (*store)->DataVersion();
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, expected_version) << "data_version disagrees with committed tickers";

    // Still writable: re-upserting a present ticker is a no-op, a new one commits.
    auto again = (*store)->Upsert(MakeSeries(TickerName(round, 0), BarsFor(0), 10.0));
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->unchanged, static_cast<uint64_t>(BarsFor(0)));
    auto fresh = (*store)->Upsert(MakeSeries("AFTER" + std::to_string(round), 10, 5.0));
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    EXPECT_EQ(fresh->inserted, 10u);
    ++total_tickers;
    ++expected_version;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, BarStoreCrashTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// PostgreSQL crashes (immediate shutdown: no checkpoint, WAL replay on
// start) and later shuts down cleanly while a writer ingests ticker after
// ticker: the writer's retries ride out both outages, every acknowledged
// ticker is whole afterwards and the version counts each ticker once.
TEST(PgBarStoreCrashTest, ServerRestartedMidIngestLosesNothingCommitted) {
  if (!testing::PgServer::Installed()) GTEST_SKIP() << testing::PgServer::NotInstalledMessage();
  testing::PgServer server;  // its own: this test stops it
  std::string error = server.Start();
  ASSERT_EQ(error, "");
  const std::string url = server.Url("postgres");
  auto opened = OpenStore(url);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<BarStore> store = std::move(opened).value();

  constexpr int kTickers = 60;
  std::atomic<int> acked{0};
  std::string writer_error;
  std::thread writer([&] {
    for (int i = 0; i < kTickers; ++i) {
      auto st = store->Upsert(MakeSeries("PG" + std::to_string(i), BarsFor(i), 10.0 + i));
      if (!st.ok()) {
        writer_error = "ticker " + std::to_string(i) + ": " + st.status().ToString();
        return;
      }
      acked = i + 1;
    }
  });
  auto wait_acked = [&](int n) {
    for (int i = 0; i < 2000 && acked.load() < n && writer_error.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  wait_acked(5);
  const int before_crash = acked.load();
  server.Crash();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(server.Restart(), "");
  wait_acked(before_crash + 10);
  const int before_shutdown = acked.load();
  EXPECT_GT(before_shutdown, before_crash) << "no progress after the crash: " << writer_error;
  server.Shutdown();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(server.Restart(), "");
  writer.join();
  EXPECT_EQ(writer_error, "");
  EXPECT_EQ(acked.load(), kTickers);

  // A fresh handle, as another replica would see it.
  auto fresh = OpenStore(url);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto list = (*fresh)->ListTickers();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), static_cast<size_t>(kTickers));
  for (int i = 0; i < kTickers; ++i) {
    auto s = (*fresh)->Load("PG" + std::to_string(i), Interval::k1d);
    ASSERT_TRUE(s.ok()) << i << ": " << s.status().ToString();
    ASSERT_EQ(s->size(), static_cast<size_t>(BarsFor(i))) << "half-written ticker " << i;
    EXPECT_EQ(s->close[1], 10.0 + i + 0.25);
  }
  auto version = (*fresh)->DataVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, static_cast<uint64_t>(kTickers));
  EXPECT_TRUE((*fresh)->CheckIntegrity().ok());
}

}  // namespace
}  // namespace ohlcv
