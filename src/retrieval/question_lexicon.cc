#include "retrieval/question_lexicon.h"

#include <cmath>
#include <cstdio>
#include <optional>

namespace ohlcv::question_internal {
namespace {

using K = PatternKind;
using Op = NumericCondition::Op;

// How an indicator phrase maps to a window field.
enum class FieldKind : uint8_t {
  kPlain,     // the field as named
  kRsi,       // > tests rsi14_max, < tests rsi14_min, between tests rsi14
  kNegative,  // a fall: "fell more than 10%" -> field < -10
};

struct IndicatorPhrase {
  std::string_view phrase;
  std::string_view field;
  FieldKind kind = FieldKind::kPlain;
};

const std::vector<IndicatorPhrase>& Indicators() {
  static const std::vector<IndicatorPhrase> kList = {
      {"rsi", "rsi14", FieldKind::kRsi}, {"rsi14", "rsi14", FieldKind::kRsi},
      {"relative strength index", "rsi14", FieldKind::kRsi},
      {"relative strength", "rsi14", FieldKind::kRsi},
      {"adx", "adx14"}, {"adx14", "adx14"}, {"average directional index", "adx14"},
      {"macd histogram", "macd_hist"}, {"macd hist", "macd_hist"},
      {"macd signal line", "macd_signal"}, {"macd signal", "macd_signal"},
      {"macd line", "macd"}, {"macd", "macd"},
      {"stochastic", "stoch_k"}, {"stochastic oscillator", "stoch_k"}, {"stoch", "stoch_k"},
      {"williams r", "willr14"}, {"williams", "willr14"}, {"willr", "willr14"},
      {"cci", "cci20"}, {"cci20", "cci20"}, {"commodity channel index", "cci20"},
      {"mfi", "mfi14"}, {"money flow index", "mfi14"}, {"money flow", "mfi14"},
      {"roc", "roc10"}, {"rate of change", "roc10"},
      {"atr", "atr14"}, {"atr14", "atr14"}, {"average true range", "atr14"},
      {"percent b", "bb_pctb"}, {"bollinger percent b", "bb_pctb"}, {"pctb", "bb_pctb"},
      {"bandwidth", "bb_bandwidth"}, {"bollinger bandwidth", "bb_bandwidth"},
      {"plus di", "plus_di14"}, {"minus di", "minus_di14"},
      {"volatility", "volatility"}, {"annualized volatility", "volatility"},
      {"annualised volatility", "volatility"},
      {"drawdown", "max_drawdown_pct", FieldKind::kNegative},
      {"max drawdown", "max_drawdown_pct", FieldKind::kNegative},
      {"maximum drawdown", "max_drawdown_pct", FieldKind::kNegative},
      {"relative volume", "relative_volume"}, {"rvol", "relative_volume"},
      {"average volume", "avg_volume"}, {"avg volume", "avg_volume"}, {"volume", "avg_volume"},
      {"price", "close"}, {"close", "close"}, {"closing price", "close"},
      {"share price", "close"}, {"stock price", "close"}, {"closed", "close"},
      {"return", "return_pct"}, {"returned", "return_pct"}, {"gain", "return_pct"},
      {"gained", "return_pct"}, {"performance", "return_pct"}, {"price change", "return_pct"},
      {"change", "return_pct"}, {"up", "return_pct"}, {"rose", "return_pct"},
      {"rise", "return_pct"}, {"risen", "return_pct"}, {"rallied", "return_pct"},
      {"climbed", "return_pct"}, {"jumped", "return_pct"}, {"surged", "return_pct"},
      {"soared", "return_pct"}, {"advanced", "return_pct"}, {"increased", "return_pct"},
      {"fell", "return_pct", FieldKind::kNegative}, {"fall", "return_pct", FieldKind::kNegative},
      {"fallen", "return_pct", FieldKind::kNegative},
      {"dropped", "return_pct", FieldKind::kNegative},
      {"drop", "return_pct", FieldKind::kNegative},
      {"declined", "return_pct", FieldKind::kNegative},
      {"decline", "return_pct", FieldKind::kNegative},
      {"lost", "return_pct", FieldKind::kNegative}, {"loss", "return_pct", FieldKind::kNegative},
      {"down", "return_pct", FieldKind::kNegative}, {"sank", "return_pct", FieldKind::kNegative},
      {"slid", "return_pct", FieldKind::kNegative},
      {"plunged", "return_pct", FieldKind::kNegative},
      {"crashed", "return_pct", FieldKind::kNegative},
      {"tumbled", "return_pct", FieldKind::kNegative},
      {"decreased", "return_pct", FieldKind::kNegative},
  };
  return kList;
}

struct ComparatorPhrase {
  std::string_view phrase;
  Op op;
};

const std::vector<ComparatorPhrase>& Comparators() {
  static const std::vector<ComparatorPhrase> kList = {
      {">", Op::kGt}, {">=", Op::kGe}, {"<", Op::kLt}, {"<=", Op::kLe},
      {"above", Op::kGt}, {"over", Op::kGt}, {"greater than", Op::kGt}, {"more than", Op::kGt},
      {"higher than", Op::kGt}, {"exceeded", Op::kGt}, {"exceeds", Op::kGt}, {"exceed", Op::kGt},
      {"exceeding", Op::kGt}, {"topped", Op::kGt}, {"by more than", Op::kGt},
      {"at least", Op::kGe}, {"no less than", Op::kGe}, {"greater than or equal to", Op::kGe},
      {"below", Op::kLt}, {"under", Op::kLt}, {"less than", Op::kLt}, {"lower than", Op::kLt},
      {"beneath", Op::kLt}, {"by less than", Op::kLt},
      {"at most", Op::kLe}, {"no more than", Op::kLe}, {"less than or equal to", Op::kLe},
      {"worse than", Op::kGt},  // "drawdown worse than 20%": a bigger fall
  };
  return kList;
}

bool IsFiller(std::string_view w) {
  static constexpr std::string_view kFillers[] = {
      "is", "was", "were", "be", "been", "being", "has", "had", "have", "stayed", "remained",
      "stays", "remains", "went", "goes", "go", "got", "gets", "moved", "moves", "rose", "rises",
      "climbed", "crossed", "crosses", "broke", "breaks", "fell", "falls", "dropped", "drops",
      "dipped", "dips", "sank", "reached", "reaches", "hit", "hits", "ended", "ends", "closes",
      "the", "a", "of", "value", "reading", "level", "that", "which", "by", "still", "well"};
  for (auto f : kFillers) {
    if (w == f) return true;
  }
  return false;
}

// Longest phrase of `list` matching at i (0 tokens when none).
template <typename T>
const T* Longest(const std::vector<QToken>& t, size_t i, const std::vector<T>& list, size_t& len) {
  const T* best = nullptr;
  len = 0;
  for (const T& entry : list) {
    size_t n = MatchPhrase(t, i, entry.phrase);
    if (n > len) {
      len = n;
      best = &entry;
    }
  }
  return best;
}

bool IsNumber(const std::vector<QToken>& t, size_t k) {
  return k < t.size() && !t[k].consumed && t[k].kind == QToken::Kind::kNumber;
}

// After a value: "%", "percent", "pct", "x", "times" belong to it.
size_t SkipUnit(const std::vector<QToken>& t, size_t k) {
  if (k < t.size() && !t[k].consumed &&
      (t[k].lower == "percent" || t[k].lower == "pct" || t[k].lower == "x" || t[k].lower == "times")) {
    return k + 1;
  }
  return k;
}

std::optional<Op> Postfix(const std::vector<QToken>& t, size_t k, size_t& len) {
  static constexpr std::pair<std::string_view, Op> kList[] = {
      {"or more", Op::kGe}, {"or higher", Op::kGe}, {"or above", Op::kGe}, {"or greater", Op::kGe},
      {"or less", Op::kLe}, {"or lower", Op::kLe}, {"or below", Op::kLe}, {"plus", Op::kGe}};
  for (auto [phrase, op] : kList) {
    if (size_t n = MatchPhrase(t, k, phrase)) {
      len = n;
      return op;
    }
  }
  return std::nullopt;
}

Op Flip(Op op) {
  switch (op) {
    case Op::kGt: return Op::kLt;
    case Op::kGe: return Op::kLe;
    case Op::kLt: return Op::kGt;
    case Op::kLe: return Op::kGe;
  }
  return op;
}

NumericCondition Make(const IndicatorPhrase& ind, Op op, double value) {
  NumericCondition c;
  c.op = op;
  c.value = value;
  c.field = std::string(ind.field);
  if (ind.kind == FieldKind::kRsi) {
    c.field = (op == Op::kGt || op == Op::kGe) ? "rsi14_max" : "rsi14_min";
  } else if (ind.kind == FieldKind::kNegative) {
    // A fall of N% is a value of -N: "more than 10%" -> < -10.
    c.value = -std::fabs(value);
    c.op = Flip(op);
  }
  return c;
}

std::string Note(const NumericCondition& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", c.value);
  return "condition: " + c.field + " " + std::string(OpName(c.op)) + " " + buf;
}

}  // namespace

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
  }
  return "?";
}

