#include "answer/composer.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <initializer_list>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "answer/compose_internal.h"
#include "util/time.h"

namespace ohlcv {
namespace compose_internal {

std::string PeriodText(int64_t start, int64_t end) {
  return FormatDate(start) + " to " + FormatDate(end);
}

std::string JoinAnd(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

Result<std::shared_ptr<const TickerData>> Load(Ctx& c, const std::string& ticker) {
  return c.cache.Get(ticker);
}

}  // namespace compose_internal

namespace {

using namespace compose_internal;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The question's words (runs of [a-z0-9_], as regex \w on lower-case text).
std::vector<std::string_view> Words(std::string_view lower) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto word = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; };
  while (i < lower.size()) {
    while (i < lower.size() && !word(lower[i])) ++i;
    const size_t start = i;
    while (i < lower.size() && word(lower[i])) ++i;
    if (i > start) out.push_back(lower.substr(start, i - start));
  }
  return out;
}

bool AnyWord(const std::vector<std::string_view>& words, std::initializer_list<std::string_view> exact,
             std::initializer_list<std::string_view> prefixes = {}) {
  for (std::string_view w : words) {
    for (std::string_view e : exact)
      if (w == e) return true;
    for (std::string_view p : prefixes)
      if (w.starts_with(p)) return true;
  }
  return false;
}

// A question asking for a ranking: best/worst/top/... (plain word lookups:
// std::regex cost more than the rest of the scope resolution).
bool HasRankWords(const std::vector<std::string_view>& words) {
  return AnyWord(words,
                 {"best", "worst", "top", "bottom", "highest", "lowest", "most", "least", "gainer", "gainers",
                  "loser", "losers", "leader", "leaders", "laggard", "laggards", "strongest", "weakest"},
                 {"outperform", "underperform", "rank", "perform"});
}

// A ranking that should lead with the worst: "worst", "losers", "fell the most"...
bool WantsWorstFirst(const std::vector<std::string_view>& words) {
  if (AnyWord(words, {"worst", "bottom", "lowest", "least", "loser", "losers", "laggard", "laggards", "weakest"},
              {"underperform"}))
    return true;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    static constexpr std::string_view kFell[] = {"fell", "dropped", "declined", "lost", "fallen", "sank", "slumped"};
    if (std::find(std::begin(kFell), std::end(kFell), words[i]) == std::end(kFell)) continue;
    const size_t next = words[i + 1] == "the" ? i + 2 : i + 1;
    if (next < words.size() && words[next] == "most") return true;
  }
  return false;
}

// True when some number is followed (past spaces and hyphens) by a letter
// that can start a horizon unit: the regex below only runs then.
bool MayHaveHorizon(std::string_view lower) {
  for (size_t i = 0; i < lower.size(); ++i) {
    if (lower[i] < '0' || lower[i] > '9') continue;
    size_t j = i;
    while (j < lower.size() && lower[j] >= '0' && lower[j] <= '9') ++j;
    while (j < lower.size() && (lower[j] == ' ' || lower[j] == '-' || lower[j] == '\t')) ++j;
    if (j < lower.size() && (lower[j] == 'd' || lower[j] == 'w' || lower[j] == 'm' || lower[j] == 't')) return true;
    i = j;
  }
  return false;
}

// "10-day", "next 5 days", "2 weeks", "1 month" -> bars; 0 when absent.
size_t ParseHorizon(const std::string& lower) {
  if (!MayHaveHorizon(lower)) return 0;
  static const std::regex kHorizon(R"((last|past)?\s*\b(\d{1,3})\s*-?\s*(trading\s+)?(days?|d|weeks?|months?)\b)");
  for (auto it = std::sregex_iterator(lower.begin(), lower.end(), kHorizon); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    if (m[1].matched) continue;  // "last 30 days" is a period, not a horizon
    size_t n = std::stoul(m[2].str());
    const std::string unit = m[4].str();
    if (unit.rfind("week", 0) == 0) n *= 5;
    if (unit.rfind("month", 0) == 0) n *= 21;
    if (n >= 1 && n <= 252) return n;
  }
  return 0;
}

void SayNoData(DraftBuilder& b, const std::string& what, const std::vector<std::string>& tickers,
               const ComposeOptions& o, bool suggested = false) {
  b.draft().no_data = true;
  std::string cmd = fmt::format(fmt::runtime(o.ingest_command),
                                tickers.empty() ? std::string("<TICKER>") : fmt::format("{}", fmt::join(tickers, ",")));
  // After "did you mean", the command is for the case the symbol was meant.
  b.Say(what + (suggested ? " If you did mean " + JoinAnd(tickers) + ", add it with: " : " To add it, run: ") + cmd);
}

