// Question evaluation of the plan path: 200+ questions over every kind
// (field at date, aggregates with dates, indicators at a date, crosses and
// first/last times, yes/no, company names, sector slang, rankings,
// comparisons, notes for non-trading dates / outside the data / warm-up),
// several phrasings each (formal, casual, company names, typos in filler
// words). Each question is parsed (PlanParser), executed (ExecutePlan) and
// phrased (ComposePlanAnswer); the subject, measure and operation of the
// plan, the figure, its date and its text in the answer are checked against
// figures computed here from the CSV columns with this file's own
// arithmetic (plan_fixture.h). Skips when the shared data is absent.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>

#include "plan/plan_answer.h"
#include "plan_fixture.h"
#include "util/time.h"

namespace ohlcv::plan_test {
namespace {

int64_t Day(const std::string& iso) { return *ParseTimestamp(iso); }

struct Case {
  std::string kind;      // for the per-kind tally
  std::string question;
  std::vector<std::string> tickers;  // expected rows, in order
  Operation op;
  std::optional<MeasureKind> measure;
  std::optional<double> value;  // first row
  std::optional<int64_t> ts;    // first row
  std::optional<bool> yes;
  std::optional<std::vector<int64_t>> events;
  std::string note;             // substring expected in the notes
  std::vector<std::string> in_text;
};

class PlanEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = SharedSource();
    if (!src_) GTEST_SKIP() << "../shared/data/sp500_2015_2020 not found (set OHLCV_SHARED_DIR)";
    static PlanParser* parser = new PlanParser(ContextFor(*src_));
    parser_ = parser;
  }
  const BarSeries& B(const std::string& t) const { return src_->bars.at(t).at(Interval::k1d); }
  size_t Idx(const std::string& t, const std::string& iso) const {
    const auto& b = B(t);
    const int64_t d = Day(iso);
    for (size_t i = 0; i < b.size(); ++i) {
      if (b.ts[i] == d) return i;
    }
    ADD_FAILURE() << "no bar " << t << " " << iso;
    return 0;
  }
  // [a, b) indices of bars within [from, to] (dates inclusive).
  std::pair<size_t, size_t> Range(const std::string& t, const std::string& from, const std::string& to) const {
    const auto& b = B(t);
    size_t a = b.size(), e = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      if (b.ts[i] >= Day(from) && b.ts[i] <= Day(to)) {
        a = std::min(a, i);
        e = i + 1;
      }
    }
    return {a, e};
  }

  MapSource* src_ = nullptr;
  const PlanParser* parser_ = nullptr;
};

std::string Money(double v) { return fmt::format("${:.2f}", v); }

