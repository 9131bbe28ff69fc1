#include "retrieval/question.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "retrieval/window_fields.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using Op = NumericCondition::Op;

int64_t Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d) * 86400; }
int64_t EndOfDay(int y, unsigned m, unsigned d) { return Day(y, m, d) + 86399; }

QuestionContext MakeContext() {
  QuestionContext ctx;
  ctx.known_tickers = {"A",    "AAPL", "MSFT", "IBM", "GOOGL", "AMZN", "NVDA", "ALL", "LOW",
                       "KEY",  "IT",   "XOM",  "JPM", "BAC",   "TGT",  "BRK-B", "GE", "HD"};
  ctx.company_names = {{"Apple Inc.", "AAPL"},
                       {"Microsoft Corporation", "MSFT"},
                       {"Bank of America Corp", "BAC"},
                       {"Target Corp.", "TGT"},
                       {"Exxon Mobil Corporation", "XOM"}};
  ctx.sector_names = {"Communication Services", "Consumer Discretionary", "Consumer Staples",
                      "Energy",      "Financials",  "Health Care",      "Industrials",
                      "Information Technology", "Materials", "Real Estate", "Utilities"};
  ctx.latest_ts = Day(2020, 1, 10);
  return ctx;
}

class QuestionTest : public ::testing::Test {
 public:
  const QuestionParser& parser() const { return parser_; }

 protected:
  ParsedQuestion Parse(std::string_view text) { return parser_.Parse(text); }
  QuestionParser parser_{MakeContext()};
};

bool HasPattern(const ParsedQuestion& q, PatternKind k) {
  return std::find(q.patterns.begin(), q.patterns.end(), k) != q.patterns.end();
}

void ExpectCondition(const ParsedQuestion& q, const std::string& field, Op op, double value) {
  for (const auto& c : q.conditions) {
    if (c.field == field && c.op == op && c.value == value) return;
  }
  std::string got;
  for (const auto& c : q.conditions) got += c.field + "/" + std::to_string(int(c.op)) + "/" + std::to_string(c.value) + " ";
  ADD_FAILURE() << "missing condition " << field << " op " << int(op) << " " << value << "; got: " << got;
}