// Fills c.scope; returns false (after saying why in the draft) when the store
// has nothing the question could be answered from.
bool ResolveScope(Ctx& c, DraftBuilder& b) {
  Scope& s = c.scope;
  const std::string lower = Lower(c.request.question);
  const std::vector<std::string_view> words = Words(lower);
  s.rank_words = HasRankWords(words);
  s.rank_worst_first = WantsWorstFirst(words);
  s.horizon = ParseHorizon(lower);
  if (s.horizon == 0) s.horizon = c.options.default_horizon;

  if (c.universe.tickers.empty()) {
    SayNoData(b, "The store holds no daily bars yet.", c.q.tickers, c.options);
    return false;
  }
  // Tickers: those the question names plus the API filter, in order.
  std::vector<std::string> asked = c.q.tickers;
  for (const auto& t : c.request.filters.tickers)
    if (std::find(asked.begin(), asked.end(), t) == asked.end()) asked.push_back(t);
  std::vector<std::string> missing;
  for (const auto& t : asked) (c.universe.Find(t) ? s.tickers : missing).push_back(t);
  for (size_t i = 0; i < c.q.unknown_tickers.size(); ++i) {
    const std::string& t = c.q.unknown_tickers[i];
    if (std::find(missing.begin(), missing.end(), t) == missing.end()) missing.push_back(t);
  }
  if (!missing.empty()) {
    std::string what = fmt::format("The store has no data for {}.", JoinAnd(missing));
    bool suggested = false;
    for (size_t i = 0; i < c.q.unknown_tickers.size() && i < c.q.suggestions.size(); ++i) {
      if (c.q.suggestions[i].empty()) continue;
      what += fmt::format(" (Did you mean {} instead of {}?)", c.q.suggestions[i], c.q.unknown_tickers[i]);
      suggested = true;
    }
    if (s.tickers.empty()) {
      SayNoData(b, what, missing, c.options, suggested);
      return false;
    }
    b.Note(what);
    b.Say(what + " The figures below cover only " + JoinAnd(s.tickers) + ".");
    b.draft().coverage *= static_cast<double>(s.tickers.size()) / static_cast<double>(asked.size());
  }
  // Sectors.
  std::vector<std::string> sectors = c.q.sectors;
  for (const auto& x : c.request.filters.sectors)
    if (std::find(sectors.begin(), sectors.end(), x) == sectors.end()) sectors.push_back(x);
  for (const auto& sector : sectors) {
    size_t found = 0;
    for (const auto& t : c.sectors.TickersIn(sector)) {
      if (c.universe.Find(t)) {
        s.sector_tickers.push_back(t);
        ++found;
      }
    }
    if (found > 0) s.sectors.push_back(sector);
    else b.Note("no stored tickers in sector " + sector);
  }
  if (!sectors.empty() && s.sectors.empty() && s.tickers.empty()) {
    SayNoData(b, fmt::format("The store has no tickers of the {} sector.", JoinAnd(sectors)), {}, c.options);
    return false;
  }
  // Period: what the question (or the filter) asks, clamped to the data of
  // the tickers in scope.
  s.asked_start = c.q.start_ts;
  s.asked_end = c.q.end_ts;
  if (c.request.filters.start_ts) s.asked_start = std::max(s.asked_start.value_or(INT64_MIN), *c.request.filters.start_ts);
  if (c.request.filters.end_ts) s.asked_end = std::min(s.asked_end.value_or(INT64_MAX), *c.request.filters.end_ts);
  s.period_asked = s.asked_start.has_value() || s.asked_end.has_value();
  int64_t data_first = c.universe.first_ts, data_last = c.universe.last_ts;
  std::vector<std::string> in_scope = s.tickers.empty() ? s.sector_tickers : s.tickers;
  if (!in_scope.empty()) {
    data_first = INT64_MAX;
    data_last = INT64_MIN;
    for (const auto& t : in_scope) {
      const TickerInfo* info = c.universe.Find(t);
      data_first = std::min(data_first, info->first_ts);
      data_last = std::max(data_last, info->last_ts);
    }
  }
  const int64_t want_first = s.asked_start.value_or(data_first);
  const int64_t want_last = s.asked_end.value_or(data_last);
  s.start = std::max(want_first, data_first);
  s.end = std::min(want_last, data_last);
  if (s.start > s.end) {
    const std::string who = in_scope.empty()            ? std::string("any ticker")
                            : !s.tickers.empty() && s.tickers.size() <= 3 ? JoinAnd(s.tickers)
                            : !s.sectors.empty()                          ? JoinAnd(s.sectors) + " stocks"
                                                                          : "the tickers asked about";
    ComposeOptions o = c.options;
    // Five years back from today would not reach a period before the data.
    if (want_first < data_first) {
      const size_t at = o.ingest_command.find("--period 5y");
      if (at != std::string::npos) o.ingest_command.replace(at, 11, "--period max");
    }
    SayNoData(b, fmt::format("No data for {} in the period asked ({}): the store holds {} from {}.",
                             who, PeriodText(want_first, want_last), who,
                             PeriodText(data_first, data_last)),
              s.tickers, o);
    return false;
  }
  if (s.period_asked && (want_first < s.start - 7 * 86400 || want_last > s.end + 7 * 86400)) {
    const double asked_days = static_cast<double>(want_last - want_first) / 86400.0 + 1;
    const double got_days = static_cast<double>(s.end - s.start) / 86400.0 + 1;
    b.draft().coverage *= std::clamp(got_days / asked_days, 0.0, 1.0);
    b.Note(fmt::format("the stored data covers only {} of the period asked ({})", PeriodText(s.start, s.end),
                       PeriodText(want_first, want_last)));
  }
  return true;
}

