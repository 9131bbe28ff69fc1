// Evaluation over the shared S&P 500 dataset (../shared/data): the whole
// dataset is ingested once (the CSV source's parser -> BarStore -> SeriesAnalysis
// windows -> WindowIndexer with the word-vector embedder when its file
// exists, else the hashing one), then 40+ questions are asked. Every
// expected figure is computed here, straight from the CSV rows, with this
// file's own arithmetic (returns, highs/lows, drawdowns, Wilder RSI, SMA
// crosses, correlations, rankings, base rates), formatted as the answer
// formats them (answer/draft.h), and must appear in the answer text and
// among its facts. Skips when the shared data is absent. (Over 500 lines:
// the case list and the arithmetic that checks it belong together.)
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "answer/answer_engine.h"
#include "answer/draft.h"
#include "kb_fixture.h"
#include "sources/csv_source.h"

namespace ohlcv {
namespace {

using testing::DayTs;

struct Csv {
  std::vector<int64_t> ts;
  std::vector<double> high, low, close;
};

// ---- the test's own reader and arithmetic ---------------------------------

// The file through the CSV source's parser (the bars an ingest stores; rows
// failing sources/bar_check.h, such as CBS's all-zero 2019-12-04, are
// skipped), and its columns for this file's own arithmetic.
bool ReadCsv(const std::string& path, BarSeries* bars, Csv* csv) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = ParseCsvBuffer(data, path, FetchRequest{});
  if (!parsed.ok() || parsed->series.empty()) return false;
  *bars = std::move(parsed->series.front());
  csv->ts = bars->ts;
  csv->high = bars->high;
  csv->low = bars->low;
  csv->close = bars->close;
  return !bars->empty();
}

struct Span {
  size_t a = 0, b = 0;  // inclusive
  bool ok = false;
};
Span In(const Csv& c, int64_t from, int64_t to) {
  Span s;
  for (size_t i = 0; i < c.ts.size(); ++i) {
    if (c.ts[i] < from || c.ts[i] > to) continue;
    if (!s.ok) s.a = i;
    s.b = i;
    s.ok = true;
  }
  return s;
}
int64_t EndOf(int y, unsigned m, unsigned d) { return DayTs(y, m, d) + 86399; }

double Ret(const Csv& c, Span s) { return (c.close[s.b] / c.close[s.a] - 1) * 100; }

std::vector<double> Rsi(const Csv& c) {
  std::vector<double> r(c.close.size(), NAN);
  double g = 0, l = 0;
  for (size_t t = 1; t < c.close.size(); ++t) {
    const double d = c.close[t] - c.close[t - 1];
    const double up = d > 0 ? d : 0, dn = d < 0 ? -d : 0;
    if (t <= 14) {
      g += up;
      l += dn;
      if (t == 14) {
        g /= 14;
        l /= 14;
        r[t] = g + l == 0 ? 0 : 100 * g / (g + l);
      }
      continue;
    }
    g = (g * 13 + up) / 14;
    l = (l * 13 + dn) / 14;
    r[t] = g + l == 0 ? 0 : 100 * g / (g + l);
  }
  return r;
}

std::vector<double> Sma(const Csv& c, size_t n) {
  std::vector<double> out(c.close.size(), NAN);
  double sum = 0;
  for (size_t i = 0; i < c.close.size(); ++i) {
    sum += c.close[i];
    if (i >= n) sum -= c.close[i - n];
    if (i + 1 >= n) out[i] = sum / static_cast<double>(n);
  }
  return out;
}

double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// ---- the fixture ------------------------------------------------------------

struct EvalCase {
  std::string question;
  std::vector<std::string> in_text;   // must appear in the answer text
  std::vector<std::string> in_facts;  // must be the text of some fact
  bool no_data = false;
  std::optional<QueryType> type = std::nullopt;  // expected inferred type, when it matters
};

class AnswerEvalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::SharedDataDir().empty()) return;
    const auto t0 = std::chrono::steady_clock::now();
    kb_ = new testing::TestKb(20, /*real_embedder=*/true);
    std::map<std::string, std::string> sector_of;
    {
      std::ifstream in(testing::SharedDir() + "/data/sp500_sectors.csv");
      std::string line;
      std::getline(in, line);
      while (std::getline(in, line)) {
        auto comma = line.find(',');
        if (comma == std::string::npos) continue;
        std::string sector = line.substr(comma + 1);
        sector.erase(std::remove(sector.begin(), sector.end(), '"'), sector.end());
        while (!sector.empty() && (sector.back() == '\r' || sector.back() == ' ')) sector.pop_back();
        sector_of[line.substr(0, comma)] = sector;
      }
    }
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(testing::SharedDataDir()))
      if (e.path().extension() == ".csv") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    csv_ = new std::map<std::string, Csv>();
    sectors_ = new std::map<std::string, std::string>(sector_of);
    for (const auto& f : files) {
      BarSeries bars;
      bars.ticker = std::filesystem::path(f).stem().string();
      Csv csv;
      if (!ReadCsv(f, &bars, &csv)) continue;
      kb_->Add(bars, sector_of.count(bars.ticker) ? sector_of[bars.ticker] : "");
      (*csv_)[bars.ticker] = std::move(csv);
    }
    kb_->Finish();
    std::fprintf(stderr, "[eval] ingested %zu tickers in %.1f s (upsert %.1f, analyse %.1f, index %.1f; embedder %s)\n",
                 csv_->size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                 kb_->upsert_seconds(), kb_->analyze_seconds(), kb_->index_seconds(),
                 std::string(kb_->embedder().name()).c_str());
  }
  static void TearDownTestSuite() {
    delete kb_;
    delete csv_;
    delete sectors_;
    kb_ = nullptr;
  }
  void SetUp() override {
    OHLCV_REQUIRE_SHARED_DATA();
    ASSERT_TRUE(kb_ != nullptr);
    AnswerOptions o;
    o.series.analysis = kb_->analysis();
    engine_ = std::make_unique<AnswerEngine>(kb_->bars(), kb_->retriever(), kb_->sectors(), o);
  }

  static const Csv& C(const std::string& t) { return csv_->at(t); }

  // Expected figures, from the CSV rows only.
  static std::string YearReturn(const std::string& t, int y) {
    return FormatPct(Ret(C(t), In(C(t), DayTs(y, 1, 1), EndOf(y, 12, 31))));
  }
  static std::string RangeReturn(const std::string& t, int64_t from, int64_t to) {
    return FormatPct(Ret(C(t), In(C(t), from, to)));
  }
  static std::pair<std::string, std::string> High(const std::string& t, int64_t from, int64_t to, bool high) {
    const Csv& c = C(t);
    Span s = In(c, from, to);
    size_t best = s.a;
    for (size_t i = s.a; i <= s.b; ++i)
      if (high ? c.high[i] > c.high[best] : c.low[i] < c.low[best]) best = i;
    return {FormatPrice(high ? c.high[best] : c.low[best]), FormatDate(c.ts[best])};
  }
  static std::string Drawdown(const std::string& t, int64_t from, int64_t to) {
    const Csv& c = C(t);
    Span s = In(c, from, to);
    double peak = c.close[s.a], worst = 0;
    for (size_t i = s.a; i <= s.b; ++i) {
      peak = std::max(peak, c.close[i]);
      worst = std::min(worst, (c.close[i] / peak - 1) * 100);
    }
    return FormatPct(worst);
  }
  static size_t RsiDays(const std::string& t, int64_t from, int64_t to, bool above, double v) {
    const Csv& c = C(t);
    auto rsi = Rsi(c);
    size_t n = 0;
    for (size_t i = 0; i < c.ts.size(); ++i)
      if (c.ts[i] >= from && c.ts[i] <= to && !std::isnan(rsi[i]) && (above ? rsi[i] > v : rsi[i] < v)) ++n;
    return n;
  }
  static std::string RsiOn(const std::string& t, int64_t day) {
    const Csv& c = C(t);
    auto rsi = Rsi(c);
    size_t i = 0;
    while (i + 1 < c.ts.size() && c.ts[i + 1] <= day) ++i;
    return fmt::format("RSI(14) {}", FormatValue(rsi[i]));
  }
  static size_t GoldenCrosses(const std::string& t, int64_t from, int64_t to, bool golden = true) {
    const Csv& c = C(t);
    auto a = Sma(c, 50), b = Sma(c, 200);
    size_t n = 0;
    for (size_t i = 1; i < c.ts.size(); ++i) {
      if (c.ts[i] < from || c.ts[i] > to) continue;
      const bool cross = golden ? (a[i] > b[i] && a[i - 1] <= b[i - 1]) : (a[i] < b[i] && a[i - 1] >= b[i - 1]);
      n += cross ? 1 : 0;
    }
    return n;
  }
  static std::string Correlation(const std::string& x, const std::string& y, int64_t from, int64_t to) {
    const Csv& a = C(x);
    const Csv& b = C(y);
    std::map<int64_t, double> bm;
    for (size_t i = 0; i < b.ts.size(); ++i) bm[b.ts[i]] = b.close[i];
    std::vector<std::pair<double, double>> common;
    for (size_t i = 0; i < a.ts.size(); ++i)
      if (a.ts[i] >= from && a.ts[i] <= to && bm.count(a.ts[i])) common.emplace_back(a.close[i], bm[a.ts[i]]);
    std::vector<double> rx, ry;
    for (size_t i = 1; i < common.size(); ++i) {
      rx.push_back(std::log(common[i].first / common[i - 1].first));
      ry.push_back(std::log(common[i].second / common[i - 1].second));
    }
    double mx = 0, my = 0;
    for (size_t i = 0; i < rx.size(); ++i) {
      mx += rx[i];
      my += ry[i];
    }
    mx /= rx.size();
    my /= ry.size();
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < rx.size(); ++i) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return FormatValue(sxy / std::sqrt(sxx * syy));
  }
  // Returns over [from, to] of a sector's stored tickers whose bars cover the
  // period within 7 days at both ends (as rankings count them).
  static std::vector<std::pair<std::string, double>> SectorReturns(const std::string& sector, int64_t from, int64_t to) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& [t, s] : *sectors_) {
      if (s != sector || !csv_->count(t)) continue;
      const Csv& c = C(t);
      Span sp = In(c, from, to);
      if (!sp.ok || sp.b == sp.a || c.ts[sp.a] > from + 7 * 86400 || c.ts[sp.b] < to - 7 * 86400) continue;
      out.emplace_back(t, Ret(c, sp));
    }
    return out;
  }
  // Best (or worst) ticker of a sector by return over [from, to].
  static std::pair<std::string, std::string> BestOf(const std::string& sector, int64_t from, int64_t to, bool best = true) {
    std::string who;
    double top = best ? -1e9 : 1e9;
    for (const auto& [t, r] : SectorReturns(sector, from, to)) {
      if (best ? r > top : r < top) {
        top = r;
        who = t;
      }
    }
    return {who, FormatPct(top)};
  }
  // Base rate after RSI(14) crossed below (or above) a level: count, median
  // and positive share of 10-day forward returns.
  static std::vector<std::string> RsiBaseRate(const std::string& t, bool below, double level, size_t h = 10) {
    const Csv& c = C(t);
    auto rsi = Rsi(c);
    std::vector<double> fwd;
    size_t events = 0;
    for (size_t i = 1; i < c.ts.size(); ++i) {
      if (std::isnan(rsi[i]) || std::isnan(rsi[i - 1])) continue;
      const bool cross = below ? (rsi[i] < level && rsi[i - 1] >= level) : (rsi[i] > level && rsi[i - 1] <= level);
      if (!cross) continue;
      ++events;
      if (i + h < c.ts.size()) fwd.push_back((c.close[i + h] / c.close[i] - 1) * 100);
    }
    size_t pos = 0;
    for (double v : fwd) pos += v > 0;
    return {fmt::format("({} times", events), "median " + FormatPct(MedianOf(fwd)),
            "positive " + FormatShare(static_cast<double>(pos) / fwd.size())};
  }

  // Equal-weighted average return of the sector's tickers covering [from, to].
  static std::string SectorAverage(const std::string& sector, int64_t from, int64_t to) {
    const auto returns = SectorReturns(sector, from, to);
    double sum = 0;
    for (const auto& [t, r] : returns) sum += r;
    return FormatPct(sum / static_cast<double>(returns.size()));
  }
  // SMA50/SMA200 crosses (golden or death) of every stored ticker of a
  // sector dated inside [from, to], pooled: "(n times in m of them", the
  // median and the positive share of the 10-day forward returns.
  static std::vector<std::string> PooledCrossRate(const std::string& sector, bool golden, int64_t from, int64_t to,
                                                  size_t h = 10) {
    std::vector<double> fwd;
    size_t events = 0, tickers = 0;
    for (const auto& [t, s] : *sectors_) {
      if (s != sector || !csv_->count(t)) continue;
      const Csv& c = C(t);
      auto a = Sma(c, 50), b = Sma(c, 200);
      size_t mine = 0;
      for (size_t i = 1; i < c.ts.size(); ++i) {
        if (c.ts[i] < from || c.ts[i] > to) continue;
        const bool cross = golden ? (a[i] > b[i] && a[i - 1] <= b[i - 1]) : (a[i] < b[i] && a[i - 1] >= b[i - 1]);
        if (!cross) continue;
        ++mine;
        if (i + h < c.ts.size()) fwd.push_back((c.close[i + h] / c.close[i] - 1) * 100);
      }
      events += mine;
      tickers += mine > 0;
    }
    size_t pos = 0;
    for (double v : fwd) pos += v > 0;
    return {fmt::format("({} times in {} of them", events, tickers), "median " + FormatPct(MedianOf(fwd)),
            "positive " + FormatShare(static_cast<double>(pos) / fwd.size())};
  }
  static size_t SectorSize(const std::string& sector) {
    size_t n = 0;
    for (const auto& [t, s] : *sectors_) n += s == sector && csv_->count(t);
    return n;
  }
  // The newest bar of the whole dataset: relative periods resolve against it.
  static int64_t Latest() {
    int64_t latest = 0;
    for (const auto& [t, c] : *csv_) latest = std::max(latest, c.ts.back());
    return latest;
  }

  std::vector<EvalCase> Cases();

  static testing::TestKb* kb_;
  static std::map<std::string, Csv>* csv_;
  static std::map<std::string, std::string>* sectors_;
  std::unique_ptr<AnswerEngine> engine_;
};
testing::TestKb* AnswerEvalTest::kb_ = nullptr;
std::map<std::string, Csv>* AnswerEvalTest::csv_ = nullptr;
std::map<std::string, std::string>* AnswerEvalTest::sectors_ = nullptr;