bool ConditionAt(std::vector<QToken>& t, size_t i, std::vector<NumericCondition>& out,
                 std::vector<std::string>& notes, bool& is_return) {
  size_t len = 0;
  const IndicatorPhrase* ind = Longest(t, i, Indicators(), len);
  if (!ind) return false;
  size_t k = i + len;
  // An indicator period: "RSI(14) above 70", "RSI 14 > 70".
  if (IsNumber(t, k) && !t[k].percent && t[k].number >= 2 && t[k].number <= 200 &&
      k + 1 < t.size() && !IsNumber(t, k + 1)) {
    size_t cl = 0;
    if (Longest(t, k + 1, Comparators(), cl) || (k + 1 < t.size() && IsFiller(t[k + 1].lower))) ++k;
  }
  for (int fillers = 0; fillers < 4 && k < t.size() && !t[k].consumed; ++fillers) {
    size_t cl = 0;
    if (Longest(t, k, Comparators(), cl) || MatchPhrase(t, k, "between")) break;
    if (!IsFiller(t[k].lower)) break;
    ++k;
  }
  std::vector<NumericCondition> made;
  size_t end = k;
  size_t cl = 0;
  if (size_t bl = MatchPhrase(t, k, "between"); bl && IsNumber(t, k + 1)) {
    size_t a = k + 1;
    size_t and_at = SkipUnit(t, a + 1);
    if (MatchPhrase(t, and_at, "and") && IsNumber(t, and_at + 1)) {
      double lo = t[a].number, hi = t[and_at + 1].number;
      if (lo > hi) std::swap(lo, hi);
      IndicatorPhrase plain = *ind;
      if (plain.kind == FieldKind::kRsi) plain.kind = FieldKind::kPlain;  // last RSI value
      if (plain.kind == FieldKind::kNegative) std::swap(lo, hi);
      made.push_back(Make(plain, Op::kGe, lo));
      made.push_back(Make(plain, Op::kLe, hi));
      end = SkipUnit(t, and_at + 2);
    }
  } else if (const ComparatorPhrase* cmp = Longest(t, k, Comparators(), cl)) {
    size_t v = k + cl;
    if (IsNumber(t, v)) {
      made.push_back(Make(*ind, cmp->op, t[v].number));
      end = SkipUnit(t, v + 1);
    }
  } else if (IsNumber(t, k)) {
    size_t after = SkipUnit(t, k + 1);
    size_t pl = 0;
    if (auto op = Postfix(t, after, pl)) {  // "RSI 70 or more"
      made.push_back(Make(*ind, *op, t[k].number));
      end = after + pl;
    } else if (t[k].percent && ind->field == "return_pct" && len == 1 &&
               (ind->phrase != "return" && ind->phrase != "change")) {
      // "up 10%", "fell 10%": a move of at least that size.
      made.push_back(Make(*ind, Op::kGe, t[k].number));
      end = after;
    }
  }
  if (made.empty()) return false;
  Consume(t, i, end - i);
  is_return = ind->field == "return_pct" || ind->field == "max_drawdown_pct";
  for (auto& c : made) {
    notes.push_back(Note(c));
    out.push_back(std::move(c));
  }
  return true;
}

