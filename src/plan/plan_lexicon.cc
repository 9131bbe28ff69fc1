#include "plan/plan_lexicon.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ohlcv::plan_internal {
namespace {

// '#' matches a number (captured as n); '?' makes the next word optional is
// not supported: list both phrasings instead.
struct MeasurePhrase {
  std::vector<std::string> words;
  MeasureKind kind;
  int n = 0;  // fixed n for the phrase; '#' overrides
  bool bare_period = false;
};

const std::vector<MeasurePhrase>& Phrases() {
  using K = MeasureKind;
  static const std::vector<MeasurePhrase> kPhrases = [] {
    std::vector<MeasurePhrase> p = {
        {{"adjusted", "close"}, K::kAdjClose},
        {{"adjusted", "closing", "price"}, K::kAdjClose},
        {{"adj", "close"}, K::kAdjClose},
        {{"dollar", "volume"}, K::kDollarVolume},
        {{"shares", "changed", "hands"}, K::kVolume},
        {{"shares", "change", "hands"}, K::kVolume},
        {{"shares", "traded"}, K::kVolume},
        {{"shares", "were", "traded"}, K::kVolume},
        {{"trading", "volume"}, K::kVolume},
        {{"volume"}, K::kVolume},
        {{"opening", "price"}, K::kOpen},
        {{"open"}, K::kOpen},
        {{"opened"}, K::kOpen},
        {{"closing", "price"}, K::kClose},
        {{"close"}, K::kClose},
        {{"closed"}, K::kClose},
        {{"closes"}, K::kClose},
        {{"closing"}, K::kClose},
        {{"intraday", "high"}, K::kHigh},
        {{"intraday", "low"}, K::kLow},
        {{"daily", "high"}, K::kHigh},
        {{"daily", "low"}, K::kLow},
        {{"high"}, K::kHigh},
        {{"low"}, K::kLow},
        {{"true", "range"}, K::kTrueRange},
        {{"trading", "range"}, K::kRange},
        {{"daily", "range"}, K::kRange},
        {{"gap"}, K::kGap},
        // indicators
        {{"rsi", "#"}, K::kRsi},
        {{"#", "day", "rsi"}, K::kRsi},
        {{"#", "period", "rsi"}, K::kRsi},
        {{"rsi"}, K::kRsi},
        {{"relative", "strength", "index"}, K::kRsi},
        {{"relative", "strength"}, K::kRsi},
        {{"sma", "#"}, K::kSma},
        {{"#", "day", "sma"}, K::kSma},
        {{"#", "sma"}, K::kSma},
        {{"#", "day", "simple", "moving", "average"}, K::kSma},
        {{"#", "day", "moving", "average"}, K::kSma},
        {{"#", "day", "average"}, K::kSma},
        {{"#", "day", "ma"}, K::kSma},
        {{"#", "dma"}, K::kSma},
        {{"ma", "#"}, K::kSma},
        {{"#", "day", "line"}, K::kSma},
        {{"moving", "average", "#"}, K::kSma},
        {{"simple", "moving", "average"}, K::kSma},
        {{"moving", "average"}, K::kSma},
        {{"sma"}, K::kSma},
        {{"ema", "#"}, K::kEma},
        {{"#", "day", "ema"}, K::kEma},
        {{"#", "ema"}, K::kEma},
        {{"#", "day", "exponential", "moving", "average"}, K::kEma},
        {{"exponential", "moving", "average"}, K::kEma},
        {{"ema"}, K::kEma},
        {{"macd", "signal", "line"}, K::kMacdSignal},
        {{"macd", "signal"}, K::kMacdSignal},
        {{"signal", "line"}, K::kMacdSignal},
        {{"macd", "histogram"}, K::kMacdHist},
        {{"macd", "hist"}, K::kMacdHist},
        {{"macd", "line"}, K::kMacd},
        {{"macd"}, K::kMacd},
        {{"upper", "bollinger", "band"}, K::kBbUpper},
        {{"upper", "bollinger"}, K::kBbUpper},
        {{"bollinger", "upper", "band"}, K::kBbUpper},
        {{"upper", "band"}, K::kBbUpper},
        {{"lower", "bollinger", "band"}, K::kBbLower},
        {{"lower", "bollinger"}, K::kBbLower},
        {{"bollinger", "lower", "band"}, K::kBbLower},
        {{"lower", "band"}, K::kBbLower},
        {{"middle", "bollinger", "band"}, K::kBbMiddle},
        {{"middle", "band"}, K::kBbMiddle},
        {{"bollinger", "%b"}, K::kBbPercentB},
        {{"%b"}, K::kBbPercentB},
        {{"percent", "b"}, K::kBbPercentB},
        {{"bollinger", "bandwidth"}, K::kBbBandwidth},
        {{"bandwidth"}, K::kBbBandwidth},
        {{"atr", "#"}, K::kAtr},
        {{"#", "day", "atr"}, K::kAtr},
        {{"atr"}, K::kAtr},
        {{"average", "true", "range"}, K::kAtr},
        {{"adx"}, K::kAdx},
        {{"average", "directional", "index"}, K::kAdx},
        {{"+di"}, K::kPlusDi},
        {{"plus", "di"}, K::kPlusDi},
        {{"-di"}, K::kMinusDi},
        {{"minus", "di"}, K::kMinusDi},
        {{"stochastic", "%k"}, K::kStochK},
        {{"stochastic", "k"}, K::kStochK},
        {{"stoch", "%k"}, K::kStochK},
        {{"%k"}, K::kStochK},
        {{"stochastic", "%d"}, K::kStochD},
        {{"stochastic", "d"}, K::kStochD},
        {{"%d"}, K::kStochD},
        {{"stochastic"}, K::kStochK},
        {{"williams", "%r"}, K::kWillR},
        {{"williams", "r"}, K::kWillR},
        {{"%r"}, K::kWillR},
        {{"cci"}, K::kCci},
        {{"obv"}, K::kObv},
        {{"on", "balance", "volume"}, K::kObv},
        {{"mfi"}, K::kMfi},
        {{"money", "flow", "index"}, K::kMfi},
        {{"roc"}, K::kRoc},
        {{"rate", "of", "change"}, K::kRoc},
        {{"vwap"}, K::kVwap},
        {{"#", "day", "volatility"}, K::kVolatility, 20},
        {{"volatility"}, K::kVolatility},
        {{"drawdown"}, K::kDrawdown},
        {{"#", "day", "return"}, K::kReturn},
        {{"daily", "return"}, K::kReturn, 1},
        {{"return"}, K::kReturn},
        {{"returns"}, K::kReturn},
    };
    // "the 50-day", "its 200 day" without a noun: an SMA.
    p.push_back({{"#", "day"}, K::kSma, 0, true});
    std::stable_sort(p.begin(), p.end(),
                     [](const MeasurePhrase& a, const MeasurePhrase& b) { return a.words.size() > b.words.size(); });
    return p;
  }();
  return kPhrases;
}

// Damerau-Levenshtein distance <= 1 (one insertion, deletion, substitution
// or transposition of neighbours).
bool WithinOneEdit(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const size_t n = a.size(), m = b.size();
  if (n + 1 < m || m + 1 < n) return false;
  size_t i = 0;
  while (i < n && i < m && a[i] == b[i]) ++i;
  if (n == m) {
    if (a.compare(i + 1, std::string::npos, b, i + 1, std::string::npos) == 0) return true;  // substitution
    return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.compare(i + 2, std::string::npos, b, i + 2, std::string::npos) == 0;  // transposition
  }
  const std::string& longer = n > m ? a : b;
  const std::string& shorter = n > m ? b : a;
  return longer.compare(i + 1, std::string::npos, shorter, i, std::string::npos) == 0;
}

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    const bool digit_before = !cur.empty() && std::isdigit(static_cast<unsigned char>(cur.back()));
    const bool digit_after = i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '&') {
      cur += c;
    } else if (c == '$' && cur.empty()) {
      cur += c;
    } else if (c == '.' && digit_before && digit_after) {
      cur += c;
    } else if ((c == ':' && digit_before && digit_after) ||
               (c == '-' && digit_before && digit_after && cur.size() >= 4)) {
      cur += c;  // 10:30, 2017-03-08
    } else if ((c == '%' || c == '+' || c == '-') && cur.empty() && i + 1 < text.size() &&
               std::isalpha(static_cast<unsigned char>(text[i + 1]))) {
      cur += c;  // %b, +di, -di
    } else if (c == '%') {
      flush();
      out.push_back("%");
    } else if (c == '\'') {
      // "AAPL's" -> "aapl"; skip the 's
      flush();
      if (i + 1 < text.size() && (text[i + 1] == 's' || text[i + 1] == 'S') &&
          (i + 2 >= text.size() || !std::isalpha(static_cast<unsigned char>(text[i + 2])))) {
        ++i;
      }
    } else if (c == '>' || c == '<') {
      flush();
      out.push_back(std::string(1, c));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

void FixTypos(std::vector<std::string>& tokens, const std::set<std::string>& keep) {
  static const std::vector<std::string> kKeywords = {
      "average", "highest", "lowest", "biggest", "largest", "maximum", "minimum", "median", "volume", "closing",
      "close", "closed", "opened", "opening", "return", "returns", "volatility", "drawdown", "correlation", "crossed",
      "cross", "above", "below", "first", "shares", "traded", "price", "performed", "performance", "between",
      "compare", "golden", "death", "bollinger", "moving", "stochastic", "williams", "exponential", "simple",
      "smallest", "greatest", "streak", "consecutive", "total", "during", "market"};
  static const std::set<std::string> kExact = [] {
    std::set<std::string> s(kKeywords.begin(), kKeywords.end());
    // Real words one edit away from a keyword.
    for (const char* w : {"crosses", "crossing", "closes", "closer", "closely", "opens", "higher", "lower", "highs",
                          "share", "prices", "priced", "return", "returned", "market", "markets", "biggest", "firsts",
                          "totals", "moving", "movie", "chose", "those", "whose", "above", "abode", "medium",
                          "media", "median", "deaths", "cross", "gross", "cost", "closet", "price", "pride",
                          "prize", "trade", "trader", "tradeo", "stocks", "streaks", "golden", "volumes"}) {
      s.insert(w);
    }
    return s;
  }();
  for (auto& tok : tokens) {
    if (tok.size() < 5 || kExact.count(tok) || keep.count(tok) || !std::isalpha(static_cast<unsigned char>(tok[0])))
      continue;
    const std::string* only = nullptr;
    int hits = 0;
    for (const auto& k : kKeywords) {
      if (WithinOneEdit(tok, k)) {
        only = &k;
        ++hits;
      }
    }
    if (hits == 1) tok = *only;
  }
}

std::optional<int> SmallNumber(const std::string& tok) {
  static const std::map<std::string, int> kWords = {{"one", 1},  {"two", 2},    {"three", 3}, {"four", 4},
                                                    {"five", 5}, {"six", 6},    {"seven", 7}, {"eight", 8},
                                                    {"nine", 9}, {"ten", 10},   {"twenty", 20}, {"fifty", 50},
                                                    {"hundred", 100}};
  if (auto it = kWords.find(tok); it != kWords.end()) return it->second;
  if (tok.empty() || tok.size() > 4) return std::nullopt;
  for (char c : tok) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::stoi(tok);
}

std::vector<MeasureHit> FindMeasures(const std::vector<std::string>& tokens) {
  std::vector<MeasureHit> hits;
  size_t i = 0;
  while (i < tokens.size()) {
    bool matched = false;
    for (const auto& ph : Phrases()) {
      if (i + ph.words.size() > tokens.size()) continue;
      int n = ph.n;
      bool ok = true;
      for (size_t k = 0; k < ph.words.size() && ok; ++k) {
        const std::string& t = tokens[i + k];
        if (ph.words[k] == "#") {
          auto v = SmallNumber(t);
          ok = v && *v >= 1 && *v <= 1000;
          if (ok) n = *v;
        } else {
          ok = t == ph.words[k] || (t == ph.words[k] + "s" && ph.words[k].size() > 3);
        }
      }
      if (!ok) continue;
      // "the 50-day" alone is an SMA; "one-day drop", "5 day return" are not.
      if (ph.bare_period) {
        static const std::set<std::string> kMoves = {"drop", "drops", "fall", "gain", "gains", "move", "moves", "rise",
                                                     "decline", "loss", "jump", "rally", "streak", "return", "returns",
                                                     "change", "high", "low", "window", "period", "volatility"};
        const size_t next = i + ph.words.size();
        if (n < 10 || (next < tokens.size() && kMoves.count(tokens[next]))) continue;
      }
      if (ph.kind == MeasureKind::kVolatility) n = 0;  // fixed 20-bar column
      if (ph.kind == MeasureKind::kAtr || ph.kind == MeasureKind::kRsi || ph.kind == MeasureKind::kSma ||
          ph.kind == MeasureKind::kEma || ph.kind == MeasureKind::kReturn) {
        // n stays
      } else if (ph.kind != MeasureKind::kVolatility) {
        n = 0;
      }
      hits.push_back({{ph.kind, n}, i, i + ph.words.size(), ph.bare_period});
      i += ph.words.size();
      matched = true;
      break;
    }
    if (!matched) {
      // A typo in a one-word measure of 5+ letters ("volumne", "closng").
      const std::string& tok = tokens[i];
      if (tok.size() >= 5 && std::isalpha(static_cast<unsigned char>(tok[0]))) {
        for (const auto& ph : Phrases()) {
          if (ph.words.size() != 1 || ph.words[0].size() < 5 || ph.words[0][0] == '#') continue;
          if (WithinOneEdit(tok, ph.words[0])) {
            hits.push_back({{ph.kind, ph.n}, i, i + 1, false});
            break;
          }
        }
      }
      ++i;
    }
  }
  return hits;
}

const std::map<std::string, std::vector<std::string>>& IndustrySlang() {
  static const std::map<std::string, std::vector<std::string>> kSlang = {
      {"banks", {"Diversified Banks", "Regional Banks"}},
      {"bank", {"Diversified Banks", "Regional Banks"}},
      {"chipmaker", {"Semiconductors"}},
      {"airline", {"Passenger Airlines", "Airlines"}},
      {"railroad", {"Rail Transportation", "Railroads"}},
      {"insurer", {"Property & Casualty Insurance", "Life & Health Insurance", "Multi-line Insurance", "Reinsurance"}},
      {"automaker", {"Automobile Manufacturers"}},
      {"drugmaker", {"Pharmaceuticals"}},
      {"homebuilder", {"Homebuilding"}},
      {"refiner", {"Oil & Gas Refining & Marketing"}},
      {"bank stocks", {"Diversified Banks", "Regional Banks"}},
      {"big banks", {"Diversified Banks"}},
      {"regional banks", {"Regional Banks"}},
      {"chipmakers", {"Semiconductors"}},
      {"chip makers", {"Semiconductors"}},
      {"chip stocks", {"Semiconductors"}},
      {"semis", {"Semiconductors"}},
      {"semiconductors", {"Semiconductors"}},
      {"semiconductor stocks", {"Semiconductors"}},
      {"chip equipment", {"Semiconductor Materials & Equipment"}},
      {"airlines", {"Passenger Airlines", "Airlines"}},
      {"airline stocks", {"Passenger Airlines", "Airlines"}},
      {"railroads", {"Rail Transportation", "Railroads"}},
      {"railways", {"Rail Transportation", "Railroads"}},
      {"oil producers", {"Oil & Gas Exploration & Production", "Integrated Oil & Gas"}},
      {"oil companies", {"Oil & Gas Exploration & Production", "Integrated Oil & Gas"}},
      {"oil majors", {"Integrated Oil & Gas"}},
      {"refiners", {"Oil & Gas Refining & Marketing"}},
      {"drillers", {"Oil & Gas Drilling", "Oil & Gas Exploration & Production"}},
      {"pipelines", {"Oil & Gas Storage & Transportation"}},
      {"pharma", {"Pharmaceuticals"}},
      {"drugmakers", {"Pharmaceuticals"}},
      {"drug makers", {"Pharmaceuticals"}},
      {"pharmaceuticals", {"Pharmaceuticals"}},
      {"biotech", {"Biotechnology"}},
      {"biotechs", {"Biotechnology"}},
      {"biotechnology", {"Biotechnology"}},
      {"insurers", {"Property & Casualty Insurance", "Life & Health Insurance", "Multi-line Insurance", "Reinsurance"}},
      {"insurance companies",
       {"Property & Casualty Insurance", "Life & Health Insurance", "Multi-line Insurance", "Reinsurance"}},
      {"automakers", {"Automobile Manufacturers"}},
      {"carmakers", {"Automobile Manufacturers"}},
      {"homebuilders", {"Homebuilding"}},
      {"restaurants", {"Restaurants"}},
      {"restaurant stocks", {"Restaurants"}},
      {"software", {"Application Software", "Systems Software"}},
      {"software stocks", {"Application Software", "Systems Software"}},
      {"software companies", {"Application Software", "Systems Software"}},
      {"casinos", {"Casinos & Gaming"}},
      {"defense stocks", {"Aerospace & Defense"}},
      {"defense contractors", {"Aerospace & Defense"}},
      {"aerospace", {"Aerospace & Defense"}},
      {"tobacco", {"Tobacco"}},
      {"beverages", {"Soft Drinks & Non-alcoholic Beverages", "Soft Drinks", "Brewers", "Distillers & Vintners"}},
      {"soft drinks", {"Soft Drinks & Non-alcoholic Beverages", "Soft Drinks"}},
      {"hotels", {"Hotels, Resorts & Cruise Lines"}},
      {"cruise lines", {"Hotels, Resorts & Cruise Lines"}},
      {"payment processors", {"Transaction & Payment Processing Services", "Data Processing & Outsourced Services"}},
      {"payments", {"Transaction & Payment Processing Services", "Data Processing & Outsourced Services"}},
      {"medtech", {"Health Care Equipment"}},
      {"medical device makers", {"Health Care Equipment"}},
      {"health insurers", {"Managed Health Care"}},
      {"utilities", {"Electric Utilities", "Multi-Utilities", "Water Utilities", "Gas Utilities",
                     "Independent Power Producers & Energy Traders"}},
      {"electric utilities", {"Electric Utilities"}},
      {"reits", {}},  // the Real Estate sector (left to the sector words)
      {"asset managers", {"Asset Management & Custody Banks"}},
      {"brokers", {"Investment Banking & Brokerage"}},
      {"investment banks", {"Investment Banking & Brokerage"}},
      {"exchanges", {"Financial Exchanges & Data"}},
      {"credit card companies", {"Consumer Finance", "Transaction & Payment Processing Services"}},
      {"homebuilding", {"Homebuilding"}},
      {"cable companies", {"Cable & Satellite"}},
      {"media", {"Movies & Entertainment", "Broadcasting", "Publishing", "Cable & Satellite"}},
      {"department stores", {"Department Stores"}},
      {"retailers", {"Apparel Retail", "Specialty Stores", "Department Stores", "Internet & Direct Marketing Retail",
                     "Consumer Staples Merchandise Retail", "Home Improvement Retail", "Automotive Retail",
                     "Computer & Electronics Retail", "Other Specialty Retail", "Broadline Retail"}},
      {"railroad stocks", {"Rail Transportation", "Railroads"}},
      {"trucking", {"Trucking", "Cargo Ground Transportation"}},
      {"chemical companies", {"Specialty Chemicals", "Commodity Chemicals", "Diversified Chemicals",
                              "Industrial Gases", "Fertilizers & Agricultural Chemicals"}},
      {"miners", {"Gold", "Copper", "Diversified Metals & Mining", "Steel"}},
  };
  return kSlang;
}

}  // namespace ohlcv::plan_internal