std::vector<EvalCase> AnswerEvalTest::Cases() {
  std::vector<EvalCase> v;
  auto fig = [](std::string s) { return std::vector<std::string>{s}; };
  // Single-ticker returns over a year.
  for (auto [t, y] : std::vector<std::pair<std::string, int>>{
           {"AAPL", 2019}, {"MSFT", 2018}, {"AMZN", 2017}, {"JPM", 2016}, {"XOM", 2018}, {"NVDA", 2018}, {"NFLX", 2017}, {"GE", 2018}}) {
    const std::string r = YearReturn(t, y);
    v.push_back({fmt::format("How did {} perform in {}?", t, y), fig(r), fig(r)});
  }
  // Highs and lows with their dates.
  {
    auto [p, d] = High("AAPL", DayTs(2018, 1, 1), EndOf(2018, 12, 31), true);
    v.push_back({"What was the highest price of AAPL in 2018?", {p + " on " + d}, {p, d}});
    auto [p2, d2] = High("NFLX", DayTs(2018, 1, 1), EndOf(2018, 12, 31), false);
    v.push_back({"What was Netflix's NFLX lowest price in 2018?", {p2 + " on " + d2}, {p2, d2}});
    auto [p3, d3] = High("BA", DayTs(2019, 1, 1), EndOf(2019, 12, 31), true);
    v.push_back({"BA high and low in 2019", {p3 + " on " + d3}, {p3, d3}});
    auto [p4, d4] = High("GOOGL", DayTs(2016, 1, 1), EndOf(2016, 12, 31), false);
    v.push_back({"lowest price of GOOGL during 2016", {p4 + " on " + d4}, {p4, d4}});
  }
  // Drawdowns.
  for (auto [t, y] : std::vector<std::pair<std::string, int>>{{"NFLX", 2018}, {"FB", 2018}, {"AAPL", 2016}}) {
    const std::string d = Drawdown(t, DayTs(y, 1, 1), EndOf(y, 12, 31));
    v.push_back({fmt::format("What was the maximum drawdown of {} in {}?", t, y), {"maximum drawdown was " + d}, fig(d)});
  }
  // Patterns: golden / death crosses counted independently from SMA50/SMA200.
  {
    const size_t g = GoldenCrosses("AAPL", 0, EndOf(2020, 12, 31));
    v.push_back({"When did AAPL have a golden cross?", {fmt::format("AAPL had {} golden cross event", g)}, {}, false, QueryType::kPattern});
    const size_t g2 = GoldenCrosses("MSFT", DayTs(2016, 1, 1), EndOf(2019, 12, 31));
    v.push_back({"golden crosses of MSFT between 2016 and 2019", {fmt::format("MSFT had {} golden cross event", g2)}, {}});
    const size_t d3 = GoldenCrosses("GE", 0, EndOf(2020, 12, 31), false);
    v.push_back({"Show death cross events for GE", {fmt::format("GE had {} death cross event", d3)}, {}});
  }
  // Indicator thresholds (days with RSI above/below a level, Wilder RSI here).
  {
    const size_t n1 = RsiDays("AAPL", DayTs(2019, 1, 1), EndOf(2019, 12, 31), true, 70);
    v.push_back({"How many days was AAPL's RSI above 70 in 2019?", {fmt::format("was above 70.00 on {} of", n1)}, {std::to_string(n1)}});
    const size_t n2 = RsiDays("XOM", DayTs(2018, 1, 1), EndOf(2018, 12, 31), false, 30);
    v.push_back({"When was XOM RSI below 30 in 2018?", {fmt::format("was below 30.00 on {} of", n2)}, {std::to_string(n2)}});
    const size_t n3 = RsiDays("NVDA", DayTs(2017, 1, 1), EndOf(2017, 12, 31), true, 80);
    v.push_back({"NVDA RSI over 80 during 2017", {fmt::format("was above 80.00 on {} of", n3)}, {std::to_string(n3)}});
  }
  // Indicator value on a date.
  {
    v.push_back({"What was AAPL's RSI on 2019-03-01?", {RsiOn("AAPL", DayTs(2019, 3, 1))}, {}});
    v.push_back({"MSFT RSI on 2018-10-10", {RsiOn("MSFT", DayTs(2018, 10, 10))}, {}});
    v.push_back({"What is the technical state of JPM?", {RsiOn("JPM", DayTs(2030, 1, 1))}, {}});
  }
  // Sector rankings.
  for (auto [phrase, sector, y] : std::vector<std::tuple<std::string, std::string, int>>{
           {"energy stocks", "Energy", 2019}, {"tech stocks", "Information Technology", 2018},
           {"utilities", "Utilities", 2017}, {"banks", "Financials", 2016}}) {
    auto [who, r] = BestOf(sector, DayTs(y, 1, 1), EndOf(y, 12, 31));
    v.push_back({fmt::format("Which {} performed best in {}?", phrase, y), {who + " " + r}, fig(r)});
  }
  {
    auto [who, r] = BestOf("Health Care", DayTs(2018, 1, 1), EndOf(2018, 12, 31), false);
    v.push_back({"Worst health care stocks in 2018", {who + " " + r}, fig(r)});
  }
  // Comparisons.
  for (auto [a, b, y] : std::vector<std::tuple<std::string, std::string, int>>{
           {"AAPL", "MSFT", 2019}, {"XOM", "CVX", 2018}, {"JPM", "BAC", 2017}, {"AMZN", "WMT", 2016}}) {
    const std::string ra = YearReturn(a, y), rb = YearReturn(b, y);
    const std::string corr = Correlation(a, b, DayTs(y, 1, 1), EndOf(y, 12, 31));
    v.push_back({fmt::format("Compare {} and {} in {}", a, b, y), {ra, rb, "was " + corr}, {ra, rb, corr}, false,
                 QueryType::kComparison});
  }
  // Base rates.
  {
    v.push_back({"What happened after AAPL's RSI fell below 30?", RsiBaseRate("AAPL", true, 30), {}, false, QueryType::kPrediction});
    v.push_back({"What usually happens to MSFT after RSI goes above 70?", RsiBaseRate("MSFT", false, 70), {}, false, QueryType::kPrediction});
    auto b3 = RsiBaseRate("XOM", true, 30);
    b3.push_back("not a prediction");
    v.push_back({"Will XOM go up after RSI drops below 30?", b3, {}, false, QueryType::kPrediction});
  }
  // Date ranges, including relative periods (resolved against the newest
  // bar) and the compact forms: the return over each, from the CSV.
  {
    const int64_t latest = Latest();
    const CivilDate now = CivilFromTs(latest);
    const int months = now.year * 12 + static_cast<int>(now.month) - 1 - 6;  // six calendar months back
    const int64_t six_back = DayTs(months / 12, static_cast<unsigned>(months % 12 + 1), now.day);
    const struct {
      const char* question;
      const char* ticker;
      int64_t from, to;
    } ranges[] = {
        {"How did MSFT do from March 2018 to June 2019?", "MSFT", DayTs(2018, 3, 1), EndOf(2019, 6, 30)},
        {"AAPL return in Q3 2018", "AAPL", DayTs(2018, 7, 1), EndOf(2018, 9, 30)},
        {"How did AMZN perform in H1 2019?", "AMZN", DayTs(2019, 1, 1), EndOf(2019, 6, 30)},
        {"JPM performance from 2016 to 2017", "JPM", DayTs(2016, 1, 1), EndOf(2017, 12, 31)},
        {"What did XOM do in March 2019?", "XOM", DayTs(2019, 3, 1), EndOf(2019, 3, 31)},
        // Held-out phrasings (issue 4, session 2).
        {"How did AAPL do between 2016 and 2017?", "AAPL", DayTs(2016, 1, 1), EndOf(2017, 12, 31)},
        {"MSFT return from March 2018 to June 2018", "MSFT", DayTs(2018, 3, 1), EndOf(2018, 6, 30)},
        {"How did NVDA perform in H1 2019?", "NVDA", DayTs(2019, 1, 1), EndOf(2019, 6, 30)},
        {"How has XOM done since 2019?", "XOM", DayTs(2019, 1, 1), latest + 86399},
        {"How did AAPL do over the last 6 months?", "AAPL", six_back, latest + 86399},
        {"What is JPM's YTD return?", "JPM", DayTs(now.year, 1, 1), latest + 86399},
        {"KO between Jan and Jun 2018", "KO", DayTs(2018, 1, 1), EndOf(2018, 6, 30)},
        {"GE performance 2017-2018", "GE", DayTs(2017, 1, 1), EndOf(2018, 12, 31)},
    };
    for (const auto& r : ranges) {
      const std::string ret = RangeReturn(r.ticker, r.from, r.to);
      v.push_back({r.question, fig(ret), fig(ret)});
    }
  }
  // Held-out kinds (issue 4, session 2): sector comparisons, worst-first
  // rankings, pooled base rates, misspelt symbols.
  {
    const std::string it = SectorAverage("Information Technology", DayTs(2018, 1, 1), EndOf(2018, 12, 31));
    const std::string en = SectorAverage("Energy", DayTs(2018, 1, 1), EndOf(2018, 12, 31));
    v.push_back({"Compare tech vs energy in 2018", {"average return " + it, "average return " + en}, {it, en}, false,
                 QueryType::kComparison});
    const std::string ut = SectorAverage("Utilities", DayTs(2017, 1, 1), EndOf(2017, 12, 31));
    const std::string fi = SectorAverage("Financials", DayTs(2017, 1, 1), EndOf(2017, 12, 31));
    v.push_back({"Which sector did better in 2017, utilities or financials?", {"average return " + ut, "average return " + fi},
                 {ut, fi}, false, QueryType::kComparison});
    auto [who, r] = BestOf("Health Care", DayTs(2018, 1, 1), EndOf(2018, 12, 31), false);
    v.push_back({"Which health care stocks fell the most in 2018?", {"the worst were " + who + " " + r}, fig(r)});
  }
  {
    auto pooled = PooledCrossRate("Energy", true, 0, EndOf(2030, 12, 31));
    pooled.push_back(fmt::format("the {} Energy stocks", SectorSize("Energy")));
    pooled.push_back("not a prediction");
    v.push_back({"What usually happens after a golden cross in energy stocks?", pooled, {}, false, QueryType::kPrediction});
    // MSFT has too few death crosses alone: its sector is pooled over MSFT's dates.
    const Csv& msft = C("MSFT");
    auto peers = PooledCrossRate("Information Technology", false, msft.ts.front(), msft.ts.back() + 86399);
    peers.push_back("MSFT alone has too few events");
    v.push_back({"Will MSFT go up after a death cross?", peers, {}, false, QueryType::kPrediction});
  }
  v.push_back({"How did MSTF do in 2019?", {"no data for MSTF", "Did you mean MSFT"}, {}, true});
  // Not in the store: unknown tickers, dates outside the stored range.
  v.push_back({"How did ZZZZ perform in 2019?", {"no data for ZZZZ", "--tickers ZZZZ"}, {}, true});
  v.push_back({"What was TSLA's return in 2018?", {"no data for TSLA", "ohlcv-rag ingest --source yahoo --tickers TSLA --period 5y"}, {}, true});
  v.push_back({"How did AAPL do in 2012?", {"No data for AAPL", "2015-"}, {}, true});
  v.push_back({"MSFT performance in 2022", {"No data for MSFT"}, {}, true});
  v.push_back({"Compare QQQQ and XXYZ in 2018", {"no data for"}, {}, true});
  v.push_back({"Which energy stocks performed best in 2023?", {"No data"}, {}, true});
  return v;
}

