#include "retrieval/question.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <unordered_set>

#include "retrieval/question_dates.h"
#include "retrieval/question_lexicon.h"
#include "retrieval/question_tokens.h"
#include "util/time.h"

namespace ohlcv {

using question_internal::QToken;

namespace {

// Questions are short; longer input is cut so one request costs bounded time.
constexpr size_t kMaxQuestionBytes = 4096;

constexpr std::string_view kTypeNames[] = {"general", "pattern", "comparison", "prediction",
                                           "technical"};

// Company name -> lower-case words without legal suffixes: "Apple Inc." ->
// "apple", "The Walt Disney Company" -> "walt disney".
std::vector<std::string> NormalizeCompany(std::string_view name) {
  std::string clean;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if ((c == '\'') && i + 1 < name.size() && (name[i + 1] == 's' || name[i + 1] == 'S')) {
      ++i;  // "McDonald's" -> "mcdonald", as the tokenizer strips possessives
      continue;
    }
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '&';
    clean.push_back(keep ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : ' ');
  }
  std::vector<std::string> words;
  size_t start = 0;
  while (start < clean.size()) {
    size_t end = clean.find(' ', start);
    if (end == std::string::npos) end = clean.size();
    if (end > start) words.push_back(clean.substr(start, end - start));
    start = end + 1;
  }
  static const std::unordered_set<std::string_view> kSuffix = {
      "inc", "incorporated", "corp", "corporation", "co", "company", "plc", "ltd", "limited",
      "llc", "lp", "group", "holdings", "holding", "class", "a", "b", "c", "sa", "nv", "ag",
      "the", "com", "cos", "companies"};
  while (!words.empty() && kSuffix.count(words.back())) words.pop_back();
  if (!words.empty() && words.front() == "the") words.erase(words.begin());
  return words;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

template <typename T>
void AddUnique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

bool AllUpper(std::string_view s) {
  bool letter = false;
  for (char c : s) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isalpha(static_cast<unsigned char>(c))) letter = true;
  }
  return letter;
}

bool AllLetters(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

bool AnyOf(const std::vector<QToken>& t, std::initializer_list<std::string_view> words) {
  for (const auto& tok : t) {
    for (auto w : words) {
      if (tok.lower == w) return true;
    }
  }
  return false;
}

bool AnyPair(const std::vector<QToken>& t, std::initializer_list<std::string_view> pairs) {
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    std::string two = t[i].lower + " " + t[i + 1].lower;
    for (auto p : pairs) {
      if (two == p) return true;
    }
  }
  return false;
}

QueryType InferType(const std::vector<QToken>& t, const ParsedQuestion& q, bool indicator_condition,
                    bool move_condition) {
  if (AnyOf(t, {"compare", "compared", "comparing", "comparison", "vs", "versus", "outperform",
                "outperformed", "outperforming", "underperform", "underperformed"}) ||
      AnyPair(t, {"better than", "worse than", "relative to"})) {
    return QueryType::kComparison;
  }
  if (AnyOf(t, {"predict", "predicted", "prediction", "predictions", "forecast", "forecasts",
                "will", "next", "likely", "likelihood", "probability", "expect", "expected",
                "future", "outlook", "after", "afterwards", "subsequently", "followed"}) ||
      AnyPair(t, {"going to"})) {
    return QueryType::kPrediction;
  }
  // Two sectors side by side ("tech vs energy", "did utilities or financials
  // do better") can only be a comparison.
  if (q.sectors.size() >= 2) return QueryType::kComparison;
  bool now = AnyOf(t, {"now", "currently", "current", "today", "state"});
  if (indicator_condition ||
      AnyOf(t, {"rsi", "macd", "adx", "indicator", "indicators", "technical", "technicals",
                "bollinger", "stochastic", "atr", "cci", "mfi", "sma", "ema", "momentum"}) ||
      AnyPair(t, {"moving average"}) ||
      (now && AnyOf(t, {"overbought", "oversold"}))) {
    return QueryType::kTechnical;
  }
  if (!q.patterns.empty() || move_condition) return QueryType::kPattern;
  return QueryType::kGeneral;
}

struct LexPhrase {
  std::string phrase;  // lower-case words
  std::string target;  // sector name or ticker
};