const std::vector<PatternPhrase>& PatternPhrases() {
  static const std::vector<PatternPhrase> kList = {
      {"52 week high", {K::kBreakout52wHigh}}, {"52w high", {K::kBreakout52wHigh}},
      {"new 52 week high", {K::kBreakout52wHigh}}, {"year high", {K::kBreakout52wHigh}},
      {"yearly high", {K::kBreakout52wHigh}}, {"annual high", {K::kBreakout52wHigh}},
      {"52 week low", {K::kBreakdown52wLow}}, {"52w low", {K::kBreakdown52wLow}},
      {"new 52 week low", {K::kBreakdown52wLow}}, {"year low", {K::kBreakdown52wLow}},
      {"yearly low", {K::kBreakdown52wLow}},
      {"20 day high", {K::kBreakout20High}}, {"20 day breakout", {K::kBreakout20High}},
      {"monthly high", {K::kBreakout20High}}, {"20 day low", {K::kBreakdown20Low}},
      {"20 day breakdown", {K::kBreakdown20Low}}, {"monthly low", {K::kBreakdown20Low}},
      {"breakout", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"break out", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"broke out", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"breaking out", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"broken out", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"breaks out", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"new high", {K::kBreakout20High, K::kBreakout52wHigh}},
      {"all time high", {K::kBreakout52wHigh}},
      {"breakdown", {K::kBreakdown20Low, K::kBreakdown52wLow}},
      {"break down", {K::kBreakdown20Low, K::kBreakdown52wLow}},
      {"broke down", {K::kBreakdown20Low, K::kBreakdown52wLow}},
      {"breaking down", {K::kBreakdown20Low, K::kBreakdown52wLow}},
      {"breaks down", {K::kBreakdown20Low, K::kBreakdown52wLow}},
      {"new low", {K::kBreakdown20Low, K::kBreakdown52wLow}},
      {"golden cross", {K::kGoldenCross}}, {"golden crossover", {K::kGoldenCross}},
      {"death cross", {K::kDeathCross}}, {"death crossover", {K::kDeathCross}},
      {"macd bullish crossover", {K::kMacdBullishCross}},
      {"macd bullish cross", {K::kMacdBullishCross}},
      {"bullish macd crossover", {K::kMacdBullishCross}},
      {"bullish macd cross", {K::kMacdBullishCross}},
      {"macd crossed above", {K::kMacdBullishCross}},
      {"macd bearish crossover", {K::kMacdBearishCross}},
      {"macd bearish cross", {K::kMacdBearishCross}},
      {"bearish macd crossover", {K::kMacdBearishCross}},
      {"bearish macd cross", {K::kMacdBearishCross}},
      {"macd crossed below", {K::kMacdBearishCross}},
      {"macd crossover", {K::kMacdBullishCross, K::kMacdBearishCross}},
      {"macd cross", {K::kMacdBullishCross, K::kMacdBearishCross}},
      {"overbought", {K::kRsiOverbought}}, {"oversold", {K::kRsiOversold}},
      {"squeeze", {K::kBollingerSqueeze}}, {"bollinger squeeze", {K::kBollingerSqueeze}},
      {"bollinger band squeeze", {K::kBollingerSqueeze}},
      {"volatility squeeze", {K::kBollingerSqueeze}},
      {"upper bollinger band", {K::kBollingerBreakoutUp}},
      {"above the upper band", {K::kBollingerBreakoutUp}},
      {"bollinger breakout", {K::kBollingerBreakoutUp}},
      {"lower bollinger band", {K::kBollingerBreakoutDown}},
      {"below the lower band", {K::kBollingerBreakoutDown}},
      {"gap up", {K::kGapUp}}, {"gapped up", {K::kGapUp}}, {"gaps up", {K::kGapUp}},
      {"gap higher", {K::kGapUp}}, {"gapped higher", {K::kGapUp}},
      {"gap down", {K::kGapDown}}, {"gapped down", {K::kGapDown}}, {"gaps down", {K::kGapDown}},
      {"gap lower", {K::kGapDown}}, {"gapped lower", {K::kGapDown}},
      {"gap", {K::kGapUp, K::kGapDown}},
      {"volume spike", {K::kVolumeSpike}}, {"spike in volume", {K::kVolumeSpike}},
      {"volume surge", {K::kVolumeSpike}}, {"surge in volume", {K::kVolumeSpike}},
      {"unusual volume", {K::kVolumeSpike}}, {"heavy volume", {K::kVolumeSpike}},
      {"high volume", {K::kVolumeSpike}}, {"volume jump", {K::kVolumeSpike}},
      {"support", {K::kSupport}}, {"support level", {K::kSupport}},
      {"resistance", {K::kResistance}}, {"resistance level", {K::kResistance}},
      {"bullish reversal", {K::kBullishReversal}}, {"bottomed", {K::kBullishReversal}},
      {"bearish reversal", {K::kBearishReversal}}, {"topped out", {K::kBearishReversal}},
      {"reversal", {K::kBullishReversal, K::kBearishReversal}},
      {"trend reversal", {K::kBullishReversal, K::kBearishReversal}},
      {"reversed", {K::kBullishReversal, K::kBearishReversal}},
      {"consolidation", {K::kConsolidation}}, {"consolidating", {K::kConsolidation}},
      {"consolidated", {K::kConsolidation}}, {"range bound", {K::kConsolidation}},
      {"rangebound", {K::kConsolidation}}, {"trading range", {K::kConsolidation}},
      {"tight range", {K::kConsolidation}},
      {"sideways", {K::kSideways}}, {"trading sideways", {K::kSideways}},
      {"uptrend", {K::kUptrend}}, {"up trend", {K::kUptrend}}, {"trending up", {K::kUptrend}},
      {"trended up", {K::kUptrend}}, {"bullish trend", {K::kUptrend}},
      {"downtrend", {K::kDowntrend}}, {"down trend", {K::kDowntrend}},
      {"trending down", {K::kDowntrend}}, {"trended down", {K::kDowntrend}},
      {"bearish trend", {K::kDowntrend}},
      {"doji", {K::kDoji}}, {"hammer", {K::kHammer}}, {"shooting star", {K::kShootingStar}},
      {"bullish engulfing", {K::kBullishEngulfing}}, {"bearish engulfing", {K::kBearishEngulfing}},
      {"engulfing", {K::kBullishEngulfing, K::kBearishEngulfing}},
      {"morning star", {K::kMorningStar}}, {"evening star", {K::kEveningStar}},
      {"rally", {}, +1}, {"rallies", {}, +1}, {"rallied", {}, +1}, {"rallying", {}, +1},
      {"surge", {}, +1}, {"surged", {}, +1}, {"surging", {}, +1}, {"soar", {}, +1},
      {"soared", {}, +1}, {"soaring", {}, +1}, {"skyrocketed", {}, +1}, {"big gain", {}, +1},
      {"sell off", {}, -1}, {"selloff", {}, -1}, {"sold off", {}, -1}, {"selling off", {}, -1},
      {"crash", {}, -1}, {"crashed", {}, -1}, {"plunge", {}, -1}, {"plunged", {}, -1},
      {"plunging", {}, -1}, {"tank", {}, -1}, {"tanked", {}, -1}, {"collapse", {}, -1},
      {"collapsed", {}, -1}, {"slump", {}, -1}, {"slumped", {}, -1}, {"tumble", {}, -1},
      {"tumbled", {}, -1}, {"nosedive", {}, -1}, {"meltdown", {}, -1}, {"big loss", {}, -1},
  };
  return kList;
}

