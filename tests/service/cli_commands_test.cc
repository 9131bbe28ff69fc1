// The ohlcv-rag binary end to end: setup, analyze, interactive and clear, as a
// user runs them (a real process, real stdin/stdout, a terminal where the
// command asks for one). Lives in service_tests because the CLI is an
// executable, not a library; the binary is <build>/ohlcv-rag.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "kb/knowledge_base.h"
#include "testutil/cli_runner.h"
#include "testutil/test_paths.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using json = nlohmann::json;

using testing::CliRun;

// The binary on `data_dir` with the hashing embedder, the default offline
// source, and `input` on stdin.
CliRun RunCli(const std::string& data_dir, const std::vector<std::string>& args, const std::string& input = "") {
  testing::ShellOptions options;
  options.input = input;
  return testing::RunCli(data_dir, args, options);
}

json StatusJson(const std::string& data_dir) {
  CliRun r = RunCli(data_dir, {"status", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

class CliTest : public ::testing::Test {
 protected:
  // One `setup` for the suite: it is also the first test of `setup` itself.
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(testing::CliBinary())) << testing::CliBinary() << " is missing: build the ohlcv-rag target";
    data_dir_ = new std::string(testing::MakeTempDir("cli-setup"));
    setup_ = new CliRun(RunCli(*data_dir_, {"setup"}));
  }
  static void TearDownTestSuite() {
    delete data_dir_;
    delete setup_;
  }
  static std::string* data_dir_;
  static CliRun* setup_;
};
std::string* CliTest::data_dir_ = nullptr;
CliRun* CliTest::setup_ = nullptr;

TEST_F(CliTest, SetupIngestsTheDefaultTickersOfflineAndPrintsStatus) {
  ASSERT_EQ(setup_->code, 0) << setup_->err << setup_->out;
  EXPECT_NE(setup_->out.find("from synthetic"), std::string::npos) << setup_->out;
  EXPECT_NE(setup_->out.find("4 tickers"), std::string::npos) << setup_->out;  // the status line
  json status = StatusJson(*data_dir_);
  ASSERT_TRUE(status.is_object());
  std::set<std::string> tickers;
  for (const auto& t : status["tickers"]) tickers.insert(t["ticker"].get<std::string>());
  EXPECT_EQ(tickers, (std::set<std::string>{"AAPL", "AMZN", "GOOGL", "MSFT"}));
  EXPECT_GT(status["bars"].get<int64_t>(), 4 * 1000);
  EXPECT_GT(status["windows"].get<int64_t>(), 0);
}

// A running `serve` holds the data directory's single writer: the commands
// that only read open it read-only then; a writing command says why it cannot.
TEST_F(CliTest, ReadCommandsWorkWhileAnotherProcessHoldsTheDirectory) {
  ASSERT_EQ(setup_->code, 0) << setup_->err;
  KbOptions o;
  o.data_dir = *data_dir_;
  o.embedder = "hashing";
  auto holder = KnowledgeBase::Open(o);  // as `serve` holds it
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  CliRun q = RunCli(*data_dir_, {"query", "How did AAPL perform?"});
  EXPECT_EQ(q.code, 0) << q.err;
  EXPECT_NE(q.out.find("AAPL"), std::string::npos) << q.out;
  CliRun st = RunCli(*data_dir_, {"status"});
  EXPECT_EQ(st.code, 0) << st.err;
  EXPECT_NE(st.out.find("4 tickers"), std::string::npos) << st.out;
  CliRun ingest = RunCli(*data_dir_, {"ingest", "--source", "synthetic", "--tickers", "NVDA"});
  EXPECT_NE(ingest.code, 0);
  EXPECT_NE(ingest.err.find("open for writing elsewhere"), std::string::npos) << ingest.err;
  EXPECT_NE(ingest.err.find("stop the server"), std::string::npos) << ingest.err;
  EXPECT_NE(ingest.err.find("POST http://127.0.0.1:8000/api/v1/ingest"), std::string::npos) << ingest.err;
}

// ---- Intraday sessions in exchange time (issue 16) ---------------------------

// Minute bars of a Sydney ticker (CSV, UTC times): each 10:00-16:00 AEDT
// session runs 23:00-05:00 UTC, and `windows` / `bars` show it as one session
// on its Sydney date, in Sydney time.
TEST(CliIntradayTest, SydneyMinuteBarsGiveOneWindowPerLocalSession) {
  const std::string dir = testing::MakeTempDir("cli-sydney");
  const std::string csv = dir + "/bhp.csv";
  {
    std::ofstream f(csv);
    f << "Ticker,Datetime,Open,High,Low,Close,Volume\n";
    int i = 0;
    for (int64_t day : {1704841200LL, 1704927600LL}) {  // 2024-01-09 and 01-10 23:00 UTC = 10:00 AEDT
      for (int m = 0; m < 360; ++m, ++i) {
        const double c = 45.0 + 0.01 * (i % 37) + 0.002 * i;
        f << "BHP.AX," << FormatIso8601(day + m * 60) << "," << c - 0.01 << "," << c + 0.02 << "," << c - 0.03 << ","
          << c << "," << 1000 + i % 13 << "\n";
      }
    }
  }
  CliRun ingest = RunCli(dir, {"ingest", "--source", "csv", "--path", csv, "--interval", "1m"});
  ASSERT_EQ(ingest.code, 0) << ingest.err << ingest.out;
  CliRun w = RunCli(dir, {"windows", "BHP.AX", "--interval", "1m", "--json"});
  ASSERT_EQ(w.code, 0) << w.err;
  json rows = json::parse(w.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << w.out;
  std::vector<std::string> sessions;
  for (const auto& r : rows) {
    if (!r.contains("session_date")) continue;  // the daily windows built from the minutes
    sessions.push_back(r["session_date"].get<std::string>());
    EXPECT_EQ(r["n_bars"], 360) << r.dump();
  }
  EXPECT_EQ(sessions, (std::vector<std::string>{"2024-01-10", "2024-01-11"})) << w.out;
  CliRun text = RunCli(dir, {"windows", "BHP.AX", "--interval", "1m"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("session 2024-01-10 10:00 AEDT to 15:59 AEDT (XASX)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("BHP.AX_1m_20240109T2300_20240110T0459"), std::string::npos) << text.out;
  CliRun bars = RunCli(dir, {"bars", "BHP.AX", "--interval", "1m", "-n", "1"});
  ASSERT_EQ(bars.code, 0) << bars.err;
  EXPECT_NE(bars.out.find("2024-01-11 15:59 AEDT"), std::string::npos) << bars.out;
}

// ---- Errors that help (issue 17) -------------------------------------------

TEST_F(CliTest, MistypedCommandSuggestsTheClosest) {
  CliRun r = RunCli(*data_dir_, {"qurey", "How did AAPL do?"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'qurey'; did you mean query?"), std::string::npos) << r.err;
  CliRun far = RunCli(*data_dir_, {"xyzzy"});
  EXPECT_EQ(far.code, 2);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;  // nothing close: no guess
  EXPECT_NE(far.err.find("commands: "), std::string::npos) << far.err;
  // Global options before the command are skipped, not taken for a command.
  CliRun ok = RunCli(*data_dir_, {"--data-dir", *data_dir_, "status"});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST(CliDataDirTest, ReadCommandsRefuseADataDirectoryThatDoesNotExist) {
  const std::string missing = testing::MakeTempDir("cli-nodir") + "/no-such-dir";
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"status"}, {"query", "How did AAPL perform?"}, {"bars", "AAPL"}, {"similar", "AAPL"},
           {"patterns", "AAPL"}, {"analyze", "trend", "-t", "AAPL"}}) {
    CliRun r = RunCli(missing, args);
    EXPECT_EQ(r.code, 3) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("data directory '" + missing + "' does not exist"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--data-dir"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("OHLCV_DATA_DIR"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(missing)) << "a read command must not create the directory";
}

TEST_F(CliTest, UnknownTickerSuggestsStoredTickersAndARunnableHint) {
  CliRun r = RunCli(*data_dir_, {"bars", "APPL"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("did you mean AAPL?"), std::string::npos) << r.err;
  // Runnable as printed: the data directory and a source with real data.
  EXPECT_NE(r.err.find("ohlcv-rag --data-dir " + *data_dir_ + " ingest --source yahoo --tickers APPL"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("synthetic"), std::string::npos) << r.err;
  CliRun sim = RunCli(*data_dir_, {"similar", "MSFTT"});
  EXPECT_EQ(sim.code, 3);
  EXPECT_NE(sim.err.find("did you mean MSFT?"), std::string::npos) << sim.err;
}

TEST_F(CliTest, BarsOutsideTheStoredRangeSayNoBarsAndExit3) {
  CliRun r = RunCli(*data_dir_, {"bars", "AAPL", "--start", "2021-01-01"});
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.err.find("no 1d bars of AAPL between 2021-01-01 and the last; stored: 2015-01-"), std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;  // no bare header
}

TEST_F(CliTest, PatternsPrintHeadersAndUnits) {
  CliRun text = RunCli(*data_dir_, {"patterns", "AAPL", "--start", "2019-01-01"});
  ASSERT_EQ(text.code, 0) << text.err;
  std::istringstream lines(text.out);
  std::string header;
  std::getline(lines, header);
  for (const char* col : {"date", "pattern", "dir", "value", "unit", "value is", "refers to"}) {
    EXPECT_NE(header.find(col), std::string::npos) << col << " in " << header;
  }
  // Every row agrees with the JSON, and its unit is the one of its kind.
  CliRun js = RunCli(*data_dir_, {"patterns", "AAPL", "--start", "2019-01-01", "--json"});
  json doc = json::parse(js.out);
  const auto& rows = doc["patterns"];
  ASSERT_GT(rows.size(), 5u);
  std::vector<std::string> body;
  for (std::string line; std::getline(lines, line);) body.push_back(line);
  ASSERT_EQ(body.size(), rows.size() + 1);  // + the footer
  EXPECT_NE(body.back().find(std::to_string(rows.size()) + " patterns; price = "), std::string::npos) << body.back();
  for (size_t i = 0; i < rows.size(); ++i) {
    std::istringstream row(body[i]);
    std::string date, kind, dir, value, unit;
    row >> date >> kind >> dir >> value >> unit;
    EXPECT_EQ(kind, rows[i]["kind"].get<std::string>());
    EXPECT_NEAR(std::stod(value), rows[i]["value"].get<double>(), 1e-4) << body[i];
    if (kind.rfind("gap_", 0) == 0) EXPECT_EQ(unit, "%") << body[i];
    if (kind.rfind("breakout_", 0) == 0) EXPECT_EQ(unit, "price") << body[i];
    if (kind.rfind("rsi_", 0) == 0) EXPECT_EQ(unit, "pts") << body[i];
    if (kind == "volume_spike") EXPECT_EQ(unit, "x") << body[i];
  }
}

// ---- Answers people can read (issue 17) ------------------------------------

TEST_F(CliTest, OutOfScopeQuestionGetsWhatCanBeAsked) {
  for (const char* q : {"hello", "clear"}) {
    CliRun r = RunCli(*data_dir_, {"query", q});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("not about the loaded market data"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Loaded: 4 tickers (AAPL, AMZN, GOOGL, MSFT), 2015-01-"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("How did AAPL perform in 2018?"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Sources"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("confidence"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Understood"), std::string::npos) << r.out;
  }
  CliRun js = RunCli(*data_dir_, {"query", "hello", "--json"});
  json doc = json::parse(js.out);
  EXPECT_EQ(doc["confidence"], 0.0);
  EXPECT_TRUE(doc["sources"].empty());
  // A market question is not caught by the rule.
  CliRun market = RunCli(*data_dir_, {"query", "How did AAPL perform in 2018?", "--json"});
  json m = json::parse(market.out);
  EXPECT_FALSE(m["facts"].empty()) << market.out;
  EXPECT_FALSE(m["sources"].empty()) << market.out;
}

TEST_F(CliTest, AnswerListsSourcesOnceWithUnitsAndHowItWasComputed) {
  CliRun r = RunCli(*data_dir_, {"query", "Compare AAPL and MSFT in 2018"});
  ASSERT_EQ(r.code, 0) << r.err;
  size_t first = r.out.find("Sources");
  ASSERT_NE(first, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Sources", first + 1), std::string::npos) << "sources printed twice:\n" << r.out;
  EXPECT_NE(r.out.find("  [1] "), std::string::npos) << r.out;
  // Several subjects: one table, a column per ticker, the period named once,
  // units on every figure (volatility in %).
  EXPECT_NE(r.out.find("\nFigures, 2018-01-02 to 2018-12-31:\n"), std::string::npos) << r.out;
  std::istringstream lines(r.out.substr(r.out.find("\nFigures, ")));
  std::string line, head, vol;
  std::getline(lines, line);
  std::getline(lines, line);
  std::getline(lines, head);
  EXPECT_NE(head.find("AAPL"), std::string::npos) << head;
  EXPECT_NE(head.find("MSFT"), std::string::npos) << head;
  while (std::getline(lines, line) && !line.empty()) {
    if (line.rfind("  volatility", 0) == 0) vol = line;
  }
  json doc = json::parse(RunCli(*data_dir_, {"query", "Compare AAPL and MSFT in 2018", "--json"}).out);
  std::vector<std::string> expected;
  for (const auto& f : doc["facts"]) {
    if (f["label"].get<std::string>().find(" volatility") != std::string::npos) {
      expected.push_back(fmt::format("{:.2f}%", f["value"].get<double>()));
    }
  }
  ASSERT_EQ(expected.size(), 2u);
  for (const auto& v : expected) EXPECT_NE(vol.find(v), std::string::npos) << v << " in: " << vol;
  EXPECT_EQ(r.out.find("AAPL 2018-01-02 to 2018-12-31 return"), std::string::npos) << "no per-row prefixes";
  EXPECT_NE(r.out.find("\nHow this was computed:\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("note: "), std::string::npos) << r.out;  // no raw parser notes
  EXPECT_EQ(r.out.find(" -> "), std::string::npos) << r.out;
}

// `similar` lists other periods only by default (no window over the query's
// dates, whatever the ticker), with the match in words; --same-dates keeps them.
TEST_F(CliTest, SimilarListsOtherPeriodsWithTheMatchInWords) {
  for (bool same : {false, true}) {
    std::vector<std::string> args = {"similar", "AAPL", "--end", "2019-06-28", "-k", "8"};
    if (same) args.push_back("--same-dates");
    CliRun r = RunCli(*data_dir_, args);
    ASSERT_EQ(r.code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string head;
    std::getline(lines, head);
    char qs[11] = {}, qe[11] = {};
    ASSERT_EQ(std::sscanf(head.c_str(), "Periods shaped like AAPL %10s to %10s", qs, qe), 2) << head;
    size_t hits = 0, overlapping = 0;
    for (std::string line; std::getline(lines, line);) {
      char t[16] = {}, s[11] = {}, e[11] = {};
      if (std::sscanf(line.c_str(), " [%*d] %15s %10s to %10s", t, s, e) != 3) continue;
      ++hits;
      EXPECT_NE(line.find("(shape match "), std::string::npos) << line;
      EXPECT_NE(line.find("similar"), std::string::npos) << line;
      if (!(std::string(e) < qs || std::string(s) > qe)) ++overlapping;
    }
    EXPECT_GT(hits, 0u) << r.out;
    if (!same) EXPECT_EQ(overlapping, 0u) << r.out;
  }
}

// `setup` loads sectors for its tickers, so the README's sector question works.
TEST_F(CliTest, SetupLoadsSectorsForTheReadmeQuestion) {
  CliRun r = RunCli(*data_dir_, {"query", "Which tech stocks broke out in March 2019?", "--json"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  json doc = json::parse(r.out);
  EXPECT_FALSE(doc["no_data"].get<bool>());
  ASSERT_TRUE(std::filesystem::exists(*data_dir_ + "/sectors.csv"));
  std::string sectors = testing::ReadFile(*data_dir_ + "/sectors.csv");
  EXPECT_NE(sectors.find("AAPL,\"Information Technology\""), std::string::npos) << sectors;
  EXPECT_NE(sectors.find("MSFT,\"Information Technology\""), std::string::npos) << sectors;
  for (const auto& s : doc["sources"]) {
    std::string t = s["ticker"].get<std::string>();
    EXPECT_TRUE(t == "AAPL" || t == "MSFT") << t << " is not a tech stock";
  }
}

// On a terminal, `interactive` edits lines and recalls history (libedit):
// Up then Enter asks the previous question again; no "^[[A" is echoed. On a
// narrow terminal answers wrap at spaces, never inside a figure.
TEST_F(CliTest, InteractiveRecallsHistoryWithTheUpArrow) {
  CliRun js = RunCli(*data_dir_, {"query", "What was MSFT's return in 2016?", "--json"});
  json facts = json::parse(js.out)["facts"];
  ASSERT_FALSE(facts.empty()) << js.out;
  std::vector<std::string> figures;
  for (const auto& f : facts) figures.push_back(f["text"].get<std::string>());
  struct winsize ws {};
  ws.ws_col = 44;
  ws.ws_row = 40;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    setenv("OHLCV_EMBEDDER", "hashing", 1);
    setenv("OHLCV_DATA_DIR", data_dir_->c_str(), 1);
    setenv("TERM", "xterm", 1);
    unsetenv("VECTOR_STORE_TYPE");
    std::string bin = testing::CliBinary();
    execl(bin.c_str(), bin.c_str(), "interactive", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  std::string out;
  char buf[1024];
  size_t sent = 0;
  const std::vector<std::string> inputs = {"What was MSFT's return in 2016?\r", "\x1b[A\r", "exit\r"};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  // The next input goes when the output ends with the prompt (the program
  // waits for a line); answers may contain "> " themselves. poll() bounds
  // every wait, so a program that never prompts fails instead of hanging.
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{master, POLLIN, 0};
    int ready = poll(&pfd, 1, 500);
    if (ready > 0) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (ready < 0) break;
    // Quiet for 500 ms: the program waits for input when its prompt is last.
    std::string tail = out.substr(out.size() > 8 ? out.size() - 8 : 0);
    if (sent < inputs.size() && tail.find("> ") != std::string::npos) {
      EXPECT_EQ(write(master, inputs[sent].data(), inputs[sent].size()), static_cast<ssize_t>(inputs[sent].size()));
      ++sent;
    }
  }
  int status = 0;
  for (int i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (i == 49) {  // still running 5 s after the loop: fail, never hang
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  EXPECT_EQ(sent, inputs.size()) << "the program stopped prompting:\n" << out;
  close(master);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_EQ(out.find("^[[A"), std::string::npos) << out;
  // The answer (its MSFT return figure) printed twice: once typed, once recalled.
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  const std::string& figure = figures.front();
  CliRun once = RunCli(*data_dir_, {"query", "What was MSFT's return in 2016?"});
  const size_t per_answer = count(once.out, figure);
  ASSERT_GT(per_answer, 0u) << once.out;
  EXPECT_EQ(count(out, figure), 2 * per_answer) << "typed and recalled: two answers\n" << out;
  for (const auto& f : figures) EXPECT_NE(out.find(f), std::string::npos) << f << " split in:\n" << out;
}


TEST_F(CliTest, AnalyzeEachKindAsTextAndJson) {
  CliRun trend = RunCli(*data_dir_, {"analyze", "trend", "--tickers", "AAPL"});
  ASSERT_EQ(trend.code, 0) << trend.err;
  EXPECT_NE(trend.out.find("trend analysis of AAPL"), std::string::npos) << trend.out;
  EXPECT_NE(trend.out.find("Findings:"), std::string::npos);
  EXPECT_NE(trend.out.find("Confidence: "), std::string::npos);

  CliRun cmp = RunCli(*data_dir_, {"analyze", "comparison", "-t", "AAPL,MSFT", "--start", "2016-01-01",
                                "--end", "2017-12-31", "--json"});
  ASSERT_EQ(cmp.code, 0) << cmp.err;
  json j = json::parse(cmp.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << cmp.out;
  EXPECT_EQ(j["kind"], "comparison");
  EXPECT_EQ(j["tickers"], json({"AAPL", "MSFT"}));
  EXPECT_FALSE(j["findings"].empty());
  EXPECT_EQ(j["period"]["start"].get<std::string>().substr(0, 4), "2016");

  CliRun ind = RunCli(*data_dir_, {"analyze", "indicator", "-t", "MSFT", "--condition", "RSI > 70", "--json"});
  ASSERT_EQ(ind.code, 0) << ind.err;
  EXPECT_FALSE(json::parse(ind.out)["findings"].empty());
  CliRun pat = RunCli(*data_dir_, {"analyze", "pattern", "-t", "GOOGL", "--pattern", "golden_cross", "--json"});
  ASSERT_EQ(pat.code, 0) << pat.err;
  EXPECT_EQ(json::parse(pat.out)["kind"], "pattern");

  // Usage errors are exit 2 with a message naming what is missing.
  CliRun one = RunCli(*data_dir_, {"analyze", "comparison", "-t", "AAPL"});
  EXPECT_EQ(one.code, 2);
  EXPECT_NE(one.err.find("two or more"), std::string::npos) << one.err;
  CliRun no_cond = RunCli(*data_dir_, {"analyze", "indicator", "-t", "AAPL"});
  EXPECT_EQ(no_cond.code, 2);
  EXPECT_NE(no_cond.err.find("--condition"), std::string::npos) << no_cond.err;
  EXPECT_EQ(RunCli(*data_dir_, {"analyze", "forecast", "-t", "AAPL"}).code, 2);
}

TEST_F(CliTest, InteractiveAnswersPipedQuestionsAndStopsAtQuit) {
  CliRun r = RunCli(*data_dir_, {"interactive"},
                 "How did AAPL perform in 2016?\n\n   \nhelp\nstatus\nCompare MSFT and AMZN in 2017\nquit\n"
                 "How did GOOGL perform in 2018?\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("> "), std::string::npos) << "no prompt without a terminal";
  EXPECT_NE(r.out.find("AAPL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Commands: help"), std::string::npos);
  EXPECT_NE(r.out.find("4 tickers"), std::string::npos) << "status on the REPL's own engine";
  EXPECT_NE(r.out.find("MSFT"), std::string::npos);  // the question after blank lines and `help` ran
  EXPECT_EQ(r.out.find("GOOGL"), std::string::npos) << "the question after `quit` must not run";
}

TEST_F(CliTest, InteractiveEndsCleanlyAtEndOfInput) {
  CliRun empty = RunCli(*data_dir_, {"interactive"}, "");
  EXPECT_EQ(empty.code, 0) << empty.err;
  EXPECT_TRUE(empty.err.empty()) << empty.err;
  CliRun json_mode = RunCli(*data_dir_, {"interactive", "--json"}, "What was MSFT's return in 2016?");  // no newline
  ASSERT_EQ(json_mode.code, 0) << json_mode.err;
  json j = json::parse(json_mode.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << json_mode.out;
  EXPECT_EQ(j["no_data"], false);
  EXPECT_NE(j["answer"].get<std::string>().find("MSFT"), std::string::npos);
  CliRun exit_word = RunCli(*data_dir_, {"interactive"}, "exit\n");
  EXPECT_EQ(exit_word.code, 0);
}

// A fresh directory with one ticker ingested.
std::string SmallDataDir() {
  std::string dir = testing::MakeTempDir("cli-clear");
  CliRun r = RunCli(dir, {"ingest", "--tickers", "ZZZ", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  return dir;
}

TEST(CliClearTest, RefusesWithoutATerminalOrYes) {
  std::string dir = SmallDataDir();
  CliRun r = RunCli(dir, {"clear"}, "y\n");  // piped "y" is not a confirmation
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not a terminal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--yes"), std::string::npos) << r.err;
  EXPECT_GT(StatusJson(dir)["bars"].get<int64_t>(), 0) << "nothing may be deleted";

  CliRun yes = RunCli(dir, {"clear", "--yes"});
  ASSERT_EQ(yes.code, 0) << yes.err;
  EXPECT_NE(yes.out.find("removed"), std::string::npos) << yes.out;
  json after = StatusJson(dir);
  EXPECT_EQ(after["bars"], 0);
  EXPECT_EQ(after["windows"], 0);
  EXPECT_TRUE(after["tickers"].empty());
}

// Runs `clear` on a pseudo-terminal and types `answer` at the prompt.
CliRun ClearOnTerminal(const std::string& dir, const std::string& answer) {
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    setenv("OHLCV_EMBEDDER", "hashing", 1);
    setenv("OHLCV_DATA_DIR", dir.c_str(), 1);
    unsetenv("VECTOR_STORE_TYPE");
    std::string bin = testing::CliBinary();
    execl(bin.c_str(), bin.c_str(), "clear", static_cast<char*>(nullptr));
    _exit(127);
  }
  CliRun r;
  if (pid < 0) return r;
  std::string out;
  char buf[512];
  bool answered = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has exited
    out.append(buf, static_cast<size_t>(n));
    if (!answered && out.find("[y/N]") != std::string::npos) {
      std::string line = answer + "\n";
      EXPECT_EQ(write(master, line.data(), line.size()), static_cast<ssize_t>(line.size()));
      answered = true;
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = out;
  return r;
}

TEST(CliClearTest, AsksOnATerminal) {
  std::string dir = SmallDataDir();
  CliRun no = ClearOnTerminal(dir, "n");
  EXPECT_EQ(no.code, 1) << no.out;
  EXPECT_NE(no.out.find("Delete every bar and window in " + dir), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("nothing was deleted"), std::string::npos) << no.out;
  EXPECT_GT(StatusJson(dir)["bars"].get<int64_t>(), 0);

  CliRun yes = ClearOnTerminal(dir, "y");
  EXPECT_EQ(yes.code, 0) << yes.out;
  EXPECT_NE(yes.out.find("cleared"), std::string::npos) << yes.out;
  EXPECT_EQ(StatusJson(dir)["bars"], 0);
}

}  // namespace
}  // namespace ohlcv