TEST(QueryTypeTest, NamesRoundTrip) {
  for (QueryType t : {QueryType::kGeneral, QueryType::kPattern, QueryType::kComparison,
                      QueryType::kPrediction, QueryType::kTechnical}) {
    auto parsed = ParseQueryType(QueryTypeName(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_EQ(QueryTypeName(QueryType::kComparison), "comparison");
  EXPECT_TRUE(ParseQueryType("TECHNICAL").ok());
  EXPECT_EQ(ParseQueryType("magic").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(QuestionTest, HeadlineQuestion) {
  auto q = Parse("Which tech stocks broke out in March 2019?");
  EXPECT_EQ(q.sectors, std::vector<std::string>{"Information Technology"});
  ASSERT_TRUE(q.start_ts && q.end_ts);
  EXPECT_EQ(*q.start_ts, Day(2019, 3, 1));
  EXPECT_EQ(*q.end_ts, EndOfDay(2019, 3, 31));
  EXPECT_EQ(q.patterns.size(), 2u);
  EXPECT_TRUE(HasPattern(q, PatternKind::kBreakout20High));
  EXPECT_TRUE(HasPattern(q, PatternKind::kBreakout52wHigh));
  EXPECT_EQ(q.type, QueryType::kPattern);
  EXPECT_TRUE(q.tickers.empty());
  EXPECT_TRUE(q.unknown_tickers.empty());
  EXPECT_TRUE(q.conditions.empty());
  EXPECT_TRUE(q.text_terms.empty()) << q.text_terms;
}

TEST_F(QuestionTest, NoFilterAtAll) {
  auto q = Parse("Tell me something interesting about dividends");
  EXPECT_FALSE(q.HasFilter());
  EXPECT_EQ(q.type, QueryType::kGeneral);
  EXPECT_TRUE(q.unknown_tickers.empty());
  EXPECT_EQ(q.text_terms, "something interesting dividends");
  EXPECT_TRUE(ToWindowFilter(q).empty());
}

TEST_F(QuestionTest, DegenerateInputs) {
  for (std::string_view s : {"", "   ", "?!?", "$", "%%%", "- - -", "\xff\xfe\xe2\x89", "2019-13-45"}) {
    auto q = Parse(s);
    EXPECT_FALSE(q.HasFilter()) << s;
    EXPECT_EQ(q.type, QueryType::kGeneral) << s;
  }
  std::string huge(100000, 'a');
  huge += " AAPL";
  auto q = Parse(huge);  // truncated at 4 KB: the ticker is cut off
  EXPECT_TRUE(q.tickers.empty());
}

TEST_F(QuestionTest, TickersAnyCaseDollarAndPossessive) {
  auto q = Parse("How did aapl's and $msft do, and what about Nvda and IBM's?");
  EXPECT_EQ(q.tickers, (std::vector<std::string>{"AAPL", "MSFT", "NVDA", "IBM"}));
  auto q2 = Parse("AAPL’s breakout");  // typographic apostrophe
  EXPECT_EQ(q2.tickers, std::vector<std::string>{"AAPL"});
  auto q3 = Parse("What did BRK-B do?");  // hyphenated symbol stays whole
  EXPECT_EQ(q3.tickers, std::vector<std::string>{"BRK-B"});
  auto q4 = Parse("Compare ge and hd");
  EXPECT_EQ(q4.tickers, (std::vector<std::string>{"GE", "HD"}));
}

TEST_F(QuestionTest, CommonWordsAreTickersOnlyInCapitalsOrWithDollar) {
  auto q = Parse("Show all stocks near a low with key support");
  EXPECT_TRUE(q.tickers.empty());
  auto q2 = Parse("Did ALL or LOW break out? And $a?");
  EXPECT_EQ(q2.tickers, (std::vector<std::string>{"ALL", "LOW", "A"}));
  auto q3 = Parse("A stock that gapped up");  // sentence-initial article
  EXPECT_TRUE(q3.tickers.empty());
  EXPECT_TRUE(q3.unknown_tickers.empty());
}

// One-letter symbols (C, T, F, V...) are written in capitals mid-sentence;
// lower case or first in the question they are ordinary words.
TEST_F(QuestionTest, OneLetterTickersInCapitalsMidSentence) {
  QuestionContext ctx = MakeContext();
  ctx.known_tickers.insert({"C", "T", "F", "V"});
  QuestionParser p(ctx);
  EXPECT_EQ(p.Parse("Was C overbought in April 2015?").tickers, std::vector<std::string>{"C"});
  EXPECT_EQ(p.Parse("How did T perform in January 2015?").tickers, std::vector<std::string>{"T"});
  EXPECT_EQ(p.Parse("Compare F and V in 2018").tickers, (std::vector<std::string>{"F", "V"}));
  EXPECT_EQ(p.Parse("How did A do in 2019?").tickers, std::vector<std::string>{"A"});
  EXPECT_TRUE(p.Parse("A strong upward move").tickers.empty());
  EXPECT_TRUE(p.Parse("how did t do, and was v ok?").tickers.empty());
  EXPECT_TRUE(p.Parse("WAS C OVERBOUGHT IN APRIL?").tickers.empty());  // shouting says nothing by case
}

TEST_F(QuestionTest, CompanyNames) {
  auto q = Parse("How did Apple and bank of america perform in 2019?");
  EXPECT_EQ(q.tickers, (std::vector<std::string>{"AAPL", "BAC"}));
  auto q2 = Parse("Did Exxon Mobil rally?");
  EXPECT_EQ(q2.tickers, std::vector<std::string>{"XOM"});
  // "target" the word is not Target the company; capitalised it is.
  EXPECT_TRUE(Parse("price target for breakouts").tickers.empty());
  EXPECT_EQ(Parse("Did Target break out?").tickers, std::vector<std::string>{"TGT"});
}

TEST_F(QuestionTest, UnknownAndMisspeltTickers) {
  auto q = Parse("Did AAPLE break out in 2019?");
  EXPECT_TRUE(q.tickers.empty());
  ASSERT_EQ(q.unknown_tickers, std::vector<std::string>{"AAPLE"});
  EXPECT_EQ(q.suggestions, std::vector<std::string>{"AAPL"});
  auto q2 = Parse("Is the RSI of QWXZ above 70 and is the ETF MACD bullish?");
  EXPECT_EQ(q2.unknown_tickers, std::vector<std::string>{"QWXZ"});
  ASSERT_EQ(q2.suggestions.size(), 1u);
  EXPECT_EQ(q2.suggestions[0], "");
  auto q3 = Parse("what about $zzzz");
  EXPECT_EQ(q3.unknown_tickers, std::vector<std::string>{"ZZZZ"});
  // Shouting is not a list of tickers.
  auto q4 = Parse("WHICH STOCKS BROKE OUT IN 2019");
  EXPECT_TRUE(q4.unknown_tickers.empty());
  EXPECT_TRUE(HasPattern(q4, PatternKind::kBreakout20High));
  EXPECT_TRUE(q4.start_ts.has_value());
}

TEST_F(QuestionTest, Sectors) {
  EXPECT_EQ(Parse("healthcare stocks in 2018").sectors, std::vector<std::string>{"Health Care"});
  EXPECT_EQ(Parse("Consumer Staples vs consumer discretionary").sectors,
            (std::vector<std::string>{"Consumer Staples", "Consumer Discretionary"}));
  auto q = Parse("IT sector breakouts");  // not Gartner's ticker IT
  EXPECT_EQ(q.sectors, std::vector<std::string>{"Information Technology"});
  EXPECT_TRUE(q.tickers.empty());
  EXPECT_EQ(Parse("banks and energy").sectors,
            (std::vector<std::string>{"Financials", "Energy"}));
  // Built-in synonyms map only to sectors the context has; user synonyms add.
  QuestionContext ctx = MakeContext();
  ctx.sector_names = {"Technology"};
  ctx.sector_synonyms = {{"semis", "Technology"}};
  QuestionParser p(ctx);
  EXPECT_TRUE(p.Parse("energy stocks").sectors.empty());
  EXPECT_EQ(p.Parse("semis in 2019").sectors, std::vector<std::string>{"Technology"});
  EXPECT_EQ(p.Parse("technology in 2019").sectors, std::vector<std::string>{"Technology"});
}

struct DateCase {
  const char* text;
  std::optional<int64_t> start, end;
};

template <size_t N>
void ExpectDates(QuestionTest& t, const DateCase (&cases)[N]) {
  for (const auto& c : cases) {
    auto q = t.parser().Parse(c.text);
    EXPECT_EQ(q.start_ts, c.start) << c.text;
    EXPECT_EQ(q.end_ts, c.end) << c.text;
  }
}

TEST_F(QuestionTest, AbsoluteDates) {
  const DateCase cases[] = {
      {"AAPL in 2019", Day(2019, 1, 1), EndOfDay(2019, 12, 31)},
      {"AAPL in Mar 2019", Day(2019, 3, 1), EndOfDay(2019, 3, 31)},
      {"AAPL in sept 2018", Day(2018, 9, 1), EndOfDay(2018, 9, 30)},
      {"AAPL in February 2016", Day(2016, 2, 1), EndOfDay(2016, 2, 29)},
      {"AAPL Q3 2018", Day(2018, 7, 1), EndOfDay(2018, 9, 30)},
      {"AAPL in 2018 Q4", Day(2018, 10, 1), EndOfDay(2018, 12, 31)},
      {"AAPL in the third quarter of 2017", Day(2017, 7, 1), EndOfDay(2017, 9, 30)},
      {"AAPL H1 2019", Day(2019, 1, 1), EndOfDay(2019, 6, 30)},
      {"AAPL second half of 2019", Day(2019, 7, 1), EndOfDay(2019, 12, 31)},
      {"AAPL on March 5, 2019", Day(2019, 3, 5), EndOfDay(2019, 3, 5)},
      {"AAPL on 5th March 2019", Day(2019, 3, 5), EndOfDay(2019, 3, 5)},
      {"AAPL on 2019-03-05", Day(2019, 3, 5), EndOfDay(2019, 3, 5)},
      {"from Jan 2018 to June 2019", Day(2018, 1, 1), EndOfDay(2019, 6, 30)},
      {"between 2017 and 2018", Day(2017, 1, 1), EndOfDay(2018, 12, 31)},
      {"from 2019-03-01 to 2019-04-15", Day(2019, 3, 1), EndOfDay(2019, 4, 15)},
      {"2016 - 2017 breakouts", Day(2016, 1, 1), EndOfDay(2017, 12, 31)},
      {"since 2018", Day(2018, 1, 1), std::nullopt},
      {"after March 2019", Day(2019, 4, 1), std::nullopt},
      {"before 2019", std::nullopt, EndOfDay(2018, 12, 31)},
      {"in 2016 and in 2018", Day(2016, 1, 1), EndOfDay(2018, 12, 31)},
  };
  ExpectDates(*this, cases);
  // A bare month is ambiguous ("may"); it sets nothing.
  auto q = Parse("AAPL may rally in March");
  EXPECT_FALSE(q.start_ts || q.end_ts);
}

TEST_F(QuestionTest, RelativeDatesUseLatestBar) {
  const DateCase cases[] = {
      {"breakouts in the last 30 days", Day(2019, 12, 12), EndOfDay(2020, 1, 10)},
      {"past 6 months", Day(2019, 7, 10), EndOfDay(2020, 1, 10)},
      {"last 2 weeks", Day(2019, 12, 28), EndOfDay(2020, 1, 10)},
      {"last year", Day(2019, 1, 1), EndOfDay(2019, 12, 31)},
      {"over the last year", Day(2019, 1, 10), EndOfDay(2020, 1, 10)},
      {"past year", Day(2019, 1, 10), EndOfDay(2020, 1, 10)},
      {"last month", Day(2019, 12, 1), EndOfDay(2019, 12, 31)},
      {"ytd", Day(2020, 1, 1), EndOfDay(2020, 1, 10)},
      {"this year", Day(2020, 1, 1), EndOfDay(2020, 1, 10)},
      {"Is AAPL overbought now?", Day(2020, 1, 10), EndOfDay(2020, 1, 10)},
  };
  ExpectDates(*this, cases);
  QuestionContext ctx = MakeContext();
  ctx.latest_ts.reset();
  auto q = QuestionParser(ctx).Parse("breakouts in the last 30 days");
  EXPECT_FALSE(q.start_ts || q.end_ts);
  EXPECT_TRUE(HasPattern(q, PatternKind::kBreakout20High));
  EXPECT_TRUE(std::any_of(q.notes.begin(), q.notes.end(),
                          [](const std::string& n) { return n.find("ignored") != std::string::npos; }));
}

TEST_F(QuestionTest, PatternWordsAndSynonyms) {
  struct Case {
    const char* text;
    std::vector<PatternKind> kinds;
  };
  const Case cases[] = {
      {"golden crosses", {PatternKind::kGoldenCross}},
      {"a death cross", {PatternKind::kDeathCross}},
      {"oversold stocks", {PatternKind::kRsiOversold}},
      {"overbought", {PatternKind::kRsiOverbought}},
      {"stocks that broke down", {PatternKind::kBreakdown20Low, PatternKind::kBreakdown52wLow}},
      {"new 52-week highs", {PatternKind::kBreakout52wHigh}},
      {"gapped up", {PatternKind::kGapUp}},
      {"a gap down", {PatternKind::kGapDown}},
      {"volume spikes", {PatternKind::kVolumeSpike}},
      {"surge in volume", {PatternKind::kVolumeSpike}},
      {"bollinger squeeze", {PatternKind::kBollingerSqueeze}},
      {"doji candles", {PatternKind::kDoji}},
      {"hammer", {PatternKind::kHammer}},
      {"bullish engulfing", {PatternKind::kBullishEngulfing}},
      {"engulfing patterns", {PatternKind::kBullishEngulfing, PatternKind::kBearishEngulfing}},
      {"shooting stars", {PatternKind::kShootingStar}},
      {"an uptrend", {PatternKind::kUptrend}},
      {"trending down", {PatternKind::kDowntrend}},
      {"MACD bullish crossover", {PatternKind::kMacdBullishCross}},
      {"consolidation", {PatternKind::kConsolidation}},
  };
  for (const auto& c : cases) {
    auto q = Parse(c.text);
    EXPECT_EQ(q.patterns, c.kinds) << c.text;
    EXPECT_NE(q.type, QueryType::kGeneral) << c.text;
  }
}

TEST_F(QuestionTest, BigMovesBecomeReturnConditions) {
  auto rally = Parse("When did NVDA rally?");
  ASSERT_EQ(rally.conditions.size(), 1u);
  ExpectCondition(rally, "return_pct", Op::kGe, 10);
  EXPECT_EQ(rally.type, QueryType::kPattern);
  auto sell = Parse("the sell-off in Q4 2018");
  ExpectCondition(sell, "return_pct", Op::kLe, -10);
  EXPECT_EQ(*sell.start_ts, Day(2018, 10, 1));
  auto crash = Parse("which stocks crashed");
  ExpectCondition(crash, "return_pct", Op::kLe, -10);
  // An explicit figure wins over the default threshold.
  auto explicit_move = Parse("stocks that surged more than 25%");
  ASSERT_EQ(explicit_move.conditions.size(), 1u);
  ExpectCondition(explicit_move, "return_pct", Op::kGt, 25);
}

TEST_F(QuestionTest, IndicatorConditions) {
  ExpectCondition(Parse("RSI above 70"), "rsi14_max", Op::kGt, 70);
  ExpectCondition(Parse("RSI > 70"), "rsi14_max", Op::kGt, 70);
  ExpectCondition(Parse("RSI>=70"), "rsi14_max", Op::kGe, 70);
  ExpectCondition(Parse("RSI(14) below 30"), "rsi14_min", Op::kLt, 30);
  ExpectCondition(Parse("rsi 14 fell below 25"), "rsi14_min", Op::kLt, 25);
  ExpectCondition(Parse("RSI of 70 or more"), "rsi14_max", Op::kGe, 70);
  ExpectCondition(Parse("ADX over 25"), "adx14", Op::kGt, 25);
  ExpectCondition(Parse("return greater than 10%"), "return_pct", Op::kGt, 10);
  ExpectCondition(Parse("returns of at least 5 percent"), "return_pct", Op::kGe, 5);
  ExpectCondition(Parse("fell more than 10%"), "return_pct", Op::kLt, -10);
  ExpectCondition(Parse("down 8%"), "return_pct", Op::kLe, -8);
  ExpectCondition(Parse("up 8%"), "return_pct", Op::kGe, 8);
  ExpectCondition(Parse("drawdown worse than 20%"), "max_drawdown_pct", Op::kLt, -20);
  ExpectCondition(Parse("volatility under 15%"), "volatility", Op::kLt, 15);
  ExpectCondition(Parse("relative volume above 2x"), "relative_volume", Op::kGt, 2);
  ExpectCondition(Parse("MACD histogram below 0"), "macd_hist", Op::kLt, 0);
  ExpectCondition(Parse("return below -5%"), "return_pct", Op::kLt, -5);
  auto between = Parse("RSI between 40 and 60");
  ASSERT_EQ(between.conditions.size(), 2u);
  ExpectCondition(between, "rsi14", Op::kGe, 40);
  ExpectCondition(between, "rsi14", Op::kLe, 60);
  EXPECT_FALSE(between.start_ts);  // 40 and 60 are not years
  auto two = Parse("RSI below 30 and ADX above 25 in 2019");
  EXPECT_EQ(two.conditions.size(), 2u);
  EXPECT_EQ(*two.start_ts, Day(2019, 1, 1));
  EXPECT_EQ(two.type, QueryType::kTechnical);
  // A number read as a threshold is not also a year.
  auto vol = Parse("average volume above 2000");
  ExpectCondition(vol, "avg_volume", Op::kGt, 2000);
  EXPECT_FALSE(vol.start_ts);
  // No number: no condition, and the words stay searchable.
  auto vague = Parse("RSI was high");
  EXPECT_TRUE(vague.conditions.empty());
}

// Every field the parser emits is one the stores and the explainer know.
TEST_F(QuestionTest, ConditionFieldsAreWindowFields) {
  const char* questions[] = {
      "RSI above 70", "RSI below 30", "RSI between 40 and 60", "ADX over 25", "MACD above 0",
      "MACD signal below 0", "MACD histogram above 1", "stochastic above 80", "williams r below -80",
      "CCI above 100", "MFI under 20", "ROC above 5", "ATR above 2", "percent b above 1",
      "bandwidth below 0.05", "plus di above 30", "minus di above 30", "volatility above 40%",
      "drawdown worse than 20%", "relative volume above 2", "average volume above 1000000",
      "price above 100", "return above 10%", "fell more than 5%", "a rally", "a crash"};
  Window w;
  for (const char* text : questions) {
    auto q = Parse(text);
    ASSERT_FALSE(q.conditions.empty()) << text;
    for (const auto& c : q.conditions) {
      EXPECT_TRUE(WindowFieldValue(w, c.field).has_value()) << text << ": " << c.field;
    }
  }
}

TEST_F(QuestionTest, AaplRsiIn2019) {
  auto q = Parse("AAPL windows in 2019 where RSI(14) exceeded 70");
  EXPECT_EQ(q.tickers, std::vector<std::string>{"AAPL"});
  ExpectCondition(q, "rsi14_max", Op::kGt, 70);
  EXPECT_EQ(*q.start_ts, Day(2019, 1, 1));
  EXPECT_EQ(*q.end_ts, EndOfDay(2019, 12, 31));
  EXPECT_EQ(q.type, QueryType::kTechnical);
  WindowFilter f = ToWindowFilter(q);
  EXPECT_EQ(f.tickers, q.tickers);
  EXPECT_EQ(f.start_ts, q.start_ts);
  EXPECT_EQ(f.end_ts, q.end_ts);
  ASSERT_EQ(f.numeric.size(), 1u);
  EXPECT_EQ(f.numeric[0].field, "rsi14_max");
}

TEST_F(QuestionTest, QueryTypeInference) {
  EXPECT_EQ(Parse("Compare AAPL and MSFT in 2019").type, QueryType::kComparison);
  EXPECT_EQ(Parse("AAPL vs. MSFT breakouts").type, QueryType::kComparison);
  EXPECT_EQ(Parse("Did tech outperform energy?").type, QueryType::kComparison);
  EXPECT_EQ(Parse("Will AAPL break out next month?").type, QueryType::kPrediction);
  EXPECT_EQ(Parse("What usually happens after a golden cross?").type, QueryType::kPrediction);
  EXPECT_EQ(Parse("forecast for XOM").type, QueryType::kPrediction);
  EXPECT_EQ(Parse("What is the MACD of AAPL?").type, QueryType::kTechnical);
  EXPECT_EQ(Parse("Is AAPL overbought right now?").type, QueryType::kTechnical);
  EXPECT_EQ(Parse("technical picture of IBM").type, QueryType::kTechnical);
  EXPECT_EQ(Parse("AAPL oversold in 2019").type, QueryType::kPattern);
  EXPECT_EQ(Parse("Tell me about AAPL in 2019").type, QueryType::kGeneral);
}

TEST_F(QuestionTest, LeftoverWordsBecomeTextTerms) {
  auto q = Parse("earnings season breakouts for AAPL after the iPhone launch");
  EXPECT_EQ(q.text_terms, "earnings season iphone launch");
  EXPECT_FALSE(q.notes.empty());
}

// Issue 4 held-out phrasings: one range of years or months written once.
TEST_F(QuestionTest, RangesWrittenCompactly) {
  const DateCase cases[] = {
      {"AAPL 2018-2019", Day(2018, 1, 1), EndOfDay(2019, 12, 31)},
      {"How did MSFT do from January to March 2019?", Day(2019, 1, 1), EndOfDay(2019, 3, 31)},
      {"KO between Jan and Jun 2018", Day(2018, 1, 1), EndOfDay(2018, 6, 30)},
      {"XOM Jan-Mar 2019", Day(2019, 1, 1), EndOfDay(2019, 3, 31)},
      {"from March 2018 to June 2018", Day(2018, 3, 1), EndOfDay(2018, 6, 30)},
      {"between 2016 and 2017", Day(2016, 1, 1), EndOfDay(2017, 12, 31)},
      {"IBM in H1 2019", Day(2019, 1, 1), EndOfDay(2019, 6, 30)},
      {"How has XOM done since 2019?", Day(2019, 1, 1), std::nullopt},
      {"AAPL over the last 6 months", Day(2019, 7, 10), EndOfDay(2020, 1, 10)},
      {"What is JPM's YTD return?", Day(2020, 1, 1), EndOfDay(2020, 1, 10)},
  };
  ExpectDates(*this, cases);
  // Months out of order, or a date that is not a year range, set no range.
  auto q = Parse("AAPL from June to March 2019");
  EXPECT_EQ(q.start_ts, Day(2019, 3, 1));
  EXPECT_EQ(q.end_ts, EndOfDay(2019, 3, 31));
  EXPECT_FALSE(Parse("order 2019-13-45").start_ts.has_value());
  // "over the last 6 months" is a period, not an indicator condition.
  EXPECT_TRUE(Parse("AAPL return over the last 6 months").conditions.empty());
}

TEST_F(QuestionTest, SuggestionsAreCloseOrAbsent) {
  QuestionContext ctx = MakeContext();
  ctx.known_tickers.insert({"CSRA", "HST", "TSN"});
  ctx.company_names.emplace("Tesla Inc", "TSLA");  // a company the store lacks
  QuestionParser parser(ctx);
  auto suggestion = [&](std::string_view text) {
    auto q = parser.Parse(text);
    EXPECT_EQ(q.unknown_tickers.size(), 1u) << text;
    return q.suggestions.empty() ? std::string("?") : q.suggestions[0];
  };
  EXPECT_EQ(suggestion("How did MSTF do in 2019?"), "MSFT");  // a transposition is one edit
  EXPECT_EQ(suggestion("How did AMZM do in 2018?"), "AMZN");
  EXPECT_EQ(suggestion("How did APPL do in 2018?"), "AAPL");
  EXPECT_EQ(suggestion("TSLA return in 2018"), "");             // CSRA is two edits away: no guess
  EXPECT_EQ(suggestion("How did APLE do?"), "AAPL");            // one edit from "Apple"
  // A company name written in capitals is the company, not an unknown symbol.
  EXPECT_EQ(parser.Parse("How did APPLE do?").tickers, std::vector<std::string>{"AAPL"});
  // A company named in words whose symbol is not stored: reported under its
  // symbol, so the answer can print the ingest command for it.
  auto q = parser.Parse("How did Tesla do in 2019?");
  EXPECT_TRUE(q.tickers.empty());
  EXPECT_EQ(q.unknown_tickers, std::vector<std::string>{"TSLA"});
  ASSERT_EQ(q.suggestions.size(), 1u);
  EXPECT_EQ(q.suggestions[0], "");
}

TEST_F(QuestionTest, TwoSectorsAreAComparison) {
  auto q = Parse("tech vs energy in 2018");
  EXPECT_EQ(q.sectors, (std::vector<std::string>{"Information Technology", "Energy"}));
  EXPECT_EQ(q.type, QueryType::kComparison);
  EXPECT_EQ(Parse("Which sector did better in 2017, utilities or financials?").type, QueryType::kComparison);
  // An event word still makes it a base-rate question.
  EXPECT_EQ(Parse("What happens after a golden cross in tech and energy stocks?").type, QueryType::kPrediction);
}

TEST_F(QuestionTest, ParseQuestionConvenienceMatchesParser) {
  QuestionContext ctx = MakeContext();
  auto a = ParseQuestion("Which tech stocks broke out in March 2019?", ctx);
  auto b = Parse("Which tech stocks broke out in March 2019?");
  EXPECT_EQ(a.sectors, b.sectors);
  EXPECT_EQ(a.patterns, b.patterns);
  EXPECT_EQ(a.start_ts, b.start_ts);
  EXPECT_EQ(a.end_ts, b.end_ts);
}

}  // namespace
}  // namespace ohlcv