TEST_F(AnswerEvalTest, QuestionsWithIndependentlyComputedFigures) {
  const auto cases = Cases();
  ASSERT_GE(cases.size(), 40u);
  const bool verbose = std::getenv("OHLCV_EVAL_VERBOSE") != nullptr;
  size_t passed = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.question);
    AskRequest r;
    r.question = c.question;
    auto a = engine_->Ask(r);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    bool ok = a->no_data == c.no_data;
    EXPECT_EQ(a->no_data, c.no_data) << a->text;
    for (const auto& s : c.in_text) {
      const bool found = a->text.find(s) != std::string::npos;
      ok = ok && found;
      EXPECT_TRUE(found) << "missing '" << s << "' in: " << a->text;
    }
    for (const auto& s : c.in_facts) {
      const bool found = std::any_of(a->facts.begin(), a->facts.end(), [&](const Fact& f) { return f.text == s; });
      ok = ok && found;
      EXPECT_TRUE(found) << "no fact '" << s << "'";
    }
    if (c.type) {
      EXPECT_EQ(a->type, *c.type);
    }
    if (!c.no_data) {
      EXPECT_FALSE(a->facts.empty());
      EXPECT_GT(a->confidence, 0.0);
      for (const auto& f : a->facts) EXPECT_LT(f.computation, a->computations.size());
    } else {
      EXPECT_EQ(a->confidence, 0.0);
    }
    passed += ok;
    if (verbose) std::fprintf(stderr, "Q: %s\nA: %s\n\n", c.question.c_str(), a->text.c_str());
  }
  std::fprintf(stderr, "[eval] %zu/%zu questions passed\n", passed, cases.size());
}

TEST_F(AnswerEvalTest, SourcesAreTheTickerAsked) {
  AskRequest r;
  r.question = "Did AAPL break out in 2019?";
  auto a = engine_->Ask(r);
  ASSERT_TRUE(a.ok());
  ASSERT_FALSE(a->sources.empty());
  for (const auto& s : a->sources) EXPECT_EQ(s.ticker, "AAPL");
}

}  // namespace
}  // namespace ohlcv