void AddSources(Ctx& c, GroundedDraft& d) {
  for (const auto& h : c.retrieval.hits) {
    if (d.sources.size() >= c.request.n_results) break;
    AnswerSource s;
    s.window_id = h.window.id;
    s.ticker = h.window.ticker;
    s.start_date = FormatDate(h.window.start_ts);
    s.end_date = FormatDate(h.window.end_ts);
    s.score = h.score;
    s.exact = h.exact;
    s.why = h.why;
    d.sources.push_back(std::move(s));
  }
}

bool HasIndicatorCondition(const ParsedQuestion& q) {
  for (const auto& cond : q.conditions) {
    std::string f = cond.field;
    for (const char* suffix : {"_max", "_min"})
      if (f.size() > 4 && f.compare(f.size() - 4, 4, suffix) == 0) f.resize(f.size() - 4);
    if (ParseIndicator(f)) return true;
  }
  return false;
}

Status Dispatch(Ctx& c, DraftBuilder& b) {
  Scope& s = c.scope;
  const size_t max_t = c.options.max_tickers;
  auto each_ticker = [&](auto fn) -> Status {
    for (size_t i = 0; i < s.tickers.size() && i < max_t; ++i) OHLCV_RETURN_IF_ERROR(fn(s.tickers[i]));
    return Status::Ok();
  };
  switch (c.type) {
    case QueryType::kComparison:
      if (s.tickers.size() + s.sectors.size() >= 2) return ComposeComparison(c, b);
      if (s.tickers.empty() && !s.sectors.empty())
        return ComposeRanking(c, b, s.sector_tickers, JoinAnd(s.sectors) + " stocks");
      if (s.tickers.empty()) return ComposeRanking(c, b, {}, "all stored tickers");
      return each_ticker([&](const std::string& t) { return ComposeTickerFigures(c, b, t); });
    case QueryType::kPrediction:
      return ComposePrediction(c, b);
    case QueryType::kTechnical:
      if (s.tickers.empty()) {
        if (HasIndicatorCondition(c.q) || !c.q.patterns.empty()) return ComposePatterns(c, b);
        ComposeFromHits(c, b);
        return Status::Ok();
      }
      return each_ticker([&](const std::string& t) {
        if (HasIndicatorCondition(c.q)) OHLCV_RETURN_IF_ERROR(ComposeThresholds(c, b, t));
        return ComposeTechnical(c, b, t);
      });
    case QueryType::kPattern:
      if (!c.q.patterns.empty() || HasIndicatorCondition(c.q)) return ComposePatterns(c, b);
      if (!s.tickers.empty())
        return each_ticker([&](const std::string& t) { return ComposeTickerFigures(c, b, t); });
      ComposeFromHits(c, b);
      return Status::Ok();
    case QueryType::kGeneral:
      break;
  }
  if (!s.tickers.empty()) {
    if (s.tickers.size() >= 2) return ComposeComparison(c, b);
    OHLCV_RETURN_IF_ERROR(each_ticker([&](const std::string& t) { return ComposeTickerFigures(c, b, t); }));
    if (HasIndicatorCondition(c.q))
      OHLCV_RETURN_IF_ERROR(each_ticker([&](const std::string& t) { return ComposeThresholds(c, b, t); }));
    if (!c.q.patterns.empty()) return ComposePatterns(c, b);
    return Status::Ok();
  }
  if (!c.q.patterns.empty()) return ComposePatterns(c, b);
  if (!s.sectors.empty()) return ComposeRanking(c, b, s.sector_tickers, JoinAnd(s.sectors) + " stocks");
  if (s.rank_words) return ComposeRanking(c, b, {}, "all stored tickers");
  ComposeFromHits(c, b);
  return Status::Ok();
}

}  // namespace

Result<GroundedDraft> ComposeDraft(const AskRequest& request, const RetrievalResult& retrieval,
                                   SeriesCache& cache, const CachedUniverse& universe,
                                   const SectorMap& sectors, const ComposeOptions& options) {
  GroundedDraft d;
  d.question = request.question;
  const QueryType type = request.type.value_or(retrieval.parsed.type);
  d.type = type;
  DraftBuilder b(&d);
  Ctx c{request, retrieval, retrieval.parsed, cache, universe, sectors, options, type, {}};
  if (!ResolveScope(c, b)) {
    d.coverage = 0;
    return d;
  }
  OHLCV_RETURN_IF_ERROR(Dispatch(c, b));
  AddSources(c, d);
  if (d.statements.empty()) {
    d.statements.push_back("The stored data holds nothing that answers this question directly.");
    d.coverage *= 0.5;
  }
  return d;
}

}  // namespace ohlcv