// The known ticker an unknown all-caps word most likely meant, or "" when
// none is close. Candidates are the known symbols and the one-word forms of
// known company names ("NVIDA" -> nvidia -> NVDA), within one edit (two for
// words of 5+ letters, where one slip leaves more to recognise). Ranked by
// distance, then symbols before names, then the same first letter, the same
// length, alphabetical order. "TSLA" gets no suggestion rather than a far one
// (CSRA is two edits away).
std::string SuggestTicker(const std::string& upper, const std::set<std::string>& known,
                          const std::vector<LexPhrase>& companies) {
  namespace qi = question_internal;
  const size_t limit = upper.size() <= 4 ? 1 : 2;
  using Rank = std::tuple<size_t, bool, bool, bool, std::string>;
  Rank best{limit + 1, true, true, true, ""};
  std::string out;
  auto consider = [&](const std::string& written, const std::string& ticker, bool is_name) {
    const size_t d = qi::EditDistance(upper, written, limit);
    if (d > limit) return;
    Rank r{d, is_name, written[0] != upper[0], written.size() != upper.size(), ticker};
    if (r < best) {
      best = std::move(r);
      out = ticker;
    }
  };
  for (const auto& k : known) consider(k, k, false);
  for (const auto& p : companies) {
    if (!known.count(p.target)) continue;
    std::string name;
    for (char ch : p.phrase)
      if (ch != ' ') name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (!name.empty()) consider(name, p.target, true);
  }
  return out;
}

}  // namespace

std::string_view QueryTypeName(QueryType type) {
  auto i = static_cast<size_t>(type);
  return i < std::size(kTypeNames) ? kTypeNames[i] : "general";
}

Result<QueryType> ParseQueryType(std::string_view name) {
  std::string lower = question_internal::ToLower(name);
  for (size_t i = 0; i < std::size(kTypeNames); ++i) {
    if (lower == kTypeNames[i]) return static_cast<QueryType>(i);
  }
  return Status::InvalidArgument("unknown query type '" + std::string(name) +
                                 "' (general|pattern|comparison|prediction|technical)");
}

bool ParsedQuestion::HasFilter() const {
  return !tickers.empty() || !sectors.empty() || start_ts || end_ts || !patterns.empty() ||
         !conditions.empty();
}

WindowFilter ToWindowFilter(const ParsedQuestion& q) {
  WindowFilter f;
  f.tickers = q.tickers;
  f.sectors = q.sectors;
  f.start_ts = q.start_ts;
  f.end_ts = q.end_ts;
  f.patterns = q.patterns;
  f.numeric = q.conditions;
  return f;
}

// Phrases built from the context once: sector names and synonyms, company names.
struct QuestionParser::Lexicon {
  using Phrase = LexPhrase;
  std::vector<Phrase> sectors;
  std::vector<Phrase> companies;
};

QuestionParser::QuestionParser(QuestionContext context) : context_(std::move(context)) {
  using question_internal::ToLower;
  auto lex = std::make_unique<Lexicon>();
  auto sector_target = [&](std::string_view name) -> std::string {
    if (context_.sector_names.empty()) return std::string(name);
    for (const auto& s : context_.sector_names) {
      if (ToLower(s) == ToLower(name)) return s;
    }
    return {};
  };
  for (const auto& s : context_.sector_names) lex->sectors.push_back({ToLower(s), s});
  for (const auto& [phrase, name] : context_.sector_synonyms) {
    if (auto target = sector_target(name); !target.empty()) lex->sectors.push_back({ToLower(phrase), target});
  }
  for (const auto& [phrase, name] : question_internal::BuiltinSectorSynonyms()) {
    if (auto target = sector_target(name); !target.empty()) {
      lex->sectors.push_back({std::string(phrase), target});
    }
  }
  for (const auto& [name, ticker] : context_.company_names) {
    auto words = NormalizeCompany(name);
    if (words.empty()) continue;
    lex->companies.push_back({Join(words), question_internal::ToUpper(ticker)});
  }
  lexicon_ = std::move(lex);
}

QuestionParser::~QuestionParser() = default;

