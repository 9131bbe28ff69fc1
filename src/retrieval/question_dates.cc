#include "retrieval/question_dates.h"

#include <algorithm>
#include <string_view>

#include "util/time.h"

namespace ohlcv::question_internal {
namespace {

constexpr int64_t kDay = 86400;

using Kind = QToken::Kind;

// One recognised expression: tokens [first, first + count).
struct Span {
  DateRange range;
  size_t first = 0;
  size_t count = 0;
  std::string what;
};

int64_t DayStart(int64_t ts) { return (ts >= 0 ? ts / kDay : (ts - kDay + 1) / kDay) * kDay; }
int64_t DayEnd(int64_t ts) { return DayStart(ts) + kDay - 1; }
int64_t MonthStart(int y, int m) { return DaysFromCivil(y, static_cast<unsigned>(m), 1) * kDay; }
int64_t MonthEnd(int y, int m) { return (m == 12 ? MonthStart(y + 1, 1) : MonthStart(y, m + 1)) - 1; }
DateRange Months(int y, int first_month, int last_month) {
  return {MonthStart(y, first_month), MonthEnd(y, last_month)};
}

unsigned DaysInMonth(int y, int m) {
  return static_cast<unsigned>((MonthEnd(y, m) + 1 - MonthStart(y, m)) / kDay);
}

// `ts` moved back by `months` calendar months, day clamped, at day start.
int64_t MonthsBefore(int64_t ts, int months) {
  CivilDate d = CivilFromTs(ts);
  // Clamp at 1900-01 so absurd inputs ("last 9999 years") stay valid dates.
  int total = std::max(1900 * 12, d.year * 12 + static_cast<int>(d.month) - 1 - months);
  int y = total / 12, m = total % 12 + 1;
  unsigned day = std::min(d.day, DaysInMonth(y, m));
  return DaysFromCivil(y, static_cast<unsigned>(m), day) * kDay;
}

int MonthOf(std::string_view w) {
  static constexpr std::string_view kFull[] = {"january", "february", "march",     "april",
                                               "may",     "june",     "july",      "august",
                                               "september", "october", "november", "december"};
  static constexpr std::string_view kShort[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int m = 0; m < 12; ++m) {
    if (w == kFull[m] || w == kShort[m]) return m + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

bool Free(const std::vector<QToken>& t, size_t i) { return i < t.size() && !t[i].consumed; }
bool IsWord(const std::vector<QToken>& t, size_t i, std::string_view w) {
  return Free(t, i) && t[i].kind != Kind::kNumber && t[i].lower == w;
}

std::optional<int> YearAt(const std::vector<QToken>& t, size_t i) {
  if (!Free(t, i) || t[i].kind != Kind::kNumber || t[i].percent || t[i].text.size() != 4) {
    return std::nullopt;
  }
  for (char c : t[i].text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int y = static_cast<int>(t[i].number);
  if (y < 1900 || y > 2100) return std::nullopt;
  return y;
}

std::optional<int> SmallIntAt(const std::vector<QToken>& t, size_t i, int lo, int hi) {
  if (!Free(t, i) || t[i].kind != Kind::kNumber || t[i].percent) return std::nullopt;
  double v = t[i].number;
  // Range first: casting a double outside int's range is undefined.
  if (!(v >= lo && v <= hi) || v != static_cast<int>(v) || t[i].text.find('.') != std::string::npos) {
    return std::nullopt;
  }
  return static_cast<int>(v);
}

// "Q3", "3rd quarter", "third quarter" -> 3 with the tokens used; 0 if none.
int QuarterAt(const std::vector<QToken>& t, size_t i, size_t& used) {
  if (!Free(t, i)) return 0;
  const std::string& w = t[i].lower;
  if (w.size() == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4') {
    used = 1;
    return w[1] - '0';
  }
  static constexpr std::string_view kOrd[] = {"first", "second", "third", "fourth"};
  int q = 0;
  for (int k = 0; k < 4; ++k) {
    if (w == kOrd[k]) q = k + 1;
  }
  if (!q) q = SmallIntAt(t, i, 1, 4).value_or(0);
  if (q && IsWord(t, i + 1, "quarter")) {
    used = 2;
    return q;
  }
  return 0;
}

// "H1", "first half" -> 1 or 2 with the tokens used; 0 if none.
int HalfAt(const std::vector<QToken>& t, size_t i, size_t& used) {
  if (!Free(t, i)) return 0;
  const std::string& w = t[i].lower;
  if (w == "h1" || w == "h2") {
    used = 1;
    return w[1] - '0';
  }
  int h = w == "first" ? 1 : w == "second" ? 2 : 0;
  if (!h) h = SmallIntAt(t, i, 1, 2).value_or(0);
  if (h && IsWord(t, i + 1, "half")) {
    used = 2;
    return h;
  }
  return 0;
}

// The year after an optional "of"/"in" at i: sets `used` to the tokens taken.
std::optional<int> YearAfter(const std::vector<QToken>& t, size_t i, size_t& used) {
  if (auto y = YearAt(t, i)) {
    used = 1;
    return y;
  }
  if ((IsWord(t, i, "of") || IsWord(t, i, "in")) && YearAt(t, i + 1)) {
    used = 2;
    return YearAt(t, i + 1);
  }
  return std::nullopt;
}

// Unit word -> days per unit (months and years use calendar arithmetic and
// return 30 / 365 as markers).
int UnitDays(std::string_view w) {
  if (w == "day" || w == "days" || w == "d") return 1;
  if (w == "week" || w == "weeks" || w == "wk" || w == "wks" || w == "w") return 7;
  if (w == "month" || w == "months" || w == "mo" || w == "mos") return 30;
  if (w == "quarter" || w == "quarters") return 91;
  if (w == "year" || w == "years" || w == "yr" || w == "yrs" || w == "y") return 365;
  return 0;
}

DateRange Trailing(int64_t latest, int n, int unit_days) {
  int64_t end = DayEnd(latest);
  int64_t start;
  if (unit_days == 30) {
    start = MonthsBefore(latest, n);
  } else if (unit_days == 91) {
    start = MonthsBefore(latest, 3 * n);
  } else if (unit_days == 365) {
    start = MonthsBefore(latest, 12 * n);
  } else {
    // N days including the latest one.
    start = DayStart(latest) - static_cast<int64_t>(n * unit_days - 1) * kDay;
  }
  return {start, end};
}

std::optional<Span> RelativeAt(const std::vector<QToken>& t, size_t i, int64_t latest) {
  const std::string& w = t[i].lower;
  CivilDate now = CivilFromTs(latest);
  auto span = [&](DateRange r, size_t count) {
    return Span{r, i, count, ""};
  };
  if (w == "ytd" || (w == "year" && IsWord(t, i + 1, "to") && IsWord(t, i + 2, "date"))) {
    return span({MonthStart(now.year, 1), DayEnd(latest)}, w == "ytd" ? 1 : 3);
  }
  if (w == "this" && IsWord(t, i + 1, "year")) return span({MonthStart(now.year, 1), DayEnd(latest)}, 2);
  if (w == "this" && IsWord(t, i + 1, "month")) {
    return span({MonthStart(now.year, static_cast<int>(now.month)), DayEnd(latest)}, 2);
  }
  if (w == "now" || w == "currently" || w == "today" || w == "current") {
    return span({DayStart(latest), DayEnd(latest)}, 1);
  }
  bool lead_last = w == "last" || w == "previous" || w == "prior";
  bool lead_trailing = w == "past" || w == "trailing";
  if (!lead_last && !lead_trailing) return std::nullopt;
  if (auto n = SmallIntAt(t, i + 1, 1, 10000)) {
    size_t k = i + 2;
    bool trading = IsWord(t, k, "trading");
    if (trading) ++k;
    if (!Free(t, k)) return std::nullopt;
    int unit = UnitDays(t[k].lower);
    if (!unit) return std::nullopt;
    // N trading days span about N * 7 / 5 calendar days.
    int count = trading && unit == 1 ? (*n * 7 + 4) / 5 : *n;
    return span(Trailing(latest, count, unit), k - i + 1);
  }
  if (!Free(t, i + 1)) return std::nullopt;
  int unit = UnitDays(t[i + 1].lower);
  if (!unit) return std::nullopt;
  // "the last year" / "past year" = trailing; bare "last year" = the previous
  // calendar year (and month/quarter likewise), as people say it.
  bool after_the = i > 0 && t[i - 1].lower == "the";
  if (lead_trailing || after_the || unit == 1 || unit == 7) return span(Trailing(latest, 1, unit), 2);
  if (unit == 365) return span({MonthStart(now.year - 1, 1), MonthEnd(now.year - 1, 12)}, 2);
  if (unit == 30) {
    int y = now.month == 1 ? now.year - 1 : now.year;
    int m = now.month == 1 ? 12 : static_cast<int>(now.month) - 1;
    return span({MonthStart(y, m), MonthEnd(y, m)}, 2);
  }
  int q = static_cast<int>(now.month - 1) / 3;  // current quarter 0..3
  int y = q == 0 ? now.year - 1 : now.year;
  int pq = q == 0 ? 3 : q - 1;
  return span(Months(y, pq * 3 + 1, pq * 3 + 3), 2);
}

std::optional<Span> DateAt(const std::vector<QToken>& t, size_t i, std::optional<int64_t> latest,
                           bool& needs_latest) {
  if (!Free(t, i)) return std::nullopt;
  const QToken& tok = t[i];
  if (tok.kind == Kind::kDate) {
    auto start = static_cast<int64_t>(tok.number);
    int64_t end = ParseEndTimestamp(tok.text).value_or(start);
    return Span{{start, end}, i, 1, ""};
  }
  size_t used = 0, used2 = 0;
  if (auto y = YearAt(t, i)) {
    // "2018 Q3", "2019 H1"
    if (int q = QuarterAt(t, i + 1, used); q && used == 1) return Span{Months(*y, q * 3 - 2, q * 3), i, 2, ""};
    if (int h = HalfAt(t, i + 1, used); h && used == 1) return Span{Months(*y, h * 6 - 5, h * 6), i, 2, ""};
    return Span{Months(*y, 1, 12), i, 1, ""};
  }
  if (int q = QuarterAt(t, i, used)) {
    if (auto y = YearAfter(t, i + used, used2)) return Span{Months(*y, q * 3 - 2, q * 3), i, used + used2, ""};
  }
  if (int h = HalfAt(t, i, used)) {
    if (auto y = YearAfter(t, i + used, used2)) return Span{Months(*y, h * 6 - 5, h * 6), i, used + used2, ""};
  }
  if (int m = MonthOf(tok.lower)) {
    if (auto y = YearAt(t, i + 1)) return Span{Months(*y, m, m), i, 2, ""};
    if (auto d = SmallIntAt(t, i + 1, 1, 31)) {  // "March 5, 2019"
      if (auto y = YearAt(t, i + 2); y && static_cast<unsigned>(*d) <= DaysInMonth(*y, m)) {
        int64_t day = DaysFromCivil(*y, static_cast<unsigned>(m), static_cast<unsigned>(*d)) * kDay;
        return Span{{day, day + kDay - 1}, i, 3, ""};
      }
    }
    // "March to June 2019", "Jan-Mar 2019", "between Jan and Jun 2018": the
    // year written once, after the second month. ("Jan-Mar" arrives as two
    // words: the tokenizer splits hyphenated words.)
    if (Free(t, i + 1) && YearAt(t, i + 2)) {
      const int m2 = MonthOf(t[i + 1].lower);
      if (m2 > m) return Span{Months(*YearAt(t, i + 2), m, m2), i, 3, ""};
    }
    if (Free(t, i + 1) && Free(t, i + 2) && YearAt(t, i + 3)) {
      const std::string& j = t[i + 1].lower;
      const bool after_range_word = i > 0 && (t[i - 1].lower == "from" || t[i - 1].lower == "between");
      const bool joiner = j == "to" || j == "through" || j == "thru" || j == "until" || j == "till" ||
                          j == "-" || (j == "and" && after_range_word);
      const int m2 = MonthOf(t[i + 2].lower);
      if (joiner && m2 >= m) {
        const int y = *YearAt(t, i + 3);
        Span s{Months(y, m, m2), i, 4, ""};
        // A leading "from"/"between" belongs to the range.
        if (after_range_word) {
          s.first = i - 1;
          s.count = 5;
        }
        return s;
      }
    }
    return std::nullopt;  // a bare month ("in March", "may") is too ambiguous
  }
  if (auto d = SmallIntAt(t, i, 1, 31)) {  // "5 March 2019"
    if (Free(t, i + 1)) {
      if (int m = MonthOf(t[i + 1].lower)) {
        if (auto y = YearAt(t, i + 2); y && static_cast<unsigned>(*d) <= DaysInMonth(*y, m)) {
          int64_t day = DaysFromCivil(*y, static_cast<unsigned>(m), static_cast<unsigned>(*d)) * kDay;
          return Span{{day, day + kDay - 1}, i, 3, ""};
        }
      }
    }
  }
  if (tok.kind == Kind::kWord) {
    if (!latest) {
      static constexpr std::string_view kRelative[] = {"last", "past", "ytd", "this", "trailing"};
      for (auto w : kRelative) {
        if (tok.lower == w) needs_latest = true;
      }
      return std::nullopt;
    }
    return RelativeAt(t, i, *latest);
  }
  return std::nullopt;
}

std::string Describe(const std::vector<QToken>& t, const Span& s) {
  std::string out;
  for (size_t k = s.first; k < s.first + s.count; ++k) {
    if (!out.empty()) out += ' ';
    out += t[k].text;
  }
  return out;
}

bool IsRangeJoiner(const QToken& tok, bool after_between_or_from) {
  const std::string& w = tok.lower;
  if (w == "to" || w == "until" || w == "till" || w == "through" || w == "thru" || w == "-") return true;
  return after_between_or_from && w == "and";
}

// "February 30, 2019" and "30 February 2019" name no day; read as dates they
// would fall back to "2019". Their three tokens become one word flagged
// not_a_date (the caller notes and ignores it, as for "2019-02-30").
void MarkImpossibleDays(std::vector<QToken>& t) {
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (!Free(t, i) || !Free(t, i + 1) || !Free(t, i + 2)) continue;
    const bool month_first = MonthOf(t[i].lower) != 0;
    const int m = month_first ? MonthOf(t[i].lower) : MonthOf(t[i + 1].lower);
    const auto d = SmallIntAt(t, month_first ? i + 1 : i, 1, 31);
    const auto y = YearAt(t, i + 2);
    if (!m || !d || !y || static_cast<unsigned>(*d) <= DaysInMonth(*y, m)) continue;
    t[i].kind = Kind::kWord;
    t[i].text = month_first ? t[i].text + " " + t[i + 1].text + ", " + t[i + 2].text
                            : t[i].text + " " + t[i + 1].text + " " + t[i + 2].text;
    t[i].lower = ToLower(t[i].text);
    t[i].not_a_date = true;
    t[i + 1].consumed = t[i + 2].consumed = true;
  }
}

}  // namespace

std::vector<DateRange> ExtractDates(std::vector<QToken>& tokens, std::optional<int64_t> latest_ts,
                                    std::vector<std::string>& notes) {
  MarkImpossibleDays(tokens);
  std::vector<Span> spans;
  bool needs_latest = false;
  for (size_t i = 0; i < tokens.size();) {
    auto span = DateAt(tokens, i, latest_ts, needs_latest);
    if (!span) {
      ++i;
      continue;
    }
    span->what = Describe(tokens, *span);
    Consume(tokens, span->first, span->count);
    i = span->first + span->count;
    spans.push_back(std::move(*span));
  }
  if (needs_latest && spans.empty()) notes.push_back("date: relative period ignored (no latest bar)");

  std::vector<DateRange> out;
  for (size_t k = 0; k < spans.size(); ++k) {
    const Span& s = spans[k];
    size_t before = s.first;  // index of the word before the span, if any
    std::string_view prefix = before > 0 && !tokens[before - 1].consumed ? tokens[before - 1].lower
                                                                         : std::string_view();
    bool from_between = prefix == "from" || prefix == "between";
    size_t gap = s.first + s.count;
    if (k + 1 < spans.size() && spans[k + 1].first == gap + 1 &&
        IsRangeJoiner(tokens[gap], from_between)) {
      const Span& e = spans[k + 1];
      if (*e.range.end < *s.range.start) {
        out.push_back({e.range.start, s.range.end});  // "from 2019 to 2017": the same span
      } else {
        out.push_back({s.range.start, e.range.end});
      }
      tokens[gap].consumed = true;
      if (from_between) tokens[before - 1].consumed = true;
      notes.push_back("date: " + s.what + " to " + e.what);
      ++k;
      continue;
    }
    if (prefix == "since" || prefix == "after" || prefix == "from") {
      out.push_back({prefix == "after" ? *s.range.end + 1 : *s.range.start, std::nullopt});
      tokens[before - 1].consumed = true;
      notes.push_back("date: " + std::string(prefix) + " " + s.what);
    } else if (prefix == "before") {
      out.push_back({std::nullopt, *s.range.start - 1});
      tokens[before - 1].consumed = true;
      notes.push_back("date: before " + s.what);
    } else if (prefix == "until" || prefix == "till" || prefix == "through") {
      out.push_back({std::nullopt, s.range.end});
      tokens[before - 1].consumed = true;
      notes.push_back("date: until " + s.what);
    } else {
      out.push_back(s.range);
      notes.push_back("date: " + s.what);
    }
  }
  return out;
}

}  // namespace ohlcv::question_internal