const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinSectorSynonyms() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kList = {
      {"tech", "Information Technology"}, {"technology", "Information Technology"},
      {"information technology", "Information Technology"}, {"it sector", "Information Technology"},
      {"it stocks", "Information Technology"}, {"it companies", "Information Technology"},
      {"software", "Information Technology"}, {"semiconductor", "Information Technology"},
      {"semiconductors", "Information Technology"}, {"chip", "Information Technology"},
      {"chipmakers", "Information Technology"},
      {"healthcare", "Health Care"}, {"health care", "Health Care"}, {"pharma", "Health Care"},
      {"pharmaceutical", "Health Care"}, {"biotech", "Health Care"}, {"medical", "Health Care"},
      {"financials", "Financials"}, {"financial", "Financials"}, {"banks", "Financials"},
      {"banking", "Financials"}, {"bank", "Financials"}, {"insurers", "Financials"},
      {"energy", "Energy"}, {"oil", "Energy"}, {"oil and gas", "Energy"}, {"oil & gas", "Energy"},
      {"utilities", "Utilities"}, {"utility", "Utilities"},
      {"industrials", "Industrials"}, {"industrial", "Industrials"},
      {"consumer discretionary", "Consumer Discretionary"},
      {"discretionary", "Consumer Discretionary"}, {"retail", "Consumer Discretionary"},
      {"retailers", "Consumer Discretionary"},
      {"consumer staples", "Consumer Staples"}, {"staples", "Consumer Staples"},
      {"materials", "Materials"}, {"basic materials", "Materials"}, {"chemicals", "Materials"},
      {"mining", "Materials"},
      {"real estate", "Real Estate"}, {"reits", "Real Estate"}, {"reit", "Real Estate"},
      {"communication services", "Communication Services"},
      {"communications", "Communication Services"}, {"telecom", "Communication Services"},
      {"telecommunications", "Communication Services"}, {"media", "Communication Services"},
  };
  return kList;
}

bool IsSectorSuffix(std::string_view w) {
  return w == "sector" || w == "sectors" || w == "stocks" || w == "stock" || w == "companies" ||
         w == "company" || w == "names" || w == "shares" || w == "industry" || w == "space";
}

}  // namespace ohlcv::question_internal