ParsedQuestion QuestionParser::Parse(std::string_view text) const {
  namespace qi = question_internal;
  ParsedQuestion q;
  if (text.size() > kMaxQuestionBytes) text = text.substr(0, kMaxQuestionBytes);
  const auto& known = context_.known_tickers;
  std::vector<QToken> t =
      qi::Tokenize(text, [&](const std::string& upper) { return known.count(upper) > 0; });

  // 1. Indicator and return conditions first, so their numbers are not read as years.
  bool indicator_condition = false, move_condition = false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].consumed) continue;
    bool is_return = false;
    if (qi::ConditionAt(t, i, q.conditions, q.notes, is_return)) {
      (is_return ? move_condition : indicator_condition) = true;
    }
  }

  // 2. Dates: the hull of every range mentioned.
  auto ranges = qi::ExtractDates(t, context_.latest_ts, q.notes);
  // The same rule as the API's 400 for a bad date, as a note: named, never
  // silently dropped (issue 18).
  for (auto& tok : t) {
    if (tok.consumed || !tok.not_a_date) continue;
    tok.consumed = true;
    q.invalid_dates.push_back(tok.text);
    q.notes.push_back(NotADate(tok.text) + "; ignored");
  }
  if (!ranges.empty()) {
    bool open_start = false, open_end = false;
    for (const auto& r : ranges) {
      if (!r.start) open_start = true;
      if (!r.end) open_end = true;
      if (r.start && (!q.start_ts || *r.start < *q.start_ts)) q.start_ts = r.start;
      if (r.end && (!q.end_ts || *r.end > *q.end_ts)) q.end_ts = r.end;
    }
    if (open_start) q.start_ts.reset();
    if (open_end) q.end_ts.reset();
  }

  // Company names, longest match first. Multi-word names go before sectors
  // and patterns ("Bank of America" is not the banking sector); one-word names
  // after them ("Gap" the company is not a gap) and only when capitalised.
  std::vector<std::pair<size_t, std::string>> ticker_hits;  // (token index, ticker)
  auto match_companies = [&](bool multi_word) {
    for (size_t i = 0; i < t.size(); ++i) {
      size_t best = 0;
      const Lexicon::Phrase* hit = nullptr;
      for (const auto& p : lexicon_->companies) {
        bool multi = p.phrase.find(' ') != std::string::npos;
        if (multi != multi_word) continue;
        size_t n = qi::MatchPhrase(t, i, p.phrase);
        if (n > best && !(!multi && !std::isupper(static_cast<unsigned char>(t[i].text[0])))) {
          best = n;
          hit = &p;
        }
      }
      if (!hit) continue;
      qi::Consume(t, i, best);
      if (!known.empty() && !known.count(hit->target)) {
        // A company the store does not hold ("Tesla"): say so under its
        // symbol, with the ingest command, rather than answer about others.
        if (std::find(q.unknown_tickers.begin(), q.unknown_tickers.end(), hit->target) == q.unknown_tickers.end()) {
          q.unknown_tickers.push_back(hit->target);
          q.suggestions.emplace_back();
        }
        q.notes.push_back("company: " + hit->phrase + " -> " + hit->target + " (not in the store)");
        continue;
      }
      ticker_hits.emplace_back(i, hit->target);
      q.notes.push_back("company: " + hit->phrase + " -> " + hit->target);
    }
  };
  match_companies(/*multi_word=*/true);

  // 3. Sectors, longest phrase first ("consumer staples" before "staples").
  for (size_t i = 0; i < t.size(); ++i) {
    size_t best = 0;
    const Lexicon::Phrase* hit = nullptr;
    for (const auto& p : lexicon_->sectors) {
      size_t n = qi::MatchPhrase(t, i, p.phrase);
      if (n > best) {
        best = n;
        hit = &p;
      }
    }
    if (!hit) continue;
    size_t n = best;
    if (i + n < t.size() && !t[i + n].consumed && qi::IsSectorSuffix(t[i + n].lower)) ++n;
    qi::Consume(t, i, n);
    AddUnique(q.sectors, hit->target);
    q.notes.push_back("sector: " + hit->phrase + " -> " + hit->target);
  }

  // 4. Patterns and big-move words.
  int big_move = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    size_t best = 0;
    const qi::PatternPhrase* hit = nullptr;
    for (const auto& p : qi::PatternPhrases()) {
      size_t n = qi::MatchPhrase(t, i, p.phrase);
      if (n > best) {
        best = n;
        hit = &p;
      }
    }
    if (!hit) continue;
    qi::Consume(t, i, best);
    std::string note = "pattern: " + std::string(hit->phrase) + " ->";
    for (PatternKind k : hit->kinds) {
      AddUnique(q.patterns, k);
      note += " " + std::string(PatternKindName(k));
    }
    if (hit->big_move != 0 && big_move == 0) big_move = hit->big_move;
    if (!hit->kinds.empty()) q.notes.push_back(std::move(note));
  }
  if (big_move != 0 && !move_condition) {
    // A rally or a sell-off has no pattern kind of its own: a big window
    // return stands for it, unless the question gave an explicit one.
    NumericCondition c;
    c.field = "return_pct";
    c.op = big_move > 0 ? NumericCondition::Op::kGe : NumericCondition::Op::kLe;
    c.value = big_move > 0 ? context_.big_move_pct : -context_.big_move_pct;
    std::string note = "big move: return_pct ";
    note += big_move > 0 ? ">= " : "<= ";
    note += std::to_string(static_cast<int>(c.value));
    q.notes.push_back(std::move(note));
    q.conditions.push_back(std::move(c));
    move_condition = true;
  }

  match_companies(/*multi_word=*/false);

  // 6. Tickers, then all-caps words that look like tickers but are unknown.
  // A question typed in capitals ("WHICH STOCKS BROKE OUT") says nothing by case.
  size_t words = 0, caps = 0;
  for (const auto& tok : t) {
    if (tok.kind != QToken::Kind::kWord || tok.text.size() < 2) continue;
    ++words;
    if (AllUpper(tok.text)) ++caps;
  }
  const bool shouting = words >= 3 && caps * 2 > words;
  size_t first_word = t.size();
  for (size_t i = 0; i < t.size() && first_word == t.size(); ++i) {
    if (t[i].kind == QToken::Kind::kWord) first_word = i;
  }
  for (size_t i = 0; i < t.size(); ++i) {
    QToken& tok = t[i];
    if (tok.consumed || tok.kind != QToken::Kind::kWord) continue;
    std::string upper = qi::ToUpper(tok.text);
    bool caps_word = AllUpper(tok.text) && !shouting;
    bool is_ticker = false;
    if (known.count(upper)) {
      if (tok.dollar || tok.possessive) {
        is_ticker = true;
      } else if (caps_word) {
        // One capital letter ("C", "T", "F") is a symbol mid-sentence; as
        // the first word it is more likely the article "A" or "I".
        is_ticker = upper.size() >= 2 || i != first_word;
      } else {
        is_ticker = upper.size() >= 2 && !qi::IsStopword(tok.lower) && !qi::IsCommonWord(tok.lower);
      }
    }
    if (is_ticker) {
      tok.consumed = true;
      ticker_hits.emplace_back(i, upper);
      q.notes.push_back("ticker: " + upper);
      continue;
    }
    bool looks_like_ticker = (tok.dollar || caps_word) && upper.size() <= 5 &&
                             (upper.size() >= 2 || tok.dollar) && AllLetters(upper) &&
                             !qi::IsStopword(tok.lower) && !qi::IsKnownAcronym(upper);
    if (!looks_like_ticker || known.count(upper)) continue;
    tok.consumed = true;
    const std::string suggestion = SuggestTicker(upper, known, lexicon_->companies);
    if (std::find(q.unknown_tickers.begin(), q.unknown_tickers.end(), upper) != q.unknown_tickers.end()) {
      continue;
    }
    q.unknown_tickers.push_back(upper);
    q.suggestions.push_back(suggestion);
    q.notes.push_back("unknown ticker: " + upper +
                      (suggestion.empty() ? "" : " (did you mean " + suggestion + "?)"));
  }

  // Tickers in order of mention, whichever pass found them.
  std::stable_sort(ticker_hits.begin(), ticker_hits.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [i, ticker] : ticker_hits) AddUnique(q.tickers, ticker);

  // 7. Query type, from every word including the ones used above.
  q.type = InferType(t, q, indicator_condition, move_condition);

  // 8. What is left is for the lexical search.
  for (const auto& tok : t) {
    if (tok.consumed || tok.kind != QToken::Kind::kWord || tok.lower.size() < 2 ||
        qi::IsStopword(tok.lower)) {
      continue;
    }
    if (!q.text_terms.empty()) q.text_terms += ' ';
    q.text_terms += tok.lower;
  }
  return q;
}

ParsedQuestion ParseQuestion(std::string_view text, const QuestionContext& context) {
  return QuestionParser(context).Parse(text);
}

}  // namespace ohlcv