TEST_F(PlanEvalTest, TwoHundredQuestionsOfEveryKind) {
  std::vector<Case> cases;
  struct Name {
    std::string ticker, said;
  };
  const std::vector<Name> names = {{"BA", "Boeing"},   {"INTC", "Intel"}, {"XOM", "Exxon"},    {"DIS", "Disney"},
                                   {"GOOGL", "Google"}, {"FB", "Facebook"}, {"AAPL", "AAPL"},  {"MSFT", "Microsoft"},
                                   {"PEP", "PEP"},     {"JPM", "JPMorgan"}, {"BAC", "Bank of America"}};
  const std::vector<std::pair<std::string, std::string>> dates = {
      {"2017-03-08", "March 8, 2017"}, {"2016-05-02", "May 2, 2016"}, {"2019-10-01", "October 1, 2019"}};

  // ---- field at a date ------------------------------------------------------
  for (const auto& n : names) {
    for (size_t d = 0; d < dates.size(); ++d) {
      const auto& [iso, longd] = dates[d];
      const size_t i = Idx(n.ticker, iso);
      const auto& b = B(n.ticker);
      const std::string when = d % 2 ? longd : iso;
      cases.push_back({"field", fmt::format("What did {} open at on {}?", n.said, when), {n.ticker}, Operation::kValue,
                       MeasureKind::kOpen, b.open[i], b.ts[i], {}, {}, "", {Money(b.open[i]), iso}});
      cases.push_back({"field", fmt::format("How many {} shares changed hands on {}?", n.said, when), {n.ticker},
                       Operation::kValue, MeasureKind::kVolume, b.volume[i], b.ts[i], {}, {}, "", {iso}});
      cases.push_back({"field", fmt::format("wat was {}'s closing price on {}", n.said, when), {n.ticker},
                       Operation::kValue, MeasureKind::kClose, b.close[i], b.ts[i], {}, {}, "", {Money(b.close[i])}});
      if (d == 0) {
        cases.push_back({"field", fmt::format("{} intraday high on {}", n.ticker, iso), {n.ticker}, Operation::kValue,
                         MeasureKind::kHigh, b.high[i], b.ts[i], {}, {}, "", {Money(b.high[i])}});
        cases.push_back({"field", fmt::format("What was the low of {} on {}?", n.said, longd), {n.ticker},
                         Operation::kValue, MeasureKind::kLow, b.low[i], b.ts[i], {}, {}, "", {Money(b.low[i])}});
        cases.push_back({"field", fmt::format("{} trading volume {}", n.said, iso), {n.ticker}, Operation::kValue,
                         MeasureKind::kVolume, b.volume[i], b.ts[i], {}, {}, "", {}});
      }
    }
  }

  // ---- aggregates with dates -------------------------------------------------
  struct Month {
    std::string said, from, to;
  };
  const std::vector<Month> months = {{"March 2018", "2018-03-01", "2018-03-31"},
                                     {"June 2016", "2016-06-01", "2016-06-30"}};
  for (const auto& n : names) {
    const auto& b = B(n.ticker);
    for (const auto& m : months) {
      auto [a, e] = Range(n.ticker, m.from, m.to);
      double sum = 0;
      size_t up = 0, down = 0;
      for (size_t i = a; i < e; ++i) {
        sum += b.volume[i];
        up += b.close[i] > b.close[i - 1];
        down += b.close[i] < b.close[i - 1];
      }
      cases.push_back({"aggregate", fmt::format("average daily volume of {} in {}", n.said, m.said), {n.ticker},
                       Operation::kMean, MeasureKind::kVolume, sum / (e - a), {}, {}, {}, "", {}});
      cases.push_back({"typo", fmt::format("waht was the avrage volumne of {} in {}", n.said, m.said), {n.ticker},
                       Operation::kMean, MeasureKind::kVolume, sum / (e - a), {}, {}, {}, "", {}});
      cases.push_back({"aggregate", fmt::format("How many up days did {} have in {}?", n.said, m.said), {n.ticker},
                       Operation::kCount, {}, static_cast<double>(up), {}, {}, {}, "", {}});
      cases.push_back({"aggregate", fmt::format("number of down days for {} in {}", n.ticker, m.said), {n.ticker},
                       Operation::kCount, {}, static_cast<double>(down), {}, {}, {}, "", {}});
    }
    for (int y : {2016, 2018}) {
      auto [a, e] = Range(n.ticker, fmt::format("{}-01-01", y), fmt::format("{}-12-31", y));
      size_t lo = a, hi = a, drop = a, rise = a;
      for (size_t i = a; i < e; ++i) {
        if (b.close[i] < b.close[lo]) lo = i;
        if (b.close[i] > b.close[hi]) hi = i;
        if (b.close[i] / b.close[i - 1] < b.close[drop] / b.close[drop - 1]) drop = i;
        if (b.close[i] / b.close[i - 1] > b.close[rise] / b.close[rise - 1]) rise = i;
      }
      cases.push_back({"aggregate", fmt::format("What was the lowest close of {} in {}?", n.said, y), {n.ticker},
                       Operation::kMin, MeasureKind::kClose, b.close[lo], b.ts[lo], {}, {}, "",
                       {Money(b.close[lo]), FormatDate(b.ts[lo])}});
      cases.push_back({"aggregate", fmt::format("{} highest closing price {}", n.ticker, y), {n.ticker}, Operation::kMax,
                       MeasureKind::kClose, b.close[hi], b.ts[hi], {}, {}, "", {FormatDate(b.ts[hi])}});
      cases.push_back({"typo", fmt::format("{} higest closng pirce {}", n.said, y), {n.ticker}, Operation::kMax,
                       MeasureKind::kClose, b.close[hi], b.ts[hi], {}, {}, "", {}});
      cases.push_back({"aggregate", fmt::format("biggest one-day drop of {} in {}", n.said, y), {n.ticker},
                       Operation::kBiggestDrop, {}, (b.close[drop] / b.close[drop - 1] - 1) * 100, b.ts[drop - 1], {},
                       {}, "", {FormatDate(b.ts[drop])}});
      cases.push_back({"aggregate", fmt::format("What was {}'s largest daily gain in {}?", n.said, y), {n.ticker},
                       Operation::kBiggestRise, {}, (b.close[rise] / b.close[rise - 1] - 1) * 100, b.ts[rise - 1], {},
                       {}, "", {FormatDate(b.ts[rise])}});
    }
    size_t ath = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      if (b.high[i] > b.high[ath]) ath = i;
    }
    cases.push_back({"aggregate", fmt::format("What is the all-time high of {}?", n.said), {n.ticker}, Operation::kMax,
                     MeasureKind::kHigh, b.high[ath], b.ts[ath], {}, {}, "", {Money(b.high[ath])}});
  }

  // ---- indicators at a date ---------------------------------------------------
  for (const auto& n : names) {
    const auto& b = B(n.ticker);
    const size_t i = Idx(n.ticker, "2017-06-09");
    const auto rsi = RefRsi(b.close, 14);
    const auto rsi7 = RefRsi(b.close, 7);
    const auto sma200 = RefSma(b.close, 200);
    const auto sma50 = RefSma(b.close, 50);
    const auto ema50 = RefEma(b.close, 50);
    const auto upper = RefBbUpper(b.close);
    cases.push_back({"indicator", fmt::format("RSI(14) of {} on 2017-06-09", n.ticker), {n.ticker}, Operation::kValue,
                     MeasureKind::kRsi, rsi[i], b.ts[i], {}, {}, "", {fmt::format("{:.2f}", rsi[i])}});
    cases.push_back({"indicator", fmt::format("What was {}'s 14-day RSI on June 9, 2017?", n.said), {n.ticker},
                     Operation::kValue, MeasureKind::kRsi, rsi[i], b.ts[i], {}, {}, "", {}});
    cases.push_back({"indicator", fmt::format("{} RSI 7 on 2017-06-09", n.ticker), {n.ticker}, Operation::kValue,
                     MeasureKind::kRsi, rsi7[i], b.ts[i], {}, {}, "", {}});
    cases.push_back({"indicator", fmt::format("SMA 200 of {} on 2017-06-09", n.said), {n.ticker}, Operation::kValue,
                     MeasureKind::kSma, sma200[i], b.ts[i], {}, {}, "", {Money(sma200[i])}});
    cases.push_back({"indicator", fmt::format("{} 50-day moving average on 2017-06-09", n.ticker), {n.ticker},
                     Operation::kValue, MeasureKind::kSma, sma50[i], b.ts[i], {}, {}, "", {}});
    cases.push_back({"indicator", fmt::format("What was the upper Bollinger band of {} on 2017-06-09?", n.said),
                     {n.ticker}, Operation::kValue, MeasureKind::kBbUpper, upper[i], b.ts[i], {}, {}, "", {}});
    cases.push_back({"indicator", fmt::format("EMA 50 of {} on 2017-06-09", n.ticker), {n.ticker}, Operation::kValue,
                     MeasureKind::kEma, ema50[i], b.ts[i], {}, {}, "", {}});
    cases.push_back({"indicator", fmt::format("What was the MACD of {} on 2017-06-09?", n.ticker), {n.ticker},
                     Operation::kValue, MeasureKind::kMacd, {}, b.ts[i], {}, {}, "", {}});
  }

  // ---- crosses, first/last times ----------------------------------------------
  for (const auto& n : names) {
    const auto& b = B(n.ticker);
    const auto s50 = RefSma(b.close, 50), s200 = RefSma(b.close, 200);
    for (int y : {2016, 2018}) {
      std::vector<int64_t> below, above;
      for (size_t i = 1; i < b.size(); ++i) {
        if (CivilFromTs(b.ts[i]).year != y || std::isnan(s200[i - 1])) continue;
        if (s50[i] < s200[i] && s50[i - 1] >= s200[i - 1]) below.push_back(b.ts[i]);
        if (s50[i] > s200[i] && s50[i - 1] <= s200[i - 1]) above.push_back(b.ts[i]);
      }
      cases.push_back({"cross", fmt::format("When did the 50-day cross below the 200-day for {} in {}?", n.said, y),
                       {n.ticker}, Operation::kEvents, {}, {}, {}, {}, below, "", {}});
      cases.push_back({"cross", fmt::format("golden crosses of {} in {}", n.ticker, y), {n.ticker}, Operation::kEvents,
                       {}, {}, {}, {}, above, "", {}});
    }
    // a level the stock crossed: the median close of the data, rounded
    std::vector<double> sorted = b.close;
    std::sort(sorted.begin(), sorted.end());
    const double level = std::round(sorted[sorted.size() / 2]);
    size_t first = b.size(), last = b.size();
    for (size_t i = 0; i < b.size(); ++i) {
      if (b.close[i] > level && first == b.size()) first = i;
      if (b.close[i] < level) last = i;
    }
    cases.push_back({"first", fmt::format("When did {} first close above ${:.0f}?", n.said, level), {n.ticker},
                     Operation::kFirst, {}, b.close[first], b.ts[first], {}, {}, "", {FormatDate(b.ts[first])}});
    cases.push_back({"first", fmt::format("When was the last time {} closed below {:.0f}?", n.ticker, level), {n.ticker},
                     Operation::kLast, {}, b.close[last], b.ts[last], {}, {}, "", {FormatDate(b.ts[last])}});
    size_t days = 0;
    for (size_t i = 0; i < b.size(); ++i) days += CivilFromTs(b.ts[i]).year == 2017 && b.close[i] > level;
    cases.push_back({"count", fmt::format("How many days did {} close above ${:.0f} in 2017?", n.said, level),
                     {n.ticker}, Operation::kCount, {}, static_cast<double>(days), {}, {}, {}, "", {}});
    const auto rsi = RefRsi(b.close, 14);
    size_t hot = 0;
    for (size_t i = 0; i < b.size(); ++i) hot += CivilFromTs(b.ts[i]).year == 2018 && rsi[i] > 70;
    cases.push_back({"count", fmt::format("how many times was {}'s RSI above 70 in 2018", n.ticker), {n.ticker},
                     Operation::kCount, {}, static_cast<double>(hot), {}, {}, {}, "", {}});
  }

  // ---- yes/no -------------------------------------------------------------------
  for (const auto& n : names) {
    const auto& b = B(n.ticker);
    const auto s200 = RefSma(b.close, 200);
    const auto rsi = RefRsi(b.close, 14);
    for (const auto& iso : {"2018-12-24", "2019-06-03"}) {
      const size_t i = Idx(n.ticker, iso);
      cases.push_back({"yes_no", fmt::format("Was {} above its 200-day average on {}?", n.said, iso), {n.ticker},
                       Operation::kCheck, {}, {}, b.ts[i], b.close[i] > s200[i], {}, "",
                       {b.close[i] > s200[i] ? "Yes" : "No"}});
      const double lvl = std::round(b.close[i - 1]);
      cases.push_back({"yes_no", fmt::format("Did {} close above ${:.0f} on {}?", n.ticker, lvl, iso), {n.ticker},
                       Operation::kCheck, {}, {}, b.ts[i], b.close[i] > lvl, {}, "", {}});
      cases.push_back({"yes_no", fmt::format("Was {}'s RSI below 30 on {}?", n.said, iso), {n.ticker},
                       Operation::kCheck, {}, {}, b.ts[i], rsi[i] < 30, {}, "", {}});
    }
  }

  // ---- rankings with sector slang ------------------------------------------------
  auto ranked = [&](std::vector<std::string> subs, bool sector, int y, bool top, size_t k) {
    std::vector<std::pair<double, std::string>> r;
    for (const auto& [t, m] : src_->bars) {
      const auto& map = sector ? src_->sectors : src_->industries;
      auto it = map.find(t);
      if (it == map.end() || std::find(subs.begin(), subs.end(), it->second) == subs.end()) continue;
      auto [a, e] = Range(t, fmt::format("{}-01-01", y), fmt::format("{}-12-31", y));
      const auto& b = B(t);
      if (a >= e || b.ts[a] > Day(fmt::format("{}-01-08", y)) || b.ts[e - 1] < Day(fmt::format("{}-12-24", y))) continue;
      r.push_back({(b.close[e - 1] / b.close[a] - 1) * 100, t});
    }
    std::sort(r.begin(), r.end());
    if (top) std::reverse(r.begin(), r.end());
    std::vector<std::string> out;
    for (size_t i = 0; i < r.size() && i < k; ++i) out.push_back(r[i].second);
    return std::make_pair(out, r.empty() ? 0.0 : r[0].first);
  };
  struct Rank {
    std::string q;
    std::vector<std::string> subs;
    bool sector;
    int y;
    bool top;
    size_t k;
  };
  const std::vector<Rank> ranks = {
      {"Top 5 banks by return in 2017", {"Diversified Banks", "Regional Banks"}, false, 2017, true, 5},
      {"Which chipmakers performed best in 2016?", {"Semiconductors"}, false, 2016, true, 1},
      {"worst 3 airlines in 2018", {"Passenger Airlines"}, false, 2018, false, 3},
      {"Which tech stocks had the highest return in 2019?", {"Information Technology"}, true, 2019, true, 1},
      {"best 10 energy stocks in 2016", {"Energy"}, true, 2016, true, 10},
      {"Which bank stocks fell the most in 2018?", {"Diversified Banks", "Regional Banks"}, false, 2018, false, 1},
      {"top 3 semis 2017", {"Semiconductors"}, false, 2017, true, 3},
      {"bottom 5 utilities in 2015", {"Electric Utilities", "Multi-Utilities", "Water Utilities", "Gas Utilities",
                                      "Independent Power Producers & Energy Traders"}, false, 2015, false, 5},
      {"Top 3 pharma stocks by return in 2019", {"Pharmaceuticals"}, false, 2019, true, 3},
      {"which regional banks did worst in 2016", {"Regional Banks"}, false, 2016, false, 1},
  };
  for (const auto& r : ranks) {
    auto [tickers, best] = ranked(r.subs, r.sector, r.y, r.top, r.k);
    cases.push_back({"ranking", r.q, tickers, Operation::kPeriodReturn, {}, best, {}, {}, {}, "", {}});
  }
  {
    // Every stored ticker over a year.
    std::vector<std::pair<double, std::string>> all;
    for (const auto& [t, m] : src_->bars) {
      auto [a, e] = Range(t, "2017-01-01", "2017-12-31");
      const auto& b = B(t);
      if (a >= e || b.ts[a] > Day("2017-01-08") || b.ts[e - 1] < Day("2017-12-24")) continue;
      all.push_back({(b.close[e - 1] / b.close[a] - 1) * 100, t});
    }
    std::sort(all.rbegin(), all.rend());
    cases.push_back({"ranking", "Which stocks had the best return in 2017? top 5", {all[0].second, all[1].second,
                     all[2].second, all[3].second, all[4].second}, Operation::kPeriodReturn, {}, all[0].first, {}, {},
                     {}, "", {}});
  }

  // ---- comparisons and other operations ------------------------------------------
  {
    auto mean_vol = [&](const std::string& t, int y) {
      auto [a, e] = Range(t, fmt::format("{}-01-01", y), fmt::format("{}-12-31", y));
      double s = 0;
      for (size_t i = a; i < e; ++i) s += B(t).volume[i];
      return s / (e - a);
    };
    cases.push_back({"comparison", "Compare the average volume of AAPL and MSFT in 2018", {"AAPL", "MSFT"},
                     Operation::kMean, MeasureKind::kVolume, mean_vol("AAPL", 2018), {}, {}, {}, "", {}});
    cases.push_back({"comparison", "average volume Intel vs Microsoft 2016", {"INTC", "MSFT"}, Operation::kMean,
                     MeasureKind::kVolume, mean_vol("INTC", 2016), {}, {}, {}, "", {}});
    for (const auto& t : {"AAPL", "XOM", "JPM"}) {
      auto [a, e] = Range(t, "2018-01-01", "2018-12-31");
      const auto& b = B(t);
      std::vector<double> lr;
      double peak = b.close[a], worst = 0;
      for (size_t i = a; i < e; ++i) {
        if (i > 0) lr.push_back(std::log(b.close[i] / b.close[i - 1]));
        peak = std::max(peak, b.close[i]);
        worst = std::min(worst, (b.close[i] / peak - 1) * 100);
      }
      double m = 0, v = 0;
      for (double x : lr) m += x;
      m /= lr.size();
      for (double x : lr) v += (x - m) * (x - m);
      const double vol = std::sqrt(v / (lr.size() - 1)) * std::sqrt(252.0) * 100;
      cases.push_back({"return", fmt::format("What was the return of {} in 2018?", t), {t}, Operation::kPeriodReturn,
                       {}, (b.close[e - 1] / b.close[a] - 1) * 100, {}, {}, {}, "", {}});
      cases.push_back({"return", fmt::format("{} volatility in 2018", t), {t}, Operation::kVolatility, {}, vol, {}, {},
                       {}, "", {}});
      cases.push_back({"return", fmt::format("max drawdown of {} during 2018", t), {t}, Operation::kMaxDrawdown, {},
                       worst, {}, {}, {}, "", {}});
    }
    cases.push_back({"return", "correlation between AAPL and MSFT in 2018", {"AAPL/MSFT"}, Operation::kCorrelation, {},
                     {}, {}, {}, {}, "", {}});
    cases.push_back({"streak", "longest winning streak of AAPL in 2017", {"AAPL"}, Operation::kStreak, {}, {}, {}, {},
                     {}, "", {}});
  }

  // ---- notes: weekend, holiday, outside the data, warm-up ------------------------
  {
    const auto& b = B("AAPL");
    const size_t fri = Idx("AAPL", "2017-03-10");
    cases.push_back({"note", "What did AAPL close at on 2017-03-11?", {"AAPL"}, Operation::kValue, MeasureKind::kClose,
                     b.close[fri], b.ts[fri], {}, {}, "Saturday", {"2017-03-10"}});
    const size_t pre = Idx("AAPL", "2017-07-03");
    cases.push_back({"note", "AAPL close on July 4, 2017", {"AAPL"}, Operation::kValue, MeasureKind::kClose,
                     b.close[pre], b.ts[pre], {}, {}, "holiday", {}});
    cases.push_back({"note", "What was AAPL's close on 2021-03-01?", {"AAPL"}, Operation::kValue, MeasureKind::kClose,
                     {}, {}, {}, {}, "after the stored data", {}});
    cases.push_back({"note", "SMA 200 of AAPL on 2015-03-02", {"AAPL"}, Operation::kValue, MeasureKind::kSma, {}, {},
                     {}, {}, "warm-up", {}});
    cases.push_back({"note", "RSI of AAPL on 2015-01-20", {"AAPL"}, Operation::kValue, MeasureKind::kRsi, {}, {}, {},
                     {}, "warm-up", {}});
  }

  std::map<std::string, std::pair<int, int>> tally;  // kind -> (right, total)
  int wrong_subject = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.question);
    const QuestionPlan plan = parser_->Parse(c.question);
    auto r = ExecutePlan(plan, *src_);
    auto& [right, total] = tally[c.kind];
    ++total;
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString() << "\nplan: " << PlanToJson(plan);
      continue;
    }
    const PlanAnswer ans = ComposePlanAnswer(*r);
    std::vector<std::string> got;
    for (const auto& row : r->rows) got.push_back(row.ticker);
    bool ok = true;
    auto check = [&](bool cond, const std::string& what) {
      if (!cond) {
        ok = false;
        ADD_FAILURE() << what << "\nplan: " << PlanToJson(plan) << "\nanswer:\n" << ans.text;
      }
    };
    check(got == c.tickers, "tickers: got " + ::testing::PrintToString(got));
    if (got != c.tickers) ++wrong_subject;
    check(plan.operation == c.op, "operation " + std::string(OperationName(plan.operation)));
    if (c.measure) check(plan.measure.kind == *c.measure, "measure " + std::string(MeasureKindName(plan.measure.kind)));
    if (!r->rows.empty()) {
      const PlanRow& row = r->rows[0];
      if (c.value) {
        check(row.value.has_value() && std::fabs(*row.value - *c.value) <= 1e-9 * std::max(1.0, std::fabs(*c.value)),
              fmt::format("value {} expected {}", row.value.value_or(NAN), *c.value));
      } else if (!c.note.empty()) {
        // no value expected unless the note is about a substituted day
      }
      if (c.ts) check(row.ts == c.ts, "date " + (row.ts ? FormatDate(*row.ts) : "none"));
      if (c.yes) check(row.yes == c.yes, "yes/no");
      if (c.events) check(row.events == *c.events, "events " + ::testing::PrintToString(row.events));
      if (plan.operation == Operation::kValue && c.value && !c.note.empty()) {
        check(row.value.has_value(), "value on the previous trading day");
      }
      if (c.note == "after the stored data" || c.note == "warm-up") check(!row.value.has_value(), "no value");
    }
    if (!c.note.empty()) {
      bool found = false;
      for (const auto& n : r->notes) found = found || n.find(c.note) != std::string::npos;
      check(found, "note '" + c.note + "'");
    }
    for (const auto& s : c.in_text) check(ans.text.find(s) != std::string::npos, "text lacks '" + s + "'");
    right += ok;
  }
  int right = 0, total = 0;
  for (const auto& [kind, rt] : tally) {
    std::fprintf(stderr, "[plan-eval] %-10s %3d / %3d\n", kind.c_str(), rt.first, rt.second);
    right += rt.first;
    total += rt.second;
  }
  std::fprintf(stderr, "[plan-eval] all        %3d / %3d\n", right, total);
  EXPECT_GE(total, 200);
  EXPECT_EQ(wrong_subject, 0);
}

}  // namespace
}  // namespace ohlcv::plan_test
