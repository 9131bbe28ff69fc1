#include "plan/plan_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <set>

#include "core/exchange.h"
#include "plan/plan_lexicon.h"
#include "util/time.h"

namespace ohlcv {
namespace {

using plan_internal::FindMeasures;
using plan_internal::MeasureHit;
using plan_internal::SmallNumber;
using plan_internal::Tokenize;

using Tokens = std::vector<std::string>;

bool Has(const Tokens& t, std::initializer_list<const char*> words) {
  for (const auto& tok : t) {
    for (const char* w : words) {
      if (tok == w) return true;
    }
  }
  return false;
}

// Position of the token sequence `phrase` (space separated) or npos.
size_t FindPhrase(const Tokens& t, std::string_view phrase, size_t from = 0) {
  Tokens p;
  std::string cur;
  for (char c : phrase) {
    if (c == ' ') {
      p.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  p.push_back(cur);
  for (size_t i = from; i + p.size() <= t.size(); ++i) {
    if (std::equal(p.begin(), p.end(), t.begin() + static_cast<long>(i))) return i;
  }
  return std::string::npos;
}

bool HasPhrase(const Tokens& t, std::initializer_list<const char*> phrases) {
  for (const char* p : phrases) {
    if (FindPhrase(t, p) != std::string::npos) return true;
  }
  return false;
}

std::optional<double> Level(const std::string& tok) {
  std::string s = tok;
  bool dollar = false;
  if (!s.empty() && s[0] == '$') {
    dollar = true;
    s = s.substr(1);
  }
  if (s.empty() || s.size() > 15 || !(std::isdigit(static_cast<unsigned char>(s[0])))) return std::nullopt;
  if (std::count(s.begin(), s.end(), '.') > 1) return std::nullopt;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
  }
  const double v = std::stod(s);
  if (!dollar && s.find('.') == std::string::npos && v >= 1990 && v <= 2035) return std::nullopt;  // a year
  return v;
}

struct Comp {
  Comparator op;
  size_t begin, end;  // tokens of the comparator phrase
  int sign = 0;       // +1 "rose more than", -1 "fell more than": a return condition
};

// Comparator phrases, longest first.
std::optional<Comp> FindComparator(const Tokens& t) {
  struct P {
    const char* phrase;
    Comparator op;
    int sign;
  };
  static const P kPhrases[] = {
      {"crossed above", Comparator::kCrossesAbove, 0}, {"cross above", Comparator::kCrossesAbove, 0},
      {"crosses above", Comparator::kCrossesAbove, 0}, {"crossing above", Comparator::kCrossesAbove, 0},
      {"crossed over", Comparator::kCrossesAbove, 0},  {"cross over", Comparator::kCrossesAbove, 0},
      {"crosses over", Comparator::kCrossesAbove, 0},  {"crossed below", Comparator::kCrossesBelow, 0},
      {"cross below", Comparator::kCrossesBelow, 0},   {"crosses below", Comparator::kCrossesBelow, 0},
      {"crossing below", Comparator::kCrossesBelow, 0}, {"crossed under", Comparator::kCrossesBelow, 0},
      {"cross under", Comparator::kCrossesBelow, 0},   {"crosses under", Comparator::kCrossesBelow, 0},
      {"rose more than", Comparator::kAbove, 1},       {"gained more than", Comparator::kAbove, 1},
      {"rise more than", Comparator::kAbove, 1},       {"gain more than", Comparator::kAbove, 1},
      {"up more than", Comparator::kAbove, 1},         {"jumped more than", Comparator::kAbove, 1},
      {"fell more than", Comparator::kBelow, -1},      {"fall more than", Comparator::kBelow, -1},
      {"dropped more than", Comparator::kBelow, -1},   {"drop more than", Comparator::kBelow, -1},
      {"lost more than", Comparator::kBelow, -1},      {"lose more than", Comparator::kBelow, -1},
      {"down more than", Comparator::kBelow, -1},      {"declined more than", Comparator::kBelow, -1},
      {"greater than", Comparator::kAbove, 0},         {"more than", Comparator::kAbove, 0},
      {"higher than", Comparator::kAbove, 0},          {"less than", Comparator::kBelow, 0},
      {"lower than", Comparator::kBelow, 0},           {"fewer than", Comparator::kBelow, 0},
      {"above", Comparator::kAbove, 0},                {"over", Comparator::kAbove, 0},
      {"exceeded", Comparator::kAbove, 0},             {"exceed", Comparator::kAbove, 0},
      {"topped", Comparator::kAbove, 0},               {">", Comparator::kAbove, 0},
      {"below", Comparator::kBelow, 0},                {"under", Comparator::kBelow, 0},
      {"beneath", Comparator::kBelow, 0},              {"<", Comparator::kBelow, 0},
  };
  std::optional<Comp> best;
  static const std::set<std::string> kTimeWords = {"the", "last", "past", "next", "a", "this", "that", "time",
                                                   "period", "year", "years", "month", "months", "week", "weeks",
                                                   "day", "days", "q1", "q2", "q3", "q4", "h1", "h2"};
  for (const auto& p : kPhrases) {
    size_t at = FindPhrase(t, p.phrase);
    while (at != std::string::npos && (std::strcmp(p.phrase, "over") == 0 || std::strcmp(p.phrase, "under") == 0) &&
           at + 1 < t.size() && (kTimeWords.count(t[at + 1]) || (t[at + 1].size() == 4 && !Level(t[at + 1])))) {
      at = FindPhrase(t, p.phrase, at + 1);
    }
    if (at == std::string::npos) continue;
    size_t len = 1 + static_cast<size_t>(std::count(p.phrase, p.phrase + std::strlen(p.phrase), ' '));
    if (!best || at < best->begin || (at == best->begin && len > best->end - best->begin)) {
      best = Comp{p.op, at, at + len, p.sign};
    }
  }
  return best;
}

// A date+time token pair "10:30" with the day of `day_ts`; `skip` times of
// day are passed over first (1: the second time, "between 14:00 and 15:00").
// Wall-clock time: the caller reads it in the exchange's zone.
std::optional<int64_t> TimeOfDay(const Tokens& t, int64_t day_ts, int skip = 0) {
  for (size_t i = 0; i < t.size(); ++i) {
    auto colon = t[i].find(':');
    if (colon == std::string::npos || colon == 0 || colon > 2 || t[i].size() - colon - 1 != 2) continue;
    int h = std::stoi(t[i].substr(0, colon));
    int m = std::stoi(t[i].substr(colon + 1));
    if (i + 1 < t.size() && t[i + 1] == "pm" && h < 12) h += 12;
    if (h > 23 || m > 59) continue;
    if (skip-- > 0) continue;
    const int64_t day = day_ts - (((day_ts % 86400) + 86400) % 86400);
    return day + h * 3600 + m * 60;
  }
  return std::nullopt;
}

}  // namespace

const std::map<std::string, std::string>& ShortCompanyNames() {
  static const std::map<std::string, std::string> kNames = {
      {"Exxon", "XOM"},        {"Google", "GOOGL"},       {"Alphabet", "GOOGL"},   {"Facebook", "FB"},
      {"Disney", "DIS"},       {"Walt Disney", "DIS"},    {"Boeing", "BA"},        {"Intel", "INTC"},
      {"Pepsi", "PEP"},        {"PepsiCo", "PEP"},        {"Coca-Cola", "KO"},     {"Coke", "KO"},
      {"Apple", "AAPL"},       {"Microsoft", "MSFT"},     {"Amazon", "AMZN"},      {"Netflix", "NFLX"},
      {"Nvidia", "NVDA"},      {"JPMorgan", "JPM"},       {"JP Morgan", "JPM"},    {"Goldman", "GS"},       {"Goldman Sachs", "GS"},   {"Morgan Stanley", "MS"}, {"Citigroup", "C"},
      {"Citi", "C"},           {"Wells Fargo", "WFC"},    {"Bank of America", "BAC"}, {"Chevron", "CVX"},
      {"Walmart", "WMT"},      {"Wal-Mart", "WMT"},       {"Johnson & Johnson", "JNJ"}, {"J&J", "JNJ"},
      {"Procter & Gamble", "PG"}, {"P&G", "PG"},          {"Mastercard", "MA"},
      {"Berkshire", "BRK.B"},  {"Berkshire Hathaway", "BRK.B"}, {"Tesla", "TSLA"}, {"Cisco", "CSCO"},
      {"Oracle", "ORCL"},      {"IBM", "IBM"},            {"Qualcomm", "QCOM"},    {"AMD", "AMD"},
      {"Adobe", "ADBE"},       {"Salesforce", "CRM"},     {"PayPal", "PYPL"},      {"Starbucks", "SBUX"},
      {"McDonald's", "MCD"},   {"McDonalds", "MCD"},      {"Nike", "NKE"},         {"Home Depot", "HD"},
      {"Lowe's", "LOW"},       {"Lowes", "LOW"},          {"Costco", "COST"},      {"Verizon", "VZ"},       {"AT&T", "T"},             {"Comcast", "CMCSA"},    {"Pfizer", "PFE"}, {"Merck", "MRK"},
      {"AbbVie", "ABBV"},        {"Amgen", "AMGN"},       {"Gilead", "GILD"},
      {"UnitedHealth", "UNH"}, {"3M", "MMM"},             {"Caterpillar", "CAT"},  {"General Electric", "GE"},
      {"Honeywell", "HON"},    {"Lockheed", "LMT"},       {"Lockheed Martin", "LMT"}, {"FedEx", "FDX"},
      {"UPS", "UPS"},          {"Ford", "F"},             {"General Motors", "GM"}, {"Delta Air Lines", "DAL"}, {"United Airlines", "UAL"}, {"American Airlines", "AAL"},
      {"Southwest Airlines", "LUV"}, {"ConocoPhillips", "COP"}, {"Schlumberger", "SLB"},
      {"Marathon Oil", "MRO"}, {"Occidental", "OXY"},     {"Halliburton", "HAL"},  {"Micron", "MU"},
      {"Texas Instruments", "TXN"}, {"Broadcom", "AVGO"}, {"Applied Materials", "AMAT"}, {"eBay", "EBAY"},
      {"Priceline", "PCLN"},     {"Mondelez", "MDLZ"},    {"Kraft Heinz", "KHC"},
      {"Altria", "MO"},        {"Philip Morris", "PM"},   {"Colgate", "CL"},       {"Kimberly-Clark", "KMB"},
      {"American Express", "AXP"}, {"Amex", "AXP"},       {"BlackRock", "BLK"},    {"Charles Schwab", "SCHW"},
      {"Schwab", "SCHW"},      {"Medtronic", "MDT"},      {"Abbott", "ABT"},       {"Eli Lilly", "LLY"},
      {"Bristol-Myers", "BMY"},  {"CVS", "CVS"},          {"Walgreens", "WBA"},
      {"Kroger", "KR"},        {"DuPont", "DD"},        {"Raytheon", "RTN"},
      {"Northrop", "NOC"},     {"Northrop Grumman", "NOC"}, {"General Dynamics", "GD"}, {"Union Pacific", "UNP"},
      {"CSX", "CSX"},          {"Netflix Inc", "NFLX"},   {"Twitter", "TWTR"},     {"Activision", "ATVI"},
      {"Electronic Arts", "EA"}, {"Marriott", "MAR"},     {"Hilton", "HLT"},       {"Carnival", "CCL"},
      {"Royal Caribbean", "RCL"}, {"Las Vegas Sands", "LVS"}, {"Wynn", "WYNN"},    {"MGM", "MGM"},
      {"Chipotle", "CMG"},     {"Hershey", "HSY"},      {"General Mills", "GIS"},
      {"Tyson", "TSN"},        {"Deere", "DE"},
      {"John Deere", "DE"},    {"Duke Energy", "DUK"},    {"Southern Company", "SO"}, {"NextEra", "NEE"},
      {"Exelon", "EXC"},         {"Simon Property", "SPG"}, {"American Tower", "AMT"},
      {"Prologis", "PLD"},     {"Equinix", "EQIX"},       {"Accenture", "ACN"},    {"Autodesk", "ADSK"},
      {"Intuit", "INTU"},      {"HP", "HPQ"},             {"Dell", "DELL"},        {"Xerox", "XRX"},
      {"Western Digital", "WDC"}, {"Seagate", "STX"},     {"Lam Research", "LRCX"}, {"KLA", "KLAC"},
      {"Analog Devices", "ADI"}, {"Xilinx", "XLNX"},      {"Comerica", "CMA"},     {"US Bancorp", "USB"},
      {"PNC", "PNC"},          {"Capital One", "COF"},    {"Truist", "TFC"},       {"State Street", "STT"},
      {"Aetna", "AET"},        {"Anthem", "ANTM"},        {"Cigna", "CI"},         {"Humana", "HUM"},
      {"Biogen", "BIIB"},      {"Regeneron", "REGN"},     {"Vertex", "VRTX"},      {"Illumina", "ILMN"},
      {"Expedia", "EXPE"},     {"Ulta", "ULTA"},          {"Best Buy", "BBY"},     {"Macy's", "M"},
      {"Macys", "M"},          {"Kohl's", "KSS"},         {"Gap Inc", "GPS"},      {"Under Armour", "UAA"},
      {"Harley-Davidson", "HOG"}, {"Whirlpool", "WHR"},    {"Sherwin-Williams", "SHW"},
      {"Ecolab", "ECL"},       {"Monsanto", "MON"},       {"Newmont", "NEM"},      {"Freeport", "FCX"},
      {"Nucor", "NUE"},        {"Alcoa", "AA"},           {"Waste Management", "WM"}, {"Motorola", "MSI"},
      {"Corning", "GLW"},      {"Mattel", "MAT"},         {"Hasbro", "HAS"},       {"Estee Lauder", "EL"},
      {"Clorox", "CLX"},       {"Sysco", "SYY"},          {"Constellation Brands", "STZ"}, {"Molson Coors", "TAP"},
      {"Monster Beverage", "MNST"}, {"Dollar General", "DG"}, {"Dollar Tree", "DLTR"}, {"AutoZone", "AZO"},
      {"O'Reilly", "ORLY"},    {"TJX", "TJX"},            {"Nordstrom", "JWN"},
      {"Tiffany", "TIF"},      {"Ralph Lauren", "RL"},    {"VF Corp", "VFC"},      {"Lennar", "LEN"},
      {"D.R. Horton", "DHI"},  {"PulteGroup", "PHM"},     {"Emerson", "EMR"},      {"Illinois Tool Works", "ITW"},
      {"Danaher", "DHR"},      {"Thermo Fisher", "TMO"},  {"Stryker", "SYK"},      {"Boston Scientific", "BSX"},
      {"Intuitive Surgical", "ISRG"}, {"Zimmer", "ZBH"},  {"Baxter", "BAX"},       {"Becton Dickinson", "BDX"},
      {"Valero", "VLO"},       {"Phillips 66", "PSX"},    {"Marathon Petroleum", "MPC"}, {"Kinder Morgan", "KMI"},
      {"Devon", "DVN"},          {"Hess", "HES"},
      {"Anadarko", "APC"},     {"EOG", "EOG"},            {"Baker Hughes", "BHGE"},
      {"Norfolk Southern", "NSC"}, {"Kansas City Southern", "KSU"}, {"Viacom", "VIAB"},      {"CBS", "CBS"},            {"Time Warner", "TWX"},
      {"News Corp", "NWSA"},   {"Omnicom", "OMC"},        {"Moody's", "MCO"},      {"S&P Global", "SPGI"},
      {"CME", "CME"},          {"Intercontinental Exchange", "ICE"}, {"Nasdaq", "NDAQ"}, {"MetLife", "MET"},
      {"AIG", "AIG"},            {"Allstate", "ALL"},     {"Chubb", "CB"},         {"Aflac", "AFL"},        {"Equifax", "EFX"},        {"Verisign", "VRSN"},    {"Akamai", "AKAM"},
      {"Citrix", "CTXS"},      {"Fiserv", "FISV"},        {"Global Payments", "GPN"}, {"Western Union", "WU"},
      {"Uber", "UBER"},          {"Lyft", "LYFT"},        };
  return kNames;
}

PlanParser::PlanParser(PlanContext context) : context_(std::move(context)) {
  QuestionContext qc = context_.question;
  for (const auto& [name, ticker] : ShortCompanyNames()) {
    if (context_.question.known_tickers.count(ticker) && !qc.company_names.count(name)) {
      qc.company_names[name] = ticker;
    }
  }
  question_parser_ = std::make_unique<QuestionParser>(std::move(qc));
  for (const auto& t : context_.question.known_tickers) {
    std::string lower;
    for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lower_tickers_.insert(lower);
  }
  std::set<std::string> present;
  for (const auto& [t, sub] : context_.industries) {
    if (context_.question.known_tickers.empty() || context_.question.known_tickers.count(t)) present.insert(sub);
  }
  for (const auto& [word, subs] : plan_internal::IndustrySlang()) {
    std::vector<std::string> keep;
    for (const auto& s : subs) {
      if (present.count(s)) keep.push_back(s);
    }
    if (!keep.empty()) industry_words_[word] = keep;
  }
  // Sub-industry names themselves ("regional banks", "semiconductors").
  for (const auto& s : present) {
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto toks = Tokenize(lower);
    std::string key;
    for (const auto& t : toks) key += (key.empty() ? "" : " ") + t;
    if (!industry_words_.count(key)) industry_words_[key] = {s};
  }
}

PlanParser::~PlanParser() = default;

PlanParser::Detailed PlanParser::ParseDetailed(std::string_view text) const {
  Detailed out;
  QuestionPlan& plan = out.plan;
  plan.question = std::string(text);
  Tokens t = Tokenize(text);
  plan_internal::FixTypos(t, lower_tickers_);

  // Industry words first (longest first), blanked out for the retrieval parser
  // so "banks" does not also become the Financials sector.
  std::string rest(text);
  std::vector<std::pair<std::string, std::vector<std::string>>> industries;
  {
    std::vector<const std::pair<const std::string, std::vector<std::string>>*> words;
    for (const auto& kv : industry_words_) words.push_back(&kv);
    std::sort(words.begin(), words.end(), [](auto* a, auto* b) { return a->first.size() > b->first.size(); });
    std::string lower_rest;
    for (char c : rest) lower_rest += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Tokens consumed = t;
    for (auto* kv : words) {
      size_t at = FindPhrase(consumed, kv->first);
      const size_t len = 1 + static_cast<size_t>(std::count(kv->first.begin(), kv->first.end(), ' '));
      // "Bank of America" is a company, not the banks.
      while (at != std::string::npos && at + len < consumed.size() && consumed[at + len] == "of") {
        at = FindPhrase(consumed, kv->first, at + 1);
      }
      if (at == std::string::npos) continue;
      industries.push_back({kv->first, kv->second});
      size_t n = 1 + static_cast<size_t>(std::count(kv->first.begin(), kv->first.end(), ' '));
      for (size_t k = at; k < at + n; ++k) consumed[k] = "\x01";
      // blank the phrase in the raw text (first case-insensitive occurrence of its first word)
      size_t pos = lower_rest.find(kv->first);
      while (pos != std::string::npos && lower_rest.compare(pos + kv->first.size(), 3, " of") == 0) {
        pos = lower_rest.find(kv->first, pos + 1);
      }
      if (pos != std::string::npos) {
        for (size_t k = pos; k < pos + kv->first.size(); ++k) rest[k] = lower_rest[k] = ' ';
      }
    }
  }
  const ParsedQuestion q = question_parser_->Parse(rest);

  // Subjects.
  std::vector<MeasureHit> measures = FindMeasures(t);
  std::set<std::string> measure_words;
  for (const auto& h : measures) {
    for (size_t k = h.begin; k < h.end; ++k) measure_words.insert(t[k]);
  }
  for (const auto& ticker : q.tickers) {
    std::string lower;
    for (char c : ticker) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // "50-day MA" is a moving average, not Mastercard; "open"/"low"/"close" in lower case are words.
    bool only_as_measure = measure_words.count(lower) > 0;
    if (only_as_measure) {
      // keep when also written as a ticker in capitals outside a measure phrase
      std::string upper_word = " " + ticker + " ";
      std::string padded = " " + std::string(text) + " ";
      for (char& c : padded) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '$') c = ' ';
      }
      only_as_measure = padded.find(" $" + ticker + " ") == std::string::npos &&
                        (padded.find(upper_word) == std::string::npos || lower == "ma");
    }
    // A lower-case first word ("wat was ...") is a word, not a ticker, unless
    // the ticker is also written elsewhere.
    if (!only_as_measure && !t.empty() && t[0] == lower) {
      const std::string first_word(text.substr(0, text.find_first_of(" \t'")));
      const bool lower_written = std::none_of(first_word.begin(), first_word.end(),
                                              [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
      if (lower_written && std::count(t.begin(), t.end(), lower) == 1) only_as_measure = true;
    }
    if (!only_as_measure) plan.subjects.push_back({SubjectKind::kTicker, ticker, ""});
  }
  for (const auto& [word, subs] : industries) {
    for (const auto& s : subs) plan.subjects.push_back({SubjectKind::kIndustry, s, word});
  }
  for (const auto& s : q.sectors) plan.subjects.push_back({SubjectKind::kSector, s, ""});
  for (const auto& u : q.unknown_tickers) {
    std::string lower;
    for (char c : u) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (measure_words.count(lower)) continue;
    plan.not_understood.push_back(u + " (not a stored ticker)");
  }

  for (const auto& d : q.invalid_dates) plan.not_understood.push_back(NotADate(d));

  // Period.
  plan.period.start = q.start_ts;
  plan.period.end = q.end_ts;
  for (const auto& n : q.notes) {
    if (n.rfind("date: ", 0) == 0) plan.period.as_written = n.substr(6);
  }
  Interval interval = Interval::k1d;
  for (const auto& s : plan.subjects) {
    if (s.kind != SubjectKind::kTicker) continue;
    if (auto it = context_.default_interval.find(s.name); it != context_.default_interval.end()) interval = it->second;
  }
  const bool intraday_words = HasPhrase(t, {"last hour", "this morning", "this afternoon", "minute", "minutes",
                                            "intraday", "1 minute", "hour"});
  if (intraday_words && interval == Interval::k1d) {
    // keep daily unless only intraday bars are stored (default_interval says so)
  }
  plan.period.interval = interval;
  const bool intraday = interval < Interval::k1d;
  if (plan.period.start && plan.period.end && *plan.period.end - *plan.period.start < 86400) {
    plan.period.at = *plan.period.start;
  }
  const std::optional<int64_t> latest = context_.question.latest_ts;
  if (intraday && latest) {
    // Times of day, "today" and "this morning" are the exchange's wall clock
    // (core/exchange.h): "at 10:30" of a New York ticker is 10:30 EST/EDT.
    // Local times are epoch seconds read as UTC until clock.ToUtc.
    std::string first_ticker;
    for (const auto& s : plan.subjects) {
      if (s.kind == SubjectKind::kTicker) {
        first_ticker = s.name;
        break;
      }
    }
    LocalClock clock(ExchangeOfTicker(first_ticker));
    const int64_t day0 = clock.LocalDay(*latest) * 86400;  // local midnight of the newest bar's day
    const auto until = TimeOfDay(t, plan.period.at.value_or(day0), 1);
    if (auto tod = TimeOfDay(t, plan.period.at.value_or(day0)); tod && until && *until > *tod) {
      // "between 14:00 and 15:00 on DATE": the bars from the first time up to
      // (not including) the second.
      plan.period.start = clock.ToUtc(*tod);
      plan.period.end = clock.ToUtc(*until) - 1;
      plan.period.at.reset();
      plan.period.as_written = clock.Format(*plan.period.start) + " to " + clock.Format(*plan.period.end + 1).substr(11);
    } else if (tod) {
      plan.period.at = clock.ToUtc(*tod);
      plan.period.start.reset();
      plan.period.end.reset();
    } else if (Has(t, {"hour"}) && Has(t, {"last", "past"})) {
      plan.period.start = *latest - 3600 + 60;
      plan.period.end = *latest;
      plan.period.as_written = "last hour";
    } else if (Has(t, {"minutes"}) && Has(t, {"last", "past"})) {
      for (size_t i = 0; i + 1 < t.size(); ++i) {
        if (t[i + 1] == "minutes") {
          if (auto n = SmallNumber(t[i])) {
            plan.period.start = *latest - int64_t{*n} * 60 + 60;
            plan.period.end = *latest;
            plan.period.as_written = "last " + t[i] + " minutes";
          }
        }
      }
    } else if (HasPhrase(t, {"this morning"})) {
      plan.period.start = clock.ToUtc(day0);
      plan.period.end = clock.ToUtc(day0 + 12 * 3600) - 1;
      plan.period.as_written = "this morning (before 12:00 " + clock.Abbreviation(*plan.period.end) + ")";
    } else if (HasPhrase(t, {"this afternoon"})) {
      plan.period.start = clock.ToUtc(day0 + 12 * 3600);
      plan.period.end = clock.ToUtc(day0 + 86400) - 1;
      plan.period.as_written = "this afternoon (from 12:00 " + clock.Abbreviation(*plan.period.start) + ")";
    } else if (Has(t, {"today"}) || (plan.period.at && !TimeOfDay(t, 0))) {
      const int64_t d = plan.period.at ? *plan.period.at : day0;  // a local date
      plan.period.start = clock.ToUtc(d);
      plan.period.end = clock.ToUtc(d + 86400) - 1;
      plan.period.at.reset();
      if (plan.period.as_written.empty()) plan.period.as_written = "today";
    }
  }

  // Condition.
  std::optional<Comp> comp = FindComparator(t);
  const bool golden = HasPhrase(t, {"golden cross", "golden crosses"});
  const bool death = HasPhrase(t, {"death cross", "death crosses"});
  if (golden || death) {
    plan.condition = Condition{{MeasureKind::kSma, 50}, golden ? Comparator::kCrossesAbove : Comparator::kCrossesBelow,
                               Measure{MeasureKind::kSma, 200}, std::nullopt};
    comp.reset();
  }
  // Measures not part of the condition (the measure asked for).
  std::vector<MeasureHit> free_measures;
  if (comp) {
    Condition c;
    c.op = comp->op;
    // left: the last measure before the comparator (default close).
    std::optional<MeasureHit> left, right;
    for (const auto& h : measures) {
      if (h.end <= comp->begin) left = h;
      if (h.begin >= comp->end && !right) right = h;
    }
    std::optional<double> level;
    size_t level_at = std::string::npos;
    for (size_t i = comp->end; i < t.size() && i < comp->end + 3; ++i) {
      static const std::set<std::string> kUnits = {"day", "days", "months", "month", "weeks", "week", "years",
                                                   "year", "minutes", "hours", "bars", "sessions"};
      if (i + 1 < t.size() && kUnits.count(t[i + 1])) continue;  // "over 6 months"
      if (auto v = Level(t[i])) {
        level = v;
        level_at = i;
        break;
      }
    }
    if (comp->sign != 0) {
      c.left = {MeasureKind::kReturn, 1};
      if (level) c.level = comp->sign * *level;
      // "rose more than 5% in a week": n-bar moves
      if (left && left->measure.kind == MeasureKind::kReturn) c.left = left->measure;
    } else {
      c.left = left ? left->measure : Measure{MeasureKind::kClose, 0};
      if (left && left->bare_period) c.left.kind = MeasureKind::kSma;
      if (right && (!level || right->begin < level_at)) {
        c.right = right->measure;
      } else if (level) {
        c.level = level;
      }
    }
    // a "%" after the level with a price measure on the left: a return
    if (c.level && level_at + 1 < t.size() && t[level_at + 1] == "%" && c.left.kind == MeasureKind::kClose) {
      c.left = {MeasureKind::kReturn, 1};
    }
    if (c.right || c.level) {
      plan.condition = c;
      for (const auto& h : measures) {
        const bool in_cond = (left && h.begin == left->begin) || (c.right && right && h.begin == right->begin);
        if (!in_cond) free_measures.push_back(h);
      }
    } else {
      free_measures = measures;
    }
  } else {
    free_measures = measures;
  }
  if (!free_measures.empty()) {
    plan.measure = free_measures.front().measure;
    // "volume" beats "close" when both are named ("closing volume")
  }

  // Operation.
  const bool yes_no = !t.empty() && (t[0] == "was" || t[0] == "were" || t[0] == "is" || t[0] == "did" ||
                                     t[0] == "does" || t[0] == "has" || t[0] == "had" || t[0] == "are");
  const bool how_many = HasPhrase(t, {"how many", "number of", "count of", "how often"}) ||
                        (Has(t, {"count"}) && plan.condition);
  const bool up_days = HasPhrase(t, {"up days", "green days", "positive days", "days up", "winning days",
                                     "gaining days", "up sessions"});
  const bool down_days = HasPhrase(t, {"down days", "red days", "negative days", "days down", "losing days",
                                       "down sessions"});
  const bool first = Has(t, {"first"});
  const bool last_time = HasPhrase(t, {"last time", "most recent", "latest time", "last date"});
  const bool when = Has(t, {"when", "date", "dates", "which day", "what day"});
  const bool highest = Has(t, {"highest", "maximum", "max", "peak", "record", "best", "top", "most", "largest",
                               "biggest", "greatest"});
  const bool lowest = Has(t, {"lowest", "minimum", "min", "bottom", "worst", "least", "smallest", "weakest"});
  const bool mean = Has(t, {"average", "mean", "avg", "typical"}) &&
                    !(plan.measure.kind == MeasureKind::kSma && free_measures.size() == 1 &&
                      FindPhrase(t, "average") != std::string::npos &&
                      free_measures.front().begin <= FindPhrase(t, "average") &&
                      FindPhrase(t, "average") < free_measures.front().end);
  const bool move_word = Has(t, {"drop", "fall", "decline", "loss", "plunge", "selloff", "sell", "crash", "gain",
                                 "jump", "rise", "rally", "move", "surge", "drops", "gains", "moves", "falls",
                                 "declines", "losses", "jumps"});
  const bool drop_word = Has(t, {"drop", "fall", "decline", "loss", "plunge", "selloff", "sell", "crash", "drops",
                                 "falls", "declines", "losses"});
  const bool streak = Has(t, {"streak", "consecutive", "row", "straight"});
  const bool perf = Has(t, {"perform", "performed", "performance", "performing", "do", "did", "gain", "gained",
                            "return", "returns", "change", "changed", "up", "down", "rose", "fell"});
  const bool is_group = std::any_of(plan.subjects.begin(), plan.subjects.end(),
                                    [](const Subject& s) { return s.kind != SubjectKind::kTicker; }) ||
                        HasPhrase(t, {"which stock", "which stocks", "what stock", "what stocks", "which company",
                                      "which ticker", "s&p 500", "sp500", "the market", "all stocks", "every stock"});
  const bool corr = Has(t, {"correlation", "correlated", "correlate"});
  const bool vol_op = Has(t, {"volatility", "volatile"}) && !plan.period.at;
  const bool dd_op = Has(t, {"drawdown"}) && !plan.period.at;
  const bool median = Has(t, {"median"});
  const bool total = Has(t, {"total", "sum", "combined", "cumulative"});

  // "top 5", "bottom 3", "5 best", "best 10".
  int k = 0;
  bool descending = true;
  bool k_word_seen = false;
  for (size_t i = 0; i < t.size(); ++i) {
    const bool top = t[i] == "top" || t[i] == "best" || t[i] == "highest" || t[i] == "biggest" || t[i] == "most";
    const bool bottom = t[i] == "bottom" || t[i] == "worst" || t[i] == "lowest" || t[i] == "weakest" ||
                        t[i] == "least" || t[i] == "smallest";
    if (!top && !bottom) continue;
    const bool numbered = (i + 1 < t.size() && SmallNumber(t[i + 1])) || (i > 0 && SmallNumber(t[i - 1]));
    if (k_word_seen && !numbered) continue;
    k_word_seen = true;
    descending = top;
    if (t[i] == "most" && i > 0 && (t[i - 1] == "the" || t[i - 1] == "fell" || t[i - 1] == "dropped")) {
      // "fell the most", "lost the most": the largest fall
      static const std::set<std::string> kFalls = {"fell", "dropped", "lost", "declined", "fallen", "sank", "tumbled",
                                                   "plunged", "slid", "slumped", "underperformed", "crashed"};
      for (const auto& w : t) {
        if (kFalls.count(w)) descending = false;
      }
    }
    if (i + 1 < t.size() && SmallNumber(t[i + 1]) && *SmallNumber(t[i + 1]) <= 100) k = *SmallNumber(t[i + 1]);
    else if (i > 0 && SmallNumber(t[i - 1]) && *SmallNumber(t[i - 1]) <= 100) k = *SmallNumber(t[i - 1]);
    if (k > 0) break;
  }
  const bool ranking = (is_group || plan.subjects.empty()) && (highest || lowest || k > 0 || Has(t, {"rank", "ranking", "ranked"}));

  using Op = Operation;
  Op op = Op::kValue;
  AnswerForm form = AnswerForm::kNumber;
  if (corr) {
    op = Op::kCorrelation;
  } else if (how_many && (up_days || down_days)) {
    op = Op::kCount;
    plan.condition = Condition{{MeasureKind::kReturn, 1}, up_days ? Comparator::kAbove : Comparator::kBelow,
                               std::nullopt, 0.0};
  } else if (streak) {
    op = Op::kStreak;
    if (!plan.condition && (down_days || Has(t, {"down", "losing", "lower", "red", "falling", "fell", "declines"}))) {
      plan.condition = Condition{{MeasureKind::kReturn, 1}, Comparator::kBelow, std::nullopt, 0.0};
    }
  } else if (how_many && plan.condition) {
    op = Op::kCount;
  } else if (plan.condition && yes_no && !how_many && !first && !last_time) {
    op = Op::kCheck;
    form = AnswerForm::kYesNo;
  } else if (plan.condition && last_time) {
    op = Op::kLast;
    form = AnswerForm::kDate;
  } else if (plan.condition && first) {
    op = Op::kFirst;
    form = AnswerForm::kDate;
  } else if (plan.condition && (golden || death || comp->op == Comparator::kCrossesAbove ||
                                comp->op == Comparator::kCrossesBelow)) {
    op = Op::kEvents;
    form = AnswerForm::kList;
  } else if (plan.condition && when) {
    op = Op::kCount;  // "when was X below 30": every such day
    form = AnswerForm::kList;
  } else if (plan.condition) {
    op = Op::kCount;
  } else if ((highest || lowest) && move_word &&
             (free_measures.empty() || plan.measure.kind == MeasureKind::kReturn ||
              plan.measure.kind == MeasureKind::kClose)) {
    op = (drop_word || lowest) ? Op::kBiggestDrop : Op::kBiggestRise;
    int n = 1;
    for (size_t i = 0; i + 1 < t.size(); ++i) {
      if ((t[i + 1] == "day" || t[i + 1] == "days" || t[i + 1] == "session" || t[i + 1] == "bar") && SmallNumber(t[i])) {
        n = *SmallNumber(t[i]);
      }
      if (t[i + 1] == "week" && (t[i] == "one" || t[i] == "a" || t[i] == "1")) n = 5;
    }
    plan.measure = {MeasureKind::kReturn, n};
    form = AnswerForm::kNumber;
  } else if (vol_op && (free_measures.empty() || plan.measure.kind == MeasureKind::kVolatility)) {
    op = Op::kVolatility;
  } else if (dd_op) {
    op = Op::kMaxDrawdown;
  } else if (HasPhrase(t, {"all time high", "record high", "52 week high"})) {
    op = Op::kMax;
    if (free_measures.empty() || (free_measures.size() == 1 && plan.measure.kind == MeasureKind::kHigh)) {
      plan.measure = {MeasureKind::kHigh, 0};
    }
  } else if (HasPhrase(t, {"all time low", "record low", "52 week low"})) {
    op = Op::kMin;
    if (free_measures.empty() || (free_measures.size() == 1 && plan.measure.kind == MeasureKind::kLow)) {
      plan.measure = {MeasureKind::kLow, 0};
    }
  } else if (ranking) {
    op = Op::kPeriodReturn;
    if (!free_measures.empty() && plan.measure.kind != MeasureKind::kReturn) {
      op = plan.period.at ? Op::kValue : (mean || plan.measure.kind == MeasureKind::kVolume ? Op::kMean : Op::kValue);
      if (plan.measure.kind == MeasureKind::kVolatility && !plan.period.at) op = Op::kVolatility;
      if (plan.measure.kind == MeasureKind::kDrawdown && !plan.period.at) op = Op::kMaxDrawdown;
    } else if (Has(t, {"volatile"})) {
      op = Op::kVolatility;
    } else if (Has(t, {"traded", "active"})) {
      op = Op::kMean;
      plan.measure = {MeasureKind::kVolume, 0};
    }
  } else if (median) {
    op = Op::kMedian;
  } else if (mean) {
    op = Op::kMean;
    if (free_measures.size() > 1 && plan.measure.kind == MeasureKind::kSma) plan.measure = free_measures[1].measure;
  } else if (total) {
    op = Op::kSum;
  } else if (highest && !plan.period.at) {
    op = Op::kMax;
  } else if (lowest && !plan.period.at) {
    op = Op::kMin;
  } else if (!plan.period.at && (free_measures.empty() || plan.measure.kind == MeasureKind::kReturn) &&
             (perf || plan.measure.kind == MeasureKind::kReturn)) {
    op = Op::kPeriodReturn;
  }
  if ((op == Op::kMax || op == Op::kMin) && free_measures.empty()) {
    // "highest price" is the intraday high, "lowest price" the low; name the
    // close ("lowest close") to get closes.
    plan.measure = {op == Op::kMax ? MeasureKind::kHigh : MeasureKind::kLow, 0};
  }
  const bool price_word = Has(t, {"price", "trade", "traded", "trading", "worth", "quote", "cost"});
  if (op == Op::kValue && free_measures.empty() && price_word && plan.period.at) {
    plan.measure = {MeasureKind::kClose, 0};  // "price of X on DATE": its close
  }
  // Intraday, "SYN's low today" / "high this morning" is the low/high of the
  // bars in the period.
  if (op == Op::kValue && intraday && !plan.period.at && (plan.period.start || plan.period.end)) {
    if (plan.measure.kind == MeasureKind::kHigh) op = Op::kMax;
    if (plan.measure.kind == MeasureKind::kLow) op = Op::kMin;
    if (plan.measure.kind == MeasureKind::kVolume) op = Op::kSum;
  }
  if (op == Op::kMax || op == Op::kMin) form = AnswerForm::kNumber;
  plan.operation = op;
  if (ranking && op != Op::kCorrelation) {
    plan.rank.k = k > 0 ? k : (Has(t, {"rank", "ranking", "ranked"}) ? 1000 : 1);
    plan.rank.descending = descending;
    if (lowest && !highest) plan.rank.descending = false;
    if (!descending) plan.rank.descending = false;
    // "biggest drop" ranks the most negative first.
    if (op == Op::kBiggestDrop || op == Op::kMaxDrawdown) plan.rank.descending = !descending || lowest ? true : false;
    if (op == Op::kBiggestDrop || op == Op::kMaxDrawdown) plan.rank.descending = false;
    form = AnswerForm::kRankedList;
    if (plan.subjects.empty()) plan.subjects.push_back({SubjectKind::kAll, "", ""});
  } else if (plan.subjects.size() > 1 && op != Op::kCorrelation) {
    form = AnswerForm::kTable;
  }
  if (op == Op::kEvents) form = AnswerForm::kList;
  plan.form = form;

  // Capitalised words that are not tickers or names were reported above; a
  // question that names no subject says so.
  if (plan.subjects.empty() && !ranking) {
    plan.not_understood.push_back("no stored ticker, company, sector or industry named");
  }
  out.type = q.type;
  // "How did X do in 2018" (a return, no measure named, no ranking) stays
  // with the retrieval composer, which answers it with sources and the LLM.
  const bool plain_return = op == Op::kPeriodReturn && plan.rank.k == 0 &&
                            (free_measures.empty() || plan.measure.kind != MeasureKind::kReturn);
  const bool vague_value = op == Op::kValue && !plan.period.at && (plan.period.start || plan.period.end) &&
                           plan.rank.k == 0;  // "BA high and low in 2019": a summary
  const bool asks = !vague_value && (plan.condition || (op != Op::kValue && !plain_return) ||
                                     !free_measures.empty() || (price_word && plan.period.at));
  // "break out above its 20-day high" names a pattern (an N-day high), not
  // the bar's own high: a condition against a bar's own high or low is the
  // pattern misread, so the pattern search answers it.
  const bool bar_extreme_condition =
      plan.condition && plan.condition->right &&
      (plan.condition->right->kind == MeasureKind::kHigh || plan.condition->right->kind == MeasureKind::kLow);
  const bool pattern_search = q.type == QueryType::kPattern && !q.patterns.empty() &&
                              (!plan.condition || bar_extreme_condition);
  out.specific = (!plan.subjects.empty()) && asks && q.type != QueryType::kPrediction && !pattern_search;
  return out;
}

}  // namespace ohlcv
